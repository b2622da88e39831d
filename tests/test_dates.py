"""DATE mentions resolved against the publication date."""
from datetime import date

import pytest

from pipeline.dates import find_dates

PUB = date(2025, 3, 12)


def _one(text, pub=PUB):
    found = find_dates(text, pub)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, value, start, end, grain",
    [
        ("2024年10月30日", "2024-10-30", date(2024, 10, 30), date(2024, 10, 30), "day"),
        ("2024年9月", "2024-09", date(2024, 9, 1), date(2024, 9, 30), "month"),
        ("2024年", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("2024年度", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("二〇二四年", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("20240307", "2024-03-07", date(2024, 3, 7), date(2024, 3, 7), "day"),
        ("2010-01-29", "2010-01-29", date(2010, 1, 29), date(2010, 1, 29), "day"),
        ("3月11日", "2025-03-11", date(2025, 3, 11), date(2025, 3, 11), "day"),
        ("十二月三十一日", "2024-12-31", date(2024, 12, 31), date(2024, 12, 31), "day"),
        ("今年", "2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
        ("去年", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("上年", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("明年", "2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("过去一年", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("过去的一年", "2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("上半年", "2025-H1", date(2025, 1, 1), date(2025, 6, 30), "half"),
        ("去年下半年", "2024-H2", date(2024, 7, 1), date(2024, 12, 31), "half"),
        ("一季度", "2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "quarter"),
        ("2024年第四季度", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "quarter"),
        ("前三季度", "2025-Q1/2025-Q3", date(2025, 1, 1), date(2025, 9, 30), "quarter"),
        ("年初", "2025-01", date(2025, 1, 1), date(2025, 1, 31), "month"),
        ("年底", "2025-12", date(2025, 12, 1), date(2025, 12, 31), "month"),
        ("2024年底", "2024-12", date(2024, 12, 1), date(2024, 12, 31), "month"),
        ("本月", "2025-03", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("上月", "2025-02", date(2025, 2, 1), date(2025, 2, 28), "month"),
        ("今天", "2025-03-12", date(2025, 3, 12), date(2025, 3, 12), "day"),
        ("昨天", "2025-03-11", date(2025, 3, 11), date(2025, 3, 11), "day"),
        ("11日", "2025-03-11", date(2025, 3, 11), date(2025, 3, 11), "day"),
        ("本周", "2025-W11", date(2025, 3, 10), date(2025, 3, 16), "week"),
        ("本周三", "2025-03-12", date(2025, 3, 12), date(2025, 3, 12), "day"),
        ("上周一", "2025-03-03", date(2025, 3, 3), date(2025, 3, 3), "day"),
        ("星期日", "2025-03-16", date(2025, 3, 16), date(2025, 3, 16), "day"),
        ("下周末", "2025-W12-WE", date(2025, 3, 22), date(2025, 3, 23), "weekend"),
        ("周一至周五", "2025-03-10/2025-03-14", date(2025, 3, 10), date(2025, 3, 14), "day"),
        ("本月十日", "2025-03-10", date(2025, 3, 10), date(2025, 3, 10), "day"),
        ("八月十五", "2025-08-15", date(2025, 8, 15), date(2025, 8, 15), "day"),
        ("6月底", "2025-06", date(2025, 6, 1), date(2025, 6, 30), "month"),
        ("08年", "2008", date(2008, 1, 1), date(2008, 12, 31), "year"),
        ("零八年", "2008", date(2008, 1, 1), date(2008, 12, 31), "year"),
        ("80年代", "198X", date(1980, 1, 1), date(1989, 12, 31), "decade"),
        ("上世纪90年代", "199X", date(1990, 1, 1), date(1999, 12, 31), "decade"),
        ("十九世纪七十年代", "187X", date(1870, 1, 1), date(1879, 12, 31), "decade"),
        ("2024年1月至9月", "2024-01/2024-09", date(2024, 1, 1), date(2024, 9, 30), "month"),
        ("2016年至2018年", "2016/2018", date(2016, 1, 1), date(2018, 12, 31), "year"),
        ("2010-2012年", "2010/2012", date(2010, 1, 1), date(2012, 12, 31), "year"),
        ("公元330年", "0330", date(330, 1, 1), date(330, 12, 31), "year"),
        ("公元前221年", "-0220", None, None, "year"),
        ("1月10日至12日", "2025-01-10/2025-01-12", date(2025, 1, 10), date(2025, 1, 12), "day"),
        ("一月十日到十二日", "2025-01-10/2025-01-12", date(2025, 1, 10), date(2025, 1, 12), "day"),
    ],
)
def test_resolves_against_pub_date(text, value, start, end, grain):
    found = _one(text)
    assert (found.text, found.date_value, found.date_start, found.date_end, found.grain) == (
        text, value, start, end, grain)


def test_partial_date_takes_the_nearest_year():
    assert _one("12月28日", date(2025, 1, 5)).date_value == "2024-12-28"
    assert _one("1月3日", date(2024, 12, 30)).date_value == "2025-01-03"


def test_without_pub_date_missing_parts_stay_unknown():
    found = _one("3月11日", None)
    assert (found.date_value, found.date_start, found.date_end) == ("XXXX-03-11", None, None)
    assert _one("今年", None).date_value == "XXXX"
    absolute = _one("2024年10月30日", None)
    assert absolute.date_start == date(2024, 10, 30)


@pytest.mark.parametrize("text", ["6个月", "十年", "2月30日", "2019年2月29日", "30日内", "当时", "新时代",
                                  "周一鸣说", "每周一", "一周一次", "周末", "新年初二", "三年级"])
def test_not_dates(text):
    assert find_dates(text, PUB) == []
