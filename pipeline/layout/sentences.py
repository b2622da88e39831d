"""Sentences: Chinese boundaries inside each article's running text.

- A sentence ends at 。！？ (and ASCII ! ?), at …… , taking along the closing
  quotes and brackets that follow.  ； does not end a sentence: in Chinese
  prose it separates clauses of one sentence (a list of measures, say).
- Inside a quotation a terminator does not end the sentence; when the quote
  closes, the sentence goes on (“……光荣的。”苏景云说。 is one sentence) unless
  the quote was introduced by a colon as speech of its own (说：“……？”).
- Paragraph breaks always end a sentence; headings (an article's title),
  markers, bylines, credits and a story's lead (本报讯（记者 张伟）) are not
  sentences at all.
- A passage printed twice is kept; each later copy points at the first with
  ``duplicate_of``.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterator, Optional

from pipeline.config import load_table
from pipeline.layout.repair import NOT_RUNNING_TEXT, Layout
from pipeline.text import pairs_opened_by
from pipeline.types import Article, Sentence


@dataclass(frozen=True)
class _Rules:
    terminators: frozenset[str]
    closers: frozenset[str]
    openers: dict[str, str]  # opening quote/bracket -> its closer
    colon: frozenset[str]
    max_chars: int
    soft_breaks: frozenset[str]
    min_duplicate_chars: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    table = load_table("sentences")
    return _Rules(
        terminators=frozenset(table["terminators"]),
        closers=frozenset(table["closers"]),
        openers=pairs_opened_by(table["unbroken_pairs"]),
        colon=frozenset(table["speech_colons"]),
        max_chars=table["max_sentence_chars"],
        soft_breaks=frozenset(table["soft_breaks"]),
        min_duplicate_chars=table["min_duplicate_chars"],
    )


def split_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans inside text[start:end], one paragraph or less."""
    rules = _rules()
    use_depth = _balanced(text, start, end, rules)
    depth_closers: list[str] = []
    quote_after_colon: list[bool] = []
    sentence_start = start
    i = start
    while i < end:
        char = text[i]
        if use_depth and char in rules.openers:
            depth_closers.append(rules.openers[char])
            quote_after_colon.append(i > start and text[i - 1] in rules.colon)
            i += 1
            continue
        if use_depth and depth_closers and char == depth_closers[-1]:
            depth_closers.pop()
            speech = quote_after_colon.pop()
            if not depth_closers and speech and i > start and text[i - 1] in rules.terminators:
                yield from _emit(text, sentence_start, i + 1)
                sentence_start = i + 1
            i += 1
            continue
        if char in rules.terminators and not depth_closers:
            stop = i + 1
            while stop < end and (text[stop] in rules.terminators or text[stop] in rules.closers):
                stop += 1
            yield from _emit(text, sentence_start, stop)
            sentence_start = i = stop
            continue
        i += 1
    yield from _emit(text, sentence_start, end)


def _balanced(text: str, start: int, end: int, rules: _Rules) -> bool:
    """Quotes are only trusted when they pair up inside the paragraph."""
    stack: list[str] = []
    for char in text[start:end]:
        if char in rules.openers:
            stack.append(rules.openers[char])
        elif stack and char == stack[-1]:
            stack.pop()
        elif char in rules.openers.values():
            return False
    return not stack


def _emit(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    yield from _cap_length(text, start, end)


def _cap_length(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Very long stretches without a terminator are cut at a clause break."""
    rules = _rules()
    while end - start > rules.max_chars:
        limit = start + rules.max_chars
        cut = max((text.rfind(mark, start + 1, limit) for mark in rules.soft_breaks), default=-1)
        cut = cut + 1 if cut > start else limit
        yield start, cut
        start = cut
    yield start, end


# --- document level ---------------------------------------------------------


def running_segments(layout: Layout, article: Article) -> Iterator[tuple[int, int]]:
    """Stretches of an article's running text, one paragraph (or less) each."""
    excluded = [(s, e) for s, e, kind in layout.regions if kind in NOT_RUNNING_TEXT and s < article.end and e > article.start]
    cursor = article.start
    for s, e in excluded + [(article.end, article.end)]:
        if s > cursor:
            yield from _paragraph_pieces(layout.text, cursor, min(s, article.end))
        cursor = max(cursor, e)


def _paragraph_pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for match in re.finditer(r"[^\n]+", text[start:end]):
        yield start + match.start(), start + match.end()


def split_sentences(layout: Layout, articles: list[Article], doc_id: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    first_seen: dict[str, str] = {}
    min_chars = _rules().min_duplicate_chars
    for article in articles:
        for seg_start, seg_end in running_segments(layout, article):
            for start, end in split_spans(layout.text, seg_start, seg_end):
                seq = len(sentences) + 1
                sentence_id = f"{doc_id}-s{seq:05d}"
                body = layout.text[start:end]
                key = re.sub(r"\s+", "", body)
                duplicate_of: Optional[str] = None
                if len(key) >= min_chars:
                    duplicate_of = first_seen.get(key)
                    first_seen.setdefault(key, sentence_id)
                sentence = Sentence(sentence_id, article.article_id, seq, start, end, body, duplicate_of)
                sentences.append(replace(sentence, layout=sentence_layout(layout, sentence)))
    return sentences


def sentence_layout(layout: Layout, sentence: Sentence) -> str:
    """What layout repair says of a sentence: label, caption, joined, cut or ''."""
    notes = []
    # Regions do not nest beyond a paragraph's few, so looking back a handful
    # of regions from the sentence's end finds all that touch it.
    last = bisect_left(layout.regions, (sentence.end,))
    for start, end, kind in layout.regions[max(0, last - 8):last]:
        if kind in NOT_RUNNING_TEXT or end <= sentence.start or start >= sentence.end:
            continue
        if kind == "joined":
            notes.append(kind)
        elif kind == "cut" and sentence.end == end:
            notes.append(kind)
        elif kind in ("label", "caption"):
            notes.append(kind)
    return ",".join(dict.fromkeys(notes))
