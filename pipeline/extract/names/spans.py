"""What every name rule shares: a span made a mention with its ``norm``
(configs/names/home.yaml resolves 我市 -> 阳泉市, 市民政局 -> 阳泉市民政局) and, for
a GPE, its place in the hierarchy (阳泉 -> 阳泉市, code 140300, 山西省; hierarchy.py),
whether a span sits on word boundaries, and overlaps settled with the rules
preferred."""
from __future__ import annotations

import re
import unicodedata
from functools import partial

from pipeline.extract.names.hierarchy import Place, load_hierarchy, place_of
from pipeline.extract.names.tables import HAN_CHAR, NameTables
from pipeline.text import resolve_overlaps as resolve_spans
from pipeline.types import Mention
from pipeline.words import word_model

RULES_SOURCE = "rules"
NER_SOURCE = "ner"


def fold_text(text: str, tables: NameTables) -> str:
    """Full/half-width folded, traditional -> simplified, inner spaces removed."""
    folded = "".join(
        unicodedata.normalize("NFKC", ch) if 0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" else ch for ch in text
    )
    folded = folded.translate(tables.t2s)
    return re.sub(r"\s+", "", folded)


def canonical_name(text: str, label: str, tables: NameTables) -> str:
    """The `norm` of a name (docs/entities.md): folded, then home place resolved; an
    organisation's short form is its full name (orgs.yaml full_names: 央行 -> 中国人民银行),
    a place's its full standard name (阳泉 -> 阳泉市)."""
    name = _folded_and_home_resolved(text, label, tables)
    return place_named(name, tables).norm if label == "GPE" else name


def _folded_and_home_resolved(text: str, label: str, tables: NameTables) -> str:
    name = fold_text(text, tables)
    if label == "ORG" and name in tables.org_full_names:
        return tables.org_full_names[name]
    reference = tables.self_references.get(name)
    if reference is not None:
        filled = tables.home.fill(str(reference["norm"]))
        return filled or name
    if label == "ORG" and len(name) > 1 and name[0] in tables.level_prefixes:
        home = tables.home.fill(tables.level_prefixes[name[0]])
        if home and not name.startswith(home):
            return home + name[1:]
    return name


def place_named(name: str, tables: NameTables) -> Place:
    """The place a GPE's (folded, home-resolved) name names; where the table's units end
    before the name does, the rest must be units below them (杨家沟社区), or the name
    is no administrative place (海南 + 自由贸易港) and keeps no code."""
    place = tables.resolved_places.get(name)
    if place is None:
        reading = load_hierarchy().reading(name)
        if reading.end < len(name) and not tables.are_chain_units(name[reading.end:]):
            place = Place(name)
        else:
            place = place_of(name, reading, tables.home_units)
        tables.resolved_places[name] = place
    return place


def name_mention(label: str, start: int, end: int, text: str, source: str, tables: NameTables) -> Mention:
    surface = text[start:end]
    if label != "GPE":
        return Mention(label=label, start=start, end=end, text=surface, source=source,
                       norm=canonical_name(surface, label, tables))
    place = place_named(_folded_and_home_resolved(surface, label, tables), tables)
    return Mention(label=label, start=start, end=end, text=surface, source=source, norm=place.norm,
                   place_code=place.place_code, province=place.province, city=place.city, county=place.county)


def on_word_boundaries(text: str, mention: Mention, tables: NameTables) -> bool:
    """A table match that cuts through words (本市 in 资本市场) is no name."""
    return sits_on_word_boundaries(text, mention.start, mention.end, tables)


def sits_on_word_boundaries(text: str, start: int, end: int, tables: NameTables) -> bool:
    words = word_model()
    if words is None or not (HAN_CHAR.match(text[start - 1:start]) or HAN_CHAR.match(text[end:end + 1])):
        return True  # no Chinese character on either side: no word to cut
    return words.boundary_cost(text, start, end) <= tables.word_boundary_max_cost


def rules_first(mention: Mention) -> bool:
    """The tables name what they list for sure, so of two readings of one length
    the rules' wins over the model's."""
    return mention.source != RULES_SOURCE


# The one resolver (pipeline/text.py) with the names' preference.
resolve_overlaps = partial(resolve_spans, preference=rules_first)
