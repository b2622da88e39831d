"""Calendar periods: a resolved date's ISO-like label and its first and last day,
and the arithmetic that builds one (a year, a month, a day, a week, a half or a
quarter, relative to pub_date where it is written so)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional


@dataclass(frozen=True)
class Period:
    """A resolved calendar period: its ISO-like label and first/last day."""

    value: str
    start: Optional[date]
    end: Optional[date]
    grain: str


# A year that is written relatively but cannot be resolved without pub_date.
UNRESOLVED_YEAR = -1


def year_period(year: Optional[int]) -> Period:
    if year is None or year == UNRESOLVED_YEAR:
        return Period("XXXX", None, None, "year")
    return Period(f"{year:04d}", date(year, 1, 1), date(year, 12, 31), "year")


def month_period(year: Optional[int], month: int) -> Period:
    if year is None or year == UNRESOLVED_YEAR:
        return Period(f"XXXX-{month:02d}", None, None, "month")
    last = calendar.monthrange(year, month)[1]
    return Period(f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, last), "month")


def day_period(year: Optional[int], month: Optional[int], day: int) -> Period:
    if year is None or year == UNRESOLVED_YEAR or month is None:
        month_text = f"{month:02d}" if month else "XX"
        return Period(f"XXXX-{month_text}-{day:02d}", None, None, "day")
    d = date(year, month, day)
    return Period(d.isoformat(), d, d, "day")


def exact_day(d: date) -> Period:
    return Period(d.isoformat(), d, d, "day")


UNRESOLVED_DAY = Period("XXXX-XX-XX", None, None, "day")


def valid_day(year: Optional[int], month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    leap_year = 2000 if year in (None, UNRESOLVED_YEAR) else year
    return day <= calendar.monthrange(leap_year, month)[1]


# --- periods relative to pub_date --------------------------------------------


def relative_month(pub: Optional[date], months: int) -> Period:
    if pub is None:
        return Period("XXXX-XX", None, None, "month")
    index = pub.year * 12 + pub.month - 1 + months
    return month_period(index // 12, index % 12 + 1)


def relative_week(pub: Optional[date], weeks: int) -> Period:
    if pub is None:
        return Period("XXXX-WXX", None, None, "week")
    monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=weeks)
    iso = monday.isocalendar()
    return Period(f"{iso[0]:04d}-W{iso[1]:02d}", monday, monday + timedelta(days=6), "week")


def relative_day(pub: Optional[date], days: int) -> Period:
    if pub is None:
        return Period("XXXX-XX-XX", None, None, "day")
    d = pub + timedelta(days=days)
    return Period(d.isoformat(), d, d, "day")


def year_for_period(year: Optional[int], pub: Optional[date]) -> Optional[int]:
    """A half or quarter without a year is in the publication year."""
    if year is None and pub is not None:
        return pub.year
    return None if year == UNRESOLVED_YEAR else year


def half_period(year: Optional[int], pub: Optional[date], half: int) -> Period:
    y = year_for_period(year, pub)
    if y is None:
        return Period(f"XXXX-H{half}", None, None, "half")
    first_month = 1 if half == 1 else 7
    return Period(f"{y:04d}-H{half}", date(y, first_month, 1),
                  month_period(y, first_month + 5).end, "half")


def quarter_run(year: Optional[int], pub: Optional[date], first: int, last: int) -> Period:
    y = year_for_period(year, pub)
    label = f"{'XXXX' if y is None else f'{y:04d}'}-Q{first}"
    if last != first:
        label += f"/{'XXXX' if y is None else f'{y:04d}'}-Q{last}"
    if y is None:
        return Period(label, None, None, "quarter")
    return Period(label, date(y, 3 * first - 2, 1), month_period(y, 3 * last).end, "quarter")


def nearest_year(pub: date, month: int, day: Optional[int]) -> int:
    """The year that puts month(/day) nearest to pub_date (3月11日 -> pub's year)."""
    best_year, best_gap = pub.year, None
    for year in (pub.year - 1, pub.year, pub.year + 1):
        probe_day = day if day is not None else 15
        if not valid_day(year, month, probe_day):
            continue
        gap = abs((date(year, month, probe_day) - pub).days)
        if best_gap is None or gap < best_gap:
            best_year, best_gap = year, gap
    return best_year


def nearest_month(pub: date, day: int) -> tuple[int, int]:
    """The (year, month) that puts a bare day (11日) nearest to pub_date."""
    best, best_gap = (pub.year, pub.month), None
    for shift in (-1, 0, 1):
        index = pub.year * 12 + pub.month - 1 + shift
        year, month = index // 12, index % 12 + 1
        if not valid_day(year, month, day):
            continue
        gap = abs((date(year, month, day) - pub).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = (year, month), gap
    return best


def nearest_century(two_digits: int, pub: Optional[date]) -> Optional[int]:
    """15 -> 2015, 九零 -> 1990 on a page of 2025: the century that puts the
    year nearest to pub_date; None without one (the century is not written)."""
    if pub is None:
        return None
    candidates = (1900 + two_digits, 2000 + two_digits, 2100 + two_digits)
    return min(candidates, key=lambda year: abs(year - pub.year))
