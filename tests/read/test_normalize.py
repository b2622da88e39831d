from hypothesis import given, strategies as st

from pipeline.read.normalize import normalize_text


def test_full_width_digits_and_letters_fold_to_ascii():
    assert normalize_text("２０２４年ＧＤＰ增长５．２％") == "2024年GDP增长5.2%"


def test_ascii_punctuation_beside_chinese_becomes_full_width():
    assert normalize_text("加大力度,提升效能;见成效:好?(上接第二版)") == "加大力度，提升效能；见成效：好？（上接第二版）"


def test_ascii_punctuation_between_digits_and_latin_stays():
    assert normalize_text("共1,100万元,增长3.5%") == "共1,100万元，增长3.5%"
    assert normalize_text("U.S. (GDP), 2024") == "U.S. (GDP), 2024"


def test_line_ends_controls_and_blank_lines():
    raw = "\ufeff　　第一段。\r\n\r\n\r\n\r\n第二\x00段。  \r第三段。\x07"
    assert normalize_text(raw) == "第一段。\n\n第二段。\n第三段。"


def test_chinese_punctuation_and_traditional_characters_are_kept():
    assert normalize_text("“政府工作報告”。") == "“政府工作報告”。"


@given(st.text())
def test_never_raises_and_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_a_run_of_ascii_signs_beside_han_widens_whole():
    assert normalize_text(":,㐀") == "：，㐀"
    assert normalize_text("年(:") == "年（："
    assert normalize_text("1,234.5") == "1,234.5"


# The alphabet where widening and folding meet, so that runs of signs beside Han
# characters are drawn often rather than by luck.
_MIXED = st.text(alphabet=",;:?!() \t\n\r１２%％－，：。年㐀a", max_size=30)


@given(_MIXED)
def test_idempotent_where_signs_and_han_meet(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
