from hypothesis import given, settings, strategies as st

from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_spans


def sentences(text):
    return [text[s:e] for s, e in split_spans(text, 0, len(text))]


def test_terminators_and_closing_quotes():
    assert sentences("会议指出。要优化体系！为什么？") == ["会议指出。", "要优化体系！", "为什么？"]
    assert sentences("“中国式现代化，民生为大”。推进改革。") == ["“中国式现代化，民生为大”。", "推进改革。"]


def test_semicolons_do_not_split():
    assert sentences("做好“加法”；做好“减法”；做好“乘法”。") == ["做好“加法”；做好“减法”；做好“乘法”。"]


def test_no_split_inside_a_quotation_that_continues():
    text = "“当时我的想法就是一线劳动者是非常光荣的。”苏景云说。她当时的偶像是田桂英。"
    assert sentences(text) == ["“当时我的想法就是一线劳动者是非常光荣的。”苏景云说。", "她当时的偶像是田桂英。"]


def test_speech_after_a_colon_ends_with_its_quote():
    text = "还执拗地说：“田桂英能开火车，我为啥不能下井？”成为一名采煤工人后，她遭遇了嘲讽。"
    assert sentences(text) == ["还执拗地说：“田桂英能开火车，我为啥不能下井？”", "成为一名采煤工人后，她遭遇了嘲讽。"]


def test_ellipsis_and_ascii_marks_in_chinese():
    assert sentences("他说……不对!好吗?") == ["他说……", "不对!", "好吗?"]


def test_unbalanced_quotes_do_not_swallow_the_paragraph():
    assert sentences("“第一句。第二句。") == ["“第一句。", "第二句。"]


def test_a_long_line_without_terminators_is_cut_at_clause_breaks():
    text = "，".join(["很长的分句"] * 600)
    spans = list(split_spans(text, 0, len(text)))
    assert len(spans) > 1 and all(e - s <= 1000 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_headings_and_datelines_are_not_running_text():
    layout = repair_layout("## 我市召开述职会\n\n本报讯 会议召开。")
    from pipeline.layout.sentences import split_sentences
    articles = find_articles(layout, "d")
    found = split_sentences(layout, articles, "d")
    assert [s.text for s in found] == ["会议召开。"]
    assert [a.title for a in articles] == ["我市召开述职会"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("我市召开。！？“”‘’（）《》…，；：:!? \n2024年ab")), max_size=300))
def test_spans_are_exact_ordered_and_never_raise(text):
    previous_end = 0
    for start, end in split_spans(text, 0, len(text)):
        assert previous_end <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        previous_end = end
