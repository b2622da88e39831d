"""PERCENT: 百分之…, 12%, tenths (七成六, 三成半), discounts (八折, 七五折) and
the words that are percentages (半成, 打对折)."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from pipeline.extract.numerals import parse_digit_string, parse_number
from pipeline.extract.numeric.amount import Amount, amount_mention, belongs_to_next_word, qualified
from pipeline.extract.numeric.patterns import NumericRules
from pipeline.text import is_han
from pipeline.types import Mention


def percent_words(text: str, rules: NumericRules) -> list[Mention]:
    """半成 = 5 %, 打对折 = 50 % (units.yaml percent_words)."""
    found = []
    for match in rules.percent_word_pattern.finditer(text):
        spec = rules.percent_words[match.group()]
        before = spec.get("after")
        if before and not any(text.endswith(word, 0, match.start()) for word in before):
            continue
        unit_char = match.group()[-1]
        if belongs_to_next_word(text, match.end(), unit_char, rules):
            continue  # 半成品
        amount = Amount(Decimal(str(spec["value"])), None, None, match.start(), match.end())
        found.append(amount_mention(text, "PERCENT", amount, unit="%"))
    return found


def prefixed_percent(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    number = match.group("pnum")
    value = parse_number(number)
    # 百分之七十百分位: the greedy numeral took a unit character of the next word
    while value is None and len(number) > 1 and (
            number[-1] in rules.numerals.small_units or number[-1] in rules.numerals.big_units):
        number = number[:-1]
        value = parse_number(number)
    if value is None:
        return None
    if match.group("psign"):
        value = -value
    spec = rules.percent_before[match.group("pfx")]
    amount = qualified(match, value * spec.scale, None, None, None, "percent", rules)
    if number != match.group("pnum"):
        amount.end = match.start("pnum") + len(number)
    return amount_mention(text, "PERCENT", amount, unit=spec.unit)


def percent_with_unit(text: str, amount: Amount, unit: str, number: str,
                      unit_end: int, rules: NumericRules) -> Optional[Mention]:
    spec = rules.percent_after[unit]
    if spec.scale is None:
        value = _discount_percent(number, amount.value)
        if value is None:
            return None
        amount.value = value
    else:
        if spec.scale != 1 and amount.value > 10:
            return None  # 成 counts tenths: 2024成 is not a percentage
        tail = _tenth_tail(text, unit, amount, rules)
        amount.value *= spec.scale
        if tail is not None:
            amount.value += tail
        if amount.value_max is not None:
            amount.value_max *= spec.scale
    return amount_mention(text, "PERCENT", amount, unit=spec.unit)


def _tenth_tail(text: str, unit: str, amount: Amount, rules: NumericRules) -> Optional[Decimal]:
    """七成六 -> 6 more percent, 三成半 -> 5 more; the tail joins the span.
    A digit that starts a count of its own (三成五年内) is no tail."""
    if unit != rules.tenth_unit or amount.value_max is not None or amount.end >= len(text):
        return None
    ch = text[amount.end]
    after = text[amount.end + 1:amount.end + 2]
    if after and is_han(after) and after not in rules.tenth_followers:
        return None
    if ch in rules.tenth_halves:
        value = Decimal(5)
    else:
        digit = rules.numerals.digits.get(ch)
        if digit is None and "1" <= ch <= "9":
            digit = int(ch)
        if not digit:
            return None
        value = Decimal(digit)
    if amount.value >= 10:
        return None  # 十成六 is no percentage
    amount.end += 1
    return value


def _discount_percent(number: str, value: Decimal) -> Optional[Decimal]:
    """八折 = 80 %, 8.5折 = 85 %, 七五折 / 75折 = 75 %."""
    if value is not None and Decimal(0) < value < 10:
        return value * 10
    digits = parse_digit_string(number)
    if digits is not None and 10 <= digits < 100 and len(number) == 2:
        return Decimal(digits)
    return None
