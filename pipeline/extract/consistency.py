"""Names within an article: the components read one sentence at a time, so
the model can read a name one way in one sentence and another way in the next.

After the components, the names an article's mentions agree on correct the
model where it strayed from them: its odd label out takes the agreed label
(苏景云 read once as a place among ten readings as a person), and its pieces of
a longer agreed name become that name (连东 for 窦连东; source ``consistency``).

An earlier pass also marked every other occurrence of an agreed name.  With the
BiLSTM-CRF it added 1 right mention for 72 wrong ones on People's Daily's dev day
(尼共 as a person, 和平 of “和平”号 as a place: the model's rare errors, copied
through the article) and took dev PERSON F1 from 0.961 to 0.929, so it is gone.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Sequence

from pipeline.config import load_table
from pipeline.types import Mention

SOURCE = "consistency"

Span = tuple[int, int]


@dataclass(frozen=True)
class RepeatRules:
    labels: frozenset[str]
    min_chars: int


@lru_cache(maxsize=1)
def repeat_rules() -> RepeatRules:
    table = load_table("names/repeats")
    return RepeatRules(frozenset(table["labels"]), int(table["min_chars"]))


def agreed_names(mentions: Iterable[Mention], rules: RepeatRules) -> dict[str, Mention]:
    """Name text -> a mention carrying its label and norm, for the texts whose
    mentions agree on one label more often than on any other."""
    by_text: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.label in rules.labels and len(mention.text) >= rules.min_chars:
            by_text[mention.text].append(mention)
    agreed = {}
    for text, found in by_text.items():
        ranked = Counter(m.label for m in found).most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            agreed[text] = next(m for m in found if m.label == ranked[0][0])
    return agreed


class ArticleMentions:
    """The mentions inside each article, found by bisection on their starts."""

    def __init__(self, mentions: Iterable[Mention]):
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]

    def within(self, start: int, end: int) -> list[Mention]:
        first, last = bisect_left(self.starts, start), bisect_right(self.starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end]


def with_agreed_labels(articles: Sequence[Span], mentions: list[Mention], rules: RepeatRules | None = None,
                       model_source: str = "ner") -> list[Mention]:
    """``mentions`` with the model's odd label out corrected: where an article's
    mentions of a name agree on a label, a model mention of that same name with
    another label takes the agreed one (苏景云 read as a place once among ten
    readings as a person)."""
    rules = rules or repeat_rules()
    relabelled = {}
    by_article = ArticleMentions(mentions)
    for article_start, article_end in articles:
        inside = by_article.within(article_start, article_end)
        agreed = agreed_names(inside, rules)
        for mention in inside:
            model = agreed.get(mention.text)
            if model is not None and mention.source == model_source and mention.label != model.label:
                relabelled[id(mention)] = replace(mention, label=model.label, norm=model.norm,
                                                  place_code=model.place_code, province=model.province,
                                                  city=model.city, county=model.county)
    return [relabelled.get(id(m), m) for m in mentions]


def with_cut_names_restored(text: str, articles: Sequence[Span], mentions: list[Mention],
                            rules: RepeatRules | None = None, model_source: str = "ner",
                            min_chars: int = 3) -> list[Mention]:
    """``mentions`` with the model's pieces of a longer agreed name replaced by it.

    The model cut 窦连东 to 连东 (and read that as a place) in some sentences of
    an article that names him in full elsewhere; an occurrence of an agreed
    name of ``min_chars`` or more whose overlapping mentions all come from the
    model and lie inside it becomes that name (the longer reading wins).
    """
    rules = rules or repeat_rules()
    by_article = ArticleMentions(mentions)
    kept, starts = by_article.mentions, by_article.starts
    removed: set[int] = set()
    restored: list[Mention] = []
    for article_start, article_end in articles:
        inside = by_article.within(article_start, article_end)
        names = [(name, model) for name, model in sorted(agreed_names(inside, rules).items(),
                                                         key=lambda item: -len(item[0])) if len(name) >= min_chars]
        model_spans = [(m.start, m.end) for m in inside if m.source == model_source]
        for rank, at in _occurrences_around(text, article_start, article_end, [n for n, _ in names], model_spans):
            name, model = names[rank]
            end = at + len(name)
            first = bisect_right(starts, at - 1)
            while first > 0 and kept[first - 1].end > at:
                first -= 1
            overlapping = _overlapping(kept, first, at, end)
            if overlapping and all(i not in removed and kept[i].source == model_source
                                   and at <= kept[i].start and kept[i].end <= end
                                   and (kept[i].start, kept[i].end) != (at, end) for i in overlapping):
                removed.update(overlapping)
                restored.append(replace(model, start=at, end=end, source=SOURCE))
    return [m for i, m in enumerate(kept) if i not in removed] + restored


def _occurrences_around(text: str, start: int, end: int, names: list[str], model_spans: list[Span]
                        ) -> list[tuple[int, int]]:
    """(index in ``names``, offset) of the occurrences of each name between ``start`` and ``end`` that hold
    a shorter model mention, ordered by name and then offset: the only ones a model's pieces can be
    restored in.  Each name's occurrences are those a left-to-right search finds (none overlapping
    another).  Looked up around the model's mentions, not searched for through the article: a
    search per name made a window of a long page cost the article's length times its names."""
    rank = {name: index for index, name in enumerate(names)}
    lengths = sorted({len(name) for name in names})
    found: set[tuple[int, int]] = set()
    for mention_start, mention_end in model_spans:
        for length in lengths:
            if length <= mention_end - mention_start:
                continue
            for at in range(max(start, mention_end - length), min(mention_start, end - length) + 1):
                index = rank.get(text[at:at + length])
                if index is not None:
                    found.add((index, at))
    by_name: dict[int, list[int]] = defaultdict(list)
    for index, at in sorted(found):
        by_name[index].append(at)
    ordered = []
    for index, offsets in sorted(by_name.items()):
        name = names[index]
        if _overlaps_itself(name):  # its occurrences can overlap: keep those the search would find
            around = set(offsets)
            offsets = [at for at in _searched(text, name, start, end) if at in around]
        ordered += [(index, at) for at in offsets]
    return ordered


def _overlaps_itself(name: str) -> bool:
    return any(name[:k] == name[-k:] for k in range(1, len(name)))


def _searched(text: str, name: str, start: int, end: int) -> list[int]:
    found, at = [], text.find(name, start, end)
    while at != -1:
        found.append(at)
        at = text.find(name, at + len(name), end)
    return found


def _overlapping(kept: list[Mention], first: int, start: int, end: int) -> list[int]:
    """Indexes from ``first`` on of the mentions (sorted by start) that overlap start..end.

    The scan stops at the first mention starting at or after ``end``: scanning to the
    list's end made a long article quadratic (a 6 MB page without breaks took minutes here).
    """
    found = []
    for index in range(first, len(kept)):
        if kept[index].start >= end:
            break
        if kept[index].end > start:
            found.append(index)
    return found
