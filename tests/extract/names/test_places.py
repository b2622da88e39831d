"""Places with their hierarchy (pipeline/extract/names/hierarchy.py): a GPE's full standard
name as its norm, and its division code, province, city and county; a country's ISO code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import CONFIG_DIR, parse_config, use_tables
from pipeline.extract.consistency import with_agreed_labels
from pipeline.extract.names.hierarchy import load_hierarchy
from pipeline.extract.names.rules import find_rule_mentions
from pipeline.extract.names.spans import RULES_SOURCE, name_mention
from pipeline.extract.names.tables import load_tables
from pipeline.tables.rows import mention_rows
from pipeline.tables.schemas import to_table
from pipeline.types import Document, Mention
from pipeline.extract.nlp import get_mentions
from tests.conftest import SAMPLES
from tests.extract.names.test_names import HOME, _nlp, needs_model

PLACE_FIELDS = ("norm", "place_code", "province", "city", "county")


def place(name: str, home: tuple[str, ...] = HOME) -> tuple:
    mention = name_mention("GPE", 0, len(name), name, RULES_SOURCE, load_tables(*home))
    return tuple(getattr(mention, field) for field in PLACE_FIELDS)


@pytest.mark.parametrize("name, expected", [
    ("阳泉", ("阳泉市", "140300", "山西省", "阳泉市", None)),
    ("阳泉市", ("阳泉市", "140300", "山西省", "阳泉市", None)),
    ("陽泉", ("阳泉市", "140300", "山西省", "阳泉市", None)),  # folded first
    ("北京", ("北京市", "110000", "北京市", "北京市", None)),  # a municipality is its own city
    ("山西", ("山西省", "140000", "山西省", None, None)),
    ("平定", ("平定县", "140321", "山西省", "阳泉市", "平定县")),
    ("克州", ("克孜勒苏柯尔克孜自治州", "653000", "新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州", None)),  # one of two
    ("香港", ("香港特别行政区", "810000", "香港特别行政区", None, None)),
])
def test_a_short_form_is_its_full_standard_name_with_its_code(name, expected):
    assert place(name) == expected


def test_the_home_place_resolves_through_the_same_table():
    assert place("我市") == ("阳泉市", "140300", "山西省", "阳泉市", None)
    assert place("我省") == ("山西省", "140000", "山西省", None, None)
    assert place("我市", home=("", "")) == ("我市", None, None, None, None)
    # a home place configured by its short form is the same place
    assert place("我市", home=("山西", "阳泉")) == ("阳泉市", "140300", "山西省", "阳泉市", None)


@pytest.mark.parametrize("name, expected", [
    ("山西省阳泉市郊区", ("山西省阳泉市郊区", "140311", "山西省", "阳泉市", "郊区")),
    ("辽宁省黑山县", ("辽宁省黑山县", "210726", "辽宁省", "锦州市", "黑山县")),
    ("西藏定日县", ("西藏自治区定日县", "540223", "西藏自治区", "日喀则市", "定日县")),  # each unit in full
    ("中国北京市海淀区", ("中国北京市海淀区", "110108", "北京市", "北京市", "海淀区")),
    # units below a county keep their county's code and are written as they are
    ("平定县冠山镇杨家沟社区", ("平定县冠山镇杨家沟社区", "140321", "山西省", "阳泉市", "平定县")),
    ("城区下站街道河边街社区", ("城区下站街道河边街社区", "140302", "山西省", "阳泉市", "城区")),
])
def test_a_chain_resolves_to_its_deepest_unit(name, expected):
    assert place(name) == expected


def test_a_chain_settles_an_ambiguous_county_without_the_home_place():
    # 郊区 is a district of four cities; the chain names which
    assert place("铜陵市郊区") == ("铜陵市郊区", "340711", "安徽省", "铜陵市", "郊区")
    assert place("山西省阳泉市郊区", home=("", "")) == ("山西省阳泉市郊区", "140311", "山西省", "阳泉市", "郊区")


def test_an_ambiguous_name_is_settled_by_the_home_place():
    assert place("郊区") == ("郊区", "140311", "山西省", "阳泉市", "郊区")
    assert place("郊区", home=("安徽省", "铜陵市")) == ("郊区", "340711", "安徽省", "铜陵市", "郊区")
    assert place("城区") == ("城区", "140302", "山西省", "阳泉市", "城区")
    assert place("朝阳", home=("北京市", "北京市")) == ("朝阳区", "110105", "北京市", "北京市", "朝阳区")


def test_else_by_the_higher_level_unit():
    # 朝阳: 朝阳市 (辽宁) and the districts 朝阳区 of 北京 and 长春
    assert place("朝阳", home=("", "")) == ("朝阳市", "211300", "辽宁省", "朝阳市", None)
    assert place("吉林", home=("", "")) == ("吉林省", "220000", "吉林省", None, None)  # not 吉林市


def test_else_no_code_and_only_what_every_reading_agrees_on():
    # 郊区 of four cities in four provinces: nothing a map could use
    assert place("郊区", home=("", "")) == ("郊区", None, None, None, None)
    assert place("朝阳区", home=("", "")) == ("朝阳区", None, None, None, None)
    # 城区 of 晋城 and of 阳泉 are both in 山西: the province is a fact, the code would be a guess
    assert place("城区", home=("山西省", "")) == ("城区", None, "山西省", None, None)


@pytest.mark.parametrize("name, expected", [
    ("美国", ("美国", "US", None, None, None)),
    ("美利坚合众国", ("美国", "US", None, None, None)),
    ("大韩民国", ("韩国", "KR", None, None, None)),
    ("中华人民共和国", ("中国", "CN", None, None, None)),
    ("我国", ("中国", "CN", None, None, None)),
])
def test_a_country_is_its_standard_chinese_name_with_its_iso_code(name, expected):
    assert place(name) == expected


def test_a_country_and_a_county_of_one_name_follow_the_same_rules():
    # 黑山: Montenegro, and a county of 锦州 (辽宁)
    assert place("黑山", home=("", "")) == ("黑山", "ME", None, None, None)
    assert place("黑山", home=("辽宁省", "锦州市")) == ("黑山县", "210726", "辽宁省", "锦州市", "黑山县")


@pytest.mark.parametrize("name", ["海南自由贸易港", "雄安新区", "东京", "火星", "杨家沟社区", "全国", "阳泉市区"])
def test_a_place_that_is_no_administrative_unit_keeps_no_code(name):
    assert place(name) == (name, None, None, None, None)


def test_a_district_the_table_gives_no_code_keeps_its_hierarchy():
    # JioNLP gives Hong Kong's districts their SAR's code, which is not theirs
    assert place("湾仔") == ("湾仔区", None, "香港特别行政区", None, "湾仔区")


def _division_rows() -> list[list[str]]:
    lines = (CONFIG_DIR / "names" / "divisions.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def test_every_province_level_unit_resolves_by_full_name_and_short_form():
    provinces = [row for row in _division_rows() if row[0].endswith("0000")]
    assert len(provinces) == 34
    for code, name, shorts, province, city, _county in provinces:
        for written in [name, *shorts.split("/")]:
            assert place(written, home=("", "")) == (name, code, province, city or None, None), written


def test_every_prefecture_with_a_name_of_its_own_resolves_to_its_code():
    rows = _division_rows()
    names = [row[1] for row in rows]
    prefectures = [row for row in rows if row[0].endswith("00") and not row[0].endswith("0000")
                   and names.count(row[1]) == 1]
    assert len(prefectures) > 300
    for code, name, _shorts, province, city, _county in prefectures:
        assert place(name, home=("", "")) == (name, code, province, city, None), name


def test_only_gpe_mentions_carry_a_place():
    found = find_rule_mentions("苏景云，1935年出生于辽宁省黑山县，曾任阳泉矿务局矿长办公室主任。", load_tables(*HOME))
    places = {m.text: (m.place_code, m.county) for m in found if m.place_code}
    assert places == {"辽宁省黑山县": ("210726", "黑山县")}
    assert all(m.province is None for m in found if m.label != "GPE")


def test_an_article_agreed_label_brings_its_place_along():
    ner = Mention("PERSON", 10, 12, "阳泉", "ner", norm="阳泉")
    agreed = [name_mention("GPE", start, start + 2, "阳泉" * 6, RULES_SOURCE, load_tables(*HOME)) for start in (0, 4)]
    relabelled = with_agreed_labels([(0, 12)], agreed + [ner])[-1]
    assert (relabelled.label, relabelled.norm, relabelled.place_code) == ("GPE", "阳泉市", "140300")


def test_the_entities_table_holds_the_place_columns():
    mention = name_mention("GPE", 0, 2, "阳泉", RULES_SOURCE, load_tables(*HOME))
    document = Document("d", "s", "txt", "utf_8", None, None, "阳泉", "", mentions=[mention])
    row = to_table("entities", mention_rows(document)).to_pylist()[0]
    assert {k: row[k] for k in ("norm", "place_code", "province", "city", "county")} == {
        "norm": "阳泉市", "place_code": "140300", "province": "山西省", "city": "阳泉市", "county": None}


def test_the_tables_are_read_from_the_run_configs_tables_folder(tmp_path: Path):
    folder = tmp_path / "tables"
    (folder / "names").mkdir(parents=True)
    own = "# code\tname\tshort\tprovince\tcity\tcounty\n990000\t测试省\t测试\t测试省\t\t\n"
    (folder / "names" / "divisions.tsv").write_text(own, encoding="utf-8")
    try:
        use_tables(parse_config({"tables": str(folder)}))
        assert load_hierarchy().units("测试")[0].code == "990000"
        assert not load_hierarchy().units("阳泉")
    finally:
        use_tables(parse_config({}))
    assert load_hierarchy().units("阳泉")[0].code == "140300"


# Every GPE of the sample page that names a Chinese division or a country, with its code.
SAMPLE_CODES = {
    "我市": "140300", "北京": "110000", "中国": "CN", "我国": "CN", "中华人民共和国": "CN", "台湾": "710000",
    "香港": "810000", "香港特别行政区": "810000", "澳门": "820000", "澳门特别行政区": "820000",
    "平定县": "140321", "平定县冠山镇杨家沟社区": "140321", "城区阳坡埝社区": "140302",
    "城区下站街道河边街社区": "140302", "辽宁省黑山县": "210726", "西藏定日县": "540223",
}


def _sample_documents_sentences() -> list[str]:
    from pipeline.read.normalize import normalize_text

    texts = [normalize_text(path.read_text(encoding="utf-8")) for path in sorted(SAMPLES.glob("*.txt"))]
    return [s for text in texts for s in re.split(r"(?<=[。！？])|\n", text) if s.strip()]


@needs_model
def test_the_sample_run_places_carry_their_codes():
    codes = {}
    for doc in _nlp(["rules", "ner"]).pipe(_sample_documents_sentences()):
        codes |= {m.text: m.place_code for m in get_mentions(doc) if m.label == "GPE"}
    assert {text: codes.get(text) for text in SAMPLE_CODES} == SAMPLE_CODES
