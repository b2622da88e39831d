from datetime import date
from decimal import Decimal

from pipeline.look.summary import RunTotals
from pipeline.types import Document, Measure, Mention, Sentence


def _document(doc_id: str, budget: str, grants: str) -> Document:
    text = "市民政局下达资金2340.8万元，全年预算3亿元。"
    document = Document(doc_id, f"{doc_id}.txt", "txt", "utf_8", date(2025, 3, 12), None, text, "x")
    document.sentences = [Sentence(f"{doc_id}-s1", f"{doc_id}-a1", 1, 0, len(text), text)]
    organisation = Mention("ORG", 0, 4, "市民政局", "rules", norm="阳泉市民政局")
    grants_money = Mention("MONEY", 8, 16, "2340.8万元", "numeric", value=Decimal(grants), currency="CNY")
    budget_money = Mention("MONEY", 21, 24, "3亿元", "numeric", value=Decimal(budget), currency="CNY")
    document.mentions = [organisation, grants_money, budget_money]
    document.measures = [_level(grants_money, f"{doc_id}-s1", "资金"), _level(budget_money, f"{doc_id}-s1", "预算")]
    return document


def _level(number: Mention, sentence_id: str, indicator: str) -> Measure:
    return Measure(number, sentence_id, indicator, None, None, "level", None, None, False, "2025", None, None, None)


def test_totals_add_figures_of_one_indicator_across_batches_never_across_indicators():
    totals = RunTotals()
    totals.add([_document("d1", "300000000", "23408000")])
    totals.add([_document("d2", "100000000", "1000")])
    assert totals.labels == {"ORG": 2, "MONEY": 4}
    top = totals.organisations()
    assert top[["name", "label", "mentions", "documents"]].values.tolist() == [["阳泉市民政局", "ORG", 2, 2]]
    rows = totals.indicator_totals()[["indicator", "measure_unit", "total", "figures", "documents"]]
    assert rows.values.tolist() == [["预算", "CNY", 400000000.0, 2, 2], ["资金", "CNY", 23409000.0, 2, 2]]


def test_a_run_without_figures_or_names_has_empty_summaries():
    totals = RunTotals()
    document = Document("d", "d.txt", "txt", "utf_8", None, None, "没有数字。", "x")
    totals.add([document])
    assert totals.organisations().empty and totals.indicator_totals().empty
