"""Places with their hierarchy: a GPE's name in, its full standard name, administrative
code, province, city and county out (docs/entities.md, "Places and their hierarchy").

The tables are configs/names/divisions.tsv (China's provinces, prefectures and counties
with their codes and short forms) and configs/names/countries.tsv (countries with ISO
3166 alpha-2), both written by ``python -m training place_names``; they are read on
first use, once per tables folder.

A name is read from its start as a chain of units, each inside the one before
(山西省 + 阳泉市 + 郊区); what follows the last unit the table knows must be units
below a county (冠山镇杨家沟社区), checked by the caller, or the name is no
administrative place (海南 + 自由贸易港).  A name the table holds in several places
(郊区, 朝阳) is settled by the home place, else by the higher-level unit; one still
ambiguous gets no code, only the fields every reading agrees on.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from pipeline.config import per_tables, table_file

COUNTRY, PROVINCE, PREFECTURE, COUNTY = 0, 1, 2, 3
SHORT_FORM_SEPARATOR = "/"  # divisions.tsv: 克州/克孜勒苏
CHINA_CODE = "CN"


@dataclass(frozen=True)
class Unit:
    """One row of divisions.tsv (a Chinese division) or countries.tsv (a country)."""

    name: str  # the full standard name (阳泉市; a country's standard short name, 中国)
    code: str  # the division code or ISO alpha-2; "" where the table has none (Hong Kong's districts)
    level: int
    province: str = ""
    city: str = ""
    county: str = ""

    def contains(self, other: "Unit") -> bool:
        """Whether ``other`` lies inside this unit (China holds every division: 中国北京市)."""
        if self.level == COUNTRY:
            return self.code == CHINA_CODE and other.level > COUNTRY
        if other.level <= self.level or other.province != self.province:
            return False
        return (not self.city or other.city == self.city) and (not self.county or other.county == self.county)

    def related_to(self, other: "Unit") -> bool:
        return self == other or self.contains(other) or other.contains(self)


@dataclass(frozen=True)
class Place:
    """What a GPE's name resolves to: its ``norm`` and the entities table's place columns."""

    norm: str
    place_code: Optional[str] = None
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None


Chain = tuple[Unit, ...]


@dataclass(frozen=True)
class Reading:
    """The chains of units a name starts with, and where the last unit ends."""

    chains: tuple[Chain, ...]
    end: int


class Hierarchy:
    """Every unit of both tables by each of its names (full and short)."""

    def __init__(self, units: list[tuple[Unit, list[str]]]):
        self.by_name: dict[str, list[Unit]] = {}
        for unit, names in units:
            for name in dict.fromkeys(names):
                if name:
                    self.by_name.setdefault(name, []).append(unit)
        self.by_first: dict[str, list[str]] = {}
        for name in sorted(self.by_name, key=len, reverse=True):
            self.by_first.setdefault(name[0], []).append(name)

    def names_at(self, text: str, pos: int) -> Iterator[str]:
        """The table's names written at ``pos``, longest first."""
        for name in self.by_first.get(text[pos:pos + 1], ()):
            if text.startswith(name, pos):
                yield name

    def units(self, name: str) -> list[Unit]:
        return self.by_name.get(name, [])

    def reading(self, text: str) -> Reading:
        """The longest start of ``text`` that is a chain of units, each inside the one
        before; at each step the longest name with a unit inside the previous one."""
        chains: tuple[Chain, ...] = ((),)
        pos = 0
        while pos < len(text):
            for name in self.names_at(text, pos):
                longer = tuple(chain + (unit,) for chain in chains for unit in self.units(name)
                               if not chain or chain[-1].contains(unit))
                if longer:
                    chains, pos = longer, pos + len(name)
                    break
            else:
                break
        return Reading(chains if pos else (), pos)

    def home_units(self, province: str, city: str, county: str) -> list[Unit]:
        """The home place's units, deepest first, each read inside the one above it."""
        found: list[Unit] = []
        for name in (province, city, county):
            if not name:
                continue
            candidates = [u for u in self.units(name) if u.level > COUNTRY and (not found or found[-1].contains(u))]
            if len(candidates) == 1:
                found.append(candidates[0])
        return found[::-1]


def settled(chains: tuple[Chain, ...], home: list[Unit]) -> tuple[Chain, ...]:
    """The readings left once the home place (deepest unit first) and then the higher
    level have chosen among them; several are left where neither can choose."""
    for unit in home:
        near = tuple(chain for chain in chains if chain[-1].related_to(unit))
        if near:
            chains = near
            break
    top = min(chain[-1].level for chain in chains)
    highest = tuple(chain for chain in chains if chain[-1].level == top)
    return highest if len(highest) == 1 else chains


def place_of(text: str, reading: Reading, home: list[Unit]) -> Place:
    """The place ``text`` names, ``reading`` its chains of units (the rest of the text
    already accepted as units below a county): each unit written in full, the rest as
    written; the deepest unit's code and hierarchy where one reading is left."""
    if not reading.chains:
        return Place(text)
    chains = settled(reading.chains, home)
    rest = text[reading.end:]
    norms = {"".join(unit.name for unit in chain) + rest for chain in chains}
    norm = norms.pop() if len(norms) == 1 else text
    deepest = {chain[-1] for chain in chains}
    if len(deepest) == 1:
        unit = deepest.pop()
        return Place(norm, unit.code or None, unit.province or None, unit.city or None, unit.county or None)
    return Place(norm, None, *_agreed_levels(deepest))


def _agreed_levels(units: set[Unit]) -> list[Optional[str]]:
    """Province, city and county where all the units agree, from the top down: a county
    named without its province (郊区 of four cities) says nothing a map could use."""
    levels: list[Optional[str]] = []
    for field in ("province", "city", "county"):
        values = {getattr(unit, field) for unit in units}
        if len(values) > 1:
            break
        levels.append(values.pop() or None)
    return levels + [None] * (3 - len(levels))


@per_tables
def load_hierarchy() -> Hierarchy:
    return Hierarchy(list(_division_units(table_file("names/divisions.tsv")))
                     + list(_country_units(table_file("names/countries.tsv"))))


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def _division_units(path: Path) -> Iterator[tuple[Unit, list[str]]]:
    for code, name, short, province, city, county in _rows(path):
        # a municipality (北京市) is its province and its own city: a province here
        level = COUNTY if county else PREFECTURE if city and name != province else PROVINCE
        yield Unit(name, code, level, province, city, county), [name, *short.split(SHORT_FORM_SEPARATOR)]


def _country_units(path: Path) -> Iterator[tuple[Unit, list[str]]]:
    for code, name, full_name in _rows(path):
        yield Unit(name, code, COUNTRY), [name, full_name]
