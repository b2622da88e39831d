"""When and where a figure holds: its period and its place.

The period is a DATE in the number's clause, else one that heads an earlier
clause of its sentence (前8月，…), else the one that governs the article from
the head of an earlier sentence (过去一年…, 今年发展主要预期目标是：…) at the grain
of a year, half, quarter or month; a day at a sentence's head is when something
happened, not what later figures cover.  The place is the one written in the
clause, else the article's most named place, else the home place.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from pipeline.config import Home
from pipeline.extract.measures.cues import Cues
from pipeline.extract.numerals import parse_number
from pipeline.types import Mention


@dataclass(frozen=True)
class Period:
    label: str
    start: Optional[date]
    end: Optional[date]
    grain: Optional[str] = None


def period_of(date_mention: Mention, text: str, pub_date: Optional[date], cues: Cues) -> Period:
    """The DATE's period; 今年以来 runs from its start to the publication day, 截至10月底
    is its last day."""
    if date_mention.date_end and (cues.point_word_at_end.search(text, max(0, date_mention.start - 4),
                                                                   date_mention.start)
                                  or date_mention.text.endswith(cues.point_suffixes)):
        last = date_mention.date_end
        return Period(last.isoformat(), last, last, "day")
    if cues.until_now.match(text, date_mention.end) and pub_date and date_mention.date_start \
            and date_mention.date_start <= pub_date:
        return Period(f"{date_mention.date_start.isoformat()}/{pub_date.isoformat()}",
                      date_mention.date_start, pub_date, "day")
    return Period(date_mention.date_value or date_mention.text, date_mention.date_start, date_mention.date_end,
                  date_mention.grain)


def past_years_period(text: str, at: int, pub_date: Optional[date], cues: Cues) -> Optional[Period]:
    """过去五年，… at ``at``: the N whole years before publication (2019–2023 on a 2024 page)."""
    match = cues.past_years.match(text, at)
    if match is None or pub_date is None:
        return None
    count = parse_number(match.group("n"))
    if count is None or not 1 <= count <= 100 or count != int(count):
        return None
    first, last = pub_date.year - int(count), pub_date.year - 1
    return Period(f"{first}/{last}", date(first, 1, 1), date(last, 12, 31), "year")


def is_base(text: str, date_mention: Mention, cues: Cues) -> bool:
    """比上年, 较2020年: the date is what the figure is compared with, not its period."""
    return date_mention.start > 0 and text[date_mention.start - 1] in cues.comparison_marks


def date_in_clause(dates: list[Mention], clause_start: int, clause_end: int, number: Mention) -> Optional[Mention]:
    """The clause's date nearest before the number, else the first after it."""
    before = [d for d in dates if clause_start <= d.start and d.end <= number.start]
    if before:
        return before[-1]
    after = [d for d in dates if number.end <= d.start and d.end <= clause_end]
    return after[0] if after else None


def opening_date(text: str, dates: Iterable[Mention], start: int, cues: Cues) -> Optional[Mention]:
    """The date that opens the clause at ``start``, alone or after 截至 (截至10月底，…)."""
    for d in dates:
        if d.start == start or (start < d.start and cues.point_word_at_end.fullmatch(text, start, d.start)):
            return d
    return None


class PlaceResolver:
    """Place words (全市, 全国) and place names as the canonical place they stand for."""

    def __init__(self, home: Home, cues: Cues):
        self.cues = cues
        self.scopes = {"country": cues.country, "world": cues.world, "province": home.province,
                       "city": home.city, "county": home.county}
        self.home = home.city or home.province or home.county

    def canonical(self, written: str) -> Optional[str]:
        scope = self.cues.place_words.get(written)
        if scope is not None:
            return self.scopes.get(scope)
        return written

    def in_text(self, text: str, start: int, end: int, places: list[Mention]) -> Optional[str]:
        """The last place named or scoped between start and end."""
        found: list[tuple[int, str]] = [(p.start, p.norm or p.text) for p in places
                                        if p.label == "GPE" and start <= p.start and p.end <= end]
        found += [(start + m.start(), m.group()) for m in self.cues.place_word.finditer(text[start:end])]
        if not found:
            return None
        return self.canonical(max(found)[1])

    def of_article(self, text: str, start: int, end: int, places: list[Mention]) -> Optional[str]:
        """The place an article names most (its scope words counted with the names)."""
        counts: Counter[str] = Counter()
        for place in places:
            if start <= place.start and place.end <= end and place.label == "GPE":
                counts[place.norm or place.text] += 1
        for match in self.cues.place_word.finditer(text, start, end):
            canonical = self.canonical(match.group())
            if canonical:
                counts[canonical] += 1
        if not counts:
            return self.home
        return counts.most_common(1)[0][0]
