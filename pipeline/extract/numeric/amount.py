"""An amount being read (its value, range, qualifier and span) and the pieces
every kind of amount shares: multipliers, qualifier words, the mention made."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from pipeline.extract.dates.mentions import SOURCE
from pipeline.extract.numerals import numeral_tables
from pipeline.extract.numeric.patterns import NumericRules
from pipeline.types import Mention


@dataclass
class Amount:
    value: Decimal
    value_max: Optional[Decimal]
    qualifier: Optional[str]
    start: int
    end: int


def multiplier(text: str) -> Decimal:
    numerals = numeral_tables()
    value = Decimal(1)
    for ch in text:
        value *= numerals.big_units.get(ch) or numerals.small_units.get(ch, 1)
    return value


def qualified(match: re.Match, value: Decimal, value_max: Optional[Decimal],
              inner: Optional[str], unit: Optional[str], kind: str,
              rules: NumericRules) -> Amount:
    """The amount with its qualifier words, which belong to its span."""
    start, end = match.span()
    qualifier = inner
    pre = match.group("pre")
    if pre:
        if kind in rules.before_not_for_kinds.get(pre, ()):
            start += len(pre)
        else:
            qualifier = qualifier or rules.before[pre]
    post = match.group("post")
    if post:
        qualifier = rules.after[post] if qualifier is None else qualifier
    return Amount(value, value_max, qualifier, start, end)


def belongs_to_next_word(text: str, end: int, unit: str, rules: NumericRules) -> bool:
    blocked = rules.not_followed_by.get(unit)
    return bool(blocked) and end < len(text) and text[end] in blocked


def amount_mention(text: str, label: str, amount: Amount, unit: Optional[str] = None,
                   currency: Optional[str] = None) -> Mention:
    return Mention(
        label=label, start=amount.start, end=amount.end,
        text=text[amount.start:amount.end], source=SOURCE,
        value=amount.value, value_max=amount.value_max, unit=unit,
        currency=currency, qualifier=amount.qualifier,
    )
