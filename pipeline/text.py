"""Regular-expression pieces every stage builds its patterns with, from the words
of its tables: one way to turn a list of words into an alternation."""
from __future__ import annotations

import re
from typing import Iterable


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
