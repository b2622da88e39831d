"""A document's publication date, title and home place from outside its text: a
sidecar file ``NAME.meta.json``/``NAME.meta.yaml`` beside it, or a date in its path."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import NamedTuple, Optional

import yaml
from pydantic import ValidationError

from pipeline.config import Home, load_table, per_tables
from pipeline.extract.names.homes import home_problem

SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")

_PATH_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)")


class DateReading(NamedTuple):
    """A written publication date: its day, or why it could not be read."""

    value: Optional[date]
    problem: str = ""


def parse_iso_date(value: str) -> Optional[date]:
    """A date in any spelling of configs/pub_dates.yaml, or None."""
    return read_pub_date(value).value


def read_pub_date(value: object) -> DateReading:
    """The day a sidecar's or a feed's ``pub_date`` names, in the spellings of configs/pub_dates.yaml."""
    written = str(value).strip()
    for pattern in _date_patterns():
        match = pattern.fullmatch(written)
        if match:
            return _day_of(match.groupdict())
    return DateReading(None, "not a date spelling the pipeline reads, such as 2025-03-15")


def _day_of(groups: dict[str, str]) -> DateReading:
    year = int(groups["year"])
    if "first" not in groups:
        return _calendar_day(year, int(groups["month"]), int(groups["day"]))
    first, second = int(groups["first"]), int(groups["second"])
    readings = {reading for reading in (_calendar_day(year, second, first), _calendar_day(year, first, second))
                if reading.value is not None}
    if len(readings) == 1:
        return readings.pop()
    if readings:
        return DateReading(None, "day and month could be either way round")
    return DateReading(None, "no such day")


def _calendar_day(year: int, month: int, day: int) -> DateReading:
    try:
        return DateReading(date(year, month, day))
    except ValueError:
        return DateReading(None, "no such day")


@per_tables
def _date_patterns() -> list[re.Pattern[str]]:
    table = load_table("pub_dates")
    return [re.compile(pattern + table["time_after"]) for pattern in table["formats"]]


def date_from_path(path: Path) -> Optional[date]:
    """A date written in the path: 2025-03-12, 20250312 or 2025/03/12."""
    for match in _PATH_DATE.finditer(path.as_posix()):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


class Sidecar(NamedTuple):
    """What a page's sidecar file says, and why it was ignored where it was."""

    meta: Optional[dict]
    name: str = ""
    problem: str = ""


def read_sidecar(path: Path) -> Sidecar:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            return _parsed_sidecar(candidate)
    return Sidecar(None)


def _parsed_sidecar(path: Path) -> Sidecar:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        return Sidecar(None, path.name, f"cannot read it ({error.strerror})")
    except UnicodeDecodeError as error:
        return Sidecar(None, path.name, f"not UTF-8 text (byte {error.start})")
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        return Sidecar(None, path.name, "not JSON or YAML" + (f" (line {where.line + 1})" if where else ""))
    if not isinstance(data, dict):
        return Sidecar(None, path.name, f"holds a {type(data).__name__}, not an object of fields")
    return Sidecar(data, path.name)


def sidecar_pub_date(meta: Optional[dict]) -> DateReading:
    if meta and meta.get("pub_date") not in (None, ""):
        return read_pub_date(meta["pub_date"])
    return DateReading(None)


def sidecar_title(meta: Optional[dict]) -> Optional[str]:
    title = meta.get("title") if meta else None
    return title if isinstance(title, str) else None


class HomeReading(NamedTuple):
    """A written home place, or why it cannot be used."""

    value: Optional[Home]
    problem: str = ""


def read_home(value: object) -> HomeReading:
    """A sidecar's or a feed's ``home`` ({"province": "河南省", "city": "洛阳市"}), shaped
    like the config's and checked against the division table as the config's is."""
    if not isinstance(value, dict):
        return HomeReading(None, f"a {type(value).__name__}, not an object of province, city and county")
    try:
        home = Home.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        wrong = "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
        return HomeReading(None, f"{field}: {wrong}")
    problem = home_problem(home)
    if problem is not None:
        return HomeReading(None, f"{problem.field}: {problem.message}")
    return HomeReading(home)


def has_home(fields: Optional[dict]) -> bool:
    """Whether a sidecar or a feed line names a home (an empty one names none)."""
    return bool(fields) and fields.get("home") not in (None, "", {})
