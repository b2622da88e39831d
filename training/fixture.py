"""A small held-out slice for the CI accuracy floor (tests/fixtures/names_heldout.jsonl).

A few hundred short texts from the *test* parts only (PD days 28-31, the MSRA
held-out block): an excerpt for testing, not the corpora.
"""
from __future__ import annotations

import json

from spacy.tokens import DocBin
from spacy.vocab import Vocab

from .corpora import PROJECT_ROOT
from .evaluate import TEST_SETS

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "names_heldout.jsonl"
PER_CORPUS = 120
MAX_CHARS = 80


def write_fixture() -> int:
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for corpus, path in TEST_SETS.items():
        docs = [d for d in DocBin().from_disk(path).get_docs(Vocab()) if 15 <= len(d.text) <= MAX_CHARS and d.ents]
        step = max(1, len(docs) // PER_CORPUS)
        for doc in docs[::step][:PER_CORPUS]:
            rows.append({"corpus": corpus, "text": doc.text,
                         "entities": [[e.start_char, e.end_char, e.label_] for e in doc.ents]})
    with open(FIXTURE, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


FLOORS = PROJECT_ROOT / "tests" / "fixtures" / "names_floor.json"
FLOOR_MARGIN = 0.05  # what a retrain may lose before CI complains


def fixture_f1(models_dir) -> dict[str, float]:
    """Per-label F1 of the packaged model on the fixture slice (as tests/test_names.py counts it)."""
    from pipeline.names import load_name_model

    model = load_name_model(str(models_dir))
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    counts: dict[str, list[int]] = {label: [0, 0, 0] for label in ("ORG", "PERSON", "PLACE")}
    for row, doc in zip(rows, model.pipe([r["text"] for r in rows])):
        gold = {tuple(e) for e in row["entities"]}
        predicted = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        for label, c in counts.items():
            g = {e for e in gold if e[2] == label}
            p = {e for e in predicted if e[2] == label}
            c[0] += len(g & p)
            c[1] += len(p)
            c[2] += len(g)
    return {label: (2 * tp / (np_ + ng) if np_ + ng else 1.0) for label, (tp, np_, ng) in counts.items()}


def write_floors(models_dir) -> dict[str, float]:
    floors = {label: round(max(0.0, f1 - FLOOR_MARGIN), 2) for label, f1 in fixture_f1(models_dir).items()}
    FLOORS.write_text(json.dumps(floors, indent=1) + "\n")
    return floors
