"""What every name rule shares: a span made a mention with its ``norm``
(configs/names/home.yaml resolves 我市 -> 阳泉市, 市民政局 -> 阳泉市民政局),
whether a span sits on word boundaries, and overlaps settled."""
from __future__ import annotations

import re
import unicodedata

from pipeline.extract.names.tables import HAN_CHAR, NameTables
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


def name_mention(label: str, start: int, end: int, text: str, source: str, tables: NameTables) -> Mention:
    surface = text[start:end]
    return Mention(label=label, start=start, end=end, text=surface, source=source,
                   norm=canonical_name(surface, label, tables))


def on_word_boundaries(text: str, mention: Mention, tables: NameTables) -> bool:
    """A table match that cuts through words (本市 in 资本市场) is no name."""
    return sits_on_word_boundaries(text, mention.start, mention.end, tables)


def sits_on_word_boundaries(text: str, start: int, end: int, tables: NameTables) -> bool:
    words = word_model()
    if words is None or not (HAN_CHAR.match(text[start - 1:start]) or HAN_CHAR.match(text[end:end + 1])):
        return True  # no Chinese character on either side: no word to cut
    return words.boundary_cost(text, start, end) <= tables.word_boundary_max_cost


def resolve_overlaps(mentions: list[Mention], preferred_source: str = RULES_SOURCE) -> list[Mention]:
    """No overlaps: longer spans first, then the preferred source, then leftmost."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), m.source != preferred_source, m.start))
    kept: list[Mention] = []
    for mention in ranked:
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
