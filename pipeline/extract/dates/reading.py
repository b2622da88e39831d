"""One match of the date pattern read: the year, month and day it writes, or
the period a relative expression names (去年, 上周一, 90年代), resolved
against pub_date where it can be."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from pipeline.extract.dates.patterns import DateRules
from pipeline.extract.dates.periods import (UNRESOLVED_YEAR, Period, half_period, month_period, month_run,
                                            nearest_century, nearest_year, quarter_run, relative_day, relative_month,
                                            relative_quarter, relative_week, valid_day, year_period, xun_of,
                                            month_week, iso_week, year_run)
from pipeline.extract.numerals import parse_digit_string, parse_number
from pipeline.text import is_han


@dataclass
class Found:
    """One single date expression before range merging."""

    start: int
    end: int
    year: Optional[int]  # None: not written, resolve from pub_date
    month: Optional[int]
    day: Optional[int]
    period: Optional[Period]  # already resolved (relative words, halves, quarters)
    weekday: bool = False  # 星期一, 周三: may stand beside the date it names
    written_year: bool = True  # False where a range's end took its start's year
    xun: Optional[tuple[int, int]] = None  # 3月上旬: (1, 1), the month's first third; 中下旬 (2, 3)
    pointing: bool = False  # 当月, 月底, 下旬: the month of the date before it, if any


def small_number(raw: Optional[str]) -> Optional[int]:
    if raw is None:
        return None
    value = parse_number(raw)
    return int(value) if value is not None else None


def read_match(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    g = match.groupdict()
    start, end = match.span()
    if g["dec"] or g["dec2"]:
        return _decade(match, pub, rules)
    if g["crel"] or g["cabs"]:
        return _century(match, pub, rules)
    if g["backn"]:
        return _years_before(match, pub, rules)
    if g["ryrun"]:
        first, last = (_shift_year(pub, n) for n in rules.relative_year_runs[g["ryrun"]])
        return Found(start, end, None, None, None, year_run(first, last))
    if g["nystart"]:
        year = nearest_year(pub, 1, None) if pub else None
        return Found(start, end, None, None, None, month_period(year, 1))
    if g["lwlast"]:
        return _last_weekday(match, pub, rules)
    if g["own"]:
        return _ordinal_week(match, pub, rules)
    if g["wname"]:
        return _weekday(match, pub, rules)
    if g["rphrase"]:
        return Found(start, end, None, None, None, year_period(_shift_year(pub, rules.year_phrases[g["rphrase"]])))
    if _not_relative(g, match, rules):
        return None
    if g["pmonth"] or g["xunb"]:
        xun = rules.xun[g["xunb"]] if g["xunb"] else None
        month = relative_month(pub, 0)
        if xun is not None:
            return Found(start, end, None, None, None, xun_of(month, xun), xun=xun, pointing=True)
        return Found(start, end, None, None, None, month, pointing=True)
    if g["rmonth"]:
        month = relative_month(pub, rules.relative_months[g["rmonth"]])
        day = small_number(g["rmd"])
        if g["rmx"]:
            return Found(start, end, None, None, None, xun_of(month, rules.xun[g["rmx"]]))
        if day is None:
            return Found(start, end, None, None, None, month)
        if month.start is None:
            return Found(start, end, None, None, None, Period(f"XXXX-XX-{day:02d}", None, None, "day"))
        return _exact_day(start, end, month.start.year, month.start.month, day)
    if g["rweek"]:
        return Found(start, end, None, None, None, relative_week(pub, rules.relative_weeks[g["rweek"]]))
    if g["rquarter"]:
        return Found(start, end, None, None, None, relative_quarter(pub, rules.relative_quarters[g["rquarter"]]))
    if g["rday"]:
        return Found(start, end, None, None, None, relative_day(pub, rules.relative_days[g["rday"]]))
    if g["cy"]:
        return _exact_day(start, end, int(g["cy"]), int(g["cm"]), int(g["cd"]))
    if g["sy"]:
        return _exact_day(start, end, int(g["sy"]), int(g["sm"]), int(g["sd"]))
    if g["wy"]:
        return _exact_day(start, end, int(g["wy"]), int(g["wm"]), int(g["wd"]))
    if g["ymy"]:
        return Found(start, end, int(g["ymy"]), int(g["ymm"]), None, None)
    if g["dm"]:
        return Found(start, end, None, int(g["dm"]), int(g["dd"]), None)
    if g["hm"]:
        if not (g["hm"].startswith("0") or g["hd"].startswith("0")):
            return None  # 10-12 is as often a score or a range as a date
        return Found(start, end, None, int(g["hm"]), int(g["hd"]), None)
    if g["ly"]:
        return _year_last(start, end, int(g["ly"]), int(g["la"]), int(g["lb"]))
    if g["bd"]:
        return Found(start, end, None, None, int(g["bd"]), None)
    if g["era"]:
        return _era_year(start, end, rules.era_words[g["era"]] * int(g["ey"]))
    if g["yr1"]:
        first, last = int(g["yr1"]), int(g["yr2"])
        if first >= last:
            return None
        a, b = year_period(first), year_period(last)
        return Found(start, end, first, None, None,
                     Period(f"{a.value}/{b.value}", a.start, b.end, "year"))
    month = small_number(g["m"] or g["m2"])
    if g["sm_word"]:  # 去年本月十日: pub_date's month in the year written
        month = pub.month if pub else None
    run = _month_run_bounds(g)
    if run is not None:
        month = run[1]
    year = _read_year(g, pub, rules, month)
    if year is False:
        return None
    if g["y2b"] and _short_year_alone(match, rules):
        return None  # 他干了18年, 18年来: a duration
    if run is not None:
        first, last = run
        if first is None or last is None or not 1 <= first < last <= 12:
            # 12-3月 runs backwards: only the month with the 月 is read
            if last is None or not 1 <= last <= 12 or not g["mr2b"]:
                return None
            return Found(match.start("mr2b"), end, None, last, None, None)
        return Found(start, end, year, None, None, month_run(year, pub, first, last))
    day = small_number(g["d"] or g["d2"] or g["dn"] or g["dn2"] or g["dr"] or g["dr2"])
    xun = g["xun"] or g["xun2"]
    if xun and month is not None and 1 <= month <= 12:
        return Found(start, end, year, month, None, None, xun=rules.xun[xun])
    half = g["half"] or g["half2"]
    qrun = g["qrun"] or g["qrun2"]
    quarter = g["q"] or g["q2"]
    edge = g["edge"] or g["edge2"]
    if half:
        return Found(start, end, year, None, None, half_period(year, pub, rules.halves[half]))
    if qrun:
        first, last = rules.quarter_runs[qrun]
        return Found(start, end, year, None, None, quarter_run(year, pub, first, last))
    if quarter:
        q = rules.quarter_digits[quarter]
        return Found(start, end, year, None, None, quarter_run(year, pub, q, q))
    if edge:
        month = rules.year_edges[edge]
        if year is None:  # 年底 alone is the end of the publication year
            year = pub.year if pub else UNRESOLVED_YEAR
    if month is not None and not 1 <= month <= 12:
        return None
    if month is None and year is None:
        return None
    return Found(start, end, year, month, day, None)


def _not_relative(g: dict, match: re.Match, rules: DateRules) -> bool:
    """A relative word that is something else here: 住上一个月 (for a month), 本日报
    (a newspaper), 每月月底 (any month's)."""
    word = g["rmonth"] or g["rweek"] or g["rday"] or g["rquarter"] or g["pmonth"] or g["xunb"]
    if word is None:
        return False
    text, start = match.string, match.start()
    if word in rules.duration_words and text.endswith(rules.duration_verbs, 0, start):
        return True
    if g["pmonth"] and start and text[start - 1] in rules.not_before_pointing:
        return True  # 三个月底, 岁月初心
    following = rules.relative_followed_only_by.get(word)
    after = start + len(word)
    if following and after < len(text) and not text.startswith(following, after):
        return True
    return text.endswith(rules.habitual_before, 0, start)


def _ordinal_week(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """第20周 (ISO week of the year), 六月第二周 (week N of the month),
    十月的第二个周四 (the month's Nth Thursday); what it counts in is read back
    from the text before it."""
    text, start, end = match.string, match.start(), match.end()
    number = small_number(match.group("own"))
    if number is None or number < 1:
        return None
    before = rules.before_ordinal.search(text, max(0, start - 12), start)
    if before is not None and not any(before.group(k) for k in ("y", "ry", "m", "rm")):
        before = None  # nothing but 的 before it
    if before is not None:
        start = before.start()
    if _habitual_clause(text, start, rules):
        return None  # 每月第二个周四, 每逢单月的第一个星期六: any month's
    g = before.groupdict() if before is not None else {"y": None, "ry": None, "m": None, "rm": None}
    year: Optional[int] = int(g["y"]) if g["y"] else None
    if g["ry"]:
        year = _shift_year(pub, rules.relative_years[g["ry"]])
        if year is None:
            year = UNRESOLVED_YEAR
    month = small_number(g["m"]) if g["m"] else None
    if month is not None and not 1 <= month <= 12:
        return None
    if g["rm"]:
        shifted = relative_month(pub, rules.relative_months[g["rm"]])
        if shifted.start is None:
            year, month = UNRESOLVED_YEAR, 0
        else:
            year, month = shifted.start.year, shifted.start.month
    weekday = match.group("owday")
    if weekday is not None:
        return _nth_weekday(start, end, pub, year, month, number, rules.weekdays[weekday])
    if month is None and year is None and not _clause_start(text, start, rules.bare_ordinal_week_after, rules):
        return None  # 开学第一周: the first week of something, no calendar week
    if month is not None:
        period = month_week(_month_year(year, month, pub), month, number)
    else:
        period = iso_week(pub.year if year is None and pub else year, number)
    return Found(start, end, None, None, None, period) if period is not None else None


_HABITUAL_REACH = 6
_CLAUSE_MARKS = "，。；！？,;!?\n"


def _habitual_clause(text: str, start: int, rules: DateRules) -> bool:
    """每 (每月, 每逢…) a few characters back in the same clause."""
    window = text[max(0, start - _HABITUAL_REACH):start]
    for mark in _CLAUSE_MARKS:
        window = window.rpartition(mark)[2]
    return any(word in window for word in rules.habitual_before)


def _month_year(year: Optional[int], month: int, pub: Optional[date]) -> Optional[int]:
    if year is None and pub is not None and month:
        return nearest_year(pub, month, None)
    return year


def _nth_weekday(start: int, end: int, pub: Optional[date], year: Optional[int], month: Optional[int],
                 number: int, weekday: int) -> Optional[Found]:
    """十月的第二个周四: the month's Nth such weekday (pub_date's month where none is written)."""
    if month is None and year is None and pub is not None:
        year, month = pub.year, pub.month
    year = _month_year(year, month, pub) if month else year
    if not month or year is None or year == UNRESOLVED_YEAR:
        month_text = f"{month:02d}" if month else "XX"
        return Found(start, end, None, None, None,
                     Period(f"XXXX-{month_text}-WXX-{weekday}-#{number}", None, None, "day"), True)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (number - 1))
    if day.month != month:
        return None
    return Found(start, end, None, None, None, Period(day.isoformat(), day, day, "day"), True)


def _clause_start(text: str, start: int, words: tuple[str, ...], rules: DateRules) -> bool:
    """At the text's start, after a clause mark or a space, or after one of ``words``."""
    if start == 0 or text.endswith(words, 0, start):
        return True
    return text[start - 1] in rules.clause_marks or text[start - 1].isspace()


def _month_run_bounds(g: dict) -> Optional[tuple[Optional[int], Optional[int]]]:
    """(first, last) month of 1—11月 or 前8月; None when the match is neither."""
    if g["mr2"] or g["mr2b"]:
        return small_number(g["m"] or g["m2"]), small_number(g["mr2"] or g["mr2b"])
    if g["cum"] or g["cumb"]:
        return 1, small_number(g["cum"] or g["cumb"])
    return None


def _short_year_alone(match: re.Match, rules: DateRules) -> bool:
    """18年 with nothing after it that makes it a year (a month, a period, 度),
    where the text around it does not either: not at a clause's start or after
    在/于/到…, or before 来/间/以来… (a duration)."""
    if match.end("y2b") + 1 < match.end():  # 18年上半年, 18年底, 18年度
        return False
    text, start, end = match.string, match.start(), match.end()
    if text.startswith(rules.short_year_not_before, end):
        return True
    return not _clause_start(text, start, rules.short_year_after, rules)


def years_from_day(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """五年前 -> pub_date's year - 5, 两年后 -> + 2 (year grain)."""
    count = small_number(match.group("agon"))
    if count is None or count < 1:
        return None
    direction = rules.years_ago_words[match.group("ago")]
    if direction > 0 and not _counted_from_the_day(match, rules):
        return None  # 阔别5年后, 两年后，他又…: counted from an event
    shifted = _shift_year(pub, direction * count)
    if shifted is not None and not 1 <= shifted <= 9999:
        return None
    return Found(match.start(), match.end(), None, None, None, year_period(shifted))


def _counted_from_the_day(match: re.Match, rules: DateRules) -> bool:
    """两年后 after 到/预计…, before 将/要…, or as the whole text (a clause that
    starts with it, 两年后，他又…, is a story's, counted from its events)."""
    text, start, end = match.string, match.start(), match.end()
    if text.endswith(rules.years_later_after, 0, start) or text.startswith(rules.years_later_before, end):
        return True
    return not text[:start].strip() and not text[end:].strip()


def _years_before(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """前三年: the whole years before pub_date's (2021/2023 on a page of 2024), at
    a clause's start or after 在/于/与… (退休前三年 counts back from the retirement)."""
    count = small_number(match.group("backn"))
    text, start = match.string, match.start()
    if count is None or count < 2 or not _clause_start(text, start, rules.count_back_after, rules):
        return None
    if pub is None:
        return Found(start, match.end(), None, None, None, year_run(None, None))
    return Found(start, match.end(), None, None, None, year_run(pub.year - count, pub.year - 1))


def _century(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """19世纪 -> 18XX (1800-1899), 上世纪 -> the century before pub_date's;
    上世纪末 -> its last decade, 本世纪初 its first."""
    if match.group("cabs"):
        first_year = (int(parse_number(match.group("cabs"))) - 1) * 100
    elif pub is not None:
        first_year = (pub.year // 100 + rules.relative_centuries[match.group("crel")]) * 100
    else:
        grain = "decade" if match.group("cedge") else "century"
        return Found(match.start(), match.end(), None, None, None, Period("XXXX", None, None, grain))
    edge = match.group("cedge")
    if edge:
        first_year += 90 if rules.century_edges[edge] == "last" else 0
        last_year = first_year + 9
        label, grain = f"{first_year // 10:03d}X", "decade"
    else:
        last_year = first_year + 99
        label, grain = f"{first_year // 100:02d}XX", "century"
    if not 1 <= first_year or last_year > 9999:
        return None
    return Found(match.start(), match.end(), None, None, None,
                 Period(label, date(first_year, 1, 1), date(last_year, 12, 31), grain))


def _era_year(start: int, end: int, year: int) -> Optional[Found]:
    """公元330年 -> 0330; 公元前221年 -> -0220 (there is no year 0)."""
    if year == 0:
        return None
    if year > 0:
        return Found(start, end, year, None, None, year_period(year))
    astronomical = year + 1
    return Found(start, end, None, None, None,
                 Period(f"-{-astronomical:04d}", None, None, "year"))


def _decade(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """上世纪90年代 -> 1990 to 1999; 90年代 alone -> the latest 90s begun by pub_date."""
    decade = int(parse_number(match.group("dec") or match.group("dec2")))
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
        return Found(match.start(), match.end(), None, None, None, period)
    if not 1 <= first_year <= 9990:
        return None
    period = Period(f"{first_year // 10:03d}X", date(first_year, 1, 1),
                    date(first_year + 9, 12, 31), "decade")
    return Found(match.start(), match.end(), None, None, None, period)


def _last_weekday(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """最后一个周三: the last Wednesday of pub_date's month (or of the month
    written before it, in the year that puts it nearest to pub_date)."""
    weekday = rules.weekdays[match.group("lwday")]
    text, start = match.string, match.start()
    before = rules.month_before_last.search(text, max(0, start - 6), start)
    if before is not None:
        start = before.start()
    if text.endswith(rules.habitual_before, 0, start):
        return None  # 每月最后一个星期六: any month's
    month = small_number(before.group("m")) if before else None
    if pub is None:
        month_text = f"{month:02d}" if month else "XX"
        return Found(start, match.end(), None, None, None,
                     Period(f"XXXX-{month_text}-WXX-{weekday}-L", None, None, "day"), True)
    if before is not None and before.group("rm"):  # 下个月的最后一个周五
        first = relative_month(pub, rules.relative_months[before.group("rm")]).start
        year, month = first.year, first.month
    elif month is None:
        year, month = pub.year, pub.month
    else:
        year = nearest_year(pub, month, None)
    last = month_period(year, month).end
    day = last - timedelta(days=(last.isoweekday() - weekday) % 7)
    return Found(start, match.end(), None, None, None, Period(day.isoformat(), day, day, "day"), True)


def _weekday(match: re.Match, pub: Optional[date], rules: DateRules) -> Optional[Found]:
    """星期三, 上周一: a day of pub_date's week (Monday first), shifted."""
    shift_word, name = match.group("wshift"), match.group("wname")
    end = match.end()
    if shift_word is None and name in rules.surname_weekday_words and end < len(match.string):
        following = match.string[end]
        if is_han(following) and following not in rules.bare_zhou_followers:
            return None  # 周一鸣: a name, not Monday
    weekend = match.group("wday") == rules.weekend
    if weekend and shift_word is None and name in rules.surname_weekday_words:
        return None  # 周末 alone: any weekend, not a calendar one
    first = 6 if weekend else rules.weekdays[match.group("wday")]
    if pub is None:
        label = "XXXX-WXX-WE" if weekend else f"XXXX-WXX-{first}"
        return Found(match.start(), end, None, None, None, Period(label, None, None, "day"), True)
    shift = rules.week_shifts[shift_word] if shift_word else 0
    day = pub - timedelta(days=pub.weekday()) + timedelta(weeks=shift, days=first - 1)
    if weekend:
        iso = day.isocalendar()
        return Found(match.start(), end, None, None, None,
                     Period(f"{iso[0]:04d}-W{iso[1]:02d}-WE", day, day + timedelta(days=1), "weekend"))
    return Found(match.start(), end, None, None, None, Period(day.isoformat(), day, day, "day"), True)


def _year_last(start: int, end: int, year: int, first: int, second: int) -> Optional[Found]:
    """13.5.2015, 1/2/2020: day first, as the world writes a date with its year
    last; month first (12/25/2020) only where the day-first reading cannot be."""
    if valid_day(year, second, first):
        return Found(start, end, year, second, first, None)
    if valid_day(year, first, second):
        return Found(start, end, year, first, second, None)
    return None


def _read_year(g: dict, pub: Optional[date], rules: DateRules, month: Optional[int]):
    """The written year; None when not written or not resolvable; False if invalid
    (〇〇〇年 names no year a calendar has)."""
    year = _written_year(g, pub, rules, month)
    if isinstance(year, int) and not isinstance(year, bool) and year != UNRESOLVED_YEAR \
            and not 1 <= year <= 9999:
        return False
    return year


def _written_year(g: dict, pub: Optional[date], rules: DateRules, month: Optional[int]):
    if g["ya"]:
        return int(g["ya"])
    if g["y2b"]:
        return _with_century(int(g["y2b"]), pub)
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
        return shifted if shifted is not None else UNRESOLVED_YEAR
    return None


def _with_century(two_digits: int, pub: Optional[date]) -> int:
    year = nearest_century(two_digits, pub)
    return UNRESOLVED_YEAR if year is None else year


def _shift_year(pub: Optional[date], years: int) -> Optional[int]:
    return pub.year + years if pub else None


def _exact_day(start: int, end: int, year: int, month: int, day: int) -> Optional[Found]:
    if not valid_day(year, month, day):
        return None
    return Found(start, end, year, month, day, None)
