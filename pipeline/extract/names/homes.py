"""A home place checked against the division table (configs/names/divisions.tsv, read by
hierarchy.py): each name a unit of its level written in full, each inside the one above.

The norms fill 我市 and 市财政局 with the home's names as written, so a short form
(洛阳) or a city outside its province would put a wrong name on every page; a
configured home that fails is a configuration error, a page's own a warning.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Optional

from pipeline.config import Home
from pipeline.extract.names.hierarchy import COUNTY, PREFECTURE, PROVINCE, Hierarchy, Unit, load_hierarchy

LEVELS = ("province", "city", "county")
CHOICES_SHOWN = 12  # names listed after a wrong one: enough to spot the intended, short enough for one line


@dataclass(frozen=True)
class HomeProblem:
    field: str  # the level whose name is wrong: province, city or county
    message: str


def home_problem(home: Home) -> Optional[HomeProblem]:
    """What is wrong with ``home``, the first level that fails; None if it is a place."""
    if not any(getattr(home, level) for level in LEVELS):
        return None
    hierarchy = load_hierarchy()
    above: list[Unit] = []
    for level in LEVELS:
        name = getattr(home, level)
        if not name:
            continue
        units = [unit for unit in hierarchy.units(name) if unit.name == name and fits_level(unit, level)]
        inside = [unit for unit in units if not above or any(_holds(outer, unit) for outer in above)]
        if not inside:
            return HomeProblem(level, _why_not(hierarchy, level, name, units, above))
        above = inside
    return None


def fits_level(unit: Unit, level: str) -> bool:
    """Whether ``unit`` can stand at ``level`` of a home: a municipality (北京市) is its own
    city, and a county-level city (义马市) is the city its paper calls 我市."""
    if level == "province":
        return unit.level == PROVINCE
    if level == "city":
        return unit.level == PREFECTURE or (unit.level == PROVINCE and unit.city == unit.name) \
            or (unit.level == COUNTY and unit.name.endswith("市"))
    return unit.level == COUNTY


def _holds(outer: Unit, unit: Unit) -> bool:
    return outer == unit or outer.contains(unit)


def _why_not(hierarchy: Hierarchy, level: str, name: str, units: list[Unit], above: list[Unit]) -> str:
    choices = _listed(_choices(hierarchy, level, above), name)
    if units:  # the place exists, elsewhere
        return f"{name} is in {_where(units[0])}, not {above[0].name}; {choices}"
    full_names = sorted({unit.name for unit in hierarchy.units(name) if fits_level(unit, level)})
    if full_names:
        return f"{name} is a short form: write {' or '.join(full_names)}"
    other_levels = sorted({lvl for unit in hierarchy.units(name) if unit.name == name
                           for lvl in LEVELS if fits_level(unit, lvl)})
    if other_levels:
        return f"{name} is a {' or '.join(other_levels)}, not a {level}; {choices}"
    return f"no {level} {name} in the division table; {choices}"


def _choices(hierarchy: Hierarchy, level: str, above: list[Unit]) -> tuple[str, list[str]]:
    """What the names ``level`` may take are called, and the names: inside the level above
    where one is given, the higher units first (prefecture-level cities before county-level)."""
    units = {unit for named in hierarchy.by_name.values() for unit in named}
    fitting = sorted((unit.level, unit.name) for unit in units if fits_level(unit, level) and unit not in above
                     and (not above or any(outer.contains(unit) for outer in above)))
    plural = {"province": "provinces", "city": "cities", "county": "counties"}[level]
    return (f"{plural} of {above[0].name}" if above else plural), list(dict.fromkeys(name for _, name in fitting))


def _listed(choices: tuple[str, list[str]], name: str) -> str:
    """The closest names to ``name`` first, then the rest, up to CHOICES_SHOWN."""
    what, names = choices
    if not names:
        return f"no {what} in the division table"
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    shown = close + [choice for choice in names if choice not in close]
    more = ", …" if len(shown) > CHOICES_SHOWN else ""
    return f"{what}: " + ", ".join(shown[:CHOICES_SHOWN]) + more


def _where(unit: Unit) -> str:
    return "".join(dict.fromkeys(name for name in (unit.province, unit.city) if name and name != unit.name)) \
        or unit.name
