"""Layout repair on the real sample page (pub_date 2025-03-12)."""
import re

import pytest

from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_sentences
from pipeline.read.normalize import normalize_text

# The seven cuts: (end of the cut paragraph, start of its continuation).
CUTS = [
    ("提升社会", "治理效能"),
    ("推进社区支持的居家", "养老，强化"),
    ("职业态度革", "新技术，降低生产成本"),
    ("专业护", "理技能，推动护理标准"),
    ("党管人才原则落到", "位、落到底"),
    ("她当时的", "偶像是全国劳模"),
    ("苏景云遭遇", "了许多来自他人"),
]


@pytest.fixture(scope="module")
def page(sample_text):
    layout = repair_layout(normalize_text(sample_text))
    articles = find_articles(layout, "doc")
    sentences = split_sentences(layout, articles, "doc")
    return layout, articles, sentences


@pytest.mark.parametrize("head, tail", CUTS)
def test_each_cut_reads_as_one_whole_sentence(page, head, tail):
    layout, _, sentences = page
    joined = [s for s in sentences if head + tail in s.text]
    assert len(joined) == 1, f"{head}|{tail} is not inside one sentence"
    assert joined[0].text.endswith(("。", "？", "！", "”"))
    assert "joined" in joined[0].layout


def test_the_cut_with_no_continuation_stays_and_is_marked(page):
    layout, _, sentences = page
    assert layout.n_joins == 7 and layout.n_unjoined_cuts == 1
    [cut] = [s for s in sentences if s.layout == "cut"]
    assert cut.text.endswith("推进基层综治中心规范化建")


def test_the_repeated_passage_is_kept_twice_and_flagged_once(page):
    _, _, sentences = page
    passage = "开展大规模职业技能提升培训行动，增加制造业、服务业紧缺技能人才供给。"
    copies = [s for s in sentences if s.text == passage]
    assert len(copies) == 2
    assert copies[0].duplicate_of is None and copies[1].duplicate_of == copies[0].sentence_id


def test_offsets_give_every_sentence_its_text(page):
    layout, _, sentences = page
    assert sentences
    for sentence in sentences:
        assert layout.text[sentence.start:sentence.end] == sentence.text


def test_no_marker_byline_or_credit_inside_a_sentence(page):
    _, _, sentences = page
    for sentence in sentences:
        assert not re.search(r"上接第|供稿|（薄红贞）|（刘阳 王馨昱）", sentence.text), sentence.text
        assert sentence.text != "晋向阳"


def test_articles_are_titled_by_the_headings_with_authors_and_continuations(page):
    _, articles, _ = page
    titled = [a.title for a in articles if a.title]
    assert titled == ["政府工作報告", "我市召开2024年度人才工作述职会", "新中国首位女采煤队队长——苏景云",
                      "提高服务质量 老年生活有温度有品质", "优化供给体系 满足多元养老需求"]
    by_title = {a.title: a for a in articles}
    assert by_title["政府工作報告"].continued_from == "第二版"
    assert by_title["我市召开2024年度人才工作述职会"].authors == ("刘阳", "王馨昱")
    assert by_title["新中国首位女采煤队队长——苏景云"].authors == ("市委党史研究室（市地方志研究室）",)
    assert by_title["提高服务质量 老年生活有温度有品质"].authors == ("薄红贞",)
    assert any(a.authors == ("晋向阳",) for a in articles)
    assert any(a.continued_from == "第一版" for a in articles)


def test_articles_cover_the_text_in_order(page):
    layout, articles, _ = page
    assert articles[0].start == 0 and articles[-1].end == len(layout.text)
    for before, after in zip(articles, articles[1:]):
        assert before.end <= after.start


def test_nothing_is_dropped(sample_text, page):
    layout, _, _ = page
    def chars(text):
        return sorted(re.sub(r"\s", "", text))
    assert chars(layout.text) == chars(normalize_text(sample_text))


def test_headings_are_titles_and_never_sentences(page):
    layout, articles, sentences = page
    assert "我市召开2024年度人才工作述职会" in {a.title for a in articles}
    headings = [(start, end) for start, end, kind in layout.regions if kind == "heading"]
    assert len(headings) == 5
    assert not [s for s in sentences if any(s.start < end and start < s.end for start, end in headings)]


def test_a_page_without_cuts_is_left_in_order():
    text = "## 标题\n\n第一段。\n\n第二段，说：“好！”\n\n（张三）"
    layout = repair_layout(text)
    assert layout.text == text and layout.n_joins == 0


from hypothesis import given, settings, strategies as st

_PAGE_ALPHABET = list("我市召开会议指出要优化体系提升社会治理效能护理技能。，；：！？“”（）") + [
    "\n", "\n\n", "## ", "（上接第二版）", "（薄红贞）", "供稿", "图为", "晋向阳", " ", "2024年", "\x00", "\r\n"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PAGE_ALPHABET), max_size=120).map("".join))
def test_layout_articles_and_sentences_never_raise_and_keep_offsets_exact(raw):
    text = normalize_text(raw)
    layout = repair_layout(text)
    articles = find_articles(layout, "d")
    for sentence in split_sentences(layout, articles, "d"):
        assert layout.text[sentence.start:sentence.end] == sentence.text
    assert sorted(re.sub(r"\s", "", layout.text)) == sorted(re.sub(r"\s", "", text))
