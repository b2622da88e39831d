"""DATE mentions resolved against the publication date."""
from datetime import date

import pytest

from pipeline.extract.dates.mentions import find_dates

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


# --- dates as people write them ----------------------------------------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end",
    [
        ("合同签于2022 11 23，", "2022 11 23", "2022-11-23", date(2022, 11, 23), date(2022, 11, 23)),
        ("他的履历表上写着1994.01-19入职。", "1994.01-19", "1994-01-19", date(1994, 1, 19), date(1994, 1, 19)),
        ("新学期09-01开学", "09-01", "2025-09-01", date(2025, 9, 1), date(2025, 9, 1)),
        ("回顾“6·30”那场大雨", "6·30", "2025-06-30", date(2025, 6, 30), date(2025, 6, 30)),
        ("1999.08-2002.02在县一中任教", "1999.08-2002.02", "1999-08/2002-02",
         date(1999, 8, 1), date(2002, 2, 28)),
        ("2008.03-2009担任村支书", "2008.03-2009", "2008-03/2009", date(2008, 3, 1), date(2009, 12, 31)),
        ("她15年3月2日来到这里", "15年3月2日", "2015-03-02", date(2015, 3, 2), date(2015, 3, 2)),
        ("九零年9月十号那天下了雪", "九零年9月十号", "1990-09-10", date(1990, 9, 10), date(1990, 9, 10)),
        ("两千零四年八月十五日", "两千零四年八月十五日", "2004-08-15", date(2004, 8, 15), date(2004, 8, 15)),
        ("我们前天到的", "前天", "2025-03-10", date(2025, 3, 10), date(2025, 3, 10)),
        ("后天出发", "后天", "2025-03-14", date(2025, 3, 14), date(2025, 3, 14)),
        ("上周三开的会", "上周三", "2025-03-05", date(2025, 3, 5), date(2025, 3, 5)),
        ("下个月见分晓", "下个月", "2025-04", date(2025, 4, 1), date(2025, 4, 30)),
        ("本周内完成", "本周", "2025-W11", date(2025, 3, 10), date(2025, 3, 16)),
        ("3月12日（星期三）上午", "3月12日（星期三）", "2025-03-12", date(2025, 3, 12), date(2025, 3, 12)),
        ("2009 年 到 2010 年，产量翻番", "2009 年 到 2010 年", "2009/2010", date(2009, 1, 1), date(2010, 12, 31)),
        ("去年本月十日", "去年本月十日", "2024-03-10", date(2024, 3, 10), date(2024, 3, 10)),
        ("会议于13.5.2015召开", "13.5.2015", "2015-05-13", date(2015, 5, 13), date(2015, 5, 13)),
        ("本月最后一个周三开放", "本月最后一个周三", "2025-03-26", date(2025, 3, 26), date(2025, 3, 26)),
        ("最后一个周三开放", "最后一个周三", "2025-03-26", date(2025, 3, 26), date(2025, 3, 26)),
        ("定于五月的最后一个星期五", "五月的最后一个星期五", "2025-05-30", date(2025, 5, 30), date(2025, 5, 30)),
        ("展期10/1/2018-10/7/2018", "10/1/2018-10/7/2018", "2018-01-10/2018-07-10",
         date(2018, 1, 10), date(2018, 7, 10)),
        ("报表日期2018年 十二月", "2018年 十二月", "2018-12", date(2018, 12, 1), date(2018, 12, 31)),
    ],
)
def test_dates_as_people_write_them(sentence, mention, value, start, end):
    found = find_dates(sentence, PUB)
    assert [(m.text, m.date_value, m.date_start, m.date_end) for m in found] == [(mention, value, start, end)]
    assert sentence[found[0].start:found[0].end] == mention


@pytest.mark.parametrize(
    "sentence, mention, value",
    [
        ("春节期间客流创新高", "春节", "2025-01-29"),
        ("国庆节放假七天", "国庆节", "2025-10-01"),
        ("元旦前夕", "元旦", "2025-01-01"),
        ("除夕夜全家团圆", "除夕", "2025-01-28"),  # the eve of 2025's 春节
        ("2024年春节，他没有回家", "2024年春节", "2024-02-10"),
        ("去年中秋节", "去年中秋节", "2024-09-17"),
        ("农历八月十五是中秋", "农历八月十五", "2025-10-06"),  # the one in pub_date's year, as 中秋节
        ("正月初一一早", "正月初一", "2025-01-29"),
        ("民国三年，他出生在这里", "民国三年", "1914"),
        ("康熙三年修的桥", "康熙三年", "1664"),
        ("宣统二年正月初一", "宣统二年正月初一", "1910-02-10"),
    ],
)
def test_festivals_lunar_dates_and_eras_resolve(sentence, mention, value):
    found = find_dates(sentence, PUB)
    assert [(m.text, m.date_value) for m in found] == [(mention, value)]


def test_festivals_without_pub_date_keep_the_unknown_parts():
    assert _one("国庆节", None).date_value == "XXXX-10-01"
    spring = _one("春节", None)
    assert (spring.date_value, spring.date_start) == ("XXXX-XX-XX", None)
    assert _one("15年3月2日", None).date_value == "XXXX-03-02"  # the century is not written


def test_a_lunar_month_is_its_days():
    found = _one("腊月里家家户户忙年", date(2025, 1, 10))
    assert (found.text, found.date_start, found.date_end) == ("腊月", date(2024, 12, 31), date(2025, 1, 28))


@pytest.mark.parametrize("text", [
    "一号井", "3号楼", "他在矿上干了18年", "18年来", "他干了15年3个月", "两千年五百", "三六七年三十人", "三五年", "一二年内", "比分10-12", "3-1获胜",
    "人均1·5公顷地", "发生6·2级地震", "1美元兑7·8港元", "指数收于2019.10点", "增长2012.05%",
    "每年春节", "每逢腊月廿三", "春节联欢晚会", "读初二", "4-4-2阵型",
    "一二年级学生", "电话0351-12345", "五一广场", "作家三毛", "这是最后一次", "最后一个周末", "每月最后一个星期六出版",
    "每年“三八”妇女节", "回家住上一个月",
])
def test_not_dates_in_prose(text):
    assert find_dates(text, PUB) == []


def test_the_lunar_table_covers_1900_to_2100_and_agrees_with_published_calendars():
    from pipeline.extract.dates.lunar import lunar_calendar

    lunar = lunar_calendar()
    assert (min(lunar.years), max(lunar.years)) == (1900, 2100)
    assert lunar.to_gregorian(2020, 4, 1, leap=True) == date(2020, 5, 23)  # 闰四月初一
    assert lunar.to_gregorian(2030, 1, 1) == date(2030, 2, 3)
    assert lunar.to_gregorian(2024, 8, 15) == date(2024, 9, 17)
    assert lunar.to_gregorian(2021, 4, 1, leap=True) is None  # 2021 had no leap month
    assert lunar.to_gregorian(1899, 1, 1) is None
    assert _one("2050年春节").date_value == "2050-01-23"


@pytest.mark.parametrize("pub", [None, PUB, date(9999, 12, 31)])
def test_a_year_no_calendar_has_is_no_date(pub):
    # 年三十 (New Year's Eve) may be read where the lunar table reaches pub_date; the year 0 never
    assert not [m for m in find_dates("〇零零年三十又", pub) if m.start == 0]
    assert find_dates("〇〇〇〇年", pub) == []


@pytest.mark.parametrize("text, value", [
    ("上周三", "XXXX-WXX-3"), ("前天", "XXXX-XX-XX"), ("下个月", "XXXX-XX"), ("本周", "XXXX-WXX"),
    ("最后一个周三", "XXXX-XX-WXX-3-L"),
])
def test_relative_dates_without_pub_date_stay_unresolved(text, value):
    found = _one(text, None)
    assert (found.date_value, found.date_start, found.date_end) == (value, None, None)
