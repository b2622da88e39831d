"""pipeline.look.evaluate on small cases, the sample page's gold file, and the accuracy floor.

The floor test extracts the sample page by calling the stages directly (no
Prefect start-up) with whichever configured components are installed, and
scores it against tests/gold/sample_page.gold.jsonl.
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.config import load_config, parse_config
from pipeline.look.evaluate import LABELS, GoldError, evaluate, format_report, load_gold, value_matches
from tests.conftest import ROOT, SAMPLE_PAGE

GOLD = ROOT / "tests" / "gold" / "sample_page.gold.jsonl"

# Measured on 2026-11-29 after the name clean-up of issue #4 (floors sit a little below):
# numeric: F1 DATE, MONEY, QUANTITY 1.000.
# rules without the model: ORG 0.950, GPE 0.950, LOC 0.941 (PERSON 0.267: rules find bylines only).
# rules + ner (the BiLSTM-CRF of 2026-12-02, measured 2026-12-03): ORG, PERSON, LOC 1.000,
# GPE 0.952: two places the model reads that are none, 颐康医 (out of the care home 颐康医养,
# a word the word model does not know, so no boundary check fires) and the quoted metaphor
# “连心桥” (a rule against quoted places lost 123 right for 15 wrong on the dev splits).
F1_FLOORS = {
    "numeric": {"DATE": 0.95, "MONEY": 0.95, "QUANTITY": 0.93},
    "names": {"ORG": 0.94, "GPE": 0.93, "LOC": 0.92},
    "names_with_model": {"ORG": 0.98, "PERSON": 0.98, "GPE": 0.95, "LOC": 0.96},
}
VALUE_FLOORS = {"numeric": {"DATE": 0.95, "MONEY": 0.95, "QUANTITY": 0.93}, "names": {"ORG": 0.9, "GPE": 0.9},
                "names_with_model": {"ORG": 0.98, "PERSON": 0.98, "GPE": 0.98, "LOC": 0.98}}


# --- small cases ---------------------------------------------------------------------


def gold_row(label: str, text: str, start: int, **values: Any) -> dict[str, Any]:
    return {"doc_id": "d1", "label": label, "text": text, "start": start, "end": start + len(text), **values}


def predictions(*rows: dict[str, Any]) -> pd.DataFrame:
    columns = ["doc_id", "label", "text", "start", "end", "norm", "value", "value_max", "unit", "currency",
               "qualifier", "date_value", "date_start", "date_end", "grain"]
    return pd.DataFrame([{"doc_id": "d1", **row} for row in rows], columns=columns)


def test_exact_span_and_label_make_a_hit_anything_else_a_miss_and_a_false_positive():
    gold = [gold_row("ORG", "市民政局", 10), gold_row("GPE", "我市", 0)]
    report = evaluate(gold, predictions(
        {"label": "ORG", "text": "市民政局", "start": 10, "end": 14},
        {"label": "ORG", "text": "我市", "start": 0, "end": 2},       # right span, wrong label
        {"label": "ORG", "text": "民政局", "start": 11, "end": 14}))   # overlapping a hit: still wrong
    assert (report.labels["ORG"].tp, report.labels["ORG"].fp, report.labels["ORG"].fn) == (1, 2, 0)
    assert (report.labels["GPE"].tp, report.labels["GPE"].fn) == (0, 1)
    assert report.labels["ORG"].precision == pytest.approx(1 / 3)
    assert report.labels["GPE"].recall == 0.0
    assert report.micro.tp == 1 and report.micro.fp == 2 and report.micro.fn == 1
    assert [row["text"] for row in report.misses] == ["我市"]


def test_optional_rows_are_never_missed_and_never_punish_a_prediction_on_them():
    gold = [gold_row("GPE", "全市", 0, optional=True), gold_row("LOC", "雄安新区", 5, optional=True),
            gold_row("DATE", "2024年", 20, date_value="2024")]
    report = evaluate(gold, predictions(
        {"label": "GPE", "text": "全市", "start": 0, "end": 2},        # on an optional row: neutral
        {"label": "GPE", "text": "雄安", "start": 5, "end": 7},        # overlaps an optional row: neutral
        {"label": "DATE", "text": "2024年", "start": 20, "end": 25, "date_value": "2024"}))
    assert report.micro.fn == 0 and report.micro.fp == 0 and report.micro.tp == 1
    assert report.n_neutral == 2 and report.n_optional == 2 and report.n_gold == 1


def test_a_prediction_across_an_optional_and_a_required_row_counts_against():
    gold = [gold_row("GPE", "全市", 0, optional=True), gold_row("ORG", "养老学院", 2)]
    report = evaluate(gold, predictions({"label": "ORG", "text": "全市养老学院", "start": 0, "end": 6}))
    assert report.labels["ORG"].fp == 1 and report.labels["ORG"].fn == 1


def test_values_are_checked_for_each_column_the_gold_row_gives():
    gold = [gold_row("MONEY", "3135.7万元", 0, value=31357000, currency="CNY", qualifier=None),
            gold_row("QUANTITY", "一百多人", 20, value=100, unit="人", qualifier="more_than"),
            gold_row("DATE", "3月11日", 30, date_value="2025-03-11", date_start="2025-03-11", grain="day")]
    report = evaluate(gold, predictions(
        {"label": "MONEY", "text": "3135.7万元", "start": 0, "end": 8, "value": 31357000.00001, "currency": "CNY"},
        {"label": "QUANTITY", "text": "一百多人", "start": 20, "end": 24, "value": 100.0, "unit": "人",
         "qualifier": "approx"},
        {"label": "DATE", "text": "3月11日", "start": 30, "end": 35, "date_value": "2025-03-11",
         "date_start": date(2025, 3, 11), "grain": "day", "date_end": date(1999, 1, 1)}))  # date_end not given
    assert report.micro.tp == 3
    assert report.values_by_label["MONEY"].correct == 1            # within 1e-6 relative; null qualifier = empty
    assert report.values_by_label["QUANTITY"].correct == 0         # wrong qualifier
    assert report.values_by_label["DATE"].correct == 1             # date_end unchecked: the gold does not give it
    assert report.values_by_column["qualifier"].checked == 2
    assert report.values_by_column["qualifier"].correct == 1
    assert report.values_by_column["date_end"].checked == 0
    assert report.wrong_values[0]["columns"] == {"qualifier": {"gold": "more_than", "predicted": "approx"}}
    assert "wrong values (1)" in format_report(report)


def test_value_matching_rules():
    assert value_matches("value", 31357000, 31357000.0)
    assert not value_matches("value", 31357000, 31357100.0)
    assert value_matches("qualifier", None, float("nan"))
    assert value_matches("qualifier", None, "")
    assert not value_matches("qualifier", None, "approx")
    assert value_matches("date_start", "2024-01-01", pd.Timestamp("2024-01-01"))
    assert value_matches("norm", "阳泉市", "阳泉市")


def test_documents_are_found_by_source_suffix_and_only_they_are_scored():
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "source": ["data/samples/page.txt", "data/other.txt"]})
    gold = [{"source": "page.txt", "label": "GPE", "text": "我市", "start": 0, "end": 2}]
    found = predictions({"label": "GPE", "text": "我市", "start": 0, "end": 2})
    elsewhere = pd.DataFrame([{"doc_id": "d2", "label": "ORG", "text": "市委", "start": 0, "end": 2}])
    report = evaluate(gold, pd.concat([found, elsewhere], ignore_index=True), documents)
    assert report.micro.tp == 1 and report.micro.fp == 0 and report.n_documents == 1
    with pytest.raises(GoldError, match="matches no document"):
        evaluate([{**gold[0], "source": "missing.txt"}], found, documents)
    with pytest.raises(GoldError, match="2 documents"):
        evaluate([{**gold[0], "source": "txt"}], found,
                 pd.DataFrame({"doc_id": ["a", "b"], "source": ["x/txt", "y/txt"]}))


def test_load_gold_refuses_rows_whose_text_does_not_fit_their_offsets(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"doc_id": "d", "label": "ORG", "text": "市委", "start": 0, "end": 5}) + "\n",
                   encoding="utf-8")
    with pytest.raises(GoldError, match="does not fit"):
        load_gold(bad)


# --- the sample page ---------------------------------------------------------------------


def extract_sample_page(components: list[str]):
    """The sample page through the stages, as `pipeline run` would (without Prefect)."""
    from pipeline.extract.stage import extract_documents
    from pipeline.layout.articles import find_articles
    from pipeline.layout.repair import repair_layout
    from pipeline.layout.sentences import split_sentences
    from pipeline.read.formats import read_input
    from pipeline.read.inputs import discover_inputs
    from pipeline.read.normalize import normalize_text
    from pipeline.types import Document

    base, _ = load_config(ROOT / "configs" / "pipeline.yaml")
    config = parse_config({**base.model_dump(mode="json"), "extract": {"components": components}})
    items, _ = discover_inputs([SAMPLE_PAGE])
    (raw,), _ = read_input(items[0], None)
    layout = repair_layout(normalize_text(raw.text))
    document = Document(doc_id=raw.content_sha256[:16], source=raw.source, source_format=raw.source_format,
                        encoding=raw.encoding, pub_date=raw.pub_date, title=raw.title, text=layout.text,
                        content_sha256=raw.content_sha256, regions=layout.regions)
    articles = find_articles(layout, document.doc_id, document.title)
    document = replace(document, articles=articles,
                       sentences=split_sentences(layout, articles, document.doc_id))
    extract_documents([document], config)
    return document


def installed_components() -> list[str]:
    """The configured components that can be built here (a model may not be trained yet)."""
    from pipeline.extract.nlp import build_nlp

    base, _ = load_config(ROOT / "configs" / "pipeline.yaml")
    usable = []
    for name in base.extract.components:
        try:
            nlp = build_nlp(parse_config({**base.model_dump(mode="json"), "extract": {"components": [name]}}))
        except Exception:  # an untrained model or a module still being written
            continue
        if nlp.pipe_names:
            usable.append(name)
    return usable


@pytest.fixture(scope="module")
def sample_page():
    from pipeline.tables.rows import document_rows, mention_rows

    components = installed_components()
    if not components:
        pytest.skip("no extraction component is installed")
    document = extract_sample_page(components)
    return components, pd.DataFrame(document_rows(document, "test")), pd.DataFrame(mention_rows(document))


def test_the_gold_file_fits_the_page_text(sample_page):
    _, documents, _ = sample_page
    text = documents["text"].iloc[0]
    gold = load_gold(GOLD)
    assert len(gold) > 100
    spans = sorted((row["start"], row["end"]) for row in gold)
    for row in gold:
        assert text[row["start"]:row["end"]] == row["text"], row
        assert row["label"] in LABELS
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:])), "gold spans overlap"


def test_the_sample_page_scores_above_the_floor(sample_page):
    components, documents, entities = sample_page
    report = evaluate(load_gold(GOLD), entities, documents)
    print(format_report(report))
    names = {"rules", "ner"} & set(components)
    groups = {"numeric": "numeric" in components, "names": names == {"rules"},
              "names_with_model": names == {"rules", "ner"}}
    checked = 0
    for group, present in groups.items():
        if not present:
            continue
        for label, floor in F1_FLOORS[group].items():
            assert report.labels[label].f1 >= floor, (label, report.labels[label].as_dict())
            checked += 1
        for label, floor in VALUE_FLOORS[group].items():
            assert report.values_by_label[label].accuracy >= floor, (label, report.values_by_label[label].as_dict())
    assert checked
