"""A home place per page: the name rules, the model's cleanup and the measures read the
page's own home (its sidecar's, feed line's or folder's), the config's being the default;
every home is checked against the division table (pipeline/extract/names/homes.py)."""
from datetime import date

import pytest

from pipeline.config import Home, parse_config
from pipeline.extract.measures.stage import measure_documents
from pipeline.extract.names.homes import home_problem
from pipeline.extract.names.rules import tables_for
from pipeline.extract.stage import extract_documents
from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_sentences
from pipeline.read.normalize import normalize_text
from pipeline.types import Document

YANGQUAN = Home(province="山西省", city="阳泉市")
LUOYANG = Home(province="河南省", city="洛阳市")
CONFIG = parse_config({"home": YANGQUAN.model_dump(exclude_none=True)})
PAGE = "本报讯 3月11日，市财政局下达专项资金1.2亿元，支持我市重点项目建设。全市固定资产投资增长8.5%。"


def document(doc_id: str, raw: str, home=None) -> Document:
    layout = repair_layout(normalize_text(raw))
    articles = find_articles(layout, doc_id)
    return Document(doc_id, f"{doc_id}.txt", "txt", "utf_8", date(2025, 3, 12), None, layout.text, doc_id,
                    articles, split_sentences(layout, articles, doc_id), regions=layout.regions, home=home)


def norms(doc: Document) -> dict[str, str]:
    return {m.text: m.norm for m in doc.mentions if m.label in ("ORG", "GPE")}


def test_two_papers_in_one_batch_get_their_own_norms_and_measure_places():
    own, default = document("luoyang", PAGE, LUOYANG), document("yangquan", PAGE + "（晋）")
    extract_documents([own, default], CONFIG)
    measure_documents([own, default], CONFIG)
    assert norms(own)["市财政局"] == "洛阳市财政局" and norms(own)["我市"] == "洛阳市"
    assert norms(default)["市财政局"] == "阳泉市财政局" and norms(default)["我市"] == "阳泉市"
    luoyang = next(m for m in own.mentions if m.text == "我市")
    assert (luoyang.place_code, luoyang.province, luoyang.city) == ("410300", "河南省", "洛阳市")
    assert {m.place for m in own.measures} == {"洛阳市"}
    assert {m.place for m in default.measures} == {"阳泉市"}


def test_a_county_home_fills_wo_xian_and_a_home_of_none_keeps_the_text():
    county = document("songxian", "我县新建学校三所，县教育局局长出席。", Home(province="河南省", city="洛阳市", county="嵩县"))
    bare = document("bare", "我县新建学校三所，县教育局局长出席。（无）", Home())
    extract_documents([county, bare], CONFIG)
    assert norms(county) == {"我县": "嵩县", "县教育局": "嵩县教育局"}
    assert norms(bare)["我县"] == "我县"  # an empty home is no home: not the config's either


def test_the_tables_are_built_once_per_home():
    assert tables_for(LUOYANG) is tables_for(Home(province="河南省", city="洛阳市"))
    assert tables_for(LUOYANG) is not tables_for(YANGQUAN)
    assert tables_for(LUOYANG).home.city == "洛阳市"


@pytest.mark.parametrize("home", [
    Home(),
    YANGQUAN,
    Home(province="北京市", city="北京市", county="朝阳区"),  # a municipality is its own city
    Home(province="河南省", city="义马市"),  # a county-level city is the 我市 of its paper
    Home(city="洛阳市"),
])
def test_a_home_of_the_division_table_passes(home):
    assert home_problem(home) is None


@pytest.mark.parametrize("home, field, words", [
    (Home(province="山西省", city="洛阳市"), "city", ["洛阳市 is in 河南省, not 山西省", "cities of 山西省:", "太原市"]),
    (Home(province="河南省", city="洛阳"), "city", ["洛阳 is a short form: write 洛阳市"]),
    (Home(province="河南", city="洛阳市"), "province", ["write 河南省"]),
    (Home(province="河南省", city="洛杨市"), "city", ["no city 洛杨市", "cities of 河南省: 洛阳市,"]),
    (Home(province="河南省", city="洛阳市", county="平定县"), "county",
     ["平定县 is in 山西省阳泉市, not 洛阳市", "counties of 洛阳市:", "嵩县"]),
    (Home(city="河南省"), "city", ["河南省 is a province, not a city"]),
])
def test_a_home_outside_the_division_table_names_the_level_and_the_valid_names(home, field, words):
    problem = home_problem(home)
    assert problem is not None and problem.field == field
    for word in words:
        assert word in problem.message
    assert "\n" not in problem.message
