"""MONEY / PERCENT / QUANTITY / DATE extraction: values, spans and precision."""
from datetime import date
from decimal import Decimal

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numeric.mentions import extract_numeric
from pipeline.read.normalize import normalize_text
from tests.conftest import SAMPLE_PAGE

PUB = date(2025, 3, 12)

# The extractors read normalized text (offsets refer to it; full-width digits are
# folded once, there): every input below goes through normalize_text first, as a
# document's text does.


def _row(m):
    if m.label == "DATE":
        return ("DATE", m.text, m.date_value, m.grain)
    return (m.label, m.text, f"{m.value.normalize():f}", m.unit, m.currency, m.qualifier)


# Every date, amount and quantity on the sample page, in page order, written
# from the page by hand.
SAMPLE_EXPECTED = [
    ("QUANTITY", "十年", "10", "年", None, None),
    ("MONEY", "20元", "20", None, "CNY", None),
    ("QUANTITY", "三年", "3", "年", None, None),
    ("QUANTITY", "2.4米", "2.4", "米", None, None),
    ("DATE", "1956年", "1956", "year"),
    ("DATE", "1990年", "1990", "year"),
    ("DATE", "2019年", "2019", "year"),
    ("QUANTITY", "70周年", "70", "周年", None, None),
    ("DATE", "2024年", "2024", "year"),
    ("QUANTITY", "三项", "3", "项", None, None),
    ("DATE", "2024年", "2024", "year"),
    ("DATE", "2024年度", "2024", "year"),
    ("DATE", "3月11日", "2025-03-11", "day"),
    ("DATE", "2024年度", "2024", "year"),
    ("DATE", "2024年度", "2024", "year"),
    ("DATE", "2025年度", "2025", "year"),
    ("DATE", "过去的一年", "2024", "year"),
    ("DATE", "2025年", "2025", "year"),
    ("DATE", "3月11日", "2025-03-11", "day"),
    ("DATE", "1935年", "1935", "year"),
    ("QUANTITY", "5个", "5", "个", None, None),
    ("QUANTITY", "3个", "3", "个", None, None),
    ("DATE", "1955年", "1955", "year"),
    ("QUANTITY", "5年", "5", "年", None, None),
    ("QUANTITY", "20岁", "20", "岁", None, None),
    ("QUANTITY", "6个月", "6", "个月", None, None),
    ("QUANTITY", "一百多人", "100", "人", None, "more_than"),
    ("QUANTITY", "80岁", "80", "岁", None, None),
    ("DATE", "2024年", "2024", "year"),
    ("QUANTITY", "45个", "45", "个", None, None),
    ("QUANTITY", "15个", "15", "个", None, None),
    ("QUANTITY", "28个", "28", "个", None, None),
    ("QUANTITY", "539个", "539", "个", None, None),
    ("QUANTITY", "146个", "146", "个", None, None),
    ("DATE", "2024年", "2024", "year"),
    ("QUANTITY", "710户", "710", "户", None, None),
    ("DATE", "2024年10月30日", "2024-10-30", "day"),
    ("DATE", "2024年", "2024", "year"),
    ("QUANTITY", "54名", "54", "名", None, None),
    ("QUANTITY", "112名", "112", "名", None, None),
    ("QUANTITY", "50名", "50", "名", None, None),
    ("DATE", "2024年", "2024", "year"),
    ("DATE", "2024年", "2024", "year"),
    ("QUANTITY", "3个", "3", "个", None, None),
    ("QUANTITY", "2个", "2", "个", None, None),
    ("QUANTITY", "146个", "146", "个", None, None),
    ("QUANTITY", "80周岁及以上", "80", "周岁", None, "at_least"),
    ("MONEY", "3135.7万元", "31357000", None, "CNY", None),
    ("MONEY", "2340.8万元", "23408000", None, "CNY", None),
    ("DATE", "2024年7月1日", "2024-07-01", "day"),
    ("DATE", "2024年", "2024", "year"),
    ("QUANTITY", "40张", "40", "张", None, None),
    ("QUANTITY", "32人", "32", "人", None, None),
    ("DATE", "2024年9月", "2024-09", "month"),
]


def test_sample_page_every_value():
    text = normalize_text(SAMPLE_PAGE.read_text(encoding="utf-8"))
    mentions = extract_numeric(text, PUB)
    assert [_row(m) for m in mentions] == SAMPLE_EXPECTED
    assert all(text[m.start:m.end] == m.text and m.source == "numeric" for m in mentions)


def test_sample_page_raw_text_gives_the_same_values():
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    assert [_row(m) for m in extract_numeric(text, PUB)] == SAMPLE_EXPECTED


def _only(text, pub=PUB):
    found = extract_numeric(text, pub)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, label, value, value_max, unit, currency, qualifier",
    [
        ("3135.7万元", "MONEY", "31357000", None, None, "CNY", None),
        ("三千一百三十五点七万元", "MONEY", "31357000", None, None, "CNY", None),
        ("16.4亿元", "MONEY", "1640000000", None, None, "CNY", None),
        ("1,100万元", "MONEY", "11000000", None, None, "CNY", None),
        ("１２３元", "MONEY", "123", None, None, "CNY", None),
        ("8亿元人民币", "MONEY", "800000000", None, None, "CNY", None),
        ("1200亿美元", "MONEY", "120000000000", None, None, "USD", None),
        ("50欧元", "MONEY", "50", None, None, "EUR", None),
        ("1.95港元", "MONEY", "1.95", None, None, "HKD", None),
        ("3亿港币", "MONEY", "300000000", None, None, "HKD", None),
        ("1万亿日元", "MONEY", "1000000000000", None, None, "JPY", None),
        ("20英镑", "MONEY", "20", None, None, "GBP", None),
        ("￥300", "MONEY", "300", None, None, "CNY", None),
        ("10万—20万元", "MONEY", "100000", "200000", None, "CNY", None),
        ("3至5万元", "MONEY", "30000", "50000", None, "CNY", None),
        ("约3000元", "MONEY", "3000", None, None, "CNY", "approx"),
        ("3000元左右", "MONEY", "3000", None, None, "CNY", "approx"),
        ("超过1万亿元", "MONEY", "1000000000000", None, None, "CNY", "more_than"),
        ("逾百亿元", "MONEY", "10000000000", None, None, "CNY", "more_than"),
        ("500余万元", "MONEY", "5000000", None, None, "CNY", "more_than"),
        ("不超过200元", "MONEY", "200", None, None, "CNY", "at_most"),
        ("5.2%", "PERCENT", "5.2", None, "%", None, None),
        ("５．５％", "PERCENT", "5.5", None, "%", None, None),
        ("负3.9%", "PERCENT", "-3.9", None, "%", None, None),
        ("百分之二十", "PERCENT", "20", None, "%", None, None),
        ("百分之2.4", "PERCENT", "2.4", None, "%", None, None),
        ("千分之二", "PERCENT", "0.2", None, "%", None, None),
        ("0.5个百分点", "PERCENT", "0.5", None, "pp", None, None),
        ("三成", "PERCENT", "30", None, "%", None, None),
        ("八折", "PERCENT", "80", None, "%", None, None),
        ("5%—10%", "PERCENT", "5", "10", "%", None, None),
        ("5.5%左右", "PERCENT", "5.5", None, "%", None, "approx"),
        ("80周岁及以上", "QUANTITY", "80", None, "周岁", None, "at_least"),
        ("一百多人", "QUANTITY", "100", None, "人", None, "more_than"),
        ("十二万五千人", "QUANTITY", "125000", None, "人", None, None),
        ("3至5个", "QUANTITY", "3", "5", "个", None, None),
        ("三五个", "QUANTITY", "3", "5", "个", None, None),
        ("两三天", "QUANTITY", "2", "3", "天", None, None),
        ("20万次以上", "QUANTITY", "200000", None, "次", None, "more_than"),
        ("十多万人", "QUANTITY", "100000", None, "人", None, "more_than"),
        ("不到10人", "QUANTITY", "10", None, "人", None, "less_than"),
        ("不少于3天", "QUANTITY", "3", None, "天", None, "at_least"),
        ("3岁以下", "QUANTITY", "3", None, "岁", None, "less_than"),
        ("6个月", "QUANTITY", "6", None, "个月", None, None),
        ("2.4米", "QUANTITY", "2.4", None, "米", None, None),
        ("5千米", "QUANTITY", "5", None, "千米", None, None),
        ("10亿千瓦", "QUANTITY", "1000000000", None, "千瓦", None, None),
        ("两个", "QUANTITY", "2", None, "个", None, None),
        ("一个多小时", "QUANTITY", "1", None, "个小时", None, "more_than"),
        ("两个半月", "QUANTITY", "2.5", None, "个月", None, None),
        ("一年半", "QUANTITY", "1.5", None, "年", None, None),
        ("零下三十摄氏度", "QUANTITY", "-30", None, "摄氏度", None, None),
        ("四五千米", "QUANTITY", "4", "5", "千米", None, None),
        ("150多万元", "MONEY", "1500000", None, None, "CNY", "more_than"),
    ],
)
def test_amounts(text, label, value, value_max, unit, currency, qualifier):
    text = normalize_text(text)  # １２３元 is read as the document's 123元
    found = extract_numeric(text, PUB)
    if label is None:
        assert found == []
        return
    assert len(found) == 1, found
    m = found[0]
    assert (m.label, m.text, m.start, m.end) == (label, text, 0, len(text))
    assert m.value == Decimal(value)
    assert m.value_max == (Decimal(value_max) if value_max else None)
    assert (m.unit, m.currency, m.qualifier) == (unit, currency, qualifier)


def test_sixteen_point_four_yi_is_exact_as_float():
    assert float(_only("16.4亿元").value) == 1_640_000_000.0


def test_qualifier_is_in_the_span_inside_a_sentence():
    m = _only("新增减税降费超过1万亿元，还对")
    assert (m.text, m.start) == ("超过1万亿元", 6)


def test_near_with_years_is_not_approx():
    m = _only("近三年")
    assert (m.text, m.qualifier) == ("三年", None)


@pytest.mark.parametrize(
    "text",
    [
        "一定", "统一", "一盘棋", "长三角", "四梁八柱", "第十五届", "二十届三中全会", "第二批",
        "一号井", "一件事", "一日三餐", "一成不变", "建成为", "百年党史", "零部件", "三五老友",
        "千方百计", "万众一心", "进一步", "十四五", "一带一路", "1600万", "三分之一的人",
        "四块石头夹一块肉", "每一天", "一例死亡", "市、县两级", "第一名", "PM2.5",
        "三年级", "近几十年来", "数百万英镑", "3次方", "农历新年初二",
        "队伍", "收拾", "https://x.cn/?q=30%25", "十四届二次全会", "二次创业", "七人制",
        "四周的树", "三轮车", "四处游说", "五台山", "增长5·1%", "寒冬腊月，天寒地冻",
    ],
)
def test_precision_no_numbers_out_of_words(text):
    assert extract_numeric(text, PUB) == []


def test_a_rejected_range_does_not_hide_its_amounts():
    assert [m.text for m in extract_numeric("3个至5人", PUB)] == ["3个", "5人"]
    assert [m.text for m in extract_numeric("2024-2023个", PUB)] == ["2023个"]


def test_no_80_weeks_out_of_80_years_of_age():
    assert [m.text for m in extract_numeric("80周岁老人", PUB)] == ["80周岁"]


def test_dates_and_amounts_together_longest_wins():
    found = extract_numeric("2024年1月至9月，全市发放补贴3135.7万元，增长12.5%。", PUB)
    assert [(m.label, m.text) for m in found] == [
        ("DATE", "2024年1月至9月"), ("MONEY", "3135.7万元"), ("PERCENT", "12.5%")]


def test_spacy_component_appends_mentions():
    import pipeline.extract.numeric.mentions  # noqa: F401  registers the factory
    from pipeline.extract import nlp as _nlp  # noqa: F401  registers doc._.mentions / doc._.pub_date

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.add_pipe("zh_numeric_entities", name="numeric")
    doc = nlp.make_doc("本报讯 3月11日，我市发放津贴3135.7万元。")
    doc._.pub_date = PUB
    doc = nlp(doc)
    assert [(m.label, m.text, m.date_value or str(m.value)) for m in doc._.mentions] == [
        ("DATE", "3月11日", "2025-03-11"), ("MONEY", "3135.7万元", "31357000.0")]


# --- properties -------------------------------------------------------------

_PIECES = [
    "对折", "半成", "打", "k", "块", "角", "毛", "钱", "·", "农历", "春节", "正月", "初一", "号", "兆", "億", "圓", "人民币", "  ",
    "3", "12", "3135.7", "1,100", "１２", "一", "两", "三", "十", "百", "千", "万", "亿", "点", "七",
    "〇", "零", "第", "年", "月", "日", "号", "度", "个", "人", "元", "万元", "美元", "%", "％",
    "百分之", "个百分点", "成", "折", "周岁", "岁", "及以上", "以上", "约", "超过", "不到",
    "多", "余", "至", "—", "-", "今年", "去年", "上半年", "一季度", "过去的一年", "，", "。",
    "的", "我市", "发放", " ", "\n", "分之", "负",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join),
       st.one_of(st.none(), st.sampled_from([PUB, date(2024, 12, 31), date(2000, 2, 29)]), st.dates()))
def test_spans_exact_and_disjoint_on_numeral_soup(text, pub):
    text = normalize_text(text)
    _check_spans(text, extract_numeric(text, pub))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_raises_on_arbitrary_text(text):
    text = normalize_text(text)
    _check_spans(text, extract_numeric(text, PUB))


def _check_spans(text, mentions):
    previous_end = 0
    for m in mentions:
        assert text[m.start:m.end] == m.text
        assert 0 <= m.start < m.end <= len(text)
        assert m.start >= previous_end  # in order, never overlapping
        previous_end = m.end
        assert m.source == "numeric"
        if m.label == "DATE":
            assert m.date_value
        else:
            assert isinstance(m.value, Decimal)


# --- money as people write it: sub-units, spoken units, traditional forms ---


@pytest.mark.parametrize(
    "sentence, mention, value, currency",
    [
        ("这张发票上写着123元1角1分。", "123元1角1分", "123.11", "CNY"),
        ("全年结余六十四万零一百四十三元一角七分，全部上缴。", "六十四万零一百四十三元一角七分", "640143.17", "CNY"),
        ("那时一斤猪肉才十块三毛。", "十块三毛", "10.3", "CNY"),
        ("她数了数，一共一百三十五块六角七分钱。", "一百三十五块六角七分钱", "135.67", "CNY"),
        ("找回零钱3元零5分，", "3元零5分", "3.05", "CNY"),
        ("门票只要五块钱", "五块钱", "5", "CNY"),
        ("一块钱也不能少", "一块钱", "1", "CNY"),
        ("车费一共花了八块。", "八块", "8", "CNY"),
        ("对方报价两美元又三美分。", "两美元又三美分", "2.03", "USD"),
        ("账户余额82，225.00元，", "82，225.00元", "82225.00", "CNY"),
        ("台北市今年編列預算三億元，", "三億元", "300000000", "CNY"),
        ("另撥壹佰萬圓補助清寒學生", "壹佰萬圓", "1000000", "CNY"),
        ("每人可領新臺幣5,000元。", "新臺幣5,000元", "5000", "TWD"),
        ("公司获得人民币50亿元贷款", "人民币50亿元", "5000000000", "CNY"),
        ("总额为四十九兆九千五百九十二億元", "四十九兆九千五百九十二億元", "49959200000000", "CNY"),
        ("东京都预算约3兆日元", "约3兆日元", "3000000000000", "JPY"),
    ],
)
def test_money_as_people_write_it(sentence, mention, value, currency):
    found = [m for m in extract_numeric(sentence, PUB) if m.label == "MONEY"]
    assert [(m.text, m.value, m.currency) for m in found] == [(mention, Decimal(value), currency)]
    assert sentence[found[0].start:found[0].end] == mention


@pytest.mark.parametrize(
    "sentence",
    [
        "四块石头夹一块肉", "他把蛋糕切成三块。", "村里流转了三块地", "画一个三角形", "这项工作十分重要",
        "五角大楼宣布了作战计划", "作家三毛的故事", "一毛不拔", "三角债问题", "装机容量500兆瓦",
        "开通100兆宽带", "人民币汇率保持稳定", "人民币100", "港币汇率", "他穿了一件毛衣",
    ],
)
def test_words_of_money_are_not_money_in_prose(sentence):
    assert [m for m in extract_numeric(sentence, PUB) if m.label == "MONEY"] == []


def test_a_subunit_after_money_that_is_another_word_stays_out():
    found = extract_numeric("每吨降价3元5分钟内售罄", PUB)
    assert [(m.label, m.text) for m in found] == [("MONEY", "3元"), ("QUANTITY", "5分钟")]


def test_a_list_of_numbers_is_not_one_number_with_full_width_commas():
    assert [m.text for m in extract_numeric("分别为1，2，300元", PUB)] == ["300元"]
    assert [m.text for m in extract_numeric("选一个：$20，300美圆", PUB)] == ["$20", "300美圆"]


# --- percentages in words, tenths, k, and text with spaces between characters ---


@pytest.mark.parametrize(
    "sentence, mention, value, unit",
    [
        ("年货节全场打对折", "对折", "50", "%"),
        ("利润只有半成", "半成", "5", "%"),
        ("过季服装半折出售", "半折", "50", "%"),
        ("回收率达到三成半", "三成半", "35", "%"),
        ("县里七成六的农户参加了合作社", "七成六", "76", "%"),
        ("竞争高层减员二成五", "二成五", "25", "%"),
        ("涨幅达百分之15k", "百分之15k", "15000", "%"),
        ("同比提高 一 百 五 十 个 百 分 点", "一 百 五 十 个 百 分 点", "150", "pp"),
        ("税率为百 分 之 2.4，", "百 分 之 2.4", "2.4", "%"),
        ("全场 陆 点 五 折", "陆 点 五 折", "65", "%"),
        ("下降了２．４   个百分 点", "２．４   个百分 点", "2.4", "pp"),
    ],
)
def test_percent_as_people_write_it(sentence, mention, value, unit):
    sentence, mention = normalize_text(sentence), normalize_text(mention)  # ２．４ is 2.4 by then
    found = [m for m in extract_numeric(sentence, PUB) if m.label == "PERCENT"]
    assert [(m.text, m.value, m.unit) for m in found] == [(mention, Decimal(value), unit)]
    assert sentence[found[0].start:found[0].end] == mention


def test_spaced_amounts_keep_exact_offsets():
    text = "全年投资 三千 八百 九十六 万 元，月薪15k元"
    found = extract_numeric(text, PUB)
    assert [(m.text, m.value) for m in found] == [
        ("三千 八百 九十六 万 元", Decimal("38960000")), ("15k元", Decimal("15000"))]
    assert all(text[m.start:m.end] == m.text for m in found)


@pytest.mark.parametrize("sentence", [
    "把纸对折一下", "车间生产半成品", "评分为7 2 折", "4K电视", "跑了5km", "对折后再剪",
])
def test_no_percent_from_these(sentence):
    assert [m for m in extract_numeric(sentence, PUB) if m.label == "PERCENT"] == []


def test_a_digit_that_starts_a_count_is_no_tenth():
    assert [(m.text, m.value) for m in extract_numeric("三成五年内完成", PUB)] == [
        ("三成", Decimal(30)), ("五年", Decimal(5))]


def test_numbers_in_a_table_row_stay_apart():
    assert [m.text for m in extract_numeric("增长 15 20 30%", PUB)] == ["30%"]


def test_a_big5_page_keeps_its_amounts():
    from pipeline.read.encodings import decode_bytes

    page = "本報訊 市政府今年編列預算三億元，另撥壹佰萬圓補助清寒學生，每人可領新臺幣5,000元。"
    text, encoding, _ = decode_bytes(page.encode("big5"))
    found = [(m.text, m.value, m.currency) for m in extract_numeric(normalize_text(text), PUB)
             if m.label == "MONEY"]
    assert encoding.startswith("big5") and found == [
        ("三億元", Decimal("300000000"), "CNY"), ("壹佰萬圓", Decimal("1000000"), "CNY"),
        ("新臺幣5,000元", Decimal("5000"), "TWD")]
