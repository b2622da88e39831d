"""Converts PD 1998 and MSRA into spaCy DocBins (character tokens) and the lexicon.

Splits: PD days 1-26 train, day 27 dev, days 28-31 test; MSRA carved in
contiguous blocks (see corpora.msra_split).  MSRA marks one-character place
abbreviations (中 and 美 in 中美, 华 in 华人: 6,008 of its 36,828 places); People's
Daily never does, and the pipeline drops them (ENTITIES.md names places), so
they are not entities in the model's data: the two corpora then teach one
convention.  The MSRA test block is written both ways (test_msra, and
test_msra_raw with MSRA's own marks) so the card can report either.  The lexicon (words of 2-4
characters from the PD training days) feeds the model's word-boundary feature.
"""
from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

from .corpora import WORK, CharSentence, msra_split, pd_split, read_msra, read_pd

NER_WORK = WORK / "ner"
LEXICON = NER_WORK / "lexicon.txt"
_NOT_A_WORD = re.compile(r"[0-9A-Za-z\W_]")


def _to_doc(nlp, text: str, entities: list[tuple[int, int, str]]) -> tuple[Doc, int]:
    doc = nlp.make_doc(text)
    spans = []
    lost = 0
    for start, end, label in entities:
        span = doc.char_span(start, end, label=label)
        if span is None:
            lost += 1
        else:
            spans.append(span)
    doc.ents = spacy.util.filter_spans(spans)
    return doc, lost


def build_ner_data() -> dict:
    NER_WORK.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("zh")
    bins = {name: DocBin() for name in ("train", "dev", "test_pd", "test_msra", "test_msra_raw")}
    stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    word_counts: collections.Counter = collections.Counter()
    for paragraph in read_pd():
        part = pd_split(paragraph)
        name = "test_pd" if part == "test" else part
        doc, lost = _to_doc(nlp, paragraph.text, paragraph.entities)
        bins[name].add(doc)
        _count(stats[name], doc, lost, "pd")
        if part == "train":
            word_counts.update(w for w in paragraph.words if 2 <= len(w) <= 4 and not _NOT_A_WORD.search(w))
    msra = list(read_msra())
    for index, sentence in enumerate(msra):
        part = msra_split(index, len(msra))
        name = "test_msra" if part == "test" else part
        if part == "test":
            bins["test_msra_raw"].add(_to_doc(nlp, sentence.text, sentence.entities)[0])
        doc, lost = _to_doc(nlp, sentence.text, without_one_char_places(sentence.entities))
        bins[name].add(doc)
        _count(stats[name], doc, lost, "msra")
    for name, docbin in bins.items():
        docbin.to_disk(NER_WORK / f"{name}.spacy")
    LEXICON.write_text("\n".join(sorted(word_counts)) + "\n", encoding="utf-8")
    summary = {name: dict(counter) for name, counter in stats.items()}
    summary["lexicon_words"] = len(word_counts)
    (NER_WORK / "data_stats.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    return summary


def without_one_char_places(entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [(start, end, label) for start, end, label in entities if not (label == "PLACE" and end - start == 1)]


def _count(counter: collections.Counter, doc: Doc, lost: int, corpus: str) -> None:
    counter[f"{corpus}_docs"] += 1
    counter[f"{corpus}_chars"] += len(doc.text)
    counter[f"{corpus}_lost_spans"] += lost
    for ent in doc.ents:
        counter[f"{corpus}_{ent.label_}"] += 1


if __name__ == "__main__":
    print(json.dumps(build_ner_data(), ensure_ascii=False, indent=1))
