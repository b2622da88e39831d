"""DATE mentions: absolute, partial and relative dates resolved against pub_date.

``find_dates("3月11日", date(2025, 3, 12))`` gives one DATE with
``date_value="2025-03-11"``, grain ``day``.  A date without its year takes the
year that puts it nearest to the publication date; without a publication date
the missing parts stay ``XXXX`` and ``date_start``/``date_end`` stay empty.
Durations (``6个月``, ``十年``) are QUANTITY and are not found here.

The words come from ``configs/dates.yaml``; the patterns are compiled once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Optional


from .config import CONFIG_DIR, read_yaml
from .date_forms import (UNRESOLVED_YEAR as _UNRESOLVED_YEAR, Period, day_period as _day_period,
                         find_calendar_forms, half_period as _half_period,
                         month_period as _month_period, nearest_century,
                         nearest_month as _nearest_month, nearest_year as _nearest_year,
                         quarter_run as _quarter_run, relative_day as _relative_day,
                         relative_month as _relative_month, relative_week as _relative_week,
                         valid_day as _valid_day, year_period as _year_period)
from pipeline.extract.numerals import TABLES, fold_digits, parse_digit_string, parse_number
from .types import Mention

SOURCE = "numeric"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class DateRules:
    """Compiled date patterns and the tables they resolve with."""

    def __init__(self, path: Path = CONFIG_DIR / "dates.yaml") -> None:
        data = read_yaml(path)
        self.relative_years: dict[str, int] = data["relative_years"]
        self.year_phrases: dict[str, int] = data["relative_year_phrases"]
        self.relative_months: dict[str, int] = data["relative_months"]
        self.relative_weeks: dict[str, int] = data["relative_weeks"]
        self.relative_days: dict[str, int] = data["relative_days"]
        self.halves: dict[str, int] = data["halves"]
        self.quarter_digits: dict[str, int] = {str(k): v for k, v in data["quarter_digits"].items()}
        self.quarter_runs: dict[str, list[int]] = data["quarter_runs"]
        self.year_edges: dict[str, int] = data["year_edges"]
        self.connectors = frozenset(TABLES.range_connectors)
        self.weekday_words: list[str] = data["weekday_words"]
        self.weekdays: dict[str, int] = data["weekdays"]
        self.weekend: str = data["weekend"]
        self.week_shifts: dict[str, int] = data["week_shifts"]
        self.surname_weekday_words = frozenset(data["surname_weekday_words"])
        self.bare_zhou_followers = frozenset(data["bare_zhou_followers"])
        self.relative_centuries: dict[str, int] = data["relative_centuries"]
        self.era_words: dict[str, int] = data["era_words"]
        self.same_month_words: list[str] = data["same_month_words"]
        self.dot_date_followers: list[str] = data["dot_date_followers"]
        self.last_weekday_words: list[str] = data["last_weekday_words"]
        self.habitual_before: tuple[str, ...] = tuple(data["habitual_before"])
        self.month_before_last = re.compile(
            rf"(?:(?P<m>{_AR_MONTH}|{_CN_MONTH})月|(?P<rm>{_alternation(self.relative_months)}))的?$")
        self.approx_pairs = frozenset(TABLES.approx_pairs)
        self.single = re.compile(f"{self._fast_start()}(?:{self._single_pattern()})")
        self.partial_day = re.compile(
            f"(?:{_alternation(self.connectors)})(?P<d>{_CN_DAY}|{_AR_DAY})[日号]"
        )
        # 2008.03-2009: a range from a month may end at a bare year
        self.partial_year = re.compile(
            f" ?(?:{_alternation(self.connectors)}) ?(?P<y>[12][0-9]{{3}})(?![0-9０-９.．年])"
        )

    def _fast_start(self) -> str:
        """A lookahead on the characters a date can start with, so that the
        regex engine skips the rest of the text in C (see numeric._fast_start)."""
        first = set("0123456789０１２３４５６７８９十第年") | set(TABLES.digits)
        words = [*self.relative_years, *self.year_phrases, *self.relative_months,
                 *self.relative_weeks, *self.relative_days, *self.halves,
                 *self.quarter_runs, *map(str, self.quarter_digits),
                 *self.weekday_words, *self.week_shifts, *self.relative_centuries,
                 *self.era_words, *self.last_weekday_words]
        first |= {w[0] for w in words}
        return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"

    def _single_pattern(self) -> str:
        cn_digit = "零〇○一二三四五六七八九"
        month_ahead = f"(?:(?:{_AR_MONTH}|{_CN_MONTH})月|{_alternation(self.same_month_words)})"
        year = (
            rf"(?:(?<![0-9０-９.])(?<![0-9],)(?P<ya>[12１２][0-9０-９]{{3}}) ?年"
            rf"|(?<![{cn_digit}十百千万])(?P<yc>[{cn_digit}]{{4}})年"
            # 08年, 零八年: a leading zero makes a two-digit year (never a duration)
            rf"|(?<![0-9０-９.{cn_digit}十百千万])(?P<y2>[0０][0-9０-９]|[零〇][{cn_digit}]) ?年(?![代级])"
            # 15年3月2日, 两千零四年八月, 三六七年一月: a year that could be a
            # count of years (15年, 两千年) is one only with its month after it
            rf"|(?<![0-9０-９.])(?P<y2m>[1-9][0-9]|[1-9][0-9]{{2}}) ?年(?={month_ahead})"
            rf"|(?<![{cn_digit}十百千万])(?P<yp>[一二两]千[零〇一二三四五六七八九十]{{0,3}})年(?={month_ahead})"
            rf"|(?<![{cn_digit}十百千万])(?P<y3>[{cn_digit}]{{3}})年(?={month_ahead})"
            # 九零年, 八五年: two digits read one by one are a year (三五年 is "three to five")
            rf"|(?<![{cn_digit}十百千万两])(?P<yc2>[{cn_digit}]{{2}})年(?![代级])"
            rf"|(?P<ry>{_alternation(self.relative_years)}))(?P<fy>度)?"
        )
        # 一月19到20日: the first day of a range may leave its 日 to the last
        day_before_range = (rf"(?=(?:{_alternation(self.connectors)})(?:{_AR_DAY}|{_CN_DAY})[日号])")
        parts = (
            rf"(?:(?:(?P<m>{_AR_MONTH}|{_CN_MONTH})月|(?P<sm_word>{_alternation(self.same_month_words)}))"
            rf"(?:份|[初底末](?![期级中等步心衷一二三四五六七八九十]))?"
            rf"(?:(?P<d>{_AR_DAY}|{_CN_DAY})[日号]|(?P<dn>{_CN_DAY_NO_SUFFIX})|(?P<dr>{_AR_DAY}){day_before_range})?"
            rf"|(?P<half>{_alternation(self.halves)})"
            rf"|(?P<qrun>{_alternation(self.quarter_runs)})"
            rf"|第?(?P<q>[{''.join(self.quarter_digits)}])季度"
            rf"|年?(?P<edge>[{''.join(self.year_edges)}])(?![期级中等步心衷一二三四五六七八九十]))"
        )
        no_year_parts = (
            rf"(?<![0-9０-９.{cn_digit}十第])(?:(?P<m2>{_AR_MONTH}|{_CN_MONTH})月(?:份|[初底末](?![期级中等步心衷一二三四五六七八九十]))?"
            rf"(?:(?P<d2>{_AR_DAY}|{_CN_DAY})[日号]|(?P<dn2>{_CN_DAY_NO_SUFFIX})|(?P<dr2>{_AR_DAY}){day_before_range})?"
            rf"|(?P<half2>{_alternation(self.halves)})"
            rf"|(?P<qrun2>{_alternation(self.quarter_runs)})"
            rf"|第?(?P<q2>[{''.join(self.quarter_digits)}])季度"
            rf"|年(?P<edge2>[{''.join(self.year_edges)}])(?![期级中等步心衷一二三四五六七八九十]))"
        )
        # 最后一个周三, 四月的最后一个星期一: the last such weekday of the month
        # (the month written before it is read back from the text: an optional
        # month here would be tried at every digit of the text)
        last_weekday = (
            rf"(?P<lwlast>{_alternation(self.last_weekday_words)})"
            rf"(?P<lwname>{_alternation(self.weekday_words)})(?P<lwday>[{''.join(self.weekdays)}])"
        )
        weekday = (
            rf"(?<![每几数个0-9０-９{cn_digit}十百])(?P<wshift>{_alternation(self.week_shifts)})?"
            rf"(?P<wname>{_alternation(self.weekday_words)})(?P<wday>[{''.join(self.weekdays)}{self.weekend}])"
        )
        decade = (
            rf"(?:(?P<crel>{_alternation(self.relative_centuries)})"
            rf"|(?<![0-9０-９{cn_digit}十])(?P<cabs>1[0-9]|2[01]|十[一二三四五六七八九]|二十一?)世纪)?"
            rf"(?<![0-9０-９.{cn_digit}十])(?P<dec>[1-9]0|[一二三四五六七八九]十)年代"
        )
        relative = (
            rf"{weekday}|(?P<rphrase>{_alternation(self.year_phrases)})"
            rf"|(?P<rmonth>{_alternation(self.relative_months)})(?:(?P<rmd>{_AR_DAY}|{_CN_DAY})[日号])?"
            rf"|(?P<rweek>{_alternation(self.relative_weeks)})"
            rf"|(?P<rday>{_alternation(self.relative_days)})"
        )
        relative_first = {w[0] for w in [*self.week_shifts, *self.weekday_words, *self.year_phrases,
                                           *self.relative_months, *self.relative_weeks,
                                           *self.relative_days, *self.era_words]}
        # each group is tried only where its first character stands: a regex
        # alternation is tried branch by branch at every candidate position
        relative_start = "(?=[" + "".join(re.escape(c) for c in sorted(relative_first)) + "])"
        compact = (
            r"(?<![0-9０-９.])(?P<cy>(?:19|20)[0-9]{2})(?P<cm>0[1-9]|1[0-2])"
            r"(?P<cd>0[1-9]|[12][0-9]|3[01])(?![0-9０-９])"
        )
        # 2010-01-29, 2010.1.29, 1994.01-19 (separators as typed), 2022 11 23
        dashed = (
            r"(?<![0-9０-９./-])(?P<sy>[12][0-9]{3})(?P<sep>[-/.])(?P<sm>1[0-2]|0?[1-9])"
            r"[-/.](?P<sd>3[01]|[12][0-9]|0?[1-9])(?![0-9０-９]|[.．][0-9])"
            r"|(?<![0-9０-９.])(?P<wy>[12][0-9]{3}) (?P<wm>1[0-2]|0[1-9]) (?P<wd>3[01]|[12][0-9]|0[1-9])(?![0-9０-９.])"
        )
        # 1999.08, 2008.03-2009 (an index of 2019.10点 or 3.05% is a number)
        year_month = (
            r"(?<![0-9０-９.])(?P<ymy>(?:19|20)[0-9]{2})[./](?P<ymm>1[0-2]|0[1-9])"
            r"(?![0-9０-９]|[.．%‰点點万萬亿億元倍年])"
        )
        # 6·30, 7·21 (a day named by its date), 09-01 (month and day, zero-padded
        # as a score or a code is not); 13.5.2015, 1/2/2020: with the year last
        # the day comes first, unless it cannot
        # old typesetting also wrote the decimal point as · (1·5公顷, 6·2级地震),
        # so M·D is a date only in quotes, at a clause end or before an event word
        month_day = (
            rf"(?<![0-9０-９.·・])(?P<dm>1[0-2]|[1-9])[·・](?P<dd>3[01]|[12][0-9]|[1-9])"
            rf"(?=[”\"’」』，。；、！？]|$|{_alternation(self.dot_date_followers)})"
            r"|(?<![0-9０-９./:-])(?P<hm>0[1-9]|1[0-2])-(?P<hd>0[1-9]|[12][0-9]|3[01])(?![0-9０-９./:-])"
            r"|(?<![0-9０-９./])(?P<la>3[01]|[12][0-9]|0?[1-9])(?P<lsep>[-/.])(?P<lb>3[01]|[12][0-9]|0?[1-9])"
            r"(?P=lsep)(?P<ly>(?:1[5-9]|20)[0-9]{2})(?![0-9０-９]|[./][0-9])"
        )
        bare_day = r"(?<![0-9０-９.月])(?P<bd>3[01]|[12][0-9]|0?[1-9])日(?!内|以内|之内)"
        # 2010-2012年: one 年 for both ends of a range of years
        year_span = (
            rf"(?<![0-9０-９.])(?P<yr1>[12][0-9]{{3}})(?:{_alternation(self.connectors)})"
            rf"(?P<yr2>[12][0-9]{{3}}) ?年(?![代级])(?P<fyr>度)?"
        )
        era_year = rf"(?P<era>{_alternation(self.era_words)})(?P<ey>[0-9]{{1,4}})年(?![代级])"
        return (
            f"{decade}|{last_weekday}|{relative_start}(?:{relative}|{era_year})|{year_span}|{year}(?: ?{parts})?|{no_year_parts}"
            f"|(?=[0-9０-９])(?:{compact}|{dashed}|{year_month}|{month_day}|{bare_day})"
        )


_AR_MONTH = r"1[0-2]|0?[1-9]|１[０-２]|０?[１-９]"
_CN_MONTH = r"十[一二]|十|[一二三四五六七八九]"
_AR_DAY = r"3[01]|[12][0-9]|0?[1-9]|３[０１]|[１２][０-９]|０?[１-９]"
_CN_DAY = r"三十一|三十|二十[一二三四五六七八九]|二十|十[一二三四五六七八九]|十|[一二三四五六七八九]"
# 八月十五: a two-character day may go without 日 when nothing numeric follows
_CN_DAY_NO_SUFFIX = (r"(?:三十一|三十|二十[一二三四五六七八九]|二十|十[一二三四五六七八九])"
                     r"(?![日号0-9０-９一二三四五六七八九十百千万亿个次人名天年岁])")

RULES = DateRules()


@dataclass
class _Found:
    """One single date expression before range merging."""

    start: int
    end: int
    year: Optional[int]  # None: not written, resolve from pub_date
    month: Optional[int]
    day: Optional[int]
    period: Optional[Period]  # already resolved (relative words, halves, quarters)
    weekday: bool = False  # 星期一, 周三: may stand beside the date it names


def find_dates(text: str, pub_date: Optional[date], rules: DateRules = RULES) -> list[Mention]:
    """All DATE mentions in ``text``; ranges (2024年1月至9月) are one mention."""
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
        item = _read_match(match, pub_date, rules)
        if item is None:
            continue
        while found and found[-1].start >= item.start:
            found.pop()  # 四月 read already, now inside 四月的最后一个星期一
        found.append(item)
    forms = find_calendar_forms(text, pub_date)
    if forms:
        found = _with_calendar_forms(found, forms)
    return _merge_ranges(text, found, pub_date, rules)


def _with_calendar_forms(found: list[_Found], forms: list[tuple[int, int, Period]]) -> list[_Found]:
    """Festivals, lunar dates and eras in place of the shorter readings they
    cover (农历2015年十月初一 is one lunar date, not 2015年 and 十月)."""
    kept = list(found)
    for start, end, period in forms:
        covered = [f for f in kept if f.start < end and start < f.end]
        if any(f.end - f.start > end - start for f in covered):
            continue
        kept = [f for f in kept if f not in covered]
        kept.append(_Found(start, end, None, None, None, period))
    return sorted(kept, key=lambda f: f.start)


def _small_number(raw: Optional[str]) -> Optional[int]:
    if raw is None:
        return None
    value = parse_number(raw)
    return int(value) if value is not None else None


def _read_match(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[_Found]:
    g = match.groupdict()
    start, end = match.span()
    if g["dec"]:
        return _decade(match, pub, rules)
    if g["lwlast"]:
        return _last_weekday(match, pub, rules)
    if g["wname"]:
        return _weekday(match, pub, rules)
    if g["rphrase"]:
        return _Found(start, end, None, None, None, _year_period(_shift_year(pub, rules.year_phrases[g["rphrase"]])))
    if g["rmonth"]:
        month = _relative_month(pub, rules.relative_months[g["rmonth"]])
        day = _small_number(g["rmd"])
        if day is None:
            return _Found(start, end, None, None, None, month)
        if month.start is None:
            return _Found(start, end, None, None, None, Period(f"XXXX-XX-{day:02d}", None, None, "day"))
        return _exact_day(start, end, month.start.year, month.start.month, day)
    if g["rweek"]:
        return _Found(start, end, None, None, None, _relative_week(pub, rules.relative_weeks[g["rweek"]]))
    if g["rday"]:
        return _Found(start, end, None, None, None, _relative_day(pub, rules.relative_days[g["rday"]]))
    if g["cy"]:
        return _exact_day(start, end, int(g["cy"]), int(g["cm"]), int(g["cd"]))
    if g["sy"]:
        return _exact_day(start, end, int(g["sy"]), int(g["sm"]), int(g["sd"]))
    if g["wy"]:
        return _exact_day(start, end, int(g["wy"]), int(g["wm"]), int(g["wd"]))
    if g["ymy"]:
        return _Found(start, end, int(g["ymy"]), int(g["ymm"]), None, None)
    if g["dm"]:
        return _Found(start, end, None, int(g["dm"]), int(g["dd"]), None)
    if g["hm"]:
        if not (g["hm"].startswith("0") or g["hd"].startswith("0")):
            return None  # 10-12 is as often a score or a range as a date
        return _Found(start, end, None, int(g["hm"]), int(g["hd"]), None)
    if g["ly"]:
        return _year_last(start, end, int(g["ly"]), int(g["la"]), int(g["lb"]))
    if g["bd"]:
        return _Found(start, end, None, None, int(g["bd"]), None)
    if g["era"]:
        return _era_year(start, end, rules.era_words[g["era"]] * int(g["ey"]))
    if g["yr1"]:
        first, last = int(g["yr1"]), int(g["yr2"])
        if first >= last:
            return None
        a, b = _year_period(first), _year_period(last)
        return _Found(start, end, first, None, None,
                      Period(f"{a.value}/{b.value}", a.start, b.end, "year"))
    month = _small_number(g["m"] or g["m2"])
    if g["sm_word"]:  # 去年本月十日: pub_date's month in the year written
        month = pub.month if pub else None
    year = _read_year(g, pub, rules, month)
    if year is False:
        return None
    day = _small_number(g["d"] or g["d2"] or g["dn"] or g["dn2"] or g["dr"] or g["dr2"])
    half = g["half"] or g["half2"]
    qrun = g["qrun"] or g["qrun2"]
    quarter = g["q"] or g["q2"]
    edge = g["edge"] or g["edge2"]
    if half:
        return _Found(start, end, year, None, None, _half_period(year, pub, rules.halves[half]))
    if qrun:
        first, last = rules.quarter_runs[qrun]
        return _Found(start, end, year, None, None, _quarter_run(year, pub, first, last))
    if quarter:
        q = rules.quarter_digits[fold_digits(quarter)]
        return _Found(start, end, year, None, None, _quarter_run(year, pub, q, q))
    if edge:
        month = rules.year_edges[edge]
        if year is None:  # 年底 alone is the end of the publication year
            year = pub.year if pub else _UNRESOLVED_YEAR
    if month is not None and not 1 <= month <= 12:
        return None
    if month is None and year is None:
        return None
    return _Found(start, end, year, month, day, None)


def _era_year(start: int, end: int, year: int) -> Optional[_Found]:
    """公元330年 -> 0330; 公元前221年 -> -0220 (there is no year 0)."""
    if year == 0:
        return None
    if year > 0:
        return _Found(start, end, year, None, None, _year_period(year))
    astronomical = year + 1
    return _Found(start, end, None, None, None,
                  Period(f"-{-astronomical:04d}", None, None, "year"))


def _decade(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[_Found]:
    """上世纪90年代 -> 1990 to 1999; 90年代 alone -> the latest 90s begun by pub_date."""
    decade = int(parse_number(match.group("dec")))
    if match.group("cabs"):
        first_year = (int(parse_number(match.group("cabs"))) - 1) * 100 + decade
    elif match.group("crel") and pub is not None:
        first_year = (pub.year // 100 + rules.relative_centuries[match.group("crel")]) * 100 + decade
    elif pub is not None and not match.group("crel"):
        first_year = (pub.year // 100) * 100 + decade
        if first_year > pub.year:
            first_year -= 100
    else:
        period = Period(f"XX{decade // 10}X", None, None, "decade")
        return _Found(match.start(), match.end(), None, None, None, period)
    if not 1 <= first_year <= 9990:
        return None
    period = Period(f"{first_year // 10:03d}X", date(first_year, 1, 1),
                    date(first_year + 9, 12, 31), "decade")
    return _Found(match.start(), match.end(), None, None, None, period)


def _last_weekday(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[_Found]:
    """最后一个周三: the last Wednesday of pub_date's month (or of the month
    written before it, in the year that puts it nearest to pub_date)."""
    weekday = rules.weekdays[match.group("lwday")]
    text, start = match.string, match.start()
    before = rules.month_before_last.search(text, max(0, start - 6), start)
    if before is not None:
        start = before.start()
    if text.endswith(rules.habitual_before, 0, start):
        return None  # 每月最后一个星期六: any month's
    month = _small_number(before.group("m")) if before else None
    if pub is None:
        month_text = f"{month:02d}" if month else "XX"
        return _Found(start, match.end(), None, None, None,
                      Period(f"XXXX-{month_text}-WXX-{weekday}-L", None, None, "day"), True)
    if before is not None and before.group("rm"):  # 下个月的最后一个周五
        first = _relative_month(pub, rules.relative_months[before.group("rm")]).start
        year, month = first.year, first.month
    elif month is None:
        year, month = pub.year, pub.month
    else:
        year = _nearest_year(pub, month, None)
    last = _month_period(year, month).end
    day = last - timedelta(days=(last.isoweekday() - weekday) % 7)
    return _Found(start, match.end(), None, None, None, Period(day.isoformat(), day, day, "day"), True)


def _weekday(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[_Found]:
    """星期三, 上周一: a day of pub_date's week (Monday first), shifted."""
    shift_word, name = match.group("wshift"), match.group("wname")
    end = match.end()
    if shift_word is None and name in rules.surname_weekday_words and end < len(match.string):
        following = match.string[end]
        if "\u4e00" <= following <= "\u9fff" and following not in rules.bare_zhou_followers:
            return None  # 周一鸣: a name, not Monday
    weekend = match.group("wday") == rules.weekend
    if weekend and shift_word is None and name in rules.surname_weekday_words:
        return None  # 周末 alone: any weekend, not a calendar one
    first = 6 if weekend else rules.weekdays[match.group("wday")]
    if pub is None:
        label = "XXXX-WXX-WE" if weekend else f"XXXX-WXX-{first}"
        return _Found(match.start(), end, None, None, None, Period(label, None, None, "day"), True)
    shift = rules.week_shifts[shift_word] if shift_word else 0
    day = pub - timedelta(days=pub.weekday()) + timedelta(weeks=shift, days=first - 1)
    if weekend:
        iso = day.isocalendar()
        return _Found(match.start(), end, None, None, None,
                      Period(f"{iso[0]:04d}-W{iso[1]:02d}-WE", day, day + timedelta(days=1), "weekend"))
    return _Found(match.start(), end, None, None, None, Period(day.isoformat(), day, day, "day"), True)


def _year_last(start: int, end: int, year: int, first: int, second: int) -> Optional[_Found]:
    """13.5.2015, 1/2/2020: day first, as the world writes a date with its year
    last; month first (12/25/2020) only where the day-first reading cannot be."""
    if _valid_day(year, second, first):
        return _Found(start, end, year, second, first, None)
    if _valid_day(year, first, second):
        return _Found(start, end, year, first, second, None)
    return None


def _read_year(g: dict, pub: Optional[date], rules: DateRules, month: Optional[int]):
    """The written year; None when not written or not resolvable; False if invalid
    (〇〇〇年 names no year a calendar has)."""
    year = _written_year(g, pub, rules, month)
    if isinstance(year, int) and not isinstance(year, bool) and year != _UNRESOLVED_YEAR \
            and not 1 <= year <= 9999:
        return False
    return year


def _written_year(g: dict, pub: Optional[date], rules: DateRules, month: Optional[int]):
    if g["ya"]:
        return int(fold_digits(g["ya"]))
    if g["yc"]:
        return parse_digit_string(g["yc"])
    if g["y2"]:
        return 2000 + parse_digit_string(g["y2"])
    if g["y2m"]:
        written = int(g["y2m"])
        return written if written >= 100 else _with_century(written, pub)
    if g["yp"]:
        value = parse_number(g["yp"])
        return int(value) if value is not None and 1000 <= value <= 2999 and value == int(value) else False
    if g["y3"]:
        return parse_digit_string(g["y3"])
    if g["yc2"]:
        if g["yc2"] in rules.approx_pairs and month is None:
            return False  # 三五年: three to five years
        return _with_century(parse_digit_string(g["yc2"]), pub)
    if g["ry"]:
        shifted = _shift_year(pub, rules.relative_years[g["ry"]])
        return shifted if shifted is not None else _UNRESOLVED_YEAR
    return None


def _with_century(two_digits: int, pub: Optional[date]) -> int:
    year = nearest_century(two_digits, pub)
    return _UNRESOLVED_YEAR if year is None else year


def _shift_year(pub: Optional[date], years: int) -> Optional[int]:
    return pub.year + years if pub else None


def _exact_day(start: int, end: int, year: int, month: int, day: int) -> Optional[_Found]:
    if not _valid_day(year, month, day):
        return None
    return _Found(start, end, year, month, day, None)


def _resolve(item: _Found, pub: Optional[date]) -> Optional[Period]:
    if item.period is not None:
        return item.period
    year, month, day = item.year, item.month, item.day
    if month is None and day is None:
        return _year_period(year)
    if month is None:  # a bare day of the month: 11日
        if pub is None:
            return _day_period(None, None, day)
        year, month = _nearest_month(pub, day)
        return _day_period(year, month, day)
    if day is not None and not _valid_day(year, month, day):
        return None
    if year is None and pub is not None:
        year = _nearest_year(pub, month, day)
    if day is None:
        return _month_period(year, month)
    return _day_period(year, month, day)


def _merge_ranges(text: str, found: list[_Found], pub: Optional[date],
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
        if single is not None:
            mentions.append(_mention(text, first.start, first.end, single))
        i += 1
    return mentions


def _joined(text: str, first: _Found, second: _Found, rules: DateRules) -> bool:
    """A connector between two dates, with at most a space either side (PDF
    text: 2009 年 到 2010 年)."""
    gap = text[first.end:second.start]
    return len(gap) <= 3 and gap.strip(" ") in rules.connectors


_APPOSITION_GAPS = ("", "，", ",", " ", "（", "(")


def _weekday_beside(text: str, first: _Found, second: _Found) -> Optional[int]:
    """Where a date with its weekday after it ends (10月12号，星期一; 3月12日（星期三）)."""
    gap = text[first.end:second.start]
    if gap not in _APPOSITION_GAPS:
        return None
    if gap in ("（", "("):
        closing = "）" if gap == "（" else ")"
        return second.end + 1 if text[second.end:second.end + 1] == closing else None
    return second.end


def _partial_year_after(text: str, first: _Found, rules: DateRules) -> Optional[_Found]:
    """2008.03-2009: a bare year after a connector ends a range from a month."""
    if first.month is None or first.day is not None or first.year in (None, _UNRESOLVED_YEAR):
        return None
    match = rules.partial_year.match(text, first.end)
    if match is None or int(match.group("y")) <= first.year:
        return None
    return _Found(match.start("y"), match.end(), int(match.group("y")), None, None, None)


def _inherit(first: _Found, second: _Found) -> _Found:
    """The range end takes the year (and month) its start wrote: 2024年1月至9月."""
    if second.period is not None:
        return second
    year = second.year if second.year is not None else first.year
    month = second.month
    if month is None and second.day is not None and first.month is not None:
        month = first.month
    return _Found(second.start, second.end, year, month, second.day, None)


def _partial_day_after(text: str, first: _Found, rules: DateRules) -> Optional[_Found]:
    """一月十日到十二日: a Chinese day after a connector ends the range."""
    if first.day is None or first.month is None:
        return None
    match = rules.partial_day.match(text, first.end)
    if match is None:
        return None
    day = _small_number(match.group("d"))
    if day is None:
        return None
    return _Found(match.start("d"), match.end(), first.year, first.month, day, None)


def _range_mention(text: str, first: _Found, second: _Found,
                   pub: Optional[date]) -> Optional[Mention]:
    a, b = _resolve(first, pub), _resolve(second, pub)
    if a is None or b is None:
        return None
    if a.start and b.start and b.end < a.start:
        return None  # not a range that runs forward: leave both out rather than guess
    period = Period(f"{a.value}/{b.value}", a.start, b.end, a.grain)
    return _mention(text, first.start, second.end, period)


def _mention(text: str, start: int, end: int, period: Period) -> Mention:
    return Mention(
        label="DATE", start=start, end=end, text=text[start:end], source=SOURCE,
        date_value=period.value, date_start=period.start, date_end=period.end,
        grain=period.grain,
    )
