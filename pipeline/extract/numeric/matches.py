"""One match of the amount pattern read as MONEY, PERCENT or QUANTITY, or rejected:
single amounts with their unit, ranges (10万—20万元, 3至5万元) and their values."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from pipeline.extract.numerals import numeral_tables, parse_digit_string, parse_number
from pipeline.extract.numeric.amount import Amount, amount_mention, multiplier, qualified
from pipeline.extract.numeric.money import add_subunits, spoken_money, symbol_money
from pipeline.extract.numeric.patterns import NumericRules
from pipeline.extract.numeric.percent import percent_with_unit, prefixed_percent
from pipeline.types import Mention


def read_match(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    if match.group("sym"):
        return symbol_money(text, match, rules)
    if match.group("pfx"):
        return prefixed_percent(text, match, rules)
    if "a" in match.re.groupindex and match.group("a"):
        return _range_amount(text, match, rules)
    return _single_amount(text, match, rules)


def _single_amount(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    number, unit = match.group("n"), match.group("u")
    if spaced_from_a_number(text, match.start("n"), match.end("n")):
        return None  # 7 2 折: which of the two numbers the unit belongs to is not written
    kind = rules.kind_of(unit)
    inner, mult = match.group("inner"), match.group("mult")
    value, value_max = _number_or_pair(number)
    if value is None and kind == "percent" and rules.percent_after[unit].scale is None:
        digits = parse_digit_string(number)  # 七五折 is written digit by digit
        value = Decimal(digits) if digits is not None else None
    if value is None:
        return None
    if mult:
        value *= multiplier(mult)
        value_max = value_max * multiplier(mult) if value_max is not None else None
    if match.group("sign"):
        value = -value
    if number in rules.numerals.not_numbers_alone:
        return None  # 零部件, 队伍: a word, not a number
    if unit in rules.spoken_money and value_max is None:
        spoken = spoken_money(text, match, value, rules.inner[inner] if inner else None, unit, rules)
        if spoken is not None:
            return spoken
    if unit in rules.not_counts.get(number, ()):
        return None  # 二次创业: an ordinal
    is_determiner = (number in rules.numerals.determiners and unit not in rules.compound_units and not (
        inner or mult or match.group("pre") or match.group("post")))
    if is_determiner and kind in rules.determiner_kinds:
        return None
    inner_qualifier = rules.inner[inner] if inner else None
    compound = rules.compound_units.get(unit)
    if compound is not None:  # 一个多小时, 两个半月
        unit = compound["unit"]
        inner_qualifier = inner_qualifier or compound.get("qualifier")
        value += Decimal(str(compound.get("plus", 0)))
    amount = qualified(match, value, value_max, inner_qualifier, unit, kind, rules)
    return _labelled(text, amount, unit, kind, number, match.end("u"), rules)


def spaced_from_a_number(text: str, start: int, end: int) -> bool:
    """A number set off by spaces both from the number before it and from its unit."""
    return ((start == end or text[end:end + 1] == " ") and start >= 2 and text[start - 1] == " "
            and text[start - 2].isdigit())


def _range_amount(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    unit = match.group("ub")
    if match.group("ua") and match.group("ua") != unit:
        return None
    kind = rules.kind_of(unit)
    low, high = parse_number(match.group("a")), parse_number(match.group("b"))
    if low is None or high is None:
        return None
    bmult = match.group("bmult")
    if bmult:
        high *= multiplier(bmult)
    low = _share_multiplier(match.group("a"), match.group("b"), low, high, bmult)
    if not low < high:
        return None  # 2024-2023个 and the like are not ranges
    inner = match.group("binner")
    amount = qualified(match, low, high, rules.inner[inner] if inner else None, unit, kind, rules)
    if kind == "percent" and rules.percent_after[unit].scale is None:
        return None  # 七-八折 is not written in news copy; leave it out
    return _labelled(text, amount, unit, kind, match.group("b"), match.end("ub"), rules)


def _share_multiplier(a_text: str, b_text: str, low: Decimal, high: Decimal,
                      bmult: Optional[str]) -> Decimal:
    """3至5万元: the start takes the multiplier written only after the end."""
    big_units = numeral_tables().big_units
    if any(ch in big_units for ch in a_text):
        return low
    trailing = bmult or ""
    core = b_text
    while core and core[-1] in big_units:
        trailing = core[-1] + trailing
        core = core[:-1]
    if not trailing or not core:
        return low
    scale = multiplier(trailing)
    core_value = parse_number(core)
    if core_value is not None and low < core_value:
        return low * scale
    return low


def _number_or_pair(number: str) -> tuple[Optional[Decimal], Optional[Decimal]]:
    value = parse_number(number)
    if value is not None:
        return value, None
    pair = numeral_tables().approx_pairs.get(number)
    if pair is not None:
        return Decimal(pair[0]), Decimal(pair[1])
    return None, None


def _labelled(text: str, amount: Amount, unit: str, kind: str, number: str,
              unit_end: int, rules: NumericRules) -> Optional[Mention]:
    written_unit = text[unit_end - 1]
    blocked = rules.not_followed_by.get(unit) or rules.not_followed_by.get(written_unit)
    if blocked and unit_end < len(text) and text[unit_end] in blocked:
        return None  # 三成为, 折合, 80年代: the unit character belongs to a word
    if kind == "money":
        currency = rules.currency_after[unit]
        if amount.value_max is None and amount.end == unit_end:
            add_subunits(text, amount, currency, rules)
        return amount_mention(text, "MONEY", amount, currency=currency)
    if kind == "percent":
        return percent_with_unit(text, amount, unit, number, unit_end, rules)
    return amount_mention(text, "QUANTITY", amount, unit=unit)
