"""Numeral parsing: exact Decimal values, None (never an exception) on garbage."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numerals import parse_approx_pair, parse_digit_string, parse_number
from pipeline.read.normalize import normalize_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3135.7万", "31357000"),
        ("三千一百三十五点七万", "31357000"),  # JioNLP and cn2an raise on this one
        ("16.4亿", "1640000000"),  # exact, not 1639999999.9999998
        ("十二万五千", "125000"),
        ("1,100万", "11000000"),
        ("3.2万", "32000"),
        ("两千四百五", "2450"),
        ("一万三", "13000"),
        ("九十二万四", "924000"),
        ("一千零一", "1001"),
        ("一千零五十", "1050"),
        ("四千万零六千", "40006000"),
        ("五亿零六", "500000006"),
        ("四亿五千六百四十二万零一十五", "456420015"),
        ("4.78万亿", "4780000000000"),
        ("二十一万亿", "21000000000000"),
        ("四万万", "400000000"),
        ("5万4千6百", "54600"),
        ("3万4000", "34000"),
        ("2千零30万", "20300000"),
        ("壹佰伍拾", "150"),
        ("肆佰陸拾", "460"),
        ("拾亿零六万零五百零六", "1000060506"),
        ("十万柒仟捌佰伍拾肆", "107854"),
        ("十", "10"),
        ("十五", "15"),
        ("百三", "130"),
        ("零点五", "0.5"),
        ("二十点五", "20.5"),
        ("负三十二", "-32"),
        ("-22.2", "-22.2"),
        ("二分之一", "0.5"),
        ("四分之三", "0.75"),
        ("四十九兆九千五百九十二億", "49959200000000"),  # 兆 = 1e12 where the scanner lets it through
        ("壹佰萬", "1000000"),
    ],
)
def test_values_are_exact(raw, expected):
    assert parse_number(raw) == Decimal(expected)


def test_fraction_keeps_decimal_precision():
    assert parse_number("三分之一") == Decimal(1) / Decimal(3)


@pytest.mark.parametrize(
    "raw",
    ["", "万", "万万", "十百", "二〇二四", "三五", "一定", "abc", "1,23", "点五", "五点", "分之一"],
)
def test_garbage_is_none(raw):
    assert parse_number(raw) is None


def test_digit_strings_read_digit_by_digit():
    assert parse_digit_string("二〇二四") == 2024
    assert parse_digit_string("一九九八") == 1998
    assert parse_digit_string("二十") is None


def test_full_width_numerals_read_once_normalize_folds_them():
    # Width is folded once, at ingest; the parser reads only what normalize gives it.
    assert parse_number("１２３") is None
    assert parse_number(normalize_text("１２３")) == Decimal(123)
    assert parse_number(normalize_text("１，２３４．５")) == Decimal("1234.5")
    assert parse_digit_string(normalize_text("20２4")) == 2024


def test_approx_pairs_come_from_the_table():
    assert parse_approx_pair("三五") == (3, 5)
    assert parse_approx_pair("两三") == (2, 3)
    assert parse_approx_pair("五三") is None


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """n in Chinese numerals the way a newsroom writes it (一千零一, 十万零五, 四亿零六万), built
    independently of the parser: four-digit sections under 万, 亿, 万亿, a 零 for each gap."""
    if n == 0:
        return "零"

    def section(m: int) -> str:
        out, gap = "", False
        for power, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
            digit = m // 10**power % 10
            if digit == 0:
                gap = gap or bool(out)
            else:
                out += ("零" if gap else "") + _DIGITS[digit] + unit
                gap = False
        return out

    sections = []
    while n:
        n, low = divmod(n, 10_000)
        sections.append(low)
    out, gap = "", False
    for index in range(len(sections) - 1, -1, -1):
        value = sections[index]
        if value == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or value < 1000):
            out += "零"
        gap = False
        out += section(value) + ("", "万", "亿", "万亿")[index]
    return out[1:] if out.startswith("一十") else out


def test_the_reference_numerals_read_as_written():
    assert [chinese_numeral(n) for n in (10, 15, 1001, 100_005, 100_010_000, 456_420_015)] == [
        "十", "十五", "一千零一", "十万零五", "一亿零一万", "四亿五千六百四十二万零一十五"]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_every_chinese_integer_reads_exactly(n):
    assert parse_number(chinese_numeral(n)) == Decimal(n)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_every_arabic_number_reads_exactly_with_and_without_separators(value):
    plain = format(value, "f")
    assert parse_number(plain) == value
    assert parse_number(format(value, ",f")) == value
    if value:  # 0万 reads as nothing: 万 after a zero is taken for 万 alone
        assert parse_number(plain + "万") == value * 10_000
        assert parse_number(plain + "亿") == value * 100_000_000


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**8 - 1), st.integers(min_value=0, max_value=9999))
def test_a_chinese_decimal_reads_exactly(whole, tenths):
    digits = "".join(_DIGITS[int(c)] for c in str(tenths))
    expected = Decimal(f"{whole}.{tenths}")
    assert parse_number(f"{chinese_numeral(whole)}点{digits}") == expected
    assert parse_number(f"负{chinese_numeral(whole)}点{digits}") == -expected


_NUMERAL_ALPHABET = "0123456789０１２３４５６７８９.,，．零〇一二两三四五六七八九十百千万亿壹贰叁拾佰仟萬億点分之负-元个"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_NUMERAL_ALPHABET, max_size=16))
def test_never_raises_on_numeral_soup(raw):
    # the exact values are the round trips above; here only that nothing raises or overflows
    result = parse_number(raw)
    assert result is None or (isinstance(result, Decimal) and result.is_finite())


# Everything that can make or carry a number: digits of any script, the numeral table's
# characters, signs, separators and Latin multipliers.
_NUMERAL_CHARS = set(_NUMERAL_ALPHABET + "○貳兩俩倆參陆陸柒捌玖肆伍壹佰仟拾兆點kKｋＫ負－−+廿卅")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "Nl", "No", "Cs"),
                                      blacklist_characters="".join(_NUMERAL_CHARS)), max_size=20))
def test_text_without_a_numeral_reads_as_nothing(raw):
    assert parse_number(raw) is None
    assert parse_digit_string(raw) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_never_raises_on_any_text(raw):
    result = parse_number(raw)
    assert result is None or result.is_finite()
    digits = parse_digit_string(raw)
    assert digits is None or (isinstance(digits, int) and digits >= 0)
