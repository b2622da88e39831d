"""The amount pattern and the tables of configs/ it is compiled from.

Units and classifiers (units.yaml), currencies (currencies.yaml), qualifiers
(qualifiers.yaml), numeral characters (numerals.yaml) and words that contain
numerals without being amounts (numeric_stopwords.yaml).  One regular
expression per kind is compiled on first use (:func:`numeric_rules`); a call
only scans and resolves.  Text arrives normalized, so the patterns match ASCII
digits only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import permutations
from typing import Optional

from pipeline.config import load_table, per_tables
from pipeline.extract.numerals import NumeralTables, numeral_tables
from pipeline.text import alternation, is_han


def is_word(symbol: str) -> bool:
    return any(is_han(ch) for ch in symbol)


@dataclass(frozen=True)
class PercentUnit:
    scale: Optional[Decimal]  # None: a discount (八折 = 80 %)
    unit: str


class NumericRules:
    """The tables of configs/ and the pattern compiled from them."""

    def __init__(self) -> None:
        units = load_table("units")
        currencies = load_table("currencies")
        qualifiers = load_table("qualifiers")
        stopwords = load_table("numeric_stopwords")
        self.numerals = numerals = numeral_tables()

        self.unit_kind: dict[str, str] = {
            unit: kind for kind, items in units["kinds"].items() for unit in items
        }
        self.determiner_kinds = frozenset(units["determiner_kinds"])
        self.not_counts = {k: frozenset(v) for k, v in units["not_counts"].items()}
        self.currency_after: dict[str, str] = currencies["after_amount"]
        self.currency_before: dict[str, str] = currencies["before_amount"]
        self.subunits: dict[str, dict[str, Decimal]] = {
            code: {word: Decimal(str(worth)) for word, worth in words.items()}
            for code, words in currencies["subunits"].items()
        }
        self.subunit_tails = {code: _subunit_pattern(words, currencies["subunit_joiners"], numerals)
                              for code, words in self.subunits.items()}
        self.unit_words = frozenset(currencies["unit_words"])
        self.spoken_money: dict[str, str] = currencies["spoken_after_amount"]
        self.money_suffix = re.compile(alternation(currencies["money_suffix"]))
        self.price_words = re.compile(alternation(currencies["price_words"]))
        self.percent_after = {k: _percent_unit(v) for k, v in units["percent_after"].items()}
        self.percent_before = {k: _percent_unit(v) for k, v in units["percent_before"].items()}
        self.not_followed_by = {k: frozenset(v) for k, v in units["not_followed_by"].items()}
        self.percent_words: dict[str, dict] = units["percent_words"]
        self.percent_word_pattern = re.compile(alternation(self.percent_words))
        self.tenth_unit: str = units["tenth_tails"]["unit"]
        self.tenth_halves = frozenset(units["tenth_tails"]["half"])
        self.tenth_followers = frozenset(units["tenth_tails"]["may_follow"])

        self.compound_units: dict[str, dict] = units["compound_units"]
        for written, spec in self.compound_units.items():
            self.unit_kind[written] = self.unit_kind[spec["unit"]]
        self.before: dict[str, str] = qualifiers["before"]
        self.before_not_for_kinds = {
            k: frozenset(v) for k, v in qualifiers["before_not_for_kinds"].items()
        }
        self.inner: dict[str, str] = qualifiers["inner"]
        self.after: dict[str, str] = qualifiers["after"]
        self.spaced_run, self.joinable_space = _spaced_patterns(
            [*self.percent_after, *self.percent_before, *self.currency_after, *self.inner], numerals)
        self.pattern = re.compile(_fast_start(self._first_chars()) + self._amount_pattern())
        # 人民币50亿元: amounts that start with a currency word are scanned for
        # apart, only in text that holds one (人 is too common a first character
        # to try the whole pattern at)
        self.currency_words = re.compile(alternation(w for w in self.currency_before if is_word(w)))
        self.word_prefixed = re.compile(f"(?={self.currency_words.pattern})" + self._amount_pattern())
        self.single = re.compile(self._amount_pattern(ranges=False))
        self.stopwords = re.compile(alternation(stopwords["words"]))

    def kind_of(self, unit: str) -> str:
        if unit in self.currency_after:
            return "money"
        if unit in self.percent_after:
            return "percent"
        return self.unit_kind[unit]

    def _first_chars(self) -> set[str]:
        """Every character an amount can start with."""
        numerals = self.numerals
        first = set("0123456789") | set(numerals.digits) | set(numerals.small_units)
        first |= set(numerals.negative_signs)
        symbols = [w for w in self.currency_before if not is_word(w)]
        for word in [*self.before, *symbols, *self.percent_before, *numerals.negative_words]:
            first.add(word[0])
        return first

    def _amount_pattern(self, ranges: bool = True) -> str:
        numerals = self.numerals
        all_units = [*self.unit_kind, *self.currency_after, *self.percent_after]  # with compounds
        digits = "".join(numerals.digits)
        number = _number_pattern(digits, all_units, list(self.currency_after),
                                 [w[-1] for w in self.currency_before], numerals)
        minus = "".join(re.escape(s) for s in sorted(numerals.negative_signs) if not is_word(s))
        sign = rf"(?:(?<![0-9A-Za-z])[{minus}]|{alternation(numerals.negative_words)})"
        # a multiplier after 多/余/几: 500余万, 十几亿, 300万亿
        everyday_big = [ch for ch in numerals.everyday_units if ch in numerals.big_units]
        mult = alternation(["".join(pair) for pair in permutations(everyday_big, 2)]
                           + [*numerals.big_units, *numerals.small_units])
        units = alternation(all_units)
        pre = alternation(self.before)
        inner = alternation(self.inner)
        post = alternation(self.after)
        symbols = alternation(self.currency_before)
        currencies = alternation(self.currency_after)
        pct_before = alternation(self.percent_before)
        connectors = alternation(numerals.range_connectors)
        # 2.4 米, 5.2 %: text from PDF layouts puts a space after Arabic digits
        gap = "(?:(?<=[0-9]) )?"
        # 五百分之2.2 is a fraction, not a percentage
        not_before_pfx = "0-9" + digits + "".join([*numerals.small_units, *numerals.big_units])
        range_branch = (
            rf"|(?P<a>{number})(?P<ua>{units})?(?P<conn>{connectors})(?P<b>{number})"
            rf"(?:(?P<binner>{inner})(?P<bmult>{mult})?)?{gap}(?P<ub>{units})"
        ) if ranges else ""
        return (
            rf"(?P<pre>{pre})?(?:"
            rf"(?P<sym>{symbols}) {{0,2}}(?P<snum>{number})(?:(?P<sinner>{inner})(?P<smult>{mult})?)?"
            rf"{gap}(?P<sunit>{currencies})?"
            rf"|(?<![{not_before_pfx}])(?P<pfx>{pct_before})(?P<psign>{sign})?(?P<pnum>{number}|百)"
            rf"{range_branch}"
            rf"|(?P<sign>{sign})?(?P<n>{number})(?:(?P<inner>{inner})(?P<mult>{mult})?)?{gap}(?P<u>{units})"
            rf")(?P<post>{post})?"
        )


def _fast_start(first_chars: set[str]) -> str:
    """A lookahead on the possible first characters.

    The regex engine uses a leading character set to skip ahead in C; without
    it, every position of the text would try every alternative (4x slower).
    """
    return "(?=[" + "".join(re.escape(c) for c in sorted(first_chars)) + "])"


def _percent_unit(spec: dict) -> PercentUnit:
    scale = spec["scale"]
    return PercentUnit(None if scale == "discount" else Decimal(str(scale)), str(spec["unit"]))


def _subunit_pattern(words: dict[str, Decimal], joiners: list[str],
                     numerals: NumeralTables) -> re.Pattern[str]:
    """One sub-unit after an amount: (零|又)? numeral sub-unit word (3角, 又三美分)."""
    numeral = f"[0-9]{{1,2}}|[{''.join(numerals.digits)}{numerals.everyday_unit(10)}]{{1,3}}"
    return re.compile(rf"(?:{alternation(joiners)})?(?P<n>{numeral})(?P<w>{alternation(words)})")


def _number_pattern(digits: str, all_units: list[str], currency_words: list[str],
                    symbols: list[str], numerals: NumeralTables) -> str:
    """A numeral: Arabic, Chinese, mixed or a fraction, not inside another one."""
    unit_chars = [*numerals.small_units, *numerals.big_units]
    # 5千米 is 5 kilometres, not 5000 metres: a multiplier that starts a unit
    # only counts as a multiplier when the rest of that unit does not follow.
    guarded = []
    for ch in unit_chars:
        rests = [u[1:] for u in all_units if u[0] == ch and len(u) > 1]
        guarded.append(f"{ch}(?!{alternation(rests)})" if rests else ch)
    numeral_chars = re.escape(numerals.chinese_chars) + "0-9"
    big_units = "".join(numerals.big_units)
    sections = re.escape(big_units)
    for ch in numerals.big_units_in_context:  # 兆 only as 兆…亿 or 兆元 (numerals.yaml)
        guarded.append(f"{ch}(?=[{numeral_chars}]*[{sections}]|{alternation(currency_words)})")
    unit = "(?:" + "|".join(guarded) + ")"
    points = "".join(numerals.decimal_points)
    d = "[0-9]"
    # 1,100, and 82，225.00 with a full-width comma typed as the separator;
    # a full-width comma inside a list of numbers (1，2，300元, $20，300美圆)
    # separates them
    arabic = (
        rf"(?:{d}{{1,3}}(?:,{d}{{3}})+(?!{d})"
        rf"|(?<!{d}，)(?<![{re.escape(''.join(symbols))}]){d}{{1,3}}(?:，{d}{{3}})+(?!{d}|，{d})|{d}+)"
        rf"(?:\.{d}+)?"
    )
    # 百亿元, 千万人: a bare 百/千 starts a number only before 万/亿 (百年 is an idiom)
    # 几十年, 数百万: a vague count is not a number (十 alone would be read)
    vague = "".join(numerals.vague_markers)
    tens = "".join(ch for ch, worth in numerals.small_units.items() if worth == 10)
    hundreds_thousands = "".join(ch for ch in numerals.everyday_units if numerals.small_units.get(ch, 0) > 10)
    chinese = (rf"(?:[{digits}]|(?<![{vague}])(?:[{tens}]|[{hundreds_thousands}](?=[{big_units}])))"
               rf"(?:[{digits}]|{unit}|[{points}](?=[{digits}]))*")
    kilo = rf"(?:[{''.join(numerals.latin_multipliers)}](?![A-Za-z]))?"  # 15k (numerals.yaml)
    zero = "".join(ch for ch, worth in numerals.digits.items() if worth == 0)
    mixed = rf"{arabic}{kilo}(?:{unit}+(?:[{zero}]?(?:{arabic}|[{digits}]))?)*"
    simple = f"(?:{mixed}|{chinese})"
    fraction = f"{simple}{re.escape(numerals.fraction_marker)}{simple}"
    # nor in a code, a URL (30%25) or a version number
    # 十四届二次全会: after 届 a number is an ordinal too; 5·1% (old
    # typesetting's decimal point) must not yield 1%
    ordinal = "".join(numerals.ordinal_markers)
    not_inside = (rf"(?<![{ordinal}0-9A-Za-z.．%/=&_{digits}{''.join(unit_chars)}])"
                  rf"(?<![{ordinal}] )"
                  rf"(?<![0-9][·・])")
    return f"{not_inside}(?:{fraction}|{simple})"


# Spaces that PDF text puts between characters: read across them only inside a
# run of numeral and unit characters, and never between two Arabic numbers
# (2008 2009 in a table are two numbers).
SPACED_CONTEXT = 4


def _spaced_patterns(words: list[str], numerals: NumeralTables) -> tuple[re.Pattern[str], re.Pattern[str]]:
    chars = set(numerals.chinese_chars) | set(numerals.latin_multipliers) | set("0123456789.．")
    chars |= set(numerals.fraction_marker)
    for word in words:
        chars |= {ch for ch in word if not ch.isspace()}
    alphabet = "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
    run = re.compile(rf"{alphabet}+(?: +{alphabet}+)+")
    arabic = "0-9.．"
    joinable = re.compile(rf"(?<={alphabet}) +(?={alphabet})(?<![{arabic}] )|(?<={alphabet}) +(?={alphabet})(?![{arabic}])")
    return run, joinable


@per_tables
def numeric_rules() -> NumericRules:
    """The amount patterns of this process's tables, compiled on first use."""
    return NumericRules()

