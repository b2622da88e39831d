"""The span-and-text toolkit every stage shares: one way to turn a list of words
into an alternation, one Han range, and one way to settle overlapping spans."""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, Callable, Iterable, NamedTuple, Protocol, TypeVar

from pipeline.config import load_table


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first, so that the longest one that fits matches."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def trie_alternation(words: Iterable[str]) -> str:
    """The same alternation built as a trie (阳泉(?:市)?, 元(?:旦|宵节)): Python's re tries
    a flat alternation's branches one by one at every position, a trie one branch per
    character; it pays for long lists (place names run to thousands)."""
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


# Han characters: CJK Unified Ideographs with Extension A (U+3400–U+9FFF), as a regex
# class body; the one definition every stage uses.
HAN_RANGE = "\u3400-\u9fff"


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def bracket_pairs() -> dict[str, str]:
    """Opening mark -> its closing mark: configs/brackets.yaml, the one table of them."""
    return dict(load_table("brackets")["pairs"])


def pairs_opened_by(openers: Iterable[str]) -> dict[str, str]:
    """The pairs of bracket_pairs() that these opening marks begin."""
    pairs = bracket_pairs()
    return {opener: pairs[opener] for opener in openers}


# --- spans -------------------------------------------------------------------


class Spanned(Protocol):
    """Anything with character offsets: a Mention, a date reading, a Span."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Spanned)


class Span(NamedTuple):
    """A labelled span as a plain tuple (start, end, label): the training corpora's entities."""

    start: int
    end: int
    label: str = ""


class Coverage:
    """Non-overlapping spans already taken, in order: only a new span's neighbours
    (found by bisection) can clash with it, so placing n spans is O(n log n)."""

    def __init__(self, spans: Iterable[Spanned] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for span in sorted(spans, key=lambda s: (s.start, s.end)):
            self.add(span.start, span.end)

    def is_free(self, start: int, end: int) -> bool:
        at = bisect_right(self.starts, start)
        if at > 0 and self.ends[at - 1] > start:
            return False
        return not (at < len(self.starts) and self.starts[at] < end)

    def add(self, start: int, end: int) -> None:
        at = bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def no_preference(span: Spanned) -> int:
    return 0


def resolve_overlaps(spans: Iterable[S], preference: Callable[[S], Any] = no_preference) -> list[S]:
    """The spans that overlap none chosen before them, in text order; empty spans never.

    The one tie-break policy of every stage: spans are taken greedily in this order,
    1. the longer span (2024年1月至9月 over 2024年, 阳泉市民政局 over 阳泉市);
    2. the lower ``preference`` the caller gives (DATE before QUANTITY over the same
       characters; the name rules before the model);
    3. the earlier start;
    4. the label, alphabetically, for spans that carry one, so that a tie never
       depends on which component happened to run first;
    5. the order given (the sort is stable).
    """
    ranked = sorted(spans, key=lambda s: (s.start - s.end, preference(s), s.start, _label_of(s)))
    taken = Coverage()
    chosen: list[S] = []
    for span in ranked:
        if span.end > span.start and taken.is_free(span.start, span.end):
            taken.add(span.start, span.end)
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _label_of(span: Spanned) -> str:
    return getattr(span, "label", "")  # a date reading before it is a mention has none
