"""Pairs each cut paragraph with its continuation and puts the page in reading order.

A cut is scored against every paragraph that can start a column by how alike
the text around both is (character-bigram tf-idf cosine), how well the words
read across the join (pipeline/words.py), and whether it is printed right
after the cut; the best pairs are taken first, never closing a cycle.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Optional

from pipeline.layout.paragraphs import Paragraph, is_cut, layout_patterns
from pipeline.text import HAN_RANGE
from pipeline.words import word_model

_CJK_RUN = re.compile(rf"[{HAN_RANGE}]+")


def _bigrams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        counts.update(run[i:i + 2] for i in range(len(run) - 1))
    return counts


class _Similarity:
    """tf-idf cosine of character bigrams, idf taken over the page's paragraphs."""

    def __init__(self, paragraphs: list[Paragraph]):
        self.bigrams = [_bigrams(paragraph.running_text()) for paragraph in paragraphs]
        document_frequency: Counter[str] = Counter()
        for counts in self.bigrams:
            document_frequency.update(counts.keys())
        n = len(paragraphs) + 1
        self.idf = {gram: math.log(n / df) for gram, df in document_frequency.items()}

    def vector(self, indices: list[int]) -> dict[str, float]:
        total: Counter[str] = Counter()
        for index in indices:
            total.update(self.bigrams[index])
        return {gram: count * self.idf[gram] for gram, count in total.items()}

    @staticmethod
    def cosine(a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        dot = sum(weight * b.get(gram, 0.0) for gram, weight in a.items())
        norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
        return dot / norm if norm else 0.0


def _head_context(paragraphs: list[Paragraph], head: int, width: int) -> list[int]:
    """The cut paragraph and the body paragraphs printed before it, up to `width`."""
    indices = [head]
    cursor = head - 1
    while cursor >= 0 and len(indices) < width and paragraphs[cursor].is_body and not is_cut(paragraphs[cursor]):
        indices.append(cursor)
        cursor -= 1
    return indices


def _tail_context(paragraphs: list[Paragraph], tail: int, width: int) -> list[int]:
    """The continuation and the body paragraphs after it, up to the next cut or byline."""
    indices = [tail]
    cursor = tail
    while (len(indices) < width and not is_cut(paragraphs[cursor]) and paragraphs[cursor].byline_at is None
           and cursor + 1 < len(paragraphs) and paragraphs[cursor + 1].is_body):
        cursor += 1
        indices.append(cursor)
    return indices


def _may_continue(paragraphs: list[Paragraph], index: int) -> bool:
    """Whether a paragraph can be the continuation of a cut elsewhere.

    A continuation is printed at the top of a column, so in the extracted text
    it follows whatever ended the column before: a cut paragraph, or the
    byline or credit that closed another article.  A paragraph that follows a
    complete paragraph, a heading, a marker or a kicker starts its own text,
    and so does a paragraph that opens with a lead.
    """
    if index == 0 or not paragraphs[index].is_body or paragraphs[index].lead_end is not None:
        return False  # a lead opens a story: nothing before it goes on in it
    previous = paragraphs[index - 1]
    return is_cut(previous) or previous.kind in ("credit", "byline") or previous.byline_at is not None


def pair_cuts(paragraphs: list[Paragraph]) -> dict[int, int]:
    """head index -> continuation index, best pairs first, no cycles."""
    settings = layout_patterns().rejoin
    heads = [paragraph.index for paragraph in paragraphs if is_cut(paragraph)]
    if not heads:
        return {}
    tails = [paragraph.index for paragraph in paragraphs if _may_continue(paragraphs, paragraph.index)]
    similarity = _Similarity(paragraphs)
    words = word_model()
    width = settings["context_paragraphs"]
    tail_contexts = {tail: _tail_context(paragraphs, tail, width) for tail in tails}
    candidates: list[tuple[float, int, int]] = []
    for head in heads:
        head_indices = _head_context(paragraphs, head, width)
        head_vector = similarity.vector(head_indices)
        for tail in tails:
            if tail in head_indices:
                continue
            tail_indices = [index for index in tail_contexts[tail] if index not in head_indices]
            adjacent = tail == head + 1
            score = similarity.cosine(head_vector, similarity.vector(tail_indices))
            if words is not None:
                gain = words.join_gain(paragraphs[head].text, paragraphs[tail].text)
                score += settings["junction_weight"] * max(gain, 0.0)
            score += settings["adjacent_bonus"] if adjacent else 0.0
            floor = settings["min_score_adjacent"] if adjacent else settings["min_score_distant"]
            if score >= floor:
                candidates.append((score, head, tail))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _score, head, tail in candidates:
        if head in pairs or tail in taken or _closes_cycle(pairs, head, tail):
            continue
        pairs[head] = tail
        taken.add(tail)
    return pairs


def _closes_cycle(pairs: dict[int, int], head: int, tail: int) -> bool:
    cursor: Optional[int] = tail
    while cursor is not None:
        if cursor == head:
            return True
        cursor = pairs.get(cursor)
    return False


# --- reading order -----------------------------------------------------


def reading_order(paragraphs: list[Paragraph], pairs: dict[int, int]) -> list[tuple[int, bool]]:
    """(paragraph index, joined to the previous one) in reading order.

    A continuation brings along the paragraphs printed after it, up to the
    next heading, marker or other continuation, or through the byline or
    credit that closes its article.
    """
    continuations = set(pairs.values())
    runs = {tail: _continuation_run(paragraphs, tail, continuations) for tail in continuations}
    owned = {index for run in runs.values() for index in run}
    order: list[tuple[int, bool]] = []
    emitted: set[int] = set()

    def emit(index: int, joined: bool) -> None:
        if index in emitted:
            return
        emitted.add(index)
        order.append((index, joined))
        if index in pairs:
            run = runs[pairs[index]]
            emit(run[0], True)
            for follower in run[1:]:
                emit(follower, False)

    for paragraph in paragraphs:
        if paragraph.index not in owned:
            emit(paragraph.index, False)
    for paragraph in paragraphs:  # a run whose cut sits in a cycle of runs
        emit(paragraph.index, False)
    return order


def _continuation_run(paragraphs: list[Paragraph], tail: int, continuations: set[int]) -> list[int]:
    run = [tail]
    cursor = tail
    while cursor + 1 < len(paragraphs):
        current, following = paragraphs[cursor], paragraphs[cursor + 1]
        if current.kind in ("credit", "byline") or current.byline_at is not None:
            break
        if following.index in continuations or following.kind in ("heading", "marker"):
            break
        cursor += 1
        run.append(cursor)
    return run
