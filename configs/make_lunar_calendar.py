"""Writes configs/lunar_calendar.yaml: the Chinese lunar calendar, 1900-2100.

    .venv/bin/python configs/make_lunar_calendar.py   # needs the bench extra (JioNLP)

For every lunar year it records the Gregorian date of its new year (春节) and
the length of each of its months in order, a leap month (闰月) in its place,
which is all pipeline/extract/dates/lunar.py needs to turn a lunar date (正月初一,
农历八月十五, 除夕) into a Gregorian one.  The data are JioNLP's lunar table
(Apache-2.0, ``jionlp.gadget.lunar_solar_date``; JioNLP is pinned in
constraints.txt as a benchmark-only dependency), read through its own converter
so that the months come out as JioNLP computes them; the pipeline itself never
imports JioNLP.  A few dates from published calendars are checked before the
file is written.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "lunar_calendar.yaml"
FIRST_YEAR, LAST_YEAR = 1900, 2100

# Gregorian dates of lunar days, from published calendars (the State Council's
# holiday notices and the Purple Mountain Observatory's almanac).
KNOWN = {
    (2025, 1, 1, False): date(2025, 1, 29),   # 春节 2025
    (2024, 8, 15, False): date(2024, 9, 17),  # 中秋节 2024
    (2023, 5, 5, False): date(2023, 6, 22),   # 端午节 2023
    (2020, 4, 1, True): date(2020, 5, 23),    # 闰四月初一 2020
    (1998, 1, 1, False): date(1998, 1, 28),   # 春节 1998
    (2008, 1, 15, False): date(2008, 2, 21),  # 元宵节 2008
}


def lunar_years():
    from jionlp.gadget.lunar_solar_date import LunarSolarDate

    converter = LunarSolarDate()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        code = converter.CHINESE_YEAR_CODE[year - FIRST_YEAR]
        leap = code & 0xF
        months = [(m, False) for m in range(1, 13)]
        if leap:
            months.insert(leap, (leap, True))
        starts = [converter.to_solar_date(year, m, 1, is_leap).date() for m, is_leap in months]
        if year < LAST_YEAR:
            end = converter.to_solar_date(year + 1, 1, 1, False).date()
        else:  # the table's last year: its last month ends where its 30th day is or is not valid
            last_month, last_leap = months[-1]
            has_30 = converter._validate(year, last_month, 30, last_leap)
            end = starts[-1] + timedelta(days=30 if has_30 else 29)
        lengths = [(b - a).days for a, b in zip(starts, starts[1:] + [end])]
        assert all(n in (29, 30) for n in lengths), (year, lengths)
        yield year, starts[0], leap, lengths


def solar(table: dict, year: int, month: int, day: int, leap: bool) -> date:
    new_year, leap_month, lengths = table[year]
    index = month - 1 + (1 if leap_month and (month > leap_month or leap) else 0)
    return new_year + timedelta(days=sum(lengths[:index]) + day - 1)


def main() -> None:
    table = {year: (new_year, leap, lengths) for year, new_year, leap, lengths in lunar_years()}
    for (year, month, day, leap), expected in KNOWN.items():
        assert solar(table, year, month, day, leap) == expected, (year, month, day, leap)
    lines = [
        "# The Chinese lunar calendar, lunar years 1900-2100, written by",
        "# configs/make_lunar_calendar.py (do not edit by hand).  Each year: the",
        "# Gregorian date of its first day (春节), its leap month (0: none; a leap month",
        "# follows the month of the same number) and the length of each month in order.",
        "years:",
    ]
    for year, (new_year, leap, lengths) in table.items():
        lines.append(f"  {year}: {{new_year: {new_year.isoformat()}, leap: {leap}, "
                     f"days: [{', '.join(map(str, lengths))}]}}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(table)} years)")


if __name__ == "__main__":
    main()
