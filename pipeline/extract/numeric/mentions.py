"""MONEY, PERCENT, QUANTITY and DATE mentions with exact values.

``extract_numeric(text, pub_date)`` is the pure function; the spaCy component
``zh_numeric_entities`` runs it on ``doc.text`` with ``doc._.pub_date`` and
appends the mentions to ``doc._.mentions``.  Offsets are character offsets
into the text, so spans are exact whatever the tokenizer did.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from datetime import date
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.dates.mentions import find_dates
from pipeline.extract.nlp import DEFAULT_SETTINGS, add_mentions, doc_text
from pipeline.extract.numeric.matches import read_match, spaced_from_a_number
from pipeline.extract.numeric.patterns import SPACED_CONTEXT, NumericRules, numeric_rules
from pipeline.extract.numeric.percent import percent_words
from pipeline.text import resolve_overlaps
from pipeline.types import Mention

# Which label wins when two readings cover exactly the same characters:
# 2024年 is a year before it is a duration of 2024 years.
_PRIORITY = {"DATE": 0, "MONEY": 1, "PERCENT": 2, "QUANTITY": 3}


def extract_numeric(text: str, pub_date: Optional[date] = None,
                    rules: Optional[NumericRules] = None) -> list[Mention]:
    """DATE, MONEY, PERCENT and QUANTITY mentions in ``text``, in order.

    Spans never overlap: where readings compete the longer one wins, then
    DATE over MONEY over PERCENT over QUANTITY (pipeline/text.py's policy).
    """
    if not text:
        return []
    rules = rules or numeric_rules()
    candidates = find_dates(text, pub_date)
    candidates.extend(_amounts(text, rules))
    if rules.currency_words.search(text):
        candidates.extend(_amounts(text, rules, rules.word_prefixed))
    candidates.extend(percent_words(text, rules))
    if " " in text:
        candidates.extend(_spaced_amounts(text, rules))
    if not candidates:
        return []
    candidates = _outside_stopwords(text, candidates, rules)
    return resolve_overlaps(candidates, preference=_label_rank)


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
        mention = read_match(text, match, rules)
        if mention is None and match.group("a"):
            retry = single(text, match.start())
            mention = read_match(text, retry, rules) if retry else None
        if mention is None:
            pos = match.start() + 1
        else:
            found.append(mention)
            pos = mention.end if mention.end > match.start() else match.start() + 1


def _spaced_amounts(text: str, rules: NumericRules) -> list[Mention]:
    """一 百 五 十 个 百 分 点, 百 分 之 2.4, 陆 点 五 折: amounts read as if the
    spaces inside them were not there, with spans over the text as printed."""
    found = []
    for run in rules.spaced_run.finditer(text):
        removed = {i for m in rules.joinable_space.finditer(text, run.start(), run.end())
                   for i in range(*m.span())}
        if not removed:
            continue
        lo, hi = max(0, run.start() - SPACED_CONTEXT), min(len(text), run.end() + SPACED_CONTEXT)
        kept = [i for i in range(lo, hi) if i not in removed]
        joined = "".join(text[i] for i in kept)
        for mention in [*_amounts(joined, rules), *percent_words(joined, rules)]:
            start, end = kept[mention.start], kept[mention.end - 1] + 1
            if any(start < i < end for i in removed) and not spaced_from_a_number(text, start, start):
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


def _label_rank(mention: Mention) -> int:
    return _PRIORITY[mention.label]


# --- spaCy component ----------------------------------------------------------


class NumericEntities:
    """Adds the mentions of :func:`extract_numeric` to ``doc._.mentions``."""

    def __init__(self, rules: Optional[NumericRules] = None) -> None:
        self.rules = rules or numeric_rules()

    def __call__(self, doc: Doc) -> Doc:
        add_mentions(doc, extract_numeric(doc_text(doc), doc._.pub_date, self.rules))
        return doc


@Language.factory("zh_numeric_entities", default_config={"settings": DEFAULT_SETTINGS})
def make_numeric_entities(nlp: Language, name: str, settings: dict) -> NumericEntities:
    # every component is given the run config (pipeline/extract/nlp.py); no key of it changes the amounts yet
    return NumericEntities()
