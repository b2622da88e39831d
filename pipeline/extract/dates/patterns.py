"""The date patterns, compiled from configs/dates.yaml and the everyday numerals
of configs/numerals.yaml: one regular expression for every single date
expression (absolute, partial, relative, weekdays, decades, digits with any
separator), and the tables they resolve with.  Text arrives normalized, so the
patterns match ASCII digits only."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import load_table, per_tables
from pipeline.extract.numerals import NumeralTables, numeral_tables
from pipeline.text import alternation

AR_MONTH = r"1[0-2]|0?[1-9]"
AR_DAY = r"3[01]|[12][0-9]|0?[1-9]"


def _starts(chars) -> str:
    """A lookahead on the characters a branch can start with: one test where
    the branch would try each of its alternatives and lookbehinds."""
    return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"


@dataclass(frozen=True)
class DateNumerals:
    """The numeral pieces of the date patterns (regex text), built from
    numerals.yaml's everyday characters: the one copy for every date rule."""
    digits: str          # 零〇○一二三四五六七八九: a year written digit by digit
    nonzero: str         # 一二三四五六七八九
    one: str             # 一
    two: str             # 二
    counted_two: str     # 两, in counts only
    ten: str             # 十
    hundred: str         # 百
    units: str           # 十百千万亿
    cn_month: str        # 十二, 五
    cn_day: str          # 三十一, 八
    cn_day_two: str      # a day of two characters or more: 十五, 二十
    count: str           # 前三年, 五年前, 二十年前: a count of years
    cum_months: str      # 前8月, 前七个月: two months or more from January
    no_day_after: str    # nothing that would continue a month into a day
    thousands_year: str  # 两千零四, 二千一十: a year read as a number


@per_tables
def date_numerals() -> DateNumerals:
    return _date_numerals(numeral_tables())


def _piece(chars: str) -> str:
    """One character of ``chars`` as regex text (一, or [壹一] for two)."""
    return chars if len(chars) == 1 else f"[{chars}]"


def _date_numerals(tables: NumeralTables) -> DateNumerals:
    one, two, three = (tables.everyday_digit(v) for v in (1, 2, 3))
    ten, nonzero, counted_two = tables.everyday_unit(10), tables.everyday_nonzero, tables.two_in_counts
    cn_day_two = (f"{_piece(three)}{ten}{_piece(one)}|{_piece(three)}{ten}|{_piece(two)}{ten}[{nonzero}]"
                  f"|{_piece(two)}{ten}|{ten}[{nonzero}]")
    return DateNumerals(
        digits=tables.everyday_digits,
        nonzero=nonzero,
        one=_piece(one),
        two=_piece(two),
        counted_two=counted_two,
        ten=ten,
        hundred=tables.everyday_unit(100),
        units=tables.everyday_units,
        cn_month=f"{ten}[{one}{two}]|{ten}|[{nonzero}]",
        cn_day=f"{cn_day_two}|{ten}|[{nonzero}]",
        cn_day_two=cn_day_two,
        count=f"[{nonzero}]?{ten}[{nonzero}]?|[{nonzero}{counted_two}]",
        cum_months=f"1[0-2]|[2-9]|{ten}[{one}{two}]|{ten}|[{nonzero.replace(one, '')}{counted_two}]",
        no_day_after=f"(?![0-9{nonzero}{ten}日号])",
        thousands_year=(f"[{one}{two}{counted_two}]{tables.everyday_unit(1000)}"
                        f"[{tables.everyday_digits}{ten}]{{0,3}}"),
    )


class DateRules:
    """Compiled date patterns and the tables they resolve with."""

    def __init__(self) -> None:
        data = load_table("dates")
        numerals = numeral_tables()
        self.numerals = n = date_numerals()
        self.relative_years: dict[str, int] = data["relative_years"]
        self.year_phrases: dict[str, int] = data["relative_year_phrases"]
        self.relative_months: dict[str, int] = data["relative_months"]
        self.relative_weeks: dict[str, int] = data["relative_weeks"]
        self.relative_days: dict[str, int] = data["relative_days"]
        self.halves: dict[str, int] = data["halves"]
        self.quarter_digits: dict[str, int] = {str(k): v for k, v in data["quarter_digits"].items()}
        self.quarter_runs: dict[str, list[int]] = data["quarter_runs"]
        self.relative_quarters: dict[str, int] = data["relative_quarters"]
        self.cumulative_word: str = data["cumulative_month_word"]
        self.cumulative_not_after: str = data["cumulative_not_after"]
        self.year_edges: dict[str, int] = data["year_edges"]
        # 初期, 月底一…: an edge followed by one of these is part of another word
        self.edge_stop = f"(?![{''.join(data['edge_not_before'])}{n.nonzero}{n.ten}])"
        self.new_year_start_words: list[str] = data["new_year_start_words"]
        self.century_edges: dict[str, str] = data["century_edges"]
        self.century_not_followed_by: list[str] = data["century_not_followed_by"]
        self.years_ago_words: dict[str, int] = data["years_ago_words"]
        self.years_later_after: tuple[str, ...] = tuple(data["years_later_after"])
        self.years_later_before: tuple[str, ...] = tuple(data["years_later_before"])
        self.clause_marks = frozenset(data["clause_marks"])
        self.count_back_word: str = data["count_back_word"]
        self.count_back_after: tuple[str, ...] = tuple(data["count_back_after"])
        self.relative_year_runs: dict[str, list[int]] = data["relative_year_runs"]
        self.short_year_after: tuple[str, ...] = tuple(data["short_year_after"])
        self.short_year_not_before: tuple[str, ...] = tuple(data["short_year_not_before"])
        self.day_hao_not_before: tuple[str, ...] = tuple(data["day_hao_not_before"])
        self.connectors = frozenset([*numerals.range_connectors, *data["range_connectors"]])
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
        self.pointing_months: list[str] = data["pointing_months"]
        self.not_before_pointing = frozenset(data["pointing_not_after"])
        self.xun: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in data["xun"].items()}
        self.duration_words = frozenset(data["duration_words"])
        self.duration_verbs: tuple[str, ...] = tuple(data["duration_verbs"])
        self.relative_followed_only_by: dict[str, tuple[str, ...]] = {
            k: tuple(str(w) for w in v) for k, v in data["relative_followed_only_by"].items()}
        self.ordinal_week_words: list[str] = data["ordinal_week_words"]
        self.ordinal_weekday_marker: str = data["ordinal_weekday_marker"]
        self.bare_ordinal_week_after: tuple[str, ...] = tuple(data["bare_ordinal_week_after"])
        self.ordinal_week_not_followed_by: list[str] = data["ordinal_week_not_followed_by"]
        # 2024年六月第二周, 今年第20周, 本月的第二个周四: what an ordinal week or
        # weekday is counted in, read back from the text before it
        self.before_ordinal = re.compile(
            rf"(?:(?<![0-9])(?P<y>[12][0-9]{{3}}) ?年|(?P<ry>{alternation(self.relative_years)}))?"
            rf"(?:(?<![0-9])(?P<m>{AR_MONTH}|{n.cn_month})月份?|(?P<rm>{alternation(self.relative_months)}))?的?$")
        self.month_before_last = re.compile(
            rf"(?:(?P<m>{AR_MONTH}|{n.cn_month})月|(?P<rm>{alternation(self.relative_months)}))的?$")
        self.approx_pairs = frozenset(numerals.approx_pairs)
        self.single = re.compile(f"{self._fast_start()}(?:{self._single_pattern()})")
        # 五年前, 两年后: looked for only in text that holds 年前, 年后…
        self.years_ago_signal = re.compile(f"年(?:{alternation(self.years_ago_words)})")
        self.years_ago = re.compile(self._years_ago_pattern())
        self.partial_day = re.compile(
            f"(?:{alternation(self.connectors)})(?P<d>{n.cn_day}|{AR_DAY})[日号]"
        )
        # 6月3号、4号、5号: days listed after a date
        self.listed_day = re.compile(
            f"(?:{alternation(data['day_list_separators'])})(?P<d>{n.cn_day}|{AR_DAY})(?P<suffix>[日号])"
            "(?![0-9])"
        )
        # 2008.03-2009: a range from a month may end at a bare year
        self.partial_year = re.compile(
            f" ?(?:{alternation(self.connectors)}) ?(?P<y>[12][0-9]{{3}})(?![0-9.．年])"
        )

    def _fast_start(self) -> str:
        """A lookahead on the characters a date can start with, so that the
        regex engine skips the rest of the text in C (see pipeline/extract/numeric/patterns.py)."""
        first = set("0123456789第年" + self.numerals.ten) | set(numeral_tables().digits)
        words = [*self.relative_years, *self.year_phrases, *self.relative_months,
                 *self.relative_weeks, *self.relative_days, *self.halves,
                 *self.quarter_runs, *map(str, self.quarter_digits), *self.relative_quarters,
                 self.cumulative_word,
                 *self.weekday_words, *self.week_shifts, *self.relative_centuries,
                 *self.era_words, *self.last_weekday_words, *self.pointing_months, *self.xun,
                 *self.new_year_start_words, *self.relative_year_runs, self.count_back_word]
        first |= {w[0] for w in words}
        return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"

    def _years_ago_pattern(self) -> str:
        """五年前, 两年后 (18年前三季度 is 2018's first three quarters)."""
        n = self.numerals
        cn_digit = n.digits
        return (
            rf"(?<![0-9.{cn_digit}{n.units}{n.counted_two}几多数半])(?P<agon>[1-9][0-9]?|{n.count})年"
            rf"(?P<ago>{alternation(self.years_ago_words)})(?![0-9{n.nonzero}{n.counted_two}{n.ten}])"
        )

    def _single_pattern(self) -> str:
        n = self.numerals
        cn_digit = n.digits
        numerals = numeral_tables()
        points, big_units = "".join(numerals.decimal_points), "".join(numerals.big_units)
        # 八月十五: a two-character day may go without 日 when nothing numeric follows
        cn_day_no_suffix = f"(?:{n.cn_day_two})(?![日号0-9{n.nonzero}{n.units}个次人名天年岁])"
        month_ahead = f"(?:(?:{AR_MONTH}|{n.cn_month})月|{alternation(self.same_month_words)})"
        year = (
            rf"(?:(?<![0-9.])(?<![0-9],)(?P<ya>[12][0-9]{{3}}) ?年"
            rf"|(?<![{cn_digit}{n.units}])(?P<yc>[{cn_digit}]{{4}})年"
            # 08年, 零八年: a leading zero makes a two-digit year (never a duration)
            rf"|(?<![0-9.{cn_digit}{n.units}])(?P<y2>0[0-9]|[{numerals.everyday_digit(0)}][{cn_digit}]) ?年(?![代级])"
            # 15年3月2日, 两千零四年八月, 三六七年一月: a year that could be a
            # count of years (15年, 两千年) is one only with its month after it
            # (18年 alone: a year only where the text around it says so, reading.py)
            rf"|(?<![0-9.])(?:(?P<y2m>[1-9][0-9]|[1-9][0-9]{{2}}) ?年(?={month_ahead})"
            rf"|(?P<y2b>[1-9][0-9]) ?年(?![代级]))"
            rf"|(?<![{cn_digit}{n.units}])(?P<yp>{n.thousands_year})年(?={month_ahead})"
            rf"|(?<![{cn_digit}{n.units}])(?P<y3>[{cn_digit}]{{3}})年(?={month_ahead})"
            # 九零年, 八五年: two digits read one by one are a year (三五年 is "three to five")
            rf"|(?<![{cn_digit}{n.units}{n.counted_two}])(?P<yc2>[{cn_digit}]{{2}})年(?![代级])"
            rf"|(?P<ry>{alternation(self.relative_years)}))(?P<fy>度)?"
        )
        # 一月19到20日: the first day of a range may leave its 日 to the last
        day_before_range = (rf"(?=(?:{alternation(self.connectors)})(?:{AR_DAY}|{n.cn_day})[日号])")
        # 1—11月, 2019年3——5月: a run of months with one 月; 前8月, 前七个月: January on
        connector = alternation(self.connectors)
        xun = alternation(self.xun)
        cumulative = re.escape(self.cumulative_word)
        cum_not_after = "".join(re.escape(c) for c in self.cumulative_not_after)
        # (the run shares its first month with a single month: one branch, so the
        # engine reads the digits once at each position)
        parts = (
            rf"(?:{cumulative}(?P<cum>{n.cum_months})个?月份?{n.no_day_after}"
            rf"|(?:(?P<m>{AR_MONTH}|{n.cn_month})(?:(?:{connector})(?P<mr2>{AR_MONTH}|{n.cn_month}))?月"
            rf"|(?P<sm_word>{alternation(self.same_month_words)}))"
            rf"(?(mr2)份?|(?:份|[初底末]{self.edge_stop})?"
            rf"(?:(?P<d>{AR_DAY}|{n.cn_day})[日号]|(?P<dn>{cn_day_no_suffix})|(?P<dr>{AR_DAY}){day_before_range}"
            rf"|(?P<xun>{xun}))?)"
            rf"|(?P<half>{alternation(self.halves)})"
            rf"|(?P<qrun>{alternation(self.quarter_runs)})"
            rf"|第?(?P<q>[{''.join(self.quarter_digits)}])季度"
            rf"|年?(?P<edge>{alternation(self.year_edges)}){self.edge_stop})"
        )
        no_year_parts = (
            rf"(?<![0-9.{cn_digit}{n.ten}第])(?:{cumulative}(?<![{cum_not_after}]{cumulative})"
            rf"(?P<cumb>{n.cum_months})月份?{n.no_day_after}"
            rf"|(?P<m2>{AR_MONTH}|{n.cn_month})(?:(?:{connector})(?P<mr2b>{AR_MONTH}|{n.cn_month}))?月"
            rf"(?(mr2b)份?|(?:份|[初底末]{self.edge_stop})?"
            rf"(?:(?P<d2>{AR_DAY}|{n.cn_day})[日号]|(?P<dn2>{cn_day_no_suffix})|(?P<dr2>{AR_DAY}){day_before_range}"
            rf"|(?P<xun2>{xun}))?)"
            rf"|(?P<half2>{alternation(self.halves)})"
            rf"|(?P<qrun2>{alternation(self.quarter_runs)})"
            rf"|第?(?P<q2>[{''.join(self.quarter_digits)}])季度"
            rf"|年(?P<edge2>{alternation(self.year_edges)}){self.edge_stop})"
        )
        # 最后一个周三, 四月的最后一个星期一: the last such weekday of the month
        # (the month written before it is read back from the text: an optional
        # month here would be tried at every digit of the text)
        last_weekday = (
            rf"(?P<lwlast>{alternation(self.last_weekday_words)})"
            rf"(?P<lwname>{alternation(self.weekday_words)})(?P<lwday>[{''.join(self.weekdays)}])"
        )
        weekday = (
            rf"(?<![每几数个0-9{cn_digit}{n.units}])(?P<wshift>{alternation(self.week_shifts)})?"
            rf"(?P<wname>{alternation(self.weekday_words)})(?P<wday>[{''.join(self.weekdays)}{self.weekend}])"
        )
        # 上世纪90年代, 90年代; a century alone: 19世纪, 上世纪末 (one branch, the
        # century read once)
        decade = (
            rf"(?:(?P<crel>{alternation(self.relative_centuries)})"
            rf"|(?<![0-9{cn_digit}{n.ten}])(?P<cabs>1[0-9]|2[01]|{n.ten}[{n.nonzero}]|{n.two}{n.ten}{n.one}?)世纪)"
            rf"(?:(?P<dec>[1-9]0|[{n.nonzero}]{n.ten})年代|(?P<cedge>{alternation(self.century_edges)})?"
            rf"(?![0-9{cn_digit}{n.ten}]|{alternation(self.century_not_followed_by)}))"
            rf"|(?<![0-9.{cn_digit}{n.ten}])(?P<dec2>[1-9]0|[{n.nonzero}]{n.ten})年代"
        )
        relative = (
            rf"{weekday}|(?P<rphrase>{alternation(self.year_phrases)})"
            rf"|(?P<rmonth>{alternation(self.relative_months)})(?:(?P<rmd>{AR_DAY}|{n.cn_day})[日号]"
            rf"|(?P<rmx>{xun})|[初底末]{self.edge_stop})?"
            rf"|(?P<rweek>{alternation(self.relative_weeks)})"
            rf"|(?P<rquarter>{alternation(self.relative_quarters)})"
            rf"|(?P<rday>{alternation(self.relative_days)})"
            rf"|(?P<ryrun>{alternation(self.relative_year_runs)})"
            rf"|(?P<nystart>{alternation(self.new_year_start_words)})"
            # 前三年: the whole years before pub_date's
            rf"|{re.escape(self.count_back_word)}(?P<backn>[1-9][0-9]?|{n.count})年(?![级代度底初末])"
        )
        relative_first = {w[0] for w in [*self.week_shifts, *self.weekday_words, *self.year_phrases,
                                           *self.relative_months, *self.relative_weeks,
                                           *self.relative_days, *self.era_words, *self.relative_quarters,
                                           *self.last_weekday_words, *self.relative_year_runs,
                                           *self.new_year_start_words, self.count_back_word]}
        # each group is tried only where its first character stands: a regex
        # alternation is tried branch by branch at every candidate position
        relative_start = "(?=[" + "".join(re.escape(c) for c in sorted(relative_first)) + "])"
        compact = (
            r"(?<![0-9.])(?P<cy>(?:19|20)[0-9]{2})(?P<cm>0[1-9]|1[0-2])"
            r"(?P<cd>0[1-9]|[12][0-9]|3[01])(?![0-9])"
        )
        # 2010-01-29, 2010.1.29, 1994.01-19 (separators as typed), 2022 11 23
        dashed = (
            r"(?<![0-9./-])(?P<sy>[12][0-9]{3})(?P<sep>[-/.])(?P<sm>1[0-2]|0?[1-9])"
            r"[-/.](?P<sd>3[01]|[12][0-9]|0?[1-9])(?![0-9]|[.．][0-9])"
            r"|(?<![0-9.])(?P<wy>[12][0-9]{3}) (?P<wm>1[0-2]|0[1-9]) (?P<wd>3[01]|[12][0-9]|0[1-9])(?![0-9.])"
        )
        # 1999.08, 2008.03-2009 (an index of 2019.10点 or 3.05% is a number)
        year_month = (
            r"(?<![0-9.])(?P<ymy>(?:19|20)[0-9]{2})[./](?P<ymm>1[0-2]|0[1-9])"
            rf"(?![0-9]|[.．%‰{points}{big_units}元倍年])"
        )
        # 6·30, 7·21 (a day named by its date), 09-01 (month and day, zero-padded
        # as a score or a code is not); 13.5.2015, 1/2/2020: with the year last
        # the day comes first, unless it cannot
        # old typesetting also wrote the decimal point as · (1·5公顷, 6·2级地震),
        # so M·D is a date only in quotes, at a clause end or before an event word
        month_day = (
            rf"(?<![0-9.·・])(?P<dm>1[0-2]|[1-9])[·・](?P<dd>3[01]|[12][0-9]|[1-9])"
            rf"(?=[”\"’」』，。；、！？]|$|{alternation(self.dot_date_followers)})"
            r"|(?<![0-9./:-])(?P<hm>0[1-9]|1[0-2])-(?P<hd>0[1-9]|[12][0-9]|3[01])(?![0-9./:-])"
            r"|(?<![0-9./])(?P<la>3[01]|[12][0-9]|0?[1-9])(?P<lsep>[-/.])(?P<lb>3[01]|[12][0-9]|0?[1-9])"
            r"(?P=lsep)(?P<ly>(?:1[5-9]|20)[0-9]{2})(?![0-9]|[./][0-9])"
        )
        bare_day = r"(?<![0-9.月])(?P<bd>3[01]|[12][0-9]|0?[1-9])日(?!内|以内|之内)"
        # 2010-2012年: one 年 for both ends of a range of years
        year_span = (
            rf"(?<![0-9.])(?P<yr1>[12][0-9]{{3}})(?:{alternation(self.connectors)})"
            rf"(?P<yr2>[12][0-9]{{3}}) ?年(?![代级])(?P<fyr>度)?"
        )
        # 第20周, 六月第二周 (the month read back from the text), 十月的第二个周四
        ordinal_week = (
            rf"第(?P<own>[1-9][0-9]?|[{n.nonzero}{n.ten}]{{1,3}})"
            rf"(?:{re.escape(self.ordinal_weekday_marker)}(?:{alternation(self.weekday_words)})"
            rf"(?P<owday>[{''.join(self.weekdays)}])"
            rf"|{re.escape(self.ordinal_weekday_marker)}?(?:{alternation(self.ordinal_week_words)})"
            rf"(?![0-9]|{alternation(self.ordinal_week_not_followed_by)}))"
        )
        era_year = rf"(?P<era>{alternation(self.era_words)})(?P<ey>[0-9]{{1,4}})年(?![代级])"
        digits = "0123456789"
        # 当月, 月底, 下旬 alone (a group of their own: 中 and 月 are frequent)
        pointing = (
            rf"(?P<pmonth>{alternation(self.pointing_months)}){self.edge_stop}"
            rf"|(?P<xunb>{xun})"
        )
        pointing_start = _starts({w[0] for w in [*self.pointing_months, *self.xun]})
        decade_start = _starts({*digits, *cn_digit, n.ten, n.counted_two} | {w[0] for w in self.relative_centuries})
        year_start = _starts({*digits, *cn_digit, n.counted_two} | {w[0] for w in self.relative_years})
        no_year_start = _starts({*digits, *cn_digit, n.ten, "第", "年", self.cumulative_word[0]}
                                | {w[0] for w in [*self.halves, *self.quarter_runs, *self.quarter_digits]})
        return (
            f"{decade_start}(?:{decade})|{relative_start}(?:{relative}|{era_year}|{last_weekday})|{ordinal_week}"
            f"|{pointing_start}(?:{pointing})"
            f"|(?=[12]){year_span}|{year_start}{year}(?: ?{parts})?|{no_year_start}{no_year_parts}"
            f"|(?=[0-9])(?:{compact}|{dashed}|{year_month}|{month_day}|{bare_day})"
        )



@per_tables
def date_rules() -> DateRules:
    """The date patterns of this process's tables, compiled on first use."""
    return DateRules()

