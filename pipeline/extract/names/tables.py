"""The name rules' tables (configs/names/), read once per home place and compiled.

Every pattern the organisation, place and person rules match with is built
here, in :class:`NameTables`, from orgs.yaml, places.yaml, people.yaml,
home.yaml, t2s.tsv, place_names.tsv and not_in_org_names.txt; the division and
country tables are read by hierarchy.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Optional

from pipeline.config import load_table, per_tables, table_file
from pipeline.extract.names.hierarchy import Place, Unit, load_hierarchy
from pipeline.extract.numerals import numeral_tables
from pipeline.text import HAN_RANGE, trie_alternation

HAN = HAN_RANGE

HAN_CHAR = re.compile(f"[{HAN}]")


def number_characters() -> frozenset[str]:
    """What a counted classifier follows: digits (text arrives width-folded) and numeral characters."""
    return frozenset("0123456789" + numeral_tables().chinese_chars)


def __getattr__(name: str) -> frozenset[str]:
    # NUMBER_CHARACTERS: for names/people.py until it reads NameTables.number_characters
    if name == "NUMBER_CHARACTERS":
        return number_characters()
    raise AttributeError(name)


@dataclass(frozen=True)
class Home:
    province: str = ""
    city: str = ""
    county: str = ""

    def fill(self, template: str) -> Optional[str]:
        """The template with {province}/{city}/{county} filled; None if one is unset."""
        values = {"province": self.province, "city": self.city, "county": self.county}
        for key, value in values.items():
            if "{" + key + "}" in template and not value:
                return None
        return template.format(**values)


class NameIndex:
    """Finds the longest of many names (two characters or more) at a position,
    through a dictionary keyed by their first two characters."""

    def __init__(self, names: Iterable[str]):
        self.by_prefix: dict[str, list[str]] = {}
        for name in sorted((n for n in set(names) if len(n) >= 2), key=len, reverse=True):
            self.by_prefix.setdefault(name[:2], []).append(name)

    def longest_at(self, text: str, pos: int) -> Optional[int]:
        for name in self.by_prefix.get(text[pos:pos + 2], ()):
            if text.startswith(name, pos):
                return pos + len(name)
        return None

    def occurrences(self, text: str, pos: int = 0) -> Iterator[tuple[int, int]]:
        """(start, end) of the longest name at each position from pos on where one starts."""
        by_prefix = self.by_prefix
        starts = [i for i, pair in enumerate(map(str.__add__, text[pos:], text[pos + 1:]), pos) if pair in by_prefix]
        for start in starts:
            end = self.longest_at(text, start)
            if end is not None:
                yield start, end


@dataclass
class NameTables:
    home: Home
    orgs: dict
    places: dict
    people: dict
    home_table: dict
    t2s: dict[int, str]
    place_names: dict[str, bool]  # configs/names/place_names.tsv: name -> needs a unit after it
    not_in_org_names: list[str]  # configs/names/not_in_org_names.txt: clause words (看到)
    org_pattern: re.Pattern = field(init=False)
    org_anchor_pattern: re.Pattern = field(init=False)
    chain_unit_pattern: re.Pattern = field(init=False)
    compound_pattern: re.Pattern = field(init=False)
    self_reference_pattern: re.Pattern = field(init=False)
    addressed_surname_pattern: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        self.surnames = set(self.people["surnames"])
        self.max_surname = max(len(s) for s in self.surnames)
        self.titles = sorted(set(self.orgs["titles"]), key=len, reverse=True)
        single_surnames = sorted(s for s in self.surnames
                                 if len(s) == 1 and s not in self.people["function_words_before_names"])
        self.addressed_surname_pattern = re.compile(
            f"[{''.join(single_surnames)}](?={trie_alternation(self.people['address_titles'])})")
        self.generic_nouns = set(self.orgs["generic_nouns"])
        self.generic_prefix_pattern = re.compile(trie_alternation(self.generic_nouns))
        self.not_org_suffixes = tuple(self.orgs["not_org_suffixes"])
        numerals = "".join(re.escape(n) for n in self.orgs["work_unit_numerals"])
        self.event_ordinal_pattern = re.compile(
            f"第[{numerals}]+(?:{trie_alternation(self.orgs['event_ordinal_counters'])})")
        self.org_heads = tuple(self.orgs["org_heads"])
        self.headless_org_max_chars = int(self.orgs["headless_org_max_chars"])
        self.department_pattern = re.compile(
            f"[{HAN}]{{2,{int(self.orgs['department_body_max'])}}}?(?:{trie_alternation(self.orgs['department_heads'])})")
        self.number_characters = number_characters()
        self.department_body_stop = set(self.orgs["department_body_stop_chars"]) | self.number_characters
        self.org_body_stop_pattern = re.compile(trie_alternation(list(self.orgs["org_body_stop"]) + self.not_in_org_names))
        self.org_full_names = org_full_names(self.orgs)
        self.standalone_orgs = list(self.orgs["standalone"]) + list(self.org_full_names)
        self.known_org_names = set(self.orgs["known_names"]) | set(self.standalone_orgs)
        self.not_org_names = set(self.orgs["not_org_names"])
        self.institution_suffixes = tuple(sorted(self.orgs["institution_suffixes"], key=len, reverse=True))
        # Organisation names start from the listed anchors and the home place; places
        # start from those and from every name in place_names.tsv (found with an index:
        # thousands of names in one regex make it ten times slower).
        anchors = list(self.places["anchors"]) + [p for p in (self.home.province, self.home.city, self.home.county) if p]
        self.anchors = set(anchors) | set(self.place_names)
        self.place_index = NameIndex(self.anchors)
        self.anchors_needing_chain = set(self.places["anchors_needing_chain"]) | {
            name for name, needs_chain in self.place_names.items() if needs_chain} - set(self.places["anchors"])
        self.chain_stop_starts = tuple(self.places["chain_body_stop_starts"])
        self.chain_generic_units = set(self.places.get("chain_generic_units", []))
        self.chain_body_stop_chars = set(self.places["chain_body_stop_chars"])
        self.chain_unit_not_endings = tuple(self.places["chain_unit_not_endings"])
        self.compound_suffixes = tuple(self.places["chain_unit_compound_suffixes"])
        self.gpe_suffixes = tuple(sorted(self.places["gpe_suffixes"], key=len, reverse=True))
        self.loc_suffixes = tuple(sorted(self.places["loc_suffixes"], key=len, reverse=True))
        self.gpe_names = set(self.places["gpe_names"])
        self.loc_names = set(self.places["loc_names"])
        self.level_prefixes = {k: v for k, v in (self.home_table.get("level_prefixes") or {}).items()}
        self.self_references = self.home_table.get("self_references") or {}

        level = f"(?:{trie_alternation(self.orgs['level_prefixes'])})"
        not_after = "".join(self.orgs.get("level_prefix_not_after", []))
        bare_level = f"(?<![{re.escape(not_after)}]){level}" if not_after else level
        not_title = f"(?!{trie_alternation(self.orgs['unit_not_followed_by'])})"
        unit = f"(?:{level}?(?:{trie_alternation(self.orgs['units'])}){not_title})"
        free = f"(?:[{HAN}]{{1,{int(self.orgs['max_free_body'])}}}?(?:{trie_alternation(self.orgs['sub_unit_suffixes'])}))"
        institution = (f"(?:{trie_alternation(anchors)})[{HAN}]{{1,{int(self.orgs['max_free_body'])}}}?"
                       f"(?:{trie_alternation(self.orgs['institution_suffixes'])})")
        work_piece = (f"(?:[{''.join(re.escape(n) for n in self.orgs['work_unit_numerals'])}]+"
                      f"(?:{trie_alternation(self.orgs['work_unit_words'])}))")
        team = f"(?:{trie_alternation(self.orgs['work_unit_teams'])})"
        work_units = f"(?:{work_piece}{{2,}}{team}?|{work_piece}+{team})"  # 三矿一号井采煤队, not 三矿 alone
        head = (f"(?:(?:{trie_alternation(anchors)}){unit}|{bare_level}{unit}"
                f"|(?:{trie_alternation(self.standalone_orgs)}){not_title}|{institution}|{work_units})")
        self.org_pattern = re.compile(f"{head}(?:{unit}|{free}|{work_piece}|{team})*")
        # a body right after any place the rules found (三亚市 + 人大, 张北县 + 县委组织部)
        self.body_after_place_pattern = re.compile(f"{unit}(?:{unit}|{free}|{work_piece}|{team})*")
        self.org_anchor_pattern = re.compile(f"(?:{trie_alternation(anchors)})")
        self.gazetteer_pattern = re.compile(f"(?:{trie_alternation(self.places['gazetteer'])})")
        body_max = int(self.places["chain_body_max"])
        body_min = int(self.places["chain_body_min"])
        self.chain_unit_pattern = re.compile(
            f"([{HAN}]{{{body_min},{body_max}}}?)(?:{trie_alternation(self.places['chain_unit_suffixes'])})"
        )
        self.compound_pattern = re.compile(
            f"[{HAN}]{{1,{int(self.places['compound_body_max'])}}}?"
            f"(?:{trie_alternation(self.places['compound_after_chain_suffixes'])})"
        )
        self.self_reference_pattern = re.compile(trie_alternation(self.self_references))
        self.credit_before = sorted(self.people["credit_before"], key=len, reverse=True)
        self.credit_after = sorted(self.people["credit_after"], key=len, reverse=True)
        # compiled once: _credit_names runs on every sentence
        self.credit_before_patterns = [(marker, re.compile(re.escape(marker) + r"[：:/\s\u3000]*"))
                                       for marker in self.credit_before]
        self.credit_after_patterns = [(marker, re.compile(
            r"(?:^|[\s\u3000（(，。])(?=[" + HAN + r"]{2,4}[\s\u3000]*" + re.escape(marker) + r"(?:$|[\s）)。]))"))
            for marker in self.credit_after]
        self.name_separators = self.people["name_separators"]
        # a byline run (刘阳 王馨昱) the model reads as one name is split at these and at any space
        self.name_separator_pattern = re.compile(f"[\\s{re.escape(self.name_separators)}]+")
        self.credit_name_boundary = set(self.name_separators) | set("，。；：:、）)\n") | {""}
        self.not_in_given_name = set(self.people["not_in_given_name"])
        self.role_pattern = re.compile(trie_alternation(self.people["roles_before_names"]))
        self.name_after_role = tuple(self.people["name_after_role"])
        self.surname_courtesy_forms = tuple(self.people["kinship_forms"]) + tuple(self.people["address_titles"])
        self.transliteration_characters = set(self.people["transliteration_characters"])
        self.person_place_endings = tuple(self.people["place_endings"])
        self.household_characters = set(self.people["household_characters"])
        self.classifier_surnames = set(self.people["classifier_surnames"])
        self.word_boundary_max_cost = float(self.places["word_boundary_max_cost"])
        self.chain_unit_suffixes = tuple(sorted(self.places["chain_unit_suffixes"], key=len, reverse=True))
        # one character after a place is too often the start of another word (深圳|市民, 稷山县|县长)
        self.following_unit_suffixes = tuple(u for u in self.chain_unit_suffixes if len(u) > 1)
        self.region_suffixes = tuple(sorted(self.places["region_suffixes"], key=len, reverse=True))
        self.function_words_before_names = set(self.people["function_words_before_names"])
        self.count_characters = set(self.places["count_characters_before_unit"])
        self.not_places = set(self.places["not_places"])
        self.unit_char_words = set(self.places["unit_char_words"])
        self.resolved_places: dict[str, Place] = {}  # a GPE's name -> its place (spans.place_named)

    @cached_property
    def home_units(self) -> list[Unit]:
        """The home place's units in the division table, deepest first (it settles 郊区)."""
        return load_hierarchy().home_units(self.home.province, self.home.city, self.home.county)

    def chain_unit_end(self, text: str, pos: int) -> Optional[int]:
        """End of an administrative unit (冠山镇, 杨家沟社区) starting at pos, if any."""
        match = self.chain_unit_pattern.match(text, pos)
        if match is None:
            return None
        body = match.group(1)
        unit = match.group(0)
        if body.startswith(self.chain_stop_starts) or unit in self.chain_generic_units:
            return None
        if set(body) & self.chain_body_stop_chars or unit.endswith(self.chain_unit_not_endings):
            return None  # 张北县 + 地震灾区的北京军区 is no chain
        if self.org_body_stop_pattern.search(body):
            return None  # 河南省 + 还要求各市: a clause word is in no unit's name
        if unit.endswith(self.institution_suffixes):  # 西藏 + 军区 is a body, not a district
            return None
        if unit.endswith(self.compound_suffixes):  # 佳禾小区 is a compound, not a district
            return None
        if text[match.end() - 1:match.end() + 1] in self.unit_char_words:  # 上海市 + 常务副|市长
            return None
        return match.end()

    def are_chain_units(self, text: str) -> bool:
        """Whether the whole text is administrative units one after another (冠山镇杨家沟社区)."""
        pos = 0
        while pos < len(text) and (end := self.chain_unit_end(text, pos)) is not None:
            pos = end
        return pos == len(text)


def org_full_names(orgs: dict) -> dict[str, str]:
    """Every name in orgs.yaml `full_names`, full or short, -> the full name (央行 -> 中国人民银行)."""
    names: dict[str, str] = {}
    for full_name, aliases in orgs["full_names"].items():
        for name in [full_name, *(aliases or [])]:
            if names.setdefault(name, full_name) != full_name:
                raise ValueError(f"names/orgs.yaml full_names: {name} is listed under {names[name]} and {full_name}")
    return names


def _read_t2s() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in table_file("names/t2s.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


@per_tables
def load_tables(home_province: str = "", home_city: str = "", home_county: str = "") -> NameTables:
    return NameTables(
        home=Home(home_province, home_city, home_county),
        orgs=load_table("names/orgs"),
        places=load_table("names/places"),
        people=load_table("names/people"),
        home_table=load_table("names/home"),
        t2s=_read_t2s(),
        place_names=_read_place_names(),
        not_in_org_names=_read_word_list(table_file("names/not_in_org_names.txt")),
    )


def _read_word_list(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def _read_place_names() -> dict[str, bool]:
    """Administrative divisions and world places (training/place_names.py)."""
    names = {}
    with table_file("names/place_names.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            name, _level, needs_chain = line.rstrip("\n").split("\t")
            names[name] = needs_chain == "1"
    return names
