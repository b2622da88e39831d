"""Held-out evaluation: NER per label (PD days 28-31, MSRA carved block),
segmenter word F1 (PD days 28-31) and throughput of tokenizer + NER."""
from __future__ import annotations

import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin
from spacy.training import Example

import pipeline.names_features  # noqa: F401

from .corpora import PD_TEST_DAYS, read_pd
from .ner_data import NER_WORK

TEST_SETS = {"pd": NER_WORK / "test_pd.spacy", "msra": NER_WORK / "test_msra.spacy"}


def _prf(scores: dict) -> dict:
    return {"p": round(scores["p"], 4), "r": round(scores["r"], 4), "f": round(scores["f"], 4)}


def evaluate_ner(model_dir: Path) -> dict:
    nlp = spacy.load(model_dir)
    results = {}
    for name, path in TEST_SETS.items():
        gold = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
        started = time.time()
        scores = nlp.evaluate(examples, batch_size=256)
        seconds = time.time() - started
        per_label = {label: _prf(values) for label, values in (scores["ents_per_type"] or {}).items()}
        results[name] = {
            "docs": len(gold),
            "chars": sum(len(d.text) for d in gold),
            "entities": sum(len(d.ents) for d in gold),
            "overall": {"p": round(scores["ents_p"], 4), "r": round(scores["ents_r"], 4), "f": round(scores["ents_f"], 4)},
            "per_label": per_label,
            "seconds": round(seconds, 1),
        }
    return results


def _word_spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for word in words:
        spans.add((pos, pos + len(word)))
        pos += len(word)
    return spans


def evaluate_segmenter(models_dir: Path) -> dict:
    from pipeline.segment import blank_pkuseg_nlp

    nlp = blank_pkuseg_nlp(models_dir)
    paragraphs = [p for p in read_pd() if p.day in PD_TEST_DAYS]
    texts = [p.text for p in paragraphs]
    started = time.time()
    docs = list(nlp.pipe(texts))
    seconds = time.time() - started
    correct = predicted = gold = 0
    for paragraph, doc in zip(paragraphs, docs):
        gold_spans = _word_spans(paragraph.words)
        predicted_spans = {(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space}
        correct += len(gold_spans & predicted_spans)
        predicted += len(predicted_spans)
        gold += len(gold_spans)
    p, r = correct / predicted, correct / gold
    chars = sum(map(len, texts))
    return {"paragraphs": len(texts), "chars": chars, "words": gold, "p": round(p, 4), "r": round(r, 4),
            "f": round(2 * p * r / (p + r), 4), "chars_per_second": round(chars / seconds)}


def benchmark(models_dir: Path, repeats: int = 2) -> dict:
    """chars/s of spaCy's char tokenizer + the name components, one process,
    nlp.pipe over PD test paragraphs (the unit the pipeline hands over is a sentence;
    paragraphs are split at 。！？ to match)."""
    import re

    from pipeline.config import parse_config
    from pipeline.nlp import build_nlp

    sentences = [s for p in read_pd() if p.day in PD_TEST_DAYS for s in re.split(r"(?<=[。！？])", p.text) if s]
    chars = sum(map(len, sentences))
    results = {"sentences": len(sentences), "chars": chars}
    for label, components in (("tokenizer+ner", ["ner"]), ("tokenizer+rules+ner", ["rules", "ner"]),
                              ("tokenizer+rules", ["rules"])):
        config = parse_config({"extract": {"components": components, "models_dir": str(models_dir)},
                               "home": {"province": "山西省", "city": "阳泉市"}})
        nlp = build_nlp(config)
        list(nlp.pipe(sentences[:200]))  # warm up
        best = 0.0
        for _ in range(repeats):
            started = time.time()
            for _doc in nlp.pipe(sentences, batch_size=256):
                pass
            best = max(best, chars / (time.time() - started))
        results[label] = round(best)
    return results
