"""MONEY: amounts after a currency word or symbol (人民币50亿元, $20), sub-units
(123元1角1分) and spoken units (十块三毛, 1000多块钱) that their context makes money."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from pipeline.extract.numerals import numeral_tables, parse_number
from pipeline.extract.numeric.amount import Amount, amount_mention, belongs_to_next_word, multiplier, qualified
from pipeline.extract.numeric.patterns import NumericRules, is_word
from pipeline.types import Mention


def symbol_money(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    value = parse_number(match.group("snum"))
    if value is None:
        return None
    if match.group("smult"):
        value *= multiplier(match.group("smult"))
    currency = rules.currency_before[match.group("sym")]
    unit = match.group("sunit")
    inner = match.group("sinner")
    if unit and rules.currency_after[unit] != currency and unit not in rules.unit_words:
        return None  # 人民币5美元: two currencies, not one amount
    if not unit and is_word(match.group("sym")) and not _has_multiplier(match.group("snum") + (
            match.group("smult") or "")):
        return None  # 人民币100 alone is not always an amount; 人民币3000万 is
    amount = qualified(match, value, None, rules.inner[inner] if inner else None, None, "money", rules)
    if unit:
        add_subunits(text, amount, currency, rules)
    return amount_mention(text, "MONEY", amount, currency=currency)


def _has_multiplier(number: str) -> bool:
    return any(ch in numeral_tables().big_units for ch in number)


def add_subunits(text: str, amount: Amount, currency: str, rules: NumericRules) -> bool:
    """123元1角1分 -> 123.11: takes the sub-units written after the main
    amount into its value and span; True when there was at least one."""
    words = rules.subunits.get(currency)
    if not words or amount.value < 0:
        return False
    tail = rules.subunit_tails[currency]
    smallest = None
    found = False
    while True:
        match = tail.match(text, amount.end)
        if match is None:
            break
        worth = words[match.group("w")]
        count = parse_number(match.group("n"))
        if count is None or count <= 0 or count * worth >= (smallest or 1):
            break  # 5元12角, 3角5角: not a sub-unit of what came before
        if belongs_to_next_word(text, match.end(), match.group("w"), rules):
            break  # 3元5分钟
        amount.value += count * worth
        amount.end = match.end()
        smallest = worth
        found = True
    suffix = rules.money_suffix.match(text, amount.end) if found else None
    if suffix is not None:
        amount.end = suffix.end()
    return found


def spoken_money(text: str, match: re.Match, value: Decimal, inner: Optional[str], unit: str,
                 rules: NumericRules) -> Optional[Mention]:
    """十块三毛, 1000多块钱, 花费我三块: an amount in 块 that its context makes money."""
    currency = rules.spoken_money[unit]
    amount = qualified(match, value, None, inner, None, "money", rules)
    amount.end = match.end("u")
    if add_subunits(text, amount, currency, rules):
        return amount_mention(text, "MONEY", amount, currency=currency)
    suffix = rules.money_suffix.match(text, amount.end)
    if suffix is not None:
        amount.end = suffix.end()
        return amount_mention(text, "MONEY", amount, currency=currency)
    if _ends_clause(text, amount.end) and _priced_clause(text, amount.start, rules):
        return amount_mention(text, "MONEY", amount, currency=currency)
    return None


_CLAUSE_END = frozenset("，。；！？、,.;!?:：）)”\n ")


def _ends_clause(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in _CLAUSE_END


def _priced_clause(text: str, start: int, rules: NumericRules) -> bool:
    """A price word earlier in the same clause (花费我三块, 一共花了三块)."""
    clause_start = start
    while clause_start > 0 and text[clause_start - 1] not in _CLAUSE_END and start - clause_start < 12:
        clause_start -= 1
    return rules.price_words.search(text, clause_start, start) is not None
