"""DATE mentions: absolute, partial and relative dates resolved against pub_date.

``find_dates("3月11日", date(2025, 3, 12))`` gives one DATE with
``date_value="2025-03-11"``, grain ``day``.  A date without its year takes the
year that puts it nearest to the publication date; without a publication date
the missing parts stay ``XXXX`` and ``date_start``/``date_end`` stay empty.
Durations (``6个月``, ``十年``) are QUANTITY and are not found here.

Single expressions (pipeline/extract/dates/reading.py) and calendar forms
(forms.py) are found first; ``A 至 B`` pairs are then joined into one range.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from pipeline.extract.dates.forms import find_calendar_forms
from pipeline.extract.dates.patterns import DateRules, date_rules
from pipeline.extract.dates.periods import (UNRESOLVED_YEAR, Period, day_period, month_period, nearest_month,
                                            nearest_year, valid_day, xun_of, year_period)
from pipeline.extract.dates.reading import Found, read_match, small_number, years_from_day
from pipeline.text import resolve_overlaps
from pipeline.types import Mention

SOURCE = "numeric"


def find_dates(text: str, pub_date: Optional[date], rules: Optional[DateRules] = None) -> list[Mention]:
    """All DATE mentions in ``text``; ranges (2024年1月至9月) are one mention (with the tables'
    rules of this process unless ``rules`` are given)."""
    rules = rules or date_rules()
    try:
        return _find_dates(text, pub_date, rules)
    except (ValueError, OverflowError):
        if pub_date is None:
            raise
        # a publication date at the edge of the calendar (0001-01-01, 9999-12-31)
        # leaves relative dates nowhere to go: read them as if it were unknown
        return _find_dates(text, None, rules)


def _find_dates(text: str, pub_date: Optional[date], rules: DateRules) -> list[Mention]:
    found = []
    for match in rules.single.finditer(text):
        item = read_match(match, pub_date, rules)
        if item is None:
            continue
        while found and found[-1].start >= item.start:
            found.pop()  # 四月 read already, now inside 四月的最后一个星期一
        found.append(item)
    if "年" in text and rules.years_ago_signal.search(text):
        ago = [f for f in (years_from_day(m, pub_date, rules) for m in rules.years_ago.finditer(text)) if f]
        if ago:
            found = _with_longer(found, [(f.start, f.end, f.period) for f in ago])
    forms = find_calendar_forms(text, pub_date)
    if forms:
        found = _with_longer(found, forms)
    return _merge_ranges(text, found, pub_date, rules)


def _with_longer(found: list[Found], forms: list[tuple[int, int, Period]]) -> list[Found]:
    """Festivals, lunar dates, eras and years counted from pub_date in place of
    the shorter readings they cover (农历2015年十月初一 is one lunar date, not
    2015年 and 十月); of two readings of one length the form wins."""
    read = [Found(start, end, None, None, None, period) for start, end, period in forms]
    forms_read = {id(f) for f in read}
    return resolve_overlaps(found + read, preference=lambda f: id(f) not in forms_read)


def _resolve(item: Found, pub: Optional[date]) -> Optional[Period]:
    if item.period is not None:
        return item.period
    year, month, day = item.year, item.month, item.day
    if item.xun is not None and month is not None:  # 3月上旬
        if year is None and pub is not None:
            year = nearest_year(pub, month, None)
        return xun_of(month_period(year, month), item.xun)
    if month is None and day is None:
        return year_period(year)
    if month is None:  # a bare day of the month: 11日
        if pub is None:
            return day_period(None, None, day)
        year, month = nearest_month(pub, day)
        return day_period(year, month, day)
    if day is not None and not valid_day(year, month, day):
        return None
    if year is None and pub is not None:
        year = nearest_year(pub, month, day)
    if day is None:
        return month_period(year, month)
    return day_period(year, month, day)


def _merge_ranges(text: str, found: list[Found], pub: Optional[date],
                  rules: DateRules) -> list[Mention]:
    """Resolves each date and joins ``A 至 B`` pairs into one range mention."""
    mentions: list[Mention] = []
    i = 0
    while i < len(found):
        first = found[i]
        second = found[i + 1] if i + 1 < len(found) else None
        if second is not None and second.weekday and first.day is not None:
            end = _weekday_beside(text, first, second)
            single = _resolve(first, pub) if end else None
            if single is not None:  # 10月12日，星期一: the weekday names that day
                mentions.append(_mention(text, first.start, end, single))
                i += 2
                continue
        if second is not None and _joined(text, first, second, rules):
            merged = _range_mention(text, first, _inherit(first, second), pub)
            if merged is not None:
                mentions.append(merged)
                i += 2
                continue
        partial = _partial_day_after(text, first, rules) or _partial_year_after(text, first, rules)
        if partial is not None:
            merged = _range_mention(text, first, partial, pub)
            if merged is not None:
                mentions.append(merged)
                i += 1
                continue
        single = _resolve(first, pub)
        if single is not None and first.pointing:
            single = _pointed_month(text, mentions, first) or single
        if single is not None:
            mentions.append(_mention(text, first.start, first.end, single))
            if first.day is not None and first.month is not None:
                year = single.start.year if single.start else first.year
                listed = _listed_days(text, first, year, rules, pub)
                if listed:
                    mentions.extend(listed)
                    while i + 1 < len(found) and found[i + 1].start < listed[-1].end:
                        i += 1  # 5日 read alone already: now a day of the month before it
        i += 1
    return mentions


def _listed_days(text: str, first: Found, year: Optional[int], rules: DateRules,
                 pub: Optional[date]) -> list[Mention]:
    """6月3号、4号、5号: the days listed after a date, each its own mention in
    the date's month (5号楼 is a building)."""
    listed = []
    position = first.end
    while True:
        match = rules.listed_day.match(text, position)
        if match is None or (match.group("suffix") == "号"
                             and text.startswith(rules.day_hao_not_before, match.end())):
            return listed
        day = small_number(match.group("d"))
        if day is None:
            return listed
        period = _resolve(Found(match.start("d"), match.end(), year, first.month, day, None), pub)
        if period is None:
            return listed
        listed.append(_mention(text, match.start("d"), match.end(), period))
        position = match.end()


_SENTENCE_ENDS = "。！？!?；;\n"


def _pointed_month(text: str, mentions: list[Mention], item: Found) -> Optional[Period]:
    """当月, 月底, 下旬: the month of the last date before it in its sentence
    (8月5日召开动员会，当月完成签约 -> August), when that date lies in one month."""
    for before in reversed(mentions):
        if any(c in _SENTENCE_ENDS for c in text[before.end:item.start]):
            return None
        start, end = before.date_start, before.date_end
        if start is None or end is None or (start.year, start.month) != (end.year, end.month):
            continue
        month = month_period(start.year, start.month)
        return xun_of(month, item.xun) if item.xun is not None else month
    return None


def _joined(text: str, first: Found, second: Found, rules: DateRules) -> bool:
    """A connector between two dates, with at most a space either side (PDF
    text: 2009 年 到 2010 年)."""
    gap = text[first.end:second.start]
    return len(gap) <= 3 and gap.strip(" ") in rules.connectors


_APPOSITION_GAPS = ("", "，", ",", " ", "（", "(")


def _weekday_beside(text: str, first: Found, second: Found) -> Optional[int]:
    """Where a date with its weekday after it ends (10月12号，星期一; 3月12日（星期三）)."""
    gap = text[first.end:second.start]
    if gap not in _APPOSITION_GAPS:
        return None
    if gap in ("（", "("):
        closing = "）" if gap == "（" else ")"
        return second.end + 1 if text[second.end:second.end + 1] == closing else None
    return second.end


def _partial_year_after(text: str, first: Found, rules: DateRules) -> Optional[Found]:
    """2008.03-2009: a bare year after a connector ends a range from a month."""
    if first.month is None or first.day is not None or first.year in (None, UNRESOLVED_YEAR):
        return None
    match = rules.partial_year.match(text, first.end)
    if match is None or int(match.group("y")) <= first.year:
        return None
    return Found(match.start("y"), match.end(), int(match.group("y")), None, None, None)


def _inherit(first: Found, second: Found) -> Found:
    """The range end takes the year (and month) its start wrote: 2024年1月至9月."""
    if second.period is not None:
        return second
    year = second.year if second.year is not None else first.year
    month = second.month
    if month is None and second.day is not None and first.month is not None:
        month = first.month
    return Found(second.start, second.end, year, month, second.day, None,
                 written_year=second.year is not None, xun=second.xun)


def _partial_day_after(text: str, first: Found, rules: DateRules) -> Optional[Found]:
    """一月十日到十二日: a Chinese day after a connector ends the range."""
    if first.day is None or first.month is None:
        return None
    match = rules.partial_day.match(text, first.end)
    if match is None:
        return None
    day = small_number(match.group("d"))
    if day is None:
        return None
    return Found(match.start("d"), match.end(), first.year, first.month, day, None)


def _range_mention(text: str, first: Found, second: Found,
                   pub: Optional[date]) -> Optional[Mention]:
    a, b = _resolve(first, pub), _resolve(second, pub)
    if a is None or b is None:
        return None
    if a.start and b.start and b.end < a.start:
        b = _next_year_end(a, second, pub)
        if b is None:
            return None  # not a range that runs forward: leave both out rather than guess
    # 3月上旬至4月中旬: from the first day of the first to the last of the second
    period = Period(f"{a.value.split('/')[0]}/{b.value.split('/')[-1]}", a.start, b.end, a.grain)
    return _mention(text, first.start, second.end, period)


def _next_year_end(a: Period, second: Found, pub: Optional[date]) -> Optional[Period]:
    """11月25日至1月10日, 2024年11月至1月: an end whose year is not written
    runs on into the year after the start's."""
    if second.period is not None or second.month is None or second.written_year \
            or second.month >= a.start.month:
        return None  # 3月5日至2日 runs backwards within its month
    later = Found(second.start, second.end, a.start.year + 1, second.month, second.day, None)
    b = _resolve(later, pub)
    return b if b is not None and b.end >= a.start else None


def _mention(text: str, start: int, end: int, period: Period) -> Mention:
    return Mention(
        label="DATE", start=start, end=end, text=text[start:end], source=SOURCE,
        date_value=period.value, date_start=period.start, date_end=period.end,
        grain=period.grain,
    )
