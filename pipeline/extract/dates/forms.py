"""The dates only a calendar table resolves.

Festivals (春节, 国庆节, ``configs/festivals.yaml``), lunar dates (农历八月十五,
正月初一, 大年三十) through the lunar calendar (pipeline/extract/dates/lunar.py),
and reign or era years (康熙三年, 民国三年, ``configs/eras.yaml``).

``find_calendar_forms(text, pub_date)`` returns ``(start, end, Period)`` for
each; anything it cannot resolve it leaves to the other date rules or out.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Iterator, Optional

from pipeline.config import load_table, per_tables
from pipeline.extract.dates.lunar import lunar_calendar
from pipeline.extract.dates.patterns import AR_DAY, AR_MONTH, date_numerals
from pipeline.extract.dates.periods import (UNRESOLVED_DAY, UNRESOLVED_YEAR, Period, day_period, exact_day,
                                            month_period, valid_day, year_period)
from pipeline.extract.numerals import parse_digit_string, parse_number
from pipeline.text import alternation, trie_alternation


_HABITUAL_REACH = 6


class CalendarForms:
    """The tables and the one pattern of festivals, lunar dates and eras."""

    def __init__(self) -> None:
        festivals = load_table("festivals")
        eras = load_table("eras")
        dates = load_table("dates")
        self.lunar = lunar_calendar()
        self.gregorian_festivals = {k: tuple(v) for k, v in festivals["gregorian"].items()}
        self.lunar_festivals = {k: tuple(v) for k, v in festivals["lunar"].items()}
        self.lunar_markers = frozenset(festivals["lunar_markers"])
        self.lunar_month_names: dict[str, int] = festivals["lunar_month_names"]
        self.day_prefixes: dict[str, int] = festivals["lunar_day_prefixes"]
        self.new_year_eve = frozenset(festivals["new_year_eve"])
        self.eras: dict[str, dict] = eras["eras"]
        self.first_year_word: str = eras["first_year_word"]
        self.relative_years: dict[str, int] = dates["relative_years"]
        self.pattern = re.compile(self._pattern(festivals))
        self.signal = re.compile(self._signal(festivals))
        self.habitual = re.compile(alternation(festivals['habitual_before']))

    def _pattern(self, festivals: dict) -> str:
        n = date_numerals()
        cn_digits = n.digits
        marker = alternation(self.lunar_markers)
        names = alternation(self.lunar_month_names)
        prefixed_day = rf"[{''.join(self.day_prefixes)}][{n.nonzero}{n.ten}]"
        year = (rf"(?:(?<![0-9.])(?P<ya>[12][0-9]{{3}}) ?年|(?<![{cn_digits}{n.ten}])(?P<yc>[{cn_digits}]{{4}})年"
                rf"|(?P<ry>{alternation(self.relative_years)})"
                rf"|(?P<era>{alternation(self.eras)})(?P<ey>{re.escape(self.first_year_word)}"
                rf"|[0-9]{{1,3}}|[{cn_digits}{n.ten}{n.hundred}]{{1,4}})年)")
        month = (rf"(?P<leap>{alternation(festivals['leap_marker'])})?"
                 rf"(?P<mon>{names}|(?:{n.cn_month}|(?<![0-9])(?:{AR_MONTH}))月)")
        # a one-character day needs its 日 (腊月一个月 is a month's sales)
        day = (rf"(?P<day>{prefixed_day}|(?:{n.cn_day_two})(?![0-9个次人名天年岁])"
               rf"|(?:{n.cn_day}|{AR_DAY})[日号])")
        eve = alternation(self.new_year_eve)
        new_year_day = rf"{re.escape(festivals['new_year_day_prefix'])}(?P<nyd>初[{n.nonzero}{n.ten}])"
        fest = (rf"(?:{alternation([*self.gregorian_festivals, *self.lunar_festivals])})"
                rf"(?!{alternation(festivals['not_followed_by'])})")
        first = {w[0] for w in [*self.lunar_markers, *self.relative_years, *self.eras,
                                *self.new_year_eve, festivals["new_year_day_prefix"],
                                *self.gregorian_festivals, *self.lunar_festivals,
                                *self.lunar_month_names, *festivals["leap_marker"]]}
        first |= set("0123456789" + n.ten + cn_digits)
        # a lookahead on the first characters lets the engine skip the rest in C
        fast_start = "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"
        # 三六七年三十人 holds no 年三十: the 年 ends a number there
        forms = (rf"(?:(?P<eve>(?<![0-9{cn_digits}{n.units}])(?:{eve}))|{new_year_day}|(?P<fest>{fest})"
                 rf"|{month}{day}?)")
        return (
            rf"{fast_start}(?P<mk1>{marker})?(?:{year})?(?P<mk2>{marker})?"
            # an era's year may stand alone (民国三年); any other year needs what follows it
            rf"(?:{forms}|(?(era)|(?!)))"
        )

    def _signal(self, festivals: dict) -> str:
        """What every form here holds somewhere (a festival, 农历, 正月, 初一,
        an era's name): text without one is skipped at the cost of one search."""
        words = [*self.lunar_markers, *self.lunar_month_names, *festivals["leap_marker"],
                 *self.new_year_eve, festivals["new_year_day_prefix"], *self.eras,
                 *self.gregorian_festivals, *self.lunar_festivals]
        prefixes = "".join(self.day_prefixes)
        first = "".join(re.escape(c) for c in sorted({w[0] for w in words} | set(prefixes)))
        n = date_numerals()
        return rf"(?=[{first}])(?:{trie_alternation(words)}|[{prefixes}][{n.nonzero}{n.ten}])"

    def find(self, text: str, pub: Optional[date]) -> Iterator[tuple[int, int, Period]]:
        if self.signal.search(text) is None:
            return
        for match in self.pattern.finditer(text):
            period = self._resolve(match, pub)
            # 每年春节, 每逢腊月廿三: any year's, not one on the calendar
            if period is not None and not self._habitual(text, match.start()):
                yield match.start(), match.end(), period

    def _habitual(self, text: str, start: int) -> bool:
        """每年 (or 每逢…) earlier in the clause, at most a few characters back
        (每年“三八”妇女节)."""
        window = text[max(0, start - _HABITUAL_REACH):start]
        for mark in "，。；！？,;!?\n":
            window = window.rpartition(mark)[2]
        return self.habitual.search(window) is not None

    # --- resolution ---------------------------------------------------------

    def _resolve(self, match: re.Match, pub: Optional[date]) -> Optional[Period]:
        g = match.groupdict()
        if g["era"]:
            return self._era(match, pub)
        if not (g["eve"] or g["nyd"] or g["fest"] or g["mon"]):
            return None  # a year alone: the other rules read it
        year = self._written_year(g, pub)
        if g["fest"] or g["eve"]:
            return self._festival(g, year if year is not None else (pub.year if pub else None))
        if g["nyd"]:
            return self._lunar_day(year, 1, self._day_number(g["nyd"]), False, pub)
        if not self._is_lunar(g):
            return None  # 三月五日 is a Gregorian date: the other rules read it
        month = self._month_number(g["mon"])
        if month is None:
            return None
        leap = bool(g["leap"])
        if g["day"] is None:
            return self._lunar_month(year, month, leap, pub)
        day = self._day_number(g["day"])
        return self._lunar_day(year, month, day, leap, pub) if day else None

    def _festival(self, g: dict, year: Optional[int]) -> Optional[Period]:
        """A festival of the year written before it, else of pub_date's year:
        the day it falls on in that Gregorian year (2025年除夕 is 2025-01-28,
        the eve of that year's 春节, though its lunar year is 2024)."""
        if g["fest"] in self.gregorian_festivals:
            month, day = self.gregorian_festivals[g["fest"]]
            return self._gregorian_day(year, month, day)
        month, day = self.lunar_festivals[g["fest"]] if g["fest"] else (12, 30)
        if year is None or year == UNRESOLVED_YEAR:
            return UNRESOLVED_DAY
        found = self.lunar.in_gregorian_year(year, month, day, last_day_if_short=True)
        return exact_day(found) if found else None

    def _is_lunar(self, g: dict) -> bool:
        """农历/阴历 written, a month name only the lunar calendar has, a leap
        month, or a day written 初X / 廿X."""
        return bool(g["mk1"] or g["mk2"] or g["leap"] or g["mon"] in self.lunar_month_names
                    or (g["day"] and g["day"][0] in self.day_prefixes))

    def _written_year(self, g: dict, pub: Optional[date]) -> Optional[int]:
        if g["ya"]:
            return int(g["ya"])
        if g["yc"]:
            return parse_digit_string(g["yc"])
        if g["ry"]:
            return pub.year + self.relative_years[g["ry"]] if pub else UNRESOLVED_YEAR
        return None

    def _month_number(self, written: str) -> Optional[int]:
        if written in self.lunar_month_names:
            return self.lunar_month_names[written]
        value = parse_number(written[:-1])
        return int(value) if value is not None and 1 <= value <= 12 else None

    def _day_number(self, written: str) -> Optional[int]:
        if written[0] in self.day_prefixes:
            value = parse_number(written[1:])
            return self.day_prefixes[written[0]] + int(value) if value is not None else None
        value = parse_number(written.rstrip("日号"))
        return int(value) if value is not None and 1 <= value <= 31 else None

    def _gregorian_day(self, year: Optional[int], month: int, day: int) -> Optional[Period]:
        if year is None or year == UNRESOLVED_YEAR:
            return day_period(None, month, day)
        return day_period(year, month, day) if 1 <= year <= 9999 else None

    def _lunar_day(self, year: Optional[int], month: int, day: int, leap: bool,
                   pub: Optional[date], last_day_if_short: bool = False) -> Optional[Period]:
        """A lunar day of the lunar year written; with none, the one that falls
        in pub_date's year, as a festival does (农历八月十五 is 中秋节)."""
        if year is None:
            if pub is None:
                return UNRESOLVED_DAY
            found = self.lunar.in_gregorian_year(pub.year, month, day, leap, last_day_if_short)
            return exact_day(found) if found else None
        if year == UNRESOLVED_YEAR:
            return UNRESOLVED_DAY
        found = self.lunar.to_gregorian(year, month, day, leap, last_day_if_short)
        return exact_day(found) if found else None

    def _lunar_month(self, year: Optional[int], month: int, leap: bool,
                     pub: Optional[date]) -> Optional[Period]:
        if year is None and pub is not None:
            middle = self.lunar.in_gregorian_year(pub.year, month, 15, leap)
            year = self._lunar_year_of(middle, month) if middle else None
        if year is None or year == UNRESOLVED_YEAR:
            return Period("XXXX-XX", None, None, "month")
        span = self.lunar.month_span(year, month, leap)
        if span is None:
            return None
        # a lunar month is no Gregorian month: its days, as a range of days
        return Period(f"{span[0].isoformat()}/{span[1].isoformat()}", span[0], span[1], "day")

    def _lunar_year_of(self, day: date, month: int) -> int:
        """The lunar year whose ``month`` holds ``day`` (a twelfth month ends in
        the next Gregorian year's January)."""
        return day.year - 1 if month >= 11 and day.month <= 2 else day.year

    def _era(self, match: re.Match, pub: Optional[date]) -> Optional[Period]:
        """康熙三年 -> 1664; 民国三年五月 -> 1914-05; a lunar reign's month resolves
        through the lunar table where it covers the year, else stays at the year."""
        g = match.groupdict()
        spec = self.eras[g["era"]]
        number = 1 if g["ey"] == self.first_year_word else _era_number(g["ey"])
        if number is None or number < 1:
            return None
        year = int(spec["first"]) + number - 1
        if not 1 <= year <= 9999:
            return None
        if not (g["mon"] or g["fest"] or g["eve"] or g["nyd"]):
            return year_period(year)
        if spec["calendar"] == "gregorian" and g["mon"] and not self._is_lunar(g):
            return self._era_gregorian(match, year)
        return self._era_lunar(match, year)

    def _era_gregorian(self, match: re.Match, year: int) -> Optional[Period]:
        month = self._month_number(match.group("mon"))
        if month is None:
            return None
        if match.group("day") is None:
            return month_period(year, month)
        day = self._day_number(match.group("day"))
        if day is None or not valid_day(year, month, day):
            return None
        return day_period(year, month, day)

    def _era_lunar(self, match: re.Match, year: int) -> Optional[Period]:
        g = match.groupdict()
        if year not in self.lunar.years:
            return year_period(year)  # before 1900: the lunar table does not reach it
        if g["fest"] or g["eve"]:
            return self._festival(g, year)
        if g["nyd"]:
            return self._lunar_day(year, 1, self._day_number(g["nyd"]), False, None)
        month = self._month_number(g["mon"])
        if month is None:
            return None
        if g["day"] is None:
            return self._lunar_month(year, month, bool(g["leap"]), None)
        day = self._day_number(g["day"])
        return self._lunar_day(year, month, day, bool(g["leap"]), None) if day else None


def _era_number(written: str) -> Optional[int]:
    value = parse_number(written)
    return int(value) if value is not None and value == int(value) else None


@per_tables
def calendar_forms() -> CalendarForms:
    """The calendar forms of this process's tables, compiled on first use."""
    return CalendarForms()


def find_calendar_forms(text: str, pub: Optional[date]) -> list[tuple[int, int, Period]]:
    """Festivals, lunar dates and era years in ``text``, resolved."""
    return list(calendar_forms().find(text, pub))
