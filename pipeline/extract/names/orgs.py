"""Organisations: level prefix + unit + sub-units (市委, 市民政局, 盂县县委组织部),
the body named after a place (三亚市 + 人大常委会), numbered work units of a mine
(三矿一号井采煤队); titles are not part of names (市委常委 -> 市委) and generic
nouns (养老机构, 公立医院) are not names."""
from __future__ import annotations

import re

from typing import Iterator, Optional

from pipeline.extract.names.spans import sits_on_word_boundaries
from pipeline.extract.names.tables import NameTables


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
            # 阳泉市 + 公立医院 is still a generic noun; 国家统计局 + 城市司 is one body
            yield start, with_department(start, end, text, tables)


_LATIN = re.compile("[A-Za-z]")


def is_org_name(name: str, tables: NameTables) -> bool:
    if name in tables.org_full_names:  # 中国人民政治协商会议 ends like a meeting, and is a body
        return True
    return (name not in tables.generic_nouns and name not in tables.not_org_names
            and not name.endswith(tables.not_org_suffixes)
            and tables.event_ordinal_pattern.search(name) is None
            and tables.org_body_stop_pattern.search(name) is None)


def has_org_head(name: str, tables: NameTables) -> bool:
    """The name ends in the word for a kind of body (局, 公司, 委员会), is a known short
    name (联合国), or is short or Latin enough to be a name of its own (百度, 曼联, 农行,
    EA): a longer ORG the model reads without a body word is a phrase (国防科技工业布局)."""
    return (name in tables.known_org_names or name.endswith(tables.org_heads)
            or len(name) <= tables.headless_org_max_chars or _LATIN.search(name) is not None)


def starts_with_generic_noun(name: str, tables: NameTables) -> bool:
    """普惠托育 and 普惠小微 describe a kind of thing; no name starts with a generic noun."""
    return tables.generic_prefix_pattern.match(name) is not None


def body_after_place(start: int, end: int, text: str, tables: NameTables) -> Optional[int]:
    """The end of the body named after the place at [start, end) (三亚市 + 人大常委会), or None.

    Only the listed bodies (orgs.yaml `units`) directly after the place: any
    place with any free text before 政府 or 公司 reads clauses as names.
    """
    match = tables.body_after_place_pattern.match(text, end)
    if match is None:
        return None
    body_end = strip_title(start, match.end(), text, tables)
    return body_end if body_end > end and is_org_name(text[start:body_end], tables) else None


def with_department(start: int, end: int, text: str, tables: NameTables) -> int:
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
