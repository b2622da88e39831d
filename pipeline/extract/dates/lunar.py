"""The lunar calendar: lunar dates to Gregorian ones, from configs/lunar_calendar.yaml
(lunar years 1900-2100, written by configs/make_lunar_calendar.py)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from pipeline.config import load_table, per_tables


class LunarCalendar:
    """Lunar dates to Gregorian ones, from the ``years`` of lunar_calendar.yaml."""

    def __init__(self, years: dict) -> None:
        self.years: dict[int, tuple[date, int, list[int]]] = {
            int(year): (spec["new_year"], int(spec["leap"]), list(spec["days"]))
            for year, spec in years.items()
        }

    def to_gregorian(self, year: int, month: int, day: int, leap: bool = False,
                     last_day_if_short: bool = False) -> Optional[date]:
        """The Gregorian day of lunar ``year``-``month``-``day``; None when the
        table does not cover the year or the day does not exist (闰三月 in a
        year without one, 三十 of a 29-day month unless ``last_day_if_short``)."""
        entry = self.years.get(year)
        if entry is None or not 1 <= month <= 12 or day < 1:
            return None
        new_year, leap_month, lengths = entry
        if leap and leap_month != month:
            return None
        index = month - 1 + (1 if leap_month and (month > leap_month or leap) else 0)
        length = lengths[index]
        if day > length:
            if not (last_day_if_short and day == 30):
                return None
            day = length
        return new_year + timedelta(days=sum(lengths[:index]) + day - 1)

    def month_span(self, year: int, month: int, leap: bool = False) -> Optional[tuple[date, date]]:
        first = self.to_gregorian(year, month, 1, leap)
        last = self.to_gregorian(year, month, 30, leap, last_day_if_short=True)
        return (first, last) if first and last else None

    def in_gregorian_year(self, year: int, month: int, day: int, leap: bool = False,
                          last_day_if_short: bool = False) -> Optional[date]:
        """The lunar month/day that falls in Gregorian ``year`` (腊八 of 2025 is
        in the lunar year 2024)."""
        for lunar_year in (year - 1, year):
            found = self.to_gregorian(lunar_year, month, day, leap, last_day_if_short)
            if found is not None and found.year == year:
                return found
        return None


@per_tables
def lunar_calendar() -> LunarCalendar:
    """configs/lunar_calendar.yaml's calendar, read on first use."""
    return LunarCalendar(load_table("lunar_calendar")["years"])
