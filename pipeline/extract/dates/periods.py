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


def year_run(first: Optional[int], last: Optional[int]) -> Period:
    """Whole years ``first`` to ``last`` (今明两年, 前三年): 2024/2025."""
    if first is None or last is None or first == UNRESOLVED_YEAR or last == UNRESOLVED_YEAR:
        return Period("XXXX/XXXX", None, None, "year")
    if not 1 <= first <= last <= 9999:
        raise ValueError(f"years {first}-{last} out of the calendar")
    return Period(f"{first:04d}/{last:04d}", date(first, 1, 1), date(last, 12, 31), "year")


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


def relative_quarter(pub: Optional[date], quarters: int) -> Period:
    """本季度, 上个季度: pub_date's quarter, shifted."""
    if pub is None:
        return Period("XXXX-QX", None, None, "quarter")
    index = pub.year * 4 + (pub.month - 1) // 3 + quarters
    return quarter_run(index // 4, None, index % 4 + 1, index % 4 + 1)


XUN_FIRST_DAYS = (1, 11, 21)


def xun_of(month: Period, xun: tuple[int, int]) -> Period:
    """上旬, 中旬, 下旬 of a month (xun (1, 1), (2, 2), (3, 3)): days 1-10, 11-20,
    21 to the month's end; 中下旬 (2, 3) is days 11 to the end."""
    first_third, last_third = xun
    first = XUN_FIRST_DAYS[first_third - 1]
    if month.start is None:
        last_text = "XX" if last_third == 3 else f"{XUN_FIRST_DAYS[last_third - 1] + 9:02d}"
        return Period(f"{month.value}-{first:02d}/{month.value}-{last_text}", None, None, "day")
    start = month.start.replace(day=first)
    end = month.end if last_third == 3 else month.start.replace(day=XUN_FIRST_DAYS[last_third - 1] + 9)
    return Period(f"{start.isoformat()}/{end.isoformat()}", start, end, "day")


def month_week(year: Optional[int], month: int, number: int) -> Optional[Period]:
    """Week ``number`` of a month: week 1 is the Monday-first week that holds the
    month's first Thursday (as ISO's week 1 holds the year's); a week whose
    Thursday falls in the next month is not the month's."""
    if year is None or year == UNRESOLVED_YEAR or not month:
        month_text = f"{month:02d}" if month else "XX"
        return Period(f"XXXX-{month_text}-W{number:02d}", None, None, "week")
    try:
        first = date(year, month, 1)
        thursday = first + timedelta(days=(4 - first.isoweekday()) % 7 + 7 * (number - 1))
        monday = thursday - timedelta(days=3)
        sunday = monday + timedelta(days=6)
    except (ValueError, OverflowError):
        return None  # at the edge of the calendar
    if thursday.month != month:
        return None
    return Period(f"{year:04d}-{month:02d}-W{number:02d}", monday, sunday, "week")


def iso_week(year: Optional[int], number: int) -> Optional[Period]:
    """ISO week ``number`` of ``year`` (第20周)."""
    if year is None or year == UNRESOLVED_YEAR:
        return Period(f"XXXX-W{number:02d}", None, None, "week")
    try:
        monday = date.fromisocalendar(year, number, 1)
        sunday = monday + timedelta(days=6)
    except (ValueError, OverflowError):
        return None  # no week 53 that year, or a year no calendar holds
    return Period(f"{year:04d}-W{number:02d}", monday, sunday, "week")


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


# Statistics print a period's figure in the month or two after it ends.
REPORTING_LAG_MONTHS = 2


def month_run(year: Optional[int], pub: Optional[date], first: int, last: int) -> Period:
    """Months ``first`` to ``last`` of one year (1—11月, 前8月 -> 01/08).  Without a
    year: see :func:`cumulative_year` for a run from January; another run takes
    the year that puts its middle nearest to pub_date (3——5月 on a page of
    September is this year's)."""
    if year is None and pub is not None:
        year = cumulative_year(pub, last) if first == 1 else nearest_run_year(pub, first, last)
    if year is None or year == UNRESOLVED_YEAR:
        return Period(f"XXXX-{first:02d}/XXXX-{last:02d}", None, None, "month")
    a, b = month_period(year, first), month_period(year, last)
    return Period(f"{a.value}/{b.value}", a.start, b.end, "month")


def cumulative_year(pub: date, last: int) -> int:
    """The year of January to month ``last`` (a cumulative figure) when none is
    written: pub_date's, unless no month of it has passed yet (a page of
    January) or the previous year's run ended at most REPORTING_LAG_MONTHS
    before pub_date's month (1—12月 on a page of February, 1—11月 in January):
    then the previous year's."""
    since_last_years_run = pub.month + 12 - last
    if pub.month == 1 or since_last_years_run <= REPORTING_LAG_MONTHS:
        return pub.year - 1
    return pub.year


def nearest_run_year(pub: date, first: int, last: int) -> int:
    def gap(year: int) -> int:
        start, end = date(year, first, 1), month_period(year, last).end
        return abs((start + (end - start) / 2 - pub).days)
    return min((pub.year - 1, pub.year, pub.year + 1), key=gap)


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
