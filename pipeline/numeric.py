"""MONEY, PERCENT, QUANTITY and DATE mentions with exact values.

``extract_numeric(text, pub_date)`` is the pure function; the spaCy component
``zh_numeric_entities`` runs it on ``doc.text`` with ``doc._.pub_date`` and
appends the mentions to ``doc._.mentions``.  Offsets are character offsets
into the text, so spans are exact whatever the tokenizer did.

What the rules know comes from tables in ``configs/``: units and classifiers
(units.yaml), currencies (currencies.yaml), qualifiers (qualifiers.yaml), date
words (dates.yaml), numeral characters (numerals.yaml) and words that contain
numerals without being amounts (numeric_stopwords.yaml).  One regular
expression per kind is compiled at import; a call only scans and resolves.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc

from .config import CONFIG_DIR, read_yaml
from pipeline.extract.dates.mentions import SOURCE, find_dates
from pipeline.extract.nlp import add_mentions, doc_text
from pipeline.extract.numerals import TABLES, fold_digits, parse_digit_string, parse_number
from .types import Mention

# Which label wins when two readings cover exactly the same characters:
# 2024年 is a year before it is a duration of 2024 years.
_PRIORITY = {"DATE": 0, "MONEY": 1, "PERCENT": 2, "QUANTITY": 3}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _is_word(symbol: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in symbol)


@dataclass(frozen=True)
class PercentUnit:
    scale: Optional[Decimal]  # None: a discount (八折 = 80 %)
    unit: str


class NumericRules:
    """The tables of configs/ and the pattern compiled from them."""

    def __init__(self, config_dir: Path = CONFIG_DIR) -> None:
        units = read_yaml(config_dir / "units.yaml")
        currencies = read_yaml(config_dir / "currencies.yaml")
        qualifiers = read_yaml(config_dir / "qualifiers.yaml")
        stopwords = read_yaml(config_dir / "numeric_stopwords.yaml")

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
        self.subunit_tails = {code: _subunit_pattern(words, currencies["subunit_joiners"])
                              for code, words in self.subunits.items()}
        self.unit_words = frozenset(currencies["unit_words"])
        self.spoken_money: dict[str, str] = currencies["spoken_after_amount"]
        self.money_suffix = re.compile(_alternation(currencies["money_suffix"]))
        self.price_words = re.compile(_alternation(currencies["price_words"]))
        self.percent_after = {k: _percent_unit(v) for k, v in units["percent_after"].items()}
        self.percent_before = {k: _percent_unit(v) for k, v in units["percent_before"].items()}
        self.not_followed_by = {k: frozenset(v) for k, v in units["not_followed_by"].items()}
        self.percent_words: dict[str, dict] = units["percent_words"]
        self.percent_word_pattern = re.compile(_alternation(self.percent_words))
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
            [*self.percent_after, *self.percent_before, *self.currency_after, *self.inner])
        self.pattern = re.compile(_fast_start(self._first_chars()) + self._amount_pattern())
        # 人民币50亿元: amounts that start with a currency word are scanned for
        # apart, only in text that holds one (人 is too common a first character
        # to try the whole pattern at)
        self.currency_words = re.compile(_alternation(w for w in self.currency_before if _is_word(w)))
        self.word_prefixed = re.compile(f"(?={self.currency_words.pattern})" + self._amount_pattern())
        self.single = re.compile(self._amount_pattern(ranges=False))
        self.stopwords = re.compile(_alternation(stopwords["words"]))

    def kind_of(self, unit: str) -> str:
        if unit in self.currency_after:
            return "money"
        if unit in self.percent_after:
            return "percent"
        return self.unit_kind[unit]

    def _first_chars(self) -> set[str]:
        """Every character an amount can start with."""
        first = set("0123456789０１２３４５６７８９") | set(TABLES.digits) | set(TABLES.small_units)
        first |= set(TABLES.negative_signs)
        symbols = [w for w in self.currency_before if not _is_word(w)]
        for word in [*self.before, *symbols, *self.percent_before, *TABLES.negative_words]:
            first.add(word[0])
        return first

    def _amount_pattern(self, ranges: bool = True) -> str:
        all_units = [*self.unit_kind, *self.currency_after, *self.percent_after]  # with compounds
        digits = "".join(TABLES.digits)
        number = _number_pattern(digits, all_units, list(self.currency_after),
                                 [w[-1] for w in self.currency_before])
        sign = rf"(?:(?<![0-9０-９A-Za-z])[-－−]|{_alternation(TABLES.negative_words)})"
        # a multiplier after 多/余/几: 500余万, 十几亿
        mult = _alternation(["万亿", "亿万", *TABLES.big_units, *TABLES.small_units])
        units = _alternation(all_units)
        pre = _alternation(self.before)
        inner = _alternation(self.inner)
        post = _alternation(self.after)
        symbols = _alternation(self.currency_before)
        currencies = _alternation(self.currency_after)
        pct_before = _alternation(self.percent_before)
        connectors = _alternation(TABLES.range_connectors)
        # 2.4 米, 5.2 %: text from PDF layouts puts a space after Arabic digits
        gap = "(?:(?<=[0-9０-９]) )?"
        # 五百分之2.2 is a fraction, not a percentage
        not_before_pfx = "0-9０-９" + digits + "".join([*TABLES.small_units, *TABLES.big_units])
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


def _subunit_pattern(words: dict[str, Decimal], joiners: list[str]) -> re.Pattern[str]:
    """One sub-unit after an amount: (零|又)? numeral sub-unit word (3角, 又三美分)."""
    numeral = f"[0-9０-９]{{1,2}}|[{''.join(TABLES.digits)}十]{{1,3}}"
    return re.compile(rf"(?:{_alternation(joiners)})?(?P<n>{numeral})(?P<w>{_alternation(words)})")


def _number_pattern(digits: str, all_units: list[str], currency_words: list[str],
                    symbols: list[str]) -> str:
    """A numeral: Arabic, Chinese, mixed or a fraction, not inside another one."""
    unit_chars = [*TABLES.small_units, *TABLES.big_units]
    # 5千米 is 5 kilometres, not 5000 metres: a multiplier that starts a unit
    # only counts as a multiplier when the rest of that unit does not follow.
    guarded = []
    for ch in unit_chars:
        rests = [u[1:] for u in all_units if u[0] == ch and len(u) > 1]
        guarded.append(f"{ch}(?!{_alternation(rests)})" if rests else ch)
    numeral_chars = re.escape(TABLES.chinese_chars) + "0-9０-９"
    sections = re.escape("".join(TABLES.big_units))
    for ch in TABLES.big_units_in_context:  # 兆 only as 兆…亿 or 兆元 (numerals.yaml)
        guarded.append(f"{ch}(?=[{numeral_chars}]*[{sections}]|{_alternation(currency_words)})")
    unit = "(?:" + "|".join(guarded) + ")"
    points = "".join(TABLES.decimal_points)
    d = "[0-9０-９]"
    # 1,100, and 82，225.00 with a full-width comma typed as the separator;
    # a full-width comma inside a list of numbers (1，2，300元, $20，300美圆)
    # separates them
    arabic = (
        rf"(?:{d}{{1,3}}(?:,{d}{{3}})+(?!{d})"
        rf"|(?<!{d}，)(?<![{re.escape(''.join(symbols))}]){d}{{1,3}}(?:，{d}{{3}})+(?!{d}|，{d})|{d}+)"
        rf"(?:[.．]{d}+)?"
    )
    # 百亿元, 千万人: a bare 百/千 starts a number only before 万/亿 (百年 is an idiom)
    # 几十年, 数百万: a vague count is not a number (十 alone would be read)
    vague = "".join(TABLES.vague_markers)
    chinese = (rf"(?:[{digits}]|(?<![{vague}])(?:十|拾|[百千](?=[万亿萬億])))"
               rf"(?:[{digits}]|{unit}|[{points}](?=[{digits}]))*")
    kilo = rf"(?:[{''.join(TABLES.latin_multipliers)}](?![A-Za-z]))?"  # 15k (numerals.yaml)
    mixed = rf"{arabic}{kilo}(?:{unit}+(?:[零〇]?(?:{arabic}|[{digits}]))?)*"
    simple = f"(?:{mixed}|{chinese})"
    fraction = f"{simple}{re.escape(TABLES.fraction_marker)}{simple}"
    # nor in a code, a URL (30%25) or a version number
    # 十四届二次全会: after 届 a number is an ordinal too; 5·1% (old
    # typesetting's decimal point) must not yield 1%
    ordinal = "".join(TABLES.ordinal_markers)
    not_inside = (rf"(?<![{ordinal}0-9０-９A-Za-z.．%/=&_{digits}十百千万亿拾佰仟萬億])"
                  rf"(?<![{ordinal}] )"
                  rf"(?<![0-9０-９][·・])")
    return f"{not_inside}(?:{fraction}|{simple})"


# Spaces that PDF text puts between characters: read across them only inside a
# run of numeral and unit characters, and never between two Arabic numbers
# (2008 2009 in a table are two numbers).
_SPACED_CONTEXT = 4


def _spaced_patterns(words: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    chars = set(TABLES.chinese_chars) | set(TABLES.latin_multipliers) | set("0123456789０１２３４５６７８９.．")
    chars |= set(TABLES.fraction_marker)
    for word in words:
        chars |= {ch for ch in word if not ch.isspace()}
    alphabet = "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
    run = re.compile(rf"{alphabet}+(?: +{alphabet}+)+")
    arabic = "0-9０-９.．"
    joinable = re.compile(rf"(?<={alphabet}) +(?={alphabet})(?<![{arabic}] )|(?<={alphabet}) +(?={alphabet})(?![{arabic}])")
    return run, joinable


RULES = NumericRules()


def extract_numeric(text: str, pub_date: Optional[date] = None,
                    rules: NumericRules = RULES) -> list[Mention]:
    """DATE, MONEY, PERCENT and QUANTITY mentions in ``text``, in order.

    Spans never overlap: where readings compete the longer one wins, then
    DATE over MONEY over PERCENT over QUANTITY.
    """
    if not text:
        return []
    candidates = find_dates(text, pub_date)
    candidates.extend(_amounts(text, rules))
    if rules.currency_words.search(text):
        candidates.extend(_amounts(text, rules, rules.word_prefixed))
    candidates.extend(_percent_words(text, rules))
    if " " in text:
        candidates.extend(_spaced_amounts(text, rules))
    if not candidates:
        return []
    candidates = _outside_stopwords(text, candidates, rules)
    return _longest_first(candidates)


def _amounts(text: str, rules: NumericRules, pattern: Optional[re.Pattern[str]] = None) -> list[Mention]:
    """Every amount; a match the rules reject is retried as a single amount
    (3个至5人), then scanning resumes one character on, so a rejected reading
    never hides the amount inside it (2024-2023个 still gives 2023个)."""
    found = []
    search, single = (pattern or rules.pattern).search, rules.single.match
    pos = 0
    while True:
        match = search(text, pos)
        if match is None:
            return found
        mention = _amount_mention(text, match, rules)
        if mention is None and match.group("a"):
            retry = single(text, match.start())
            mention = _amount_mention(text, retry, rules) if retry else None
        if mention is None:
            pos = match.start() + 1
        else:
            found.append(mention)
            pos = mention.end if mention.end > match.start() else match.start() + 1


def _percent_words(text: str, rules: NumericRules) -> list[Mention]:
    """半成 = 5 %, 打对折 = 50 % (units.yaml percent_words)."""
    found = []
    for match in rules.percent_word_pattern.finditer(text):
        spec = rules.percent_words[match.group()]
        before = spec.get("after")
        if before and not any(text.endswith(word, 0, match.start()) for word in before):
            continue
        unit_char = match.group()[-1]
        if _belongs_to_next_word(text, match.end(), unit_char, rules):
            continue  # 半成品
        amount = _Amount(Decimal(str(spec["value"])), None, None, match.start(), match.end())
        found.append(_make(text, "PERCENT", amount, unit="%"))
    return found


def _spaced_amounts(text: str, rules: NumericRules) -> list[Mention]:
    """一 百 五 十 个 百 分 点, 百 分 之 2.4, 陆 点 五 折: amounts read as if the
    spaces inside them were not there, with spans over the text as printed."""
    found = []
    for run in rules.spaced_run.finditer(text):
        removed = {i for m in rules.joinable_space.finditer(text, run.start(), run.end())
                   for i in range(*m.span())}
        if not removed:
            continue
        lo, hi = max(0, run.start() - _SPACED_CONTEXT), min(len(text), run.end() + _SPACED_CONTEXT)
        kept = [i for i in range(lo, hi) if i not in removed]
        joined = "".join(text[i] for i in kept)
        for mention in [*_amounts(joined, rules), *_percent_words(joined, rules)]:
            start, end = kept[mention.start], kept[mention.end - 1] + 1
            if any(start < i < end for i in removed) and not _spaced_from_a_number(text, start, start):
                found.append(replace(mention, start=start, end=end, text=text[start:end]))
    return found


def _outside_stopwords(text: str, candidates: list[Mention], rules: NumericRules) -> list[Mention]:
    spans = [m.span() for m in rules.stopwords.finditer(text)]
    if not spans:
        return candidates
    starts = [s for s, _ in spans]
    kept = []
    for mention in candidates:
        i = bisect.bisect_left(starts, mention.end)
        # the stopword starting last before this mention's end is the only one
        # that can overlap it, as stopword matches do not overlap each other
        if i and spans[i - 1][1] > mention.start:
            continue
        kept.append(mention)
    return kept


def _longest_first(candidates: list[Mention]) -> list[Mention]:
    ranked = sorted(candidates, key=lambda m: (m.start - m.end, _PRIORITY[m.label], m.start))
    starts: list[int] = []
    chosen: list[Mention] = []
    for mention in ranked:
        i = bisect.bisect_right(starts, mention.start)
        if i and chosen[i - 1].end > mention.start:
            continue
        if i < len(chosen) and chosen[i].start < mention.end:
            continue
        starts.insert(i, mention.start)
        chosen.insert(i, mention)
    return chosen


# --- one match of the amount pattern -----------------------------------------


@dataclass
class _Amount:
    value: Decimal
    value_max: Optional[Decimal]
    qualifier: Optional[str]
    start: int
    end: int


def _amount_mention(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    if match.group("sym"):
        return _symbol_money(text, match, rules)
    if match.group("pfx"):
        return _prefixed_percent(text, match, rules)
    if "a" in match.re.groupindex and match.group("a"):
        return _range_amount(text, match, rules)
    return _single_amount(text, match, rules)


def _symbol_money(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    value = parse_number(match.group("snum"))
    if value is None:
        return None
    if match.group("smult"):
        value *= _multiplier(match.group("smult"))
    currency = rules.currency_before[match.group("sym")]
    unit = match.group("sunit")
    inner = match.group("sinner")
    if unit and rules.currency_after[unit] != currency and unit not in rules.unit_words:
        return None  # 人民币5美元: two currencies, not one amount
    if not unit and _is_word(match.group("sym")) and not _has_multiplier(match.group("snum") + (
            match.group("smult") or "")):
        return None  # 人民币100 alone is not always an amount; 人民币3000万 is
    amount = _qualified(match, value, None, rules.inner[inner] if inner else None, None, "money", rules)
    if unit:
        _add_subunits(text, amount, currency, rules)
    return _make(text, "MONEY", amount, currency=currency)


def _has_multiplier(number: str) -> bool:
    return any(ch in TABLES.big_units for ch in number)


def _prefixed_percent(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    number = match.group("pnum")
    value = parse_number(number)
    # 百分之七十百分位: the greedy numeral took a unit character of the next word
    while value is None and len(number) > 1 and (
            number[-1] in TABLES.small_units or number[-1] in TABLES.big_units):
        number = number[:-1]
        value = parse_number(number)
    if value is None:
        return None
    if match.group("psign"):
        value = -value
    spec = rules.percent_before[match.group("pfx")]
    amount = _qualified(match, value * spec.scale, None, None, None, "percent", rules)
    if number != match.group("pnum"):
        amount.end = match.start("pnum") + len(number)
    return _make(text, "PERCENT", amount, unit=spec.unit)


def _single_amount(text: str, match: re.Match, rules: NumericRules) -> Optional[Mention]:
    number, unit = match.group("n"), match.group("u")
    if _spaced_from_a_number(text, match.start("n"), match.end("n")):
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
        value *= _multiplier(mult)
        value_max = value_max * _multiplier(mult) if value_max is not None else None
    if match.group("sign"):
        value = -value
    if number in TABLES.not_numbers_alone:
        return None  # 零部件, 队伍: a word, not a number
    if unit in rules.spoken_money and value_max is None:
        spoken = _spoken_money(text, match, value, rules.inner[inner] if inner else None, unit, rules)
        if spoken is not None:
            return spoken
    if unit in rules.not_counts.get(number, ()):
        return None  # 二次创业: an ordinal
    is_determiner = (number in TABLES.determiners and unit not in rules.compound_units and not (
        inner or mult or match.group("pre") or match.group("post")))
    if is_determiner and kind in rules.determiner_kinds:
        return None
    inner_qualifier = rules.inner[inner] if inner else None
    compound = rules.compound_units.get(unit)
    if compound is not None:  # 一个多小时, 两个半月
        unit = compound["unit"]
        inner_qualifier = inner_qualifier or compound.get("qualifier")
        value += Decimal(str(compound.get("plus", 0)))
    amount = _qualified(match, value, value_max, inner_qualifier, unit, kind, rules)
    return _labelled(text, amount, unit, kind, number, match.end("u"), rules)


def _spaced_from_a_number(text: str, start: int, end: int) -> bool:
    """A number set off by spaces both from the number before it and from its unit."""
    return ((start == end or text[end:end + 1] == " ") and start >= 2 and text[start - 1] == " "
            and fold_digits(text[start - 2]).isdigit())


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
        high *= _multiplier(bmult)
    low = _share_multiplier(match.group("a"), match.group("b"), low, high, bmult)
    if not low < high:
        return None  # 2024-2023个 and the like are not ranges
    inner = match.group("binner")
    amount = _qualified(match, low, high, rules.inner[inner] if inner else None, unit, kind, rules)
    if kind == "percent" and rules.percent_after[unit].scale is None:
        return None  # 七-八折 is not written in news copy; leave it out
    return _labelled(text, amount, unit, kind, match.group("b"), match.end("ub"), rules)


def _share_multiplier(a_text: str, b_text: str, low: Decimal, high: Decimal,
                      bmult: Optional[str]) -> Decimal:
    """3至5万元: the start takes the multiplier written only after the end."""
    if any(ch in TABLES.big_units for ch in a_text):
        return low
    trailing = bmult or ""
    core = b_text
    while core and core[-1] in TABLES.big_units:
        trailing = core[-1] + trailing
        core = core[:-1]
    if not trailing or not core:
        return low
    scale = _multiplier(trailing)
    core_value = parse_number(core)
    if core_value is not None and low < core_value:
        return low * scale
    return low


def _number_or_pair(number: str) -> tuple[Optional[Decimal], Optional[Decimal]]:
    value = parse_number(number)
    if value is not None:
        return value, None
    pair = TABLES.approx_pairs.get(number)
    if pair is not None:
        return Decimal(pair[0]), Decimal(pair[1])
    return None, None


def _multiplier(text: str) -> Decimal:
    value = Decimal(1)
    for ch in text:
        value *= TABLES.big_units.get(ch) or TABLES.small_units.get(ch, 1)
    return value


def _qualified(match: re.Match, value: Decimal, value_max: Optional[Decimal],
               inner: Optional[str], unit: Optional[str], kind: str,
               rules: NumericRules) -> _Amount:
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
    return _Amount(value, value_max, qualifier, start, end)


def _labelled(text: str, amount: _Amount, unit: str, kind: str, number: str,
              unit_end: int, rules: NumericRules) -> Optional[Mention]:
    written_unit = text[unit_end - 1]
    blocked = rules.not_followed_by.get(unit) or rules.not_followed_by.get(written_unit)
    if blocked and unit_end < len(text) and text[unit_end] in blocked:
        return None  # 三成为, 折合, 80年代: the unit character belongs to a word
    if kind == "money":
        currency = rules.currency_after[unit]
        if amount.value_max is None and amount.end == unit_end:
            _add_subunits(text, amount, currency, rules)
        return _make(text, "MONEY", amount, currency=currency)
    if kind == "percent":
        return _percent_after(text, amount, unit, number, unit_end, rules)
    return _make(text, "QUANTITY", amount, unit=unit)


def _add_subunits(text: str, amount: _Amount, currency: str, rules: NumericRules) -> bool:
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
        if _belongs_to_next_word(text, match.end(), match.group("w"), rules):
            break  # 3元5分钟
        amount.value += count * worth
        amount.end = match.end()
        smallest = worth
        found = True
    suffix = rules.money_suffix.match(text, amount.end) if found else None
    if suffix is not None:
        amount.end = suffix.end()
    return found


def _belongs_to_next_word(text: str, end: int, unit: str, rules: NumericRules) -> bool:
    blocked = rules.not_followed_by.get(unit)
    return bool(blocked) and end < len(text) and text[end] in blocked


def _spoken_money(text: str, match: re.Match, value: Decimal, inner: Optional[str], unit: str,
                  rules: NumericRules) -> Optional[Mention]:
    """十块三毛, 1000多块钱, 花费我三块: an amount in 块 that its context makes money."""
    currency = rules.spoken_money[unit]
    amount = _qualified(match, value, None, inner, None, "money", rules)
    amount.end = match.end("u")
    if _add_subunits(text, amount, currency, rules):
        return _make(text, "MONEY", amount, currency=currency)
    suffix = rules.money_suffix.match(text, amount.end)
    if suffix is not None:
        amount.end = suffix.end()
        return _make(text, "MONEY", amount, currency=currency)
    if _ends_clause(text, amount.end) and _priced_clause(text, amount.start, rules):
        return _make(text, "MONEY", amount, currency=currency)
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


def _percent_after(text: str, amount: _Amount, unit: str, number: str,
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
    return _make(text, "PERCENT", amount, unit=spec.unit)


def _tenth_tail(text: str, unit: str, amount: _Amount, rules: NumericRules) -> Optional[Decimal]:
    """七成六 -> 6 more percent, 三成半 -> 5 more; the tail joins the span.
    A digit that starts a count of its own (三成五年内) is no tail."""
    if unit != rules.tenth_unit or amount.value_max is not None or amount.end >= len(text):
        return None
    ch = text[amount.end]
    after = text[amount.end + 1:amount.end + 2]
    if after and "\u4e00" <= after <= "\u9fff" and after not in rules.tenth_followers:
        return None
    if ch in rules.tenth_halves:
        value = Decimal(5)
    else:
        digit = TABLES.digits.get(ch)
        if digit is None and "1" <= fold_digits(ch) <= "9":
            digit = int(fold_digits(ch))
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
    if digits is not None and 10 <= digits < 100 and len(fold_digits(number)) == 2:
        return Decimal(digits)
    return None


def _make(text: str, label: str, amount: _Amount, unit: Optional[str] = None,
          currency: Optional[str] = None) -> Mention:
    return Mention(
        label=label, start=amount.start, end=amount.end,
        text=text[amount.start:amount.end], source=SOURCE,
        value=amount.value, value_max=amount.value_max, unit=unit,
        currency=currency, qualifier=amount.qualifier,
    )


# --- spaCy component ----------------------------------------------------------


class NumericEntities:
    """Adds the mentions of :func:`extract_numeric` to ``doc._.mentions``."""

    def __init__(self, rules: NumericRules = RULES) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        add_mentions(doc, extract_numeric(doc_text(doc), doc._.pub_date, self.rules))
        return doc


@Language.factory("zh_numeric_entities")
def make_numeric_entities(nlp: Language, name: str) -> NumericEntities:
    return NumericEntities()
