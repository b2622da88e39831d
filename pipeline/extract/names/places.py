"""Places: administrative chains from a known anchor as one place
(平定县冠山镇杨家沟社区), a region word or compound after it, the gazetteer,
我市/我国, and GPE (administrative) vs LOC (region, river, park ...)."""
from __future__ import annotations

from typing import Iterator, Optional

from pipeline.extract.names.spans import sits_on_word_boundaries
from pipeline.extract.names.tables import NameTables


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
        while (unit_end := tables.chain_unit_end(text, end)) is not None:
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


def with_following_unit(start: int, end: int, text: str, tables: NameTables) -> int:
    """The end of a place once an administrative unit right after it is taken in
    (杨家沟 + 社区 -> 杨家沟社区)."""
    return _end_with_following(tables.following_unit_suffixes, start, end, text, tables) or end


def with_following_institution(start: int, end: int, text: str, tables: NameTables) -> Optional[int]:
    """The end of an institution named after the place right before it
    (抚顺 + 煤矿 -> ORG 抚顺煤矿, 山西 + 大学), or None."""
    return _end_with_following(tables.institution_suffixes, start, end, text, tables)


def names_an_institution(name: str, tables: NameTables) -> bool:
    return any(name.endswith(suffix) and len(name) > len(suffix) for suffix in tables.institution_suffixes)


def is_count_of_units(name: str, tables: NameTables) -> bool:
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
