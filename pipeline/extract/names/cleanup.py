"""The model's entities cleaned with the rules' tables.

An ORG must end in the word for a kind of body (or be a known short name), no
name starts with a generic noun, a place takes in the administrative unit
written after it, a person gets back the surname the model cut off, or is
dropped when the span cuts through a word, and a span is split at the
brackets it leaves open and at the separators of a byline run.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from pipeline.extract.names.model import Entity
from pipeline.extract.names.orgs import (has_org_head, is_org_name, starts_with_generic_noun, strip_title,
                                         with_department)
from pipeline.extract.names.people import back_to_back_names, counted_by_classifier, names_a_household, with_cut_surname
from pipeline.extract.names.places import (is_count_of_units, merge_place_chains, names_an_institution, place_label,
                                           with_following_institution, with_following_unit, with_region_word,
                                           without_word_start)
from pipeline.extract.names.spans import NER_SOURCE, name_mention, on_word_boundaries
from pipeline.extract.names.tables import HAN, NameTables
from pipeline.text import bracket_pairs
from pipeline.types import Mention

_NAME_CHAR = re.compile(f"[{HAN}0-9A-Za-z]")
# A name holds a Chinese character or a Latin letter (EA, BBC, Firefly are names too).
_LETTER = re.compile(f"[{HAN}A-Za-z]")
# A name holds only brackets it closes (中国远洋运输（集团）总公司); one left open
# splits it (市委党史研究室（市地方志研究室） is two names).


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
    pairs = bracket_pairs()
    closing = set(pairs.values())
    opened: list[int] = []
    cuts: list[int] = []
    for pos in range(start, end):
        char = text[pos]
        if char in pairs:
            opened.append(pos)
        elif char in closing:
            if opened and pairs[text[opened[-1]]] == char:
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
            pieces = [name for start, end in pieces for name in back_to_back_names(start, end, text, tables)]
        for start, end in pieces:
            cleaned = _cleaned_model_span(start, end, label, text, tables)
            if cleaned is not None:
                spans.append(cleaned)
    mentions = []
    for start, end, label in merge_place_chains(spans):
        if label == "PLACE":
            institution_end = with_following_institution(start, end, text, tables)
            if institution_end is not None:
                mentions.append(name_mention("ORG", start, institution_end, text, NER_SOURCE, tables))
                continue
            end = without_word_start(start, with_following_unit(start, end, text, tables), text, tables)
            end = with_region_word(start, end, text, tables)
            if is_count_of_units(text[start:end], tables) or text[start:end] in tables.not_places:
                continue
            label = place_label(text[start:end], tables)
            if names_an_institution(text[start:end], tables):
                label = "ORG"  # 成都军区 read as a place is the body named after it
        if text[start:end] in tables.known_org_names:
            label = "ORG"  # 东盟 read as a place is the organisation
        if label == "ORG":
            end = with_department(start, end, text, tables)
        mention = name_mention(label, start, end, text, NER_SOURCE, tables)
        if label == "PERSON" and not on_word_boundaries(text, mention, tables):
            continue  # 林华 out of 林华卿: a name cut through is no name
        if label in ("GPE", "LOC") and mention.text not in tables.anchors \
                and not on_word_boundaries(text, mention, tables):
            continue  # 建设银 out of 建设银行: a place no table knows that cuts a word is no place
        mentions.append(mention)
    return mentions


def _cleaned_model_span(start: int, end: int, label: str, text: str,
                        tables: NameTables) -> Optional[tuple[int, int, str]]:
    """One model span with titles stripped and cut surnames restored, or None when it is no name."""
    if label in ("ORG", "PERSON"):
        end = strip_title(start, end, text, tables)
    if label == "ORG" and not (is_org_name(text[start:end], tables) and has_org_head(text[start:end], tables)):
        return None
    if label == "PERSON":
        start = with_cut_surname(start, end, text, tables)
        if text[start:end].endswith(tables.person_place_endings):
            label = "PLACE"  # 邱县 is a county, whatever the model read
        elif names_a_household(text[start:end], tables) or counted_by_classifier(start, text, tables):
            return None
    if end - start < 2:  # 津, 西 cut out of 京津冀, 东中西: abbreviations, not mentions
        return None
    name = text[start:end]
    if name in tables.generic_nouns or starts_with_generic_noun(name, tables):  # never a name, whatever the label
        return None
    if not _LETTER.search(name):  # punctuation or digits alone
        return None
    return start, end, label
