"""Numerals to exact values: Arabic, Chinese, financial capitals and mixtures.

``parse_number("三千一百三十五点七万")`` is ``Decimal("31357000.0")``;
``parse_number("16.4亿")`` is ``Decimal("1640000000.0")`` exactly.  Values are
``Decimal`` throughout, never ``float``, so a column written as float64 later
holds the nearest double to the true value rather than an accumulated error.

Every parser returns ``None`` for text that is not a well-formed numeral
instead of raising: callers scan prose, and garbage is the normal case there.
The character tables come from ``configs/numerals.yaml``.  Text arrives
normalized (pipeline/read/normalize.py folds full-width digits, point and minus
once for every document), so only ASCII digits are read here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

from pipeline.config import load_table, per_tables

_ARABIC = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")
_ARABIC_WHOLE = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_ZERO = Decimal(0)
_TEN = Decimal(10)


@dataclass(frozen=True)
class NumeralTables:
    digits: dict[str, int]
    small_units: dict[str, int]
    big_units: dict[str, int]
    big_units_in_context: dict[str, int]
    latin_multipliers: dict[str, int]
    decimal_points: frozenset[str]
    fraction_marker: str
    negative_signs: frozenset[str]
    negative_words: tuple[str, ...]
    approx_pairs: dict[str, tuple[int, int]]
    not_numbers_alone: frozenset[str]
    determiners: frozenset[str]
    ordinal_markers: tuple[str, ...]
    vague_markers: tuple[str, ...]
    range_connectors: tuple[str, ...]
    thousands_separators: tuple[str, ...]
    everyday_digits: str
    everyday_units: str
    two_in_counts: str

    @property
    def chinese_chars(self) -> str:
        """Every character that can occur inside a Chinese numeral."""
        return "".join(
            [*self.digits, *self.small_units, *self.big_units, *self.decimal_points]
        )


    def everyday_digit(self, value: int) -> str:
        """The everyday digit characters worth ``value`` (一; 零〇○ for 0)."""
        return "".join(ch for ch in self.everyday_digits if self.digits[ch] == value)

    def everyday_unit(self, value: int) -> str:
        """The everyday unit worth ``value`` (十, 千)."""
        return next(ch for ch in self.everyday_units
                    if self.small_units.get(ch, self.big_units.get(ch)) == value)

    @property
    def everyday_nonzero(self) -> str:
        """一二三四五六七八九: the everyday digits worth 1 to 9, in value order."""
        return "".join(sorted((ch for ch in self.everyday_digits if self.digits[ch]),
                              key=lambda ch: self.digits[ch]))


@per_tables
def numeral_tables() -> NumeralTables:
    """configs/numerals.yaml, read once per process and tables folder."""
    data = load_table("numerals")
    everyday = data["everyday"]
    return NumeralTables(
        digits={str(k): int(v) for k, v in data["digits"].items()},
        small_units={str(k): int(v) for k, v in data["small_units"].items()},
        big_units={str(k): int(v) for k, v in data["big_units"].items()},
        big_units_in_context={str(k): int(v) for k, v in data["big_units_in_context"].items()},
        latin_multipliers={str(k): int(v) for k, v in data["latin_multipliers"].items()},
        decimal_points=frozenset(data["decimal_points"]),
        fraction_marker=str(data["fraction_marker"]),
        negative_signs=frozenset(str(s) for s in data["negative_signs"]),
        negative_words=tuple(data["negative_words"]),
        approx_pairs={str(k): (int(v[0]), int(v[1])) for k, v in data["approx_pairs"].items()},
        not_numbers_alone=frozenset(data["not_numbers_alone"]),
        determiners=frozenset(data["determiners"]),
        ordinal_markers=tuple(data["ordinal_markers"]),
        vague_markers=tuple(data["vague_markers"]),
        range_connectors=tuple(data["range_connectors"]),
        thousands_separators=tuple(data["thousands_separators"]),
        everyday_digits="".join(everyday["digits"]),
        everyday_units="".join(everyday["units"]),
        two_in_counts=str(everyday["two_in_counts"]),
    )


def __getattr__(name: str) -> NumeralTables:
    # TABLES: for modules not yet moved to numeral_tables() (measures/cues.py,
    # names/people.py); built on first use, not at this module's import
    if name == "TABLES":
        return numeral_tables()
    raise AttributeError(name)


def parse_number(raw: str, tables: Optional[NumeralTables] = None) -> Optional[Decimal]:
    """The value of one numeral, or None when ``raw`` is not one.

    Accepts Arabic (``1,234.5``), Chinese (``十二万五千``, ``三千一百三十五点七``),
    financial capitals (``壹佰伍拾``), mixtures (``3.2万``, ``5万4千6百``),
    fractions (``三分之一``) and a leading minus sign (``负3.9``).
    """
    if not isinstance(raw, str) or not raw:
        return None
    tables = tables or numeral_tables()
    text = _without_thousands_separators(raw, tables)
    sign = 1
    if text[0] in tables.negative_signs:
        sign, text = -1, text[1:]
    if not text:
        return None
    value = _parse_unsigned(text, tables)
    if value is None:
        return None
    return -value if sign < 0 else value


def _without_thousands_separators(text: str, tables: NumeralTables) -> str:
    """82，225.00 typed with a full-width comma reads as 82,225.00 (the one
    separator the parsers below know)."""
    for separator in tables.thousands_separators:
        if separator != ",":
            text = text.replace(separator, ",")
    return text


def parse_digit_string(raw: str, tables: Optional[NumeralTables] = None) -> Optional[int]:
    """Digits read one by one, as years are written: 二〇二四 -> 2024."""
    if not raw:
        return None
    tables = tables or numeral_tables()
    out = []
    for ch in raw:
        if "0" <= ch <= "9":
            out.append(ch)
        elif ch in tables.digits:
            out.append(str(tables.digits[ch]))
        else:
            return None
    return int("".join(out))


def parse_approx_pair(raw: str, tables: Optional[NumeralTables] = None) -> Optional[tuple[int, int]]:
    """Two adjacent digits meaning "a few": 三五 -> (3, 5)."""
    return (tables or numeral_tables()).approx_pairs.get(raw)


def _parse_unsigned(text: str, tables: NumeralTables) -> Optional[Decimal]:
    if text[-1] in tables.latin_multipliers and _ARABIC_WHOLE.fullmatch(text[:-1]):
        value = _decimal(text[:-1].replace(",", ""))  # 15k, 3.2k
        return value * tables.latin_multipliers[text[-1]] if value is not None else None
    if tables.fraction_marker in text:
        return _parse_fraction(text, tables)
    if _ARABIC_WHOLE.fullmatch(text):
        return _decimal(text.replace(",", ""))
    return _parse_positional(text, tables)


def _parse_fraction(text: str, tables: NumeralTables) -> Optional[Decimal]:
    denominator_text, _, numerator_text = text.partition(tables.fraction_marker)
    denominator = _parse_unsigned(denominator_text, tables) if denominator_text else None
    numerator = _parse_unsigned(numerator_text, tables) if numerator_text else None
    if denominator is None or numerator is None or denominator == 0:
        return None
    return numerator / denominator


def _decimal(text: str) -> Optional[Decimal]:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class _Positional:
    """State of a left-to-right read of a Chinese positional numeral.

    ``total`` holds finished 万/亿 groups, ``section`` the part below the
    current group, ``pending`` a digit (or decimal) not yet given a unit.
    """

    __slots__ = ("total", "section", "pending", "pending_is_digit_char",
                 "last_unit", "last_small", "largest_big", "zero_gap", "seen_any")

    def __init__(self) -> None:
        self.total = _ZERO
        self.section = _ZERO
        self.pending: Optional[Decimal] = None
        self.pending_is_digit_char = False
        self.last_unit: Optional[int] = None
        self.last_small: Optional[int] = None
        self.largest_big: Optional[int] = None
        self.zero_gap = False
        self.seen_any = False


def _parse_positional(text: str, tables: NumeralTables) -> Optional[Decimal]:
    state = _Positional()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if "0" <= ch <= "9":
            match = _ARABIC.match(text, i)
            if state.pending is not None:
                return None
            state.pending = _decimal(match.group().replace(",", ""))
            state.pending_is_digit_char = False
            i = match.end()
        elif ch in tables.digits:
            if not _read_digit(state, tables.digits[ch]):
                return None
            i += 1
        elif ch in tables.decimal_points:
            i = _read_decimal(state, text, i + 1, tables)
            if i < 0:
                return None
        elif ch in tables.small_units:
            if not _read_small_unit(state, tables.small_units[ch]):
                return None
            i += 1
        elif ch in tables.big_units or ch in tables.big_units_in_context:
            # the scanner only lets 兆 through where its context makes it 1e12
            unit = tables.big_units.get(ch) or tables.big_units_in_context[ch]
            if not _read_big_unit(state, unit):
                return None
            i += 1
        else:
            return None
        state.seen_any = True
    return _finish(state)


def _read_digit(state: _Positional, digit: int) -> bool:
    if state.pending is not None:
        return False  # 二〇二四 or 三五: a digit string, not a positional numeral
    if digit == 0:
        # 一千零一, 零十: a zero only marks a skipped place; alone it is 0
        state.zero_gap = True
        return True
    state.pending = Decimal(digit)
    state.pending_is_digit_char = True
    return True


def _read_decimal(state: _Positional, text: str, start: int, tables: NumeralTables) -> int:
    """Reads the fraction digits after 点; returns the next index or -1."""
    digits = []
    j = start
    while j < len(text):
        ch = text[j]
        if "0" <= ch <= "9":
            digits.append(ch)
        elif ch in tables.digits:
            digits.append(str(tables.digits[ch]))
        else:
            break
        j += 1
    if not digits:
        return -1
    if not state.seen_any:
        return -1
    whole = state.section + _placed_pending(state)
    state.pending = whole + Decimal("0." + "".join(digits))
    state.pending_is_digit_char = False
    state.section = _ZERO
    state.last_small = None
    return j


def _read_small_unit(state: _Positional, unit: int) -> bool:
    if state.last_small is not None and unit >= state.last_small:
        return False  # 十百: small units must fall within a section
    multiplier = state.pending if state.pending is not None else Decimal(1)
    if state.pending is None and state.zero_gap and unit != 10:
        return False  # 一千零百 (but 一千零十 is 1010)
    state.section += multiplier * unit
    state.pending = None
    state.last_small = unit
    state.last_unit = unit
    state.zero_gap = False
    return True


def _read_big_unit(state: _Positional, unit: int) -> bool:
    group = state.section + (state.pending if state.pending is not None else _ZERO)
    if group == 0:
        if state.total == 0:
            return False  # 万 alone is not a number
        state.total *= unit  # 四万万, 4.78万亿: the unit scales what came before
    elif state.largest_big is None or unit > state.largest_big:
        state.total = (state.total + group) * unit
    else:
        state.total += group * unit
    state.largest_big = max(unit, state.largest_big or 0)
    state.section = _ZERO
    state.pending = None
    state.last_small = None
    state.last_unit = unit
    state.zero_gap = False
    return True


def _placed_pending(state: _Positional) -> Decimal:
    """The value of the digit not yet given a unit."""
    pending = state.pending
    if pending is None:
        return _ZERO
    if state.pending_is_digit_char and not state.zero_gap \
            and state.last_unit is not None and state.last_unit >= 100:
        # 一万三 = 13000, 两千三点一 = 2300.1: a trailing digit names the next place down
        return pending * Decimal(state.last_unit) / _TEN
    return pending


def _finish(state: _Positional) -> Optional[Decimal]:
    if not state.seen_any:
        return None
    return state.total + state.section + _placed_pending(state)
