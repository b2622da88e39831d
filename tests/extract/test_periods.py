"""Periods as statistics and local news write them (issue 22): cumulative months,
quarters, weeks and years counted from pub_date, ranges, 旬 and fuzzy edges.

Every sentence here is written for this file; each case checks the mention's
text and offsets, its label and its first and last day."""
from datetime import date

import pytest

from pipeline.extract.dates.mentions import find_dates
from pipeline.extract.numeric.mentions import extract_numeric

PUB = date(2024, 9, 20)  # a Friday, in ISO week 38


def _dates(sentence, pub=PUB):
    found = find_dates(sentence, pub)
    for m in found:
        assert sentence[m.start:m.end] == m.text
    return [(m.text, m.date_value, m.date_start, m.date_end, m.grain) for m in found]


# --- cumulative months: the period of a figure in a statistics bulletin -------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end",
    [
        ("前8月，全县一般公共预算收入完成4.3亿元", "前8月", "2024-01/2024-08", date(2024, 1, 1), date(2024, 8, 31)),
        ("前8月份全市进出口总额增长3%", "前8月份", "2024-01/2024-08", date(2024, 1, 1), date(2024, 8, 31)),
        ("今年前七个月，我市新增市场主体1.2万户", "今年前七个月", "2024-01/2024-07",
         date(2024, 1, 1), date(2024, 7, 31)),
        ("2023年前九个月，该公司营收同比下降", "2023年前九个月", "2023-01/2023-09",
         date(2023, 1, 1), date(2023, 9, 30)),
        ("去年前两个月的客流不及预期", "去年前两个月", "2023-01/2023-02", date(2023, 1, 1), date(2023, 2, 28)),
        ("1—11月，全市规模以上工业增加值同比增长5.2%", "1—11月", "2024-01/2024-11",
         date(2024, 1, 1), date(2024, 11, 30)),
        ("1-2月全省社会消费品零售总额下降", "1-2月", "2024-01/2024-02", date(2024, 1, 1), date(2024, 2, 29)),
        ("一至八月份，累计完成投资56亿元", "一至八月份", "2024-01/2024-08", date(2024, 1, 1), date(2024, 8, 31)),
        ("2019年3——5月持续干旱", "2019年3——5月", "2019-03/2019-05", date(2019, 3, 1), date(2019, 5, 31)),
        ("今年3至5月降水偏少", "今年3至5月", "2024-03/2024-05", date(2024, 3, 1), date(2024, 5, 31)),
        ("6-8月是汛期", "6-8月", "2024-06/2024-08", date(2024, 6, 1), date(2024, 8, 31)),
    ],
)
def test_cumulative_months_and_runs_of_months(sentence, mention, value, start, end):
    assert _dates(sentence) == [(mention, value, start, end, "month")]


@pytest.mark.parametrize(
    "text, pub, value",
    [
        # a page of January: none of this year's months has passed, so last year's run
        ("1—11月", date(2025, 1, 14), "2024-01/2024-11"),
        ("前8月", date(2025, 1, 14), "2024-01/2024-08"),
        # the whole year's figure is printed in the two months after it
        ("1—12月", date(2025, 2, 10), "2024-01/2024-12"),
        ("1—12月", date(2025, 6, 10), "2025-01/2025-12"),
        ("1-2月", date(2025, 3, 15), "2025-01/2025-02"),
        # a run that does not start in January: the year that puts it nearest
        ("10—12月", date(2025, 1, 14), "2024-10/2024-12"),
        ("3——5月", date(2024, 12, 20), "2025-03/2025-05"),
    ],
)
def test_a_run_without_its_year(text, pub, value):
    assert [m.date_value for m in find_dates(text, pub)] == [value]


def test_runs_without_pub_date_keep_their_months():
    found = find_dates("1—11月", None)
    assert [(m.date_value, m.date_start, m.date_end) for m in found] == [("XXXX-01/XXXX-11", None, None)]


@pytest.mark.parametrize("sentence, mention", [
    ("三年前8月的一天", "8月"),     # 前 belongs to 三年前
    ("此前8月已下达计划", "8月"),
    ("12-3月", "3月"),             # runs backwards: only the month with its 月
])
def test_a_cumulative_word_that_belongs_to_something_else(sentence, mention):
    assert [m.text for m in find_dates(sentence, PUB)] == [mention]


@pytest.mark.parametrize("text", ["前两个月他还在上班", "3-5个月", "比分1-2"])
def test_not_cumulative_months(text):
    assert [m for m in find_dates(text, PUB) if m.date_value and "/" in m.date_value] == []


def test_a_run_of_months_is_one_date_in_the_numeric_stage():
    found = [m for m in extract_numeric("1—11月，全市规模以上工业增加值同比增长5.2%", PUB)]
    assert [(m.label, m.text) for m in found] == [("DATE", "1—11月"), ("PERCENT", "5.2%")]


# --- ranges written with dashes or words ---------------------------------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end",
    [
        ("从2010年——2015年，全县共修路300公里", "2010年——2015年", "2010/2015", date(2010, 1, 1), date(2015, 12, 31)),
        ("自2021-04-06起至2021-04-09止，暂停办理", "2021-04-06起至2021-04-09", "2021-04-06/2021-04-09",
         date(2021, 4, 6), date(2021, 4, 9)),
        # a date without its year takes the year that puts it nearest to pub_date
        ("2月5日至3月12日开展专项整治", "2月5日至3月12日", "2025-02-05/2025-03-12",
         date(2025, 2, 5), date(2025, 3, 12)),
        # and the end of a range runs on from its start
        ("11月25日至1月10日封闭施工", "11月25日至1月10日", "2024-11-25/2025-01-10",
         date(2024, 11, 25), date(2025, 1, 10)),
    ],
)
def test_ranges_with_dashes_and_words(sentence, mention, value, start, end):
    assert [row[:4] for row in _dates(sentence)] == [(mention, value, start, end)]


# --- quarters relative to pub_date ------------------------------------------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end",
    [
        ("本季度全市计划开工项目42个", "本季度", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("上个季度的用电量有所回落", "上个季度", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("下一季度将启动二期工程", "下一季度", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("首季度实现开门红", "首季度", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2023年首季度出口回升", "2023年首季度", "2023-Q1", date(2023, 1, 1), date(2023, 3, 31)),
    ],
)
def test_quarters_relative_to_the_day(sentence, mention, value, start, end):
    assert _dates(sentence) == [(mention, value, start, end, "quarter")]


def test_the_quarter_before_the_first_is_last_years_fourth():
    assert [m.date_value for m in find_dates("上个季度", date(2025, 2, 1))] == ["2024-Q4"]
    assert [m.date_value for m in find_dates("本季度", None)] == ["XXXX-QX"]


def test_a_first_crop_is_no_quarter():
    assert find_dates("首季水稻试种成功", PUB) == []


# --- months, weeks and days relative to pub_date ----------------------------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end, grain",
    [
        ("当月全市空气优良天数为26天", "当月", "2024-09", date(2024, 9, 1), date(2024, 9, 30), "month"),
        ("上一个月的降水量偏多", "上一个月", "2024-08", date(2024, 8, 1), date(2024, 8, 31), "month"),
        ("本周全市将迎来降温", "本周", "2024-W38", date(2024, 9, 16), date(2024, 9, 22), "week"),
        ("上一周，全市共查处违法车辆300辆", "上一周", "2024-W37", date(2024, 9, 9), date(2024, 9, 15), "week"),
        ("下个星期开始报名", "下个星期", "2024-W39", date(2024, 9, 23), date(2024, 9, 29), "week"),
        ("本月第3周起实行错峰上班", "本月第3周", "2024-09-W03", date(2024, 9, 16), date(2024, 9, 22), "week"),
        ("六月第二周，全县组织了防汛演练", "六月第二周", "2024-06-W02", date(2024, 6, 10), date(2024, 6, 16), "week"),
        ("第20周，全省疫情平稳", "第20周", "2024-W20", date(2024, 5, 13), date(2024, 5, 19), "week"),
        ("2021年的第一周，他在工地度过", "2021年的第一周", "2021-W01", date(2021, 1, 4), date(2021, 1, 10), "week"),
        ("下周五召开听证会", "下周五", "2024-09-27", date(2024, 9, 27), date(2024, 9, 27), "day"),
        ("定于十月的第二个周四开幕", "十月的第二个周四", "2024-10-10", date(2024, 10, 10), date(2024, 10, 10), "day"),
        ("本月第二个星期一体检", "本月第二个星期一", "2024-09-09", date(2024, 9, 9), date(2024, 9, 9), "day"),
        ("周一，市委召开常委会", "周一", "2024-09-16", date(2024, 9, 16), date(2024, 9, 16), "day"),
        ("本日起暂停营业", "本日", "2024-09-20", date(2024, 9, 20), date(2024, 9, 20), "day"),
        ("4月9号签的合同", "4月9号", "2024-04-09", date(2024, 4, 9), date(2024, 4, 9), "day"),
        ("十一月25号截止", "十一月25号", "2024-11-25", date(2024, 11, 25), date(2024, 11, 25), "day"),
        ("28日晚，县城降下大雨", "28日", "2024-09-28", date(2024, 9, 28), date(2024, 9, 28), "day"),
    ],
)
def test_months_weeks_and_days_relative_to_the_day(sentence, mention, value, start, end, grain):
    assert _dates(sentence) == [(mention, value, start, end, grain)]


def test_that_month_is_the_month_last_named_in_its_sentence():
    assert _dates("8月5日召开动员会，当月完成签约") == [
        ("8月5日", "2024-08-05", date(2024, 8, 5), date(2024, 8, 5), "day"),
        ("当月", "2024-08", date(2024, 8, 1), date(2024, 8, 31), "month"),
    ]
    # a sentence end between them: pub_date's month
    assert _dates("8月5日召开动员会。当月完成签约")[1][1] == "2024-09"


@pytest.mark.parametrize("text", [
    "回家住上一个月", "在医院等上一周", "开学第一周", "活动的第一周", "纪念建馆第20周年", "每月第二个周四",
    "每逢单月的第一个星期六", "这本日记", "日本日立公司", "成本日益上升", "每月月底", "12号",
])
def test_not_these_weeks_months_or_days(text):
    assert find_dates(text, PUB) == []


def test_a_week_past_the_months_end_is_not_the_months():
    # no fifth Thursday in September 2024: the month alone is read
    assert [m.text for m in find_dates("九月第五周", PUB)] == ["九月"]
    assert [m.date_value for m in find_dates("十月第五周", PUB)] == ["2024-10-W05"]


# --- 旬: the thirds of a month -------------------------------------------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end",
    [
        ("上旬，全县完成秋播", "上旬", "2024-09-01/2024-09-10", date(2024, 9, 1), date(2024, 9, 10)),
        ("中旬以后气温回落", "中旬", "2024-09-11/2024-09-20", date(2024, 9, 11), date(2024, 9, 20)),
        ("下旬将迎来降雨", "下旬", "2024-09-21/2024-09-30", date(2024, 9, 21), date(2024, 9, 30)),
        ("2024年2月下旬", "2024年2月下旬", "2024-02-21/2024-02-29", date(2024, 2, 21), date(2024, 2, 29)),
        ("上月中旬开工", "上月中旬", "2024-08-11/2024-08-20", date(2024, 8, 11), date(2024, 8, 20)),
        ("8月中下旬是高峰", "8月中下旬", "2024-08-11/2024-08-31", date(2024, 8, 11), date(2024, 8, 31)),
        ("2024年3月上旬至4月中旬", "2024年3月上旬至4月中旬", "2024-03-01/2024-04-20",
         date(2024, 3, 1), date(2024, 4, 20)),
    ],
)
def test_thirds_of_a_month(sentence, mention, value, start, end):
    assert _dates(sentence) == [(mention, value, start, end, "day")]


def test_a_third_alone_is_of_the_month_named_before_it():
    assert _dates("去年12月，县里开始筹备，下旬完成验收")[1][1:4] == (
        "2023-12-21/2023-12-31", date(2023, 12, 21), date(2023, 12, 31))


# --- years counted from pub_date, centuries, two-digit years -------------------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end, grain",
    [
        ("五年前，这里还是一片荒滩", "五年前", "2019", date(2019, 1, 1), date(2019, 12, 31), "year"),
        ("比10年前增长了三倍", "10年前", "2014", date(2014, 1, 1), date(2014, 12, 31), "year"),
        ("预计两年后建成通车", "两年后", "2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("两年后将建成通车", "两年后", "2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("两年后", "两年后", "2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("前三年，全县累计脱贫1.2万人", "前三年", "2021/2023", date(2021, 1, 1), date(2023, 12, 31), "year"),
        ("增速低于前两年", "前两年", "2022/2023", date(2022, 1, 1), date(2023, 12, 31), "year"),
        ("今明两年是攻坚期", "今明两年", "2024/2025", date(2024, 1, 1), date(2025, 12, 31), "year"),
        ("二十世纪八十年代的老厂房", "二十世纪八十年代", "198X", date(1980, 1, 1), date(1989, 12, 31), "decade"),
        ("20世纪70年代建成的水库", "20世纪70年代", "197X", date(1970, 1, 1), date(1979, 12, 31), "decade"),
        ("这座教堂建于19世纪", "19世纪", "18XX", date(1800, 1, 1), date(1899, 12, 31), "century"),
        ("上世纪末，这里还没有公路", "上世纪末", "199X", date(1990, 1, 1), date(1999, 12, 31), "decade"),
        ("本世纪初兴建的大桥", "本世纪初", "200X", date(2000, 1, 1), date(2009, 12, 31), "decade"),
        ("18年，他考上了县一中", "18年", "2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
        ("早在18年，村里就通了网", "18年", "2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
        ("18年上半年，全县财政收入增长", "18年上半年", "2018-H1", date(2018, 1, 1), date(2018, 6, 30), "half"),
        ("18年前三季度的数据", "18年前三季度", "2018-Q1/2018-Q3", date(2018, 1, 1), date(2018, 9, 30), "quarter"),
    ],
)
def test_years_counted_from_the_day(sentence, mention, value, start, end, grain):
    assert _dates(sentence) == [(mention, value, start, end, grain)]


@pytest.mark.parametrize("text", [
    "他在矿上干了18年", "18年来", "经营期限15年—30年", "在50年的办报实践中", "阔别5年后重新露面",
    "两年后，他又回到了村里", "退休前三年", "多年前", "三五年前", "21世纪经济报道", "第18年",
])
def test_not_years_from_the_day(text):
    assert [m for m in find_dates(text, PUB) if m.grain in ("year", "century")] == []


def test_festivals_and_new_years_eve_of_a_given_year():
    assert [(m.text, m.date_value) for m in find_dates("妇女节、劳动节、儿童节、建军节和教师节", PUB)] == [
        ("妇女节", "2024-03-08"), ("劳动节", "2024-05-01"), ("儿童节", "2024-06-01"),
        ("建军节", "2024-08-01"), ("教师节", "2024-09-10")]
    assert [(m.text, m.date_value) for m in find_dates("2023年大年三十", PUB)] == [("2023年大年三十", "2023-01-21")]
    assert [(m.text, m.date_value) for m in find_dates("2024年除夕", PUB)] == [("2024年除夕", "2024-02-09")]


# --- days listed with commas ---------------------------------------------------------


def test_days_listed_after_a_date_share_its_month():
    assert _dates("6月3号、4号、5号连续三天降雨") == [
        ("6月3号", "2024-06-03", date(2024, 6, 3), date(2024, 6, 3), "day"),
        ("4号", "2024-06-04", date(2024, 6, 4), date(2024, 6, 4), "day"),
        ("5号", "2024-06-05", date(2024, 6, 5), date(2024, 6, 5), "day"),
    ]
    assert [m.date_value for m in find_dates("2月21日和22日举行", PUB)] == ["2025-02-21", "2025-02-22"]
    assert [m.text for m in find_dates("6月3号、5号楼停水", PUB)] == ["6月3号"]


# --- fuzzy bounds: the calendar unit one step finer that holds the edge ------------


@pytest.mark.parametrize(
    "sentence, mention, value, start, end, grain",
    [
        ("2025年底前全面完成", "2025年底", "2025-12", date(2025, 12, 1), date(2025, 12, 31), "month"),
        ("年初以来，全市新增就业8000人", "年初", "2024-01", date(2024, 1, 1), date(2024, 1, 31), "month"),
        ("今年伊始，项目正式开工", "今年伊始", "2024-01", date(2024, 1, 1), date(2024, 1, 31), "month"),
        ("2023年伊始就开始筹备", "2023年伊始", "2023-01", date(2023, 1, 1), date(2023, 1, 31), "month"),
        ("月初，县里召开了部署会", "月初", "2024-09", date(2024, 9, 1), date(2024, 9, 30), "month"),
        ("6月底前完成验收", "6月底", "2024-06", date(2024, 6, 1), date(2024, 6, 30), "month"),
        ("上月底已完工", "上月底", "2024-08", date(2024, 8, 1), date(2024, 8, 31), "month"),
    ],
)
def test_fuzzy_bounds(sentence, mention, value, start, end, grain):
    assert _dates(sentence) == [(mention, value, start, end, grain)]


def test_a_deadline_is_the_date_not_a_duration():
    found = extract_numeric("到2025年底，全市新建5G基站2000个", PUB)
    assert [(m.label, m.text, m.date_value, m.date_start, m.date_end) for m in found] == [
        ("DATE", "2025年底", "2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("QUANTITY", "2000个", None, None, None),
    ]
