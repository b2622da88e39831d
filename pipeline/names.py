"""Organisations, people and places: a rule layer and a trained model.

Two spaCy components, both appending :class:`Mention` objects with character
offsets into ``doc.text`` (see pipeline/extract/nlp.py):

* ``zh_name_rules`` (source ``rules``): patterns built from the tables in
  configs/names/ - local government bodies (level prefix + unit + sub-units),
  numbered work units of a mine (三矿一号井采煤队), administrative chains
  (平定县冠山镇杨家沟社区), 我市/我国, bylines and photo credits.  Statistics trained on national news miss exactly these.
* ``zh_statistical_names`` (source ``ner``): the character BiLSTM-CRF with
  lexicon features (pipeline/names_model.py) trained by ``python -m training``
  and packaged in ``<models_dir>/names``.  It learns
  one PLACE label; GPE vs LOC comes from configs/names/places.yaml.  Its
  output is cleaned with the same tables: an ORG must end in the word for a
  kind of body (or be a known short name), no name starts with a generic
  noun, a place takes in the administrative unit written after it, and a
  person gets back the surname the model cut off, or is dropped when the
  span cuts through a word.

Both fill ``norm`` from configs/names/home.yaml (the one table that resolves
我市 -> 阳泉市, 市民政局 -> 阳泉市民政局).  The model component runs after the
rules and reconciles with them so that, between the two, no spans overlap:
the longer span wins and the rules win ties (they encode local conventions
the corpora do not know, e.g. 市委常委 -> ORG 市委).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc

from .config import CONFIG_DIR, read_yaml
from .words import word_model
from .names_model import MODEL_FILE, Entity, NameModel
from pipeline.extract.nlp import add_mentions, doc_text
from pipeline.extract.numerals import TABLES as NUMERALS
from .types import Mention

TABLES_DIR = CONFIG_DIR / "names"
RULES_SOURCE = "rules"
NER_SOURCE = "ner"
HAN = "\u3400-\u9fff"
NAME_MODEL_SUBDIR = "names"
# what a counted classifier follows: digits (text arrives width-folded) and numeral characters
NUMBER_CHARACTERS = frozenset("0123456789" + NUMERALS.chinese_chars)


# ----------------------------------------------------------------------- tables


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


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of the words, the longest that fits first.

    Built as a trie (阳泉(?:市)?) rather than a flat list: Python's re tries a
    flat alternation's branches one by one at every position, and the place
    names run to thousands.
    """
    trie: dict = {}
    for word in set(words):
        if word:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body  # greedy: the longer word is tried first


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
            f"[{''.join(single_surnames)}](?={_alternation(self.people['address_titles'])})")
        self.generic_nouns = set(self.orgs["generic_nouns"])
        self.generic_prefix_pattern = re.compile(_alternation(self.generic_nouns))
        self.not_org_suffixes = tuple(self.orgs["not_org_suffixes"])
        numerals = "".join(re.escape(n) for n in self.orgs["work_unit_numerals"])
        self.event_ordinal_pattern = re.compile(
            f"第[{numerals}]+(?:{_alternation(self.orgs['event_ordinal_counters'])})")
        self.org_heads = tuple(self.orgs["org_heads"])
        self.department_pattern = re.compile(
            f"[{HAN}]{{2,{int(self.orgs['department_body_max'])}}}?(?:{_alternation(self.orgs['department_heads'])})")
        self.department_body_stop = set(self.orgs["department_body_stop_chars"]) | NUMBER_CHARACTERS
        self.org_body_stop_pattern = re.compile(_alternation(list(self.orgs["org_body_stop"]) + self.not_in_org_names))
        self.known_org_names = set(self.orgs["known_names"]) | set(self.orgs["standalone"])
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

        level = f"(?:{_alternation(self.orgs['level_prefixes'])})"
        not_after = "".join(self.orgs.get("level_prefix_not_after", []))
        bare_level = f"(?<![{re.escape(not_after)}]){level}" if not_after else level
        not_title = f"(?!{_alternation(self.orgs['unit_not_followed_by'])})"
        unit = f"(?:{level}?(?:{_alternation(self.orgs['units'])}){not_title})"
        free = f"(?:[{HAN}]{{1,{int(self.orgs['max_free_body'])}}}?(?:{_alternation(self.orgs['sub_unit_suffixes'])}))"
        institution = (f"(?:{_alternation(anchors)})[{HAN}]{{1,{int(self.orgs['max_free_body'])}}}?"
                       f"(?:{_alternation(self.orgs['institution_suffixes'])})")
        work_piece = (f"(?:[{''.join(re.escape(n) for n in self.orgs['work_unit_numerals'])}]+"
                      f"(?:{_alternation(self.orgs['work_unit_words'])}))")
        team = f"(?:{_alternation(self.orgs['work_unit_teams'])})"
        work_units = f"(?:{work_piece}{{2,}}{team}?|{work_piece}+{team})"  # 三矿一号井采煤队, not 三矿 alone
        head = (f"(?:(?:{_alternation(anchors)}){unit}|{bare_level}{unit}"
                f"|(?:{_alternation(self.orgs['standalone'])}){not_title}|{institution}|{work_units})")
        self.org_pattern = re.compile(f"{head}(?:{unit}|{free}|{work_piece}|{team})*")
        # a body right after any place the rules found (三亚市 + 人大, 张北县 + 县委组织部)
        self.body_after_place_pattern = re.compile(f"{unit}(?:{unit}|{free}|{work_piece}|{team})*")
        self.org_anchor_pattern = re.compile(f"(?:{_alternation(anchors)})")
        self.gazetteer_pattern = re.compile(f"(?:{_alternation(self.places['gazetteer'])})")
        body_max = int(self.places["chain_body_max"])
        body_min = int(self.places["chain_body_min"])
        self.chain_unit_pattern = re.compile(
            f"([{HAN}]{{{body_min},{body_max}}}?)(?:{_alternation(self.places['chain_unit_suffixes'])})"
        )
        self.compound_pattern = re.compile(
            f"[{HAN}]{{1,{int(self.places['compound_body_max'])}}}?"
            f"(?:{_alternation(self.places['compound_after_chain_suffixes'])})"
        )
        self.self_reference_pattern = re.compile(_alternation(self.self_references))
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


def _read_t2s() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in (TABLES_DIR / "t2s.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


@lru_cache(maxsize=8)
def load_tables(home_province: str = "", home_city: str = "", home_county: str = "") -> NameTables:
    return NameTables(
        home=Home(home_province, home_city, home_county),
        orgs=read_yaml(TABLES_DIR / "orgs.yaml"),
        places=read_yaml(TABLES_DIR / "places.yaml"),
        people=read_yaml(TABLES_DIR / "people.yaml"),
        home_table=read_yaml(TABLES_DIR / "home.yaml"),
        t2s=_read_t2s(),
        place_names=_read_place_names(),
        not_in_org_names=_read_word_list(TABLES_DIR / "not_in_org_names.txt"),
    )


def _read_word_list(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def _read_place_names() -> dict[str, bool]:
    """Administrative divisions and world places (training/place_names.py)."""
    names = {}
    with (TABLES_DIR / "place_names.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            name, _level, needs_chain = line.rstrip("\n").split("\t")
            names[name] = needs_chain == "1"
    return names


# ------------------------------------------------------------------------- norm


def fold_text(text: str, tables: NameTables) -> str:
    """Full/half-width folded, traditional -> simplified, inner spaces removed."""
    folded = "".join(
        unicodedata.normalize("NFKC", ch) if 0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" else ch for ch in text
    )
    folded = folded.translate(tables.t2s)
    return re.sub(r"\s+", "", folded)


def canonical_name(text: str, label: str, tables: NameTables) -> str:
    """The `norm` of a name (ENTITIES.md): folded, then home place resolved."""
    name = fold_text(text, tables)
    reference = tables.self_references.get(name)
    if reference is not None:
        filled = tables.home.fill(str(reference["norm"]))
        return filled or name
    if label == "ORG" and len(name) > 1 and name[0] in tables.level_prefixes:
        home = tables.home.fill(tables.level_prefixes[name[0]])
        if home and not name.startswith(home):
            return home + name[1:]
    return name


def _mention(label: str, start: int, end: int, text: str, source: str, tables: NameTables) -> Mention:
    surface = text[start:end]
    return Mention(label=label, start=start, end=end, text=surface, source=source,
                   norm=canonical_name(surface, label, tables))


# ------------------------------------------------------------------------ rules


def strip_title(start: int, end: int, text: str, tables: NameTables) -> int:
    """The end of the span once trailing title words are removed (市委常委 -> 市委)."""
    changed = True
    while changed:
        changed = False
        for title in tables.titles:
            if end - len(title) > start and text[start:end].endswith(title):
                end -= len(title)
                changed = True
                break
    return end


def find_orgs(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    for match in tables.org_pattern.finditer(text):
        start, end = match.span()
        end = strip_title(start, end, text, tables)
        anchor = tables.org_anchor_pattern.match(text, start)
        body = text[anchor.end():end] if anchor else ""
        if is_org_name(text[start:end], tables) and body not in tables.generic_nouns:
            yield start, end  # 阳泉市 + 公立医院 is still a generic noun


def is_org_name(name: str, tables: NameTables) -> bool:
    return (name not in tables.generic_nouns and not name.endswith(tables.not_org_suffixes)
            and tables.event_ordinal_pattern.search(name) is None
            and tables.org_body_stop_pattern.search(name) is None)


def has_org_head(name: str, tables: NameTables) -> bool:
    """The name ends in the word for a kind of body (局, 公司, 委员会) or is a known
    short name (联合国): the model's ORG without either is a phrase (普惠小微)."""
    return name in tables.known_org_names or name.endswith(tables.org_heads)


def starts_with_generic_noun(name: str, tables: NameTables) -> bool:
    """普惠托育 and 普惠小微 describe a kind of thing; no name starts with a generic noun."""
    return tables.generic_prefix_pattern.match(name) is not None


def _chain_unit_at(text: str, pos: int, tables: NameTables) -> Optional[int]:
    """End of an administrative unit (冠山镇, 杨家沟社区) starting at pos, if any."""
    match = tables.chain_unit_pattern.match(text, pos)
    if match is None:
        return None
    body = match.group(1)
    unit = match.group(0)
    if body.startswith(tables.chain_stop_starts) or unit in tables.chain_generic_units:
        return None
    if set(body) & tables.chain_body_stop_chars or unit.endswith(tables.chain_unit_not_endings):
        return None  # 张北县 + 地震灾区的北京军区 is no chain
    if unit.endswith(tables.institution_suffixes):  # 西藏 + 军区 is a body, not a district
        return None
    if unit.endswith(tables.compound_suffixes):  # 佳禾小区 is a compound, not a district
        return None
    if text[match.end() - 1:match.end() + 1] in tables.unit_char_words:  # 上海市 + 常务副|市长
        return None
    return match.end()


def find_places(text: str, tables: NameTables) -> Iterator[tuple[int, int, str]]:
    """Administrative chains from a known anchor, and a compound right after one.
    A chain whose next link is itself an anchor is one place (阳泉市 + 郊区荫营镇);
    two names with no unit between them are not (中国 + 美国)."""
    joined: Optional[tuple[int, int, str]] = None
    for start, end, label in _places_from_anchors(text, tables):
        if (joined is not None and joined[2] == label == "GPE" and joined[1] == start
                and text[joined[0]:joined[1]].endswith(tables.chain_unit_suffixes)):
            joined = (joined[0], end, "GPE")
            continue
        if joined is not None:
            yield joined
        joined = (start, end, label)
    if joined is not None:
        yield joined


def _places_from_anchors(text: str, tables: NameTables) -> Iterator[tuple[int, int, str]]:
    """Each known anchor with the units, region word or compound written after it."""
    pos = 0
    for match in tables.place_index.occurrences(text):
        if match[0] < pos:
            continue
        start, end = match
        units = 0
        while (unit_end := _chain_unit_at(text, end, tables)) is not None:
            end, units = unit_end, units + 1
        if units or text[start:match[1]] not in tables.anchors_needing_chain:
            if not units:
                end = without_word_start(start, end, text, tables)
            region_end = with_region_word(start, end, text, tables)
            label = "LOC" if region_end > end else "GPE" if units else place_label(text[start:end], tables)
            end = region_end
            yield start, end, label
            compound = tables.compound_pattern.match(text, end) if units and label == "GPE" else None
            if compound is not None:
                yield compound.start(), compound.end(), "LOC"
                end = compound.end()
        pos = max(end, start + 1)


def _body_after_place(start: int, end: int, text: str, tables: NameTables) -> Optional[int]:
    """The end of the body named after the place at [start, end) (三亚市 + 人大常委会), or None.

    Only the listed bodies (orgs.yaml `units`) directly after the place: any
    place with any free text before 政府 or 公司 reads clauses as names.
    """
    match = tables.body_after_place_pattern.match(text, end)
    if match is None:
        return None
    body_end = strip_title(start, match.end(), text, tables)
    return body_end if body_end > end and is_org_name(text[start:body_end], tables) else None


def with_region_word(start: int, end: int, text: str, tables: NameTables) -> int:
    """The end of a place once the word for its region is taken in (西南 + 地区, 青海 + 高原)."""
    return _end_with_following(tables.region_suffixes, start, end, text, tables) or end


def _end_with_following(suffixes: tuple[str, ...], start: int, end: int, text: str,
                        tables: NameTables) -> Optional[int]:
    """The end of [start, end) with the first of the suffixes written right after it,
    or None when none is or the longer span would cut through a word."""
    for suffix in suffixes:
        if text.startswith(suffix, end):
            extended = end + len(suffix)
            return extended if sits_on_word_boundaries(text, start, extended, tables) else None
    return None


def without_word_start(start: int, end: int, text: str, tables: NameTables) -> int:
    """The end of a place whose last character starts a word with the next (北京市|民 -> 北京)."""
    if end - start > 2 and text[end - 1:end + 1] in tables.unit_char_words:
        return end - 1
    return end


def find_gazetteer_places(text: str, tables: NameTables) -> Iterator[tuple[int, int, str]]:
    for match in tables.gazetteer_pattern.finditer(text):
        yield match.start(), match.end(), place_label(match.group(0), tables)


def place_label(name: str, tables: NameTables) -> str:
    """GPE (administrative) or LOC (region, river, park ...) for a place name."""
    if name in tables.gpe_names or name in tables.anchors:
        return "GPE"
    if name in tables.loc_names:
        return "LOC"
    if name.endswith(tables.loc_suffixes):
        return "LOC"
    return "GPE"


def find_self_references(text: str, tables: NameTables) -> Iterator[tuple[int, int, str]]:
    for match in tables.self_reference_pattern.finditer(text):
        reference = tables.self_references[match.group(0)]
        yield match.start(), match.end(), str(reference["label"])


def _name_ends(text: str, pos: int, tables: NameTables) -> list[int]:
    """Possible ends of a personal name (surname + 1-2 given characters) at pos, longest first."""
    ends = []
    for surname_len in range(tables.max_surname, 0, -1):
        if text[pos:pos + surname_len] not in tables.surnames:
            continue
        for given in (2, 1):
            end = pos + surname_len + given
            given_part = text[pos + surname_len:end]
            if end <= len(text) and re.fullmatch(f"[{HAN}]+", given_part) and not (
                set(given_part) & tables.not_in_given_name
            ):
                ends.append(end)
    return ends


def _names_sequence(text: str, start: int, end: int, tables: NameTables) -> Optional[list[tuple[int, int]]]:
    """text[start:end] read as names, separated by separators or written
    back to back as bylines print them (王行增王君超), or None.  Longer names
    are tried first: 朱建安汤民 is 朱建安 + 汤民."""
    dead_ends: set[int] = set()  # positions from which no reading reaches the end: each is tried once

    def names_from(pos: int) -> Optional[list[tuple[int, int]]]:
        if pos >= end or pos in dead_ends:
            return None
        for name_end in _name_ends(text, pos, tables):
            if name_end > end:
                continue
            if name_end == end:
                return [(pos, name_end)]
            following = name_end
            while following < end and text[following] in tables.name_separators:
                following += 1
            rest = names_from(following)
            if rest:
                return [(pos, name_end)] + rest
        dead_ends.add(pos)
        return None

    return names_from(start)


_MAX_CREDIT_RUN = 9  # three names of three characters
_BYLINE = re.compile(r"[（(]([^（）()]{2,20})[）)]\s*$")


def find_people(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    """Bylines (…实现。（薄红贞）), a name alone on its line (photo credit), credits."""
    byline = _BYLINE.search(text)
    if byline:
        start, end = byline.span(1)
        # （李舸摄）: the names before a credit word, if they read as names
        names = _names_sequence(text, start, _before_credit_word(text, start, end, tables), tables)
        names = names or _names_sequence(text, start, end, tables)
        if names:
            yield from names
    stripped = text.strip()
    if stripped and len(stripped) <= 4:
        offset = text.index(stripped)
        names = _names_sequence(text, offset, offset + len(stripped), tables)
        if names and len(names) == 1:
            yield names[0]
    yield from _credit_names(text, tables)
    yield from _addressed_surnames(text, tables)


def _addressed_surnames(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    """A surname alone before a form of address: 江|主席, 单|教授 (not 驻华|大使)."""
    for match in tables.addressed_surname_pattern.finditer(text):
        start = match.start()
        ends_a_word = start > 0 and _HAN_CHAR.match(text[start - 1]) \
            and not sits_on_word_boundaries(text, start, start + 1, tables)
        if not ends_a_word:
            yield start, start + 1


def _before_credit_word(text: str, start: int, end: int, tables: NameTables) -> int:
    for word in tables.credit_after:
        if text.endswith(word, start, end) and end - len(word) - start >= 2:
            return end - len(word)
    return end


def _credit_names(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    for marker, pattern in tables.credit_before_patterns:
        for match in pattern.finditer(text):
            if len(marker) == 1 and match.end() == match.start() + 1:
                continue  # 文/图/摄 alone are credits only with a separator after them
            pos = match.end()
            run = _credit_run(text, pos, tables)
            if run is not None:
                yield from run
                continue
            ends = _name_ends(text, pos, tables)
            # 记者徐烨摄: the end a credit word follows, before the longest that fits
            credited = [end for end in ends if any(text.startswith(w, end) for w in tables.credit_after)]
            bounded = [end for end in ends if text[end:end + 1] in tables.credit_name_boundary]
            for end in (credited or bounded)[:1]:
                yield pos, end
    for marker, pattern in tables.credit_after_patterns:
        for match in pattern.finditer(text):
            pos = match.end()
            for end in _name_ends(text, pos, tables):
                rest = text[end:].lstrip(" \u3000")
                if rest.startswith(marker):
                    yield pos, end
                    break


def _credit_run(text: str, pos: int, tables: NameTables) -> Optional[list[tuple[int, int]]]:
    """Two or three names printed back to back after a credit word, up to the
    end of the credit (记者王行增王君超), or None."""
    end = pos
    while (end < len(text) and end - pos <= _MAX_CREDIT_RUN and text[end] not in tables.credit_name_boundary
           and not any(text.startswith(word, end) for word in tables.credit_after)):
        end += 1
    if end - pos > _MAX_CREDIT_RUN or end - pos < 4:
        return None
    names = _names_sequence(text, pos, end, tables)
    return names if names and len(names) > 1 else None


def resolve_overlaps(mentions: list[Mention], preferred_source: str = RULES_SOURCE) -> list[Mention]:
    """No overlaps: longer spans first, then the preferred source, then leftmost."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), m.source != preferred_source, m.start))
    kept: list[Mention] = []
    for mention in ranked:
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def find_rule_mentions(text: str, tables: NameTables) -> list[Mention]:
    found: list[Mention] = []
    for start, end, label in find_self_references(text, tables):
        found.append(_mention(label, start, end, text, RULES_SOURCE, tables))
    for start, end in find_orgs(text, tables):
        found.append(_mention("ORG", start, end, text, RULES_SOURCE, tables))
    for start, end, label in find_places(text, tables):
        body_end = _body_after_place(start, end, text, tables)
        if body_end is not None:
            found.append(_mention("ORG", start, body_end, text, RULES_SOURCE, tables))
        found.append(_mention(label, start, end, text, RULES_SOURCE, tables))
    for start, end, label in find_gazetteer_places(text, tables):
        found.append(_mention(label, start, end, text, RULES_SOURCE, tables))
    found = [m for m in found if _on_word_boundaries(text, m, tables)]
    for start, end in find_people(text, tables):
        found.append(_mention("PERSON", start, end, text, RULES_SOURCE, tables))
    return resolve_overlaps(found)


def _on_word_boundaries(text: str, mention: Mention, tables: NameTables) -> bool:
    """A table match that cuts through words (本市 in 资本市场) is no name."""
    return sits_on_word_boundaries(text, mention.start, mention.end, tables)


def sits_on_word_boundaries(text: str, start: int, end: int, tables: NameTables) -> bool:
    words = word_model()
    if words is None or not (_HAN_CHAR.match(text[start - 1:start]) or _HAN_CHAR.match(text[end:end + 1])):
        return True  # no Chinese character on either side: no word to cut
    return words.boundary_cost(text, start, end) <= tables.word_boundary_max_cost


class NameRules:
    def __init__(self, tables: NameTables):
        self.tables = tables

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        add_mentions(doc, find_rule_mentions(text, self.tables))
        return doc


@Language.factory(
    "zh_name_rules",
    default_config={"home_province": "", "home_city": "", "models_dir": ""},
)
def make_name_rules(nlp: Language, name: str, home_province: str, home_city: str, models_dir: str) -> NameRules:
    return NameRules(load_tables(home_province, home_city))


# ------------------------------------------------------------------ statistical


class MissingModelError(FileNotFoundError):
    """The trained name model is not where the configuration says."""


def load_name_model(models_dir: str) -> NameModel:
    path = Path(models_dir) / NAME_MODEL_SUBDIR
    if not (path / MODEL_FILE).exists():
        raise MissingModelError(
            f"zh_statistical_names: no trained name model at {path} (expected {path / MODEL_FILE}); "
            "build it with `make train` or leave 'ner' out of extract.components"
        )
    return _cached_name_model(str(path))


@lru_cache(maxsize=2)
def _cached_name_model(path: str) -> NameModel:
    return NameModel.load(Path(path))


_HAN_CHAR = re.compile(f"[{HAN}]")
_NAME_CHAR = re.compile(f"[{HAN}0-9A-Za-z]")
# A name holds only brackets it closes (中国远洋运输（集团）总公司); one left open
# splits it (市委党史研究室（市地方志研究室） is two names).
_BRACKET_PAIRS = {"（": "）", "(": ")", "［": "］", "[": "]", "【": "】", "〔": "〕", "《": "》", "〈": "〉",
                  "「": "」", "『": "』", "“": "”", "‘": "’"}
_CLOSING_BRACKETS = set(_BRACKET_PAIRS.values())


def _trimmed(start: int, end: int, text: str) -> tuple[int, int]:
    """The span without leading/trailing marks (## headings, quotes, spaces)."""
    while start < end and not _NAME_CHAR.match(text[start]):
        start += 1
    while end > start and not _NAME_CHAR.match(text[end - 1]):
        end -= 1
    return start, end


def _split_at_open_brackets(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """The pieces of a span between the brackets it does not close."""
    start, end = _trimmed(start, end, text)
    opened: list[int] = []
    cuts: list[int] = []
    for pos in range(start, end):
        char = text[pos]
        if char in _BRACKET_PAIRS:
            opened.append(pos)
        elif char in _CLOSING_BRACKETS:
            if opened and _BRACKET_PAIRS[text[opened[-1]]] == char:
                opened.pop()
            else:
                cuts.append(pos)
    cuts = sorted(cuts + opened)
    pieces, pos = [], start
    for cut in cuts:
        pieces.append((pos, cut))
        pos = cut + 1
    pieces.append((pos, end))
    return [(a, b) for a, b in pieces if b > a]


def _split_at(separators: re.Pattern, start: int, end: int, text: str) -> Iterator[tuple[int, int]]:
    """The pieces of a span between separators (a byline run 刘阳 王馨昱 read as
    one name is two people)."""
    pos = start
    for separator in separators.finditer(text, start, end):
        yield pos, separator.start()
        pos = separator.end()
    yield pos, end


def model_mentions(text: str, entities: Iterable[Entity], tables: NameTables) -> list[Mention]:
    """The model's entities (start, end, label) in text as mentions, cleaned with the tables."""
    spans: list[tuple[int, int, str]] = []
    for ent_start, ent_end, label in entities:
        pieces = [_trimmed(start, end, text) for start, end in _split_at_open_brackets(ent_start, ent_end, text)]
        if label == "PERSON":
            pieces = [piece for start, end in pieces
                      for piece in _split_at(tables.name_separator_pattern, start, end, text)]
            pieces = [name for start, end in pieces for name in _back_to_back_names(start, end, text, tables)]
        for start, end in pieces:
            cleaned = _cleaned_model_span(start, end, label, text, tables)
            if cleaned is not None:
                spans.append(cleaned)
    mentions = []
    for start, end, label in merge_place_chains(spans):
        if label == "PLACE":
            institution_end = _with_following_institution(start, end, text, tables)
            if institution_end is not None:
                mentions.append(_mention("ORG", start, institution_end, text, NER_SOURCE, tables))
                continue
            end = without_word_start(start, _with_following_unit(start, end, text, tables), text, tables)
            end = with_region_word(start, end, text, tables)
            if _is_count_of_units(text[start:end], tables) or text[start:end] in tables.not_places:
                continue
            label = place_label(text[start:end], tables)
            if _names_an_institution(text[start:end], tables):
                label = "ORG"  # 成都军区 read as a place is the body named after it
        if text[start:end] in tables.known_org_names:
            label = "ORG"  # 东盟 read as a place is the organisation
        if label == "ORG":
            end = _with_department(start, end, text, tables)
        mention = _mention(label, start, end, text, NER_SOURCE, tables)
        if label == "PERSON" and not _on_word_boundaries(text, mention, tables):
            continue  # 林华 out of 林华卿: a name cut through is no name
        mentions.append(mention)
    return mentions


def _back_to_back_names(start: int, end: int, text: str, tables: NameTables) -> list[tuple[int, int]]:
    """A model PERSON of five or more characters that reads as names printed
    back to back (郑保山李发斌 under a photo) is those names."""
    if end - start >= 5 and not set(text[start:end]) & tables.transliteration_characters:
        names = _names_sequence(text, start, end, tables)
        if names and len(names) > 1:
            return names
    return [(start, end)]


def _cleaned_model_span(start: int, end: int, label: str, text: str,
                        tables: NameTables) -> Optional[tuple[int, int, str]]:
    """One model span with titles stripped and cut surnames restored, or None when it is no name."""
    if label in ("ORG", "PERSON"):
        end = strip_title(start, end, text, tables)
    if label == "ORG" and not (is_org_name(text[start:end], tables) and has_org_head(text[start:end], tables)):
        return None
    if label == "PERSON":
        start = _with_cut_surname(start, end, text, tables)
        if text[start:end].endswith(tables.person_place_endings):
            label = "PLACE"  # 邱县 is a county, whatever the model read
        elif _names_a_household(text[start:end], tables) or _counted_by_classifier(start, text, tables):
            return None
    if end - start < 2:  # 津, 西 cut out of 京津冀, 东中西: abbreviations, not mentions
        return None
    name = text[start:end]
    if name in tables.generic_nouns or starts_with_generic_noun(name, tables):  # never a name, whatever the label
        return None
    if not _HAN_CHAR.search(name):
        return None
    return start, end, label


def _with_department(start: int, end: int, text: str, tables: NameTables) -> int:
    """The end of an organisation once a department written right after it is
    taken in (大藏省 + 金融检查部), unless that joins two names, cuts a word or
    ends in a title."""
    match = tables.department_pattern.match(text, end)
    if match is None or set(match.group(0)) & tables.department_body_stop:
        return end
    extended = strip_title(start, match.end(), text, tables)
    if extended - end < 3 or not is_org_name(text[start:extended], tables):
        return end
    return extended if sits_on_word_boundaries(text, start, extended, tables) else end


def _names_a_household(name: str, tables: NameTables) -> bool:
    return len(name) == 2 and name[0] in tables.surnames and name[1] in tables.household_characters


def _counted_by_classifier(start: int, text: str, tables: NameTables) -> bool:
    """张 in 88张现金 is the classifier of the number before it, not a surname."""
    return start > 0 and text[start] in tables.classifier_surnames and text[start - 1] in NUMBER_CHARACTERS


def _with_cut_surname(start: int, end: int, text: str, tables: NameTables) -> int:
    """The start of a person's name whose surname the model left out (以习|近平 -> 习近平).

    Only a two-character span that does not itself start with a surname, right
    after a surname that is not a function word there (向|桥本), and that the
    word model does not know as a word: the People's Daily word list holds
    names that stand alone (桥本, 启功), while a given name alone is the tail
    of a name cut off.
    """
    if end - start != 2 or start == 0 or text[start] in tables.surnames:
        return start
    before = text[start - 1]
    if before not in tables.surnames or before in tables.function_words_before_names:
        return start
    words = word_model()
    if words is not None and text[start:end] in words.logp:
        return start
    return start - 1


def _with_following_unit(start: int, end: int, text: str, tables: NameTables) -> int:
    """The end of a place once an administrative unit right after it is taken in
    (杨家沟 + 社区 -> 杨家沟社区)."""
    return _end_with_following(tables.following_unit_suffixes, start, end, text, tables) or end


def _with_following_institution(start: int, end: int, text: str, tables: NameTables) -> Optional[int]:
    """The end of an institution named after the place right before it
    (抚顺 + 煤矿 -> ORG 抚顺煤矿, 山西 + 大学), or None."""
    return _end_with_following(tables.institution_suffixes, start, end, text, tables)


def _names_an_institution(name: str, tables: NameTables) -> bool:
    return any(name.endswith(suffix) and len(name) > len(suffix) for suffix in tables.institution_suffixes)


def _is_count_of_units(name: str, tables: NameTables) -> bool:
    """万企兴万村 counts ten thousand villages: a unit after 百/千/万 inside a longer
    span is a count, not a name (万县 alone is a county)."""
    for unit in tables.chain_unit_suffixes:
        if name.endswith(unit):
            body = name[:-len(unit)]
            return len(body) > 1 and body[-1] in tables.count_characters
    return False


def merge_place_chains(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Adjacent places are one administrative chain (辽宁省 + 黑山县 -> 辽宁省黑山县)."""
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        if merged and label == "PLACE" and merged[-1][2] == "PLACE" and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end, "PLACE")
        else:
            merged.append((start, end, label))
    return merged


def _not_crossing(model: list[Mention], rules: list[Mention]) -> list[Mention]:
    """Model mentions that do not cut through a rule mention: 阳坡埝社区佳禾小区 across
    GPE 城区阳坡埝社区 + LOC 佳禾小区 goes; a model span holding a rule's whole is kept."""
    def crosses(m: Mention, r: Mention) -> bool:
        return m.start < r.end and r.start < m.end and not (m.start <= r.start and r.end <= m.end) \
            and not (r.start <= m.start and m.end <= r.end)
    return [m for m in model if not any(crosses(m, r) for r in rules)]


class StatisticalNames:
    def __init__(self, model: NameModel, tables: NameTables, batch_size: int = 256):
        self.model = model
        self.tables = tables
        self.batch_size = batch_size

    def _finish(self, doc: Doc, text: str, entities: list[Entity]) -> Doc:
        found = model_mentions(text, entities, self.tables)
        existing = doc._.mentions or []
        rules = [m for m in existing if m.source == RULES_SOURCE]
        others = [m for m in existing if m.source != RULES_SOURCE]
        doc._.mentions = others
        add_mentions(doc, resolve_overlaps(rules + _not_crossing(found, rules)))
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size or self.batch_size):
            texts = [doc_text(doc) for doc in batch]
            for doc, text, entities in zip(batch, texts, self.model(texts)):
                yield self._finish(doc, text, entities)


@Language.factory(
    "zh_statistical_names",
    default_config={"home_province": "", "home_city": "", "models_dir": ""},
)
def make_statistical_names(
    nlp: Language, name: str, home_province: str, home_city: str, models_dir: str
) -> StatisticalNames:
    from .config import MODELS_DIR

    return StatisticalNames(load_name_model(models_dir or str(MODELS_DIR)), load_tables(home_province, home_city))
