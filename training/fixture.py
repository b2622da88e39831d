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
