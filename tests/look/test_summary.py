from datetime import date
from decimal import Decimal

from pipeline.look.summary import RunTotals
from pipeline.types import Document, Mention, Sentence


def test_money_goes_to_the_nearest_organisation_and_repeats_count_once():
    text = "市民政局下达资金2340.8万元。市民政局下达资金2340.8万元。"
    document = Document("d", "s", "txt", "utf_8", date(2025, 3, 12), None, text, "x")
    document.sentences = [Sentence("d-s1", "d-a1", 1, 0, 17, text[:17]),
                          Sentence("d-s2", "d-a1", 2, 17, 34, text[17:], duplicate_of="d-s1")]
    document.mentions = [
        Mention("ORG", 0, 4, "市民政局", "rules", norm="阳泉市民政局"),
        Mention("MONEY", 8, 16, "2340.8万元", "numeric", value=Decimal("23408000"), currency="CNY"),
        Mention("ORG", 17, 21, "市民政局", "rules", norm="阳泉市民政局"),
        Mention("MONEY", 25, 33, "2340.8万元", "numeric", value=Decimal("23408000"), currency="CNY"),
    ]
    totals = RunTotals()
    totals.add([document])
    assert totals.labels == {"ORG": 2, "MONEY": 2}
    assert totals.organisations == {"阳泉市民政局": 2}
    assert dict(totals.money) == {("阳泉市民政局", "CNY"): Decimal("23408000")}
