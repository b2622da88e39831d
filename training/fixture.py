"""A small held-out slice for the CI accuracy floor (tests/fixtures/names_heldout.jsonl).

A few hundred short texts from the *test* parts only (PD days 28-31, the MSRA
and CLUENER held-out blocks): an excerpt for testing, not the corpora.
"""
from __future__ import annotations

import json

from .corpora import PROJECT_ROOT
from .names_data import held_out_sets
from .names_train import score_spans

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "names_heldout.jsonl"
FIXTURE_CORPORA = ("pd", "msra", "cluener")
PER_CORPUS = 120
MAX_CHARS = 80


def write_fixture() -> int:
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    sets = held_out_sets()
    rows = []
    for corpus in FIXTURE_CORPORA:
        pairs = [(text, gold) for text, gold in sets[corpus] if 15 <= len(text) <= MAX_CHARS and gold]
        step = max(1, len(pairs) // PER_CORPUS)
        for text, gold in pairs[::step][:PER_CORPUS]:
            rows.append({"corpus": corpus, "text": text, "entities": [list(e) for e in sorted(gold)]})
    with open(FIXTURE, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


FLOORS = PROJECT_ROOT / "tests" / "fixtures" / "names_floor.json"
FLOOR_MARGIN = 0.05  # what a retrain may lose before CI complains


def fixture_f1(models_dir) -> dict[str, float]:
    """Per-label F1 of the packaged model on the fixture slice (as tests/test_names.py counts it)."""
    from pipeline.extract.names.statistical import load_name_model

    model = load_name_model(str(models_dir))
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    found = model([r["text"] for r in rows])
    scores = score_spans([{tuple(e) for e in r["entities"]} for r in rows], [set(f) for f in found],
                         ("ORG", "PERSON", "PLACE"))
    return {label: s["f"] for label, s in scores["per_label"].items()}


def write_floors(models_dir) -> dict[str, float]:
    floors = {label: round(max(0.0, f1 - FLOOR_MARGIN), 2) for label, f1 in fixture_f1(models_dir).items()}
    FLOORS.write_text(json.dumps(floors, indent=1) + "\n")
    return floors
