"""Layout repair: a printed page's text back in reading order.

Pages come out of print layout as paragraphs (one per line) that may be cut
mid-sentence at a column's end, with the continuation printed elsewhere on the
page, plus continuation markers, bylines, photo credits and kickers that are
not running text.  This stage

1. classifies each paragraph (heading, marker, byline, credit, label, body),
2. pairs each cut paragraph with its continuation by how alike the text around
   both is (character-bigram tf-idf cosine), how well the words read across
   the join, and whether it is printed right after the cut, and
3. re-emits the paragraphs in reading order, each continuation joined to its
   cut without a break, so that a rejoined sentence is one contiguous span.

The articles stage (pipeline/articles.py) then cuts the result into articles.

Nothing is dropped: markers, bylines and credits stay in the text as regions
that the sentence splitter leaves out, and a cut with no continuation on the
page is kept and marked.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .words import word_model
from .config import load_table

# Region kinds: text that is in the document but not running text.
NOT_RUNNING_TEXT = frozenset({"heading_mark", "marker", "byline", "credit"})


@dataclass
class Paragraph:
    index: int
    text: str
    kind: str = "body"  # heading | marker | byline | credit | label | caption | body
    title: Optional[str] = None  # heading text
    page: Optional[str] = None  # marker: the page it continues from
    names: tuple[str, ...] = ()  # byline/credit names
    names_are_people: bool = False  # bylines and photo credits; a 供稿 credit may name a body
    byline_at: Optional[int] = None  # body: where a trailing byline starts

    @property
    def is_body(self) -> bool:
        return self.kind in ("body", "caption")

    def running_text(self) -> str:
        return self.text[: self.byline_at] if self.byline_at is not None else self.text


@dataclass(frozen=True)
class Placed:
    """A paragraph where it stands in the repaired text."""

    kind: str
    start: int
    end: int
    joined: bool  # continues the paragraph before it (a rejoined cut)
    title: Optional[str] = None
    page: Optional[str] = None
    names: tuple[str, ...] = ()
    closes_article: bool = False  # ends with a byline or is a credit

    @property
    def is_body(self) -> bool:
        return self.kind in ("body", "caption")


@dataclass
class Layout:
    """The repaired text, its paragraphs in reading order and the regions inside it."""

    text: str
    paragraphs: list[Placed]
    # (start, end, kind): heading_mark, marker, byline, credit, label, heading,
    # caption, cut (a paragraph whose continuation is not on the page) and
    # joined (the two characters either side of a rejoined cut), and person
    # (a name in a byline or photo credit).
    regions: list[tuple[int, int, str]] = field(default_factory=list)
    n_joins: int = 0
    n_unjoined_cuts: int = 0


class _Patterns:
    def __init__(self, table: dict):
        name = table["name"]

        def compile_with_name(key: str) -> re.Pattern[str]:
            return re.compile(table[key].format(name=name))

        self.heading = re.compile(table["heading"])
        self.markers = [re.compile(pattern) for pattern in table["continuation_markers"]]
        self.byline_line = compile_with_name("byline_line")
        self.byline_tail = compile_with_name("byline_tail")
        self.reporter_line = compile_with_name("reporter_line")
        self.credit_line = re.compile(table["credit_line"])
        self.caption_start = re.compile(table["caption_start"])
        self.photo_credit = compile_with_name("photo_credit")
        self.terminal = re.compile(table["terminal_punctuation"])
        self.sentence_punctuation = re.compile(table["sentence_punctuation"])
        self.label_max_chars: int = table["label_max_chars"]
        self.rejoin: dict = table["rejoin"]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(load_table("layout"))


# --- 1. classification ----------------------------------------------------


def split_paragraphs(text: str) -> list[Paragraph]:
    lines = [line for line in text.split("\n") if line.strip()]
    return [Paragraph(index, line) for index, line in enumerate(lines)]


def classify(paragraphs: list[Paragraph]) -> None:
    p = _patterns()
    previous: Optional[Paragraph] = None
    for paragraph in paragraphs:
        _classify_one(paragraph, previous, p)
        previous = paragraph


def _names(group: str) -> tuple[str, ...]:
    return tuple(name for name in re.split(r"[ 、]+", group.strip()) if name)


def _classify_one(paragraph: Paragraph, previous: Optional[Paragraph], p: _Patterns) -> None:
    text = paragraph.text
    if match := p.heading.match(text):
        paragraph.kind, paragraph.title = "heading", match.group(1).strip()
        return
    for marker in p.markers:
        if match := marker.match(text):
            paragraph.kind, paragraph.page = "marker", match.group("page")
            return
    for pattern in (p.byline_line, p.reporter_line):
        if match := pattern.match(text):
            paragraph.kind, paragraph.names = "byline", _names(match.group("names"))
            paragraph.names_are_people = True
            return
    is_short_label = len(text) <= p.label_max_chars and not p.sentence_punctuation.search(text)
    if is_short_label and (match := p.credit_line.match(text)):
        paragraph.kind, paragraph.names = "credit", (match.group("names").strip(),)
        return
    if is_short_label and previous is not None and previous.kind == "caption":
        if match := p.photo_credit.match(text):
            paragraph.kind, paragraph.names = "credit", _names(match.group("names"))
            paragraph.names_are_people = True
            return
    if is_short_label:
        paragraph.kind = "label"
        return
    if p.caption_start.match(text):
        paragraph.kind = "caption"
    if match := p.byline_tail.search(text):
        paragraph.byline_at, paragraph.names = match.start(), _names(match.group("names"))
        paragraph.names_are_people = True


def is_cut(paragraph: Paragraph) -> bool:
    """A body paragraph that stops mid-sentence."""
    p = _patterns()
    body = paragraph.running_text().rstrip()
    return (paragraph.is_body and paragraph.byline_at is None
            and len(body) >= p.rejoin["min_head_chars"] and not p.terminal.search(body))


# --- 2. pairing cuts with continuations ------------------------------------

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


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
    complete paragraph, a heading, a marker or a kicker starts its own text.
    """
    if index == 0 or not paragraphs[index].is_body:
        return False
    previous = paragraphs[index - 1]
    return is_cut(previous) or previous.kind in ("credit", "byline") or previous.byline_at is not None


def pair_cuts(paragraphs: list[Paragraph]) -> dict[int, int]:
    """head index -> continuation index, best pairs first, no cycles."""
    settings = _patterns().rejoin
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


# --- 3. reading order -----------------------------------------------------


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


# --- 4. the repaired text ----------------------------------------------------


def repair_layout(text: str) -> Layout:
    paragraphs = split_paragraphs(text)
    classify(paragraphs)
    pairs = pair_cuts(paragraphs)
    joined_heads = set(pairs)
    pieces: list[str] = []
    regions: list[tuple[int, int, str]] = []
    placed: list[Placed] = []
    position = 0
    for index, joined in reading_order(paragraphs, pairs):
        paragraph = paragraphs[index]
        if pieces and not joined:
            pieces.append("\n\n")
            position += 2
        start = position
        pieces.append(paragraph.text)
        position += len(paragraph.text)
        regions.extend(_paragraph_regions(paragraph, start, joined_heads))
        if joined:  # the two characters either side of the join
            regions.append((start - 1, start + 1, "joined"))
        closes = paragraph.kind in ("byline", "credit") or paragraph.byline_at is not None
        placed.append(Placed(paragraph.kind, start, position, joined, paragraph.title, paragraph.page,
                             paragraph.names, closes))
    unjoined = sum(1 for paragraph in paragraphs if is_cut(paragraph) and paragraph.index not in pairs)
    return Layout("".join(pieces), placed, sorted(regions), n_joins=len(pairs), n_unjoined_cuts=unjoined)


def _paragraph_regions(paragraph: Paragraph, start: int, joined_heads: set[int]) -> list[tuple[int, int, str]]:
    end = start + len(paragraph.text)
    if paragraph.kind == "heading":
        title_at = paragraph.text.index(paragraph.title) if paragraph.title else 0
        return [(start, start + title_at, "heading_mark"), (start + title_at, end, "heading")]
    if paragraph.kind in ("marker", "byline", "credit", "label", "caption"):
        return [(start, end, paragraph.kind)] + _person_regions(paragraph, start)
    regions = []
    if paragraph.byline_at is not None:
        regions.append((start + paragraph.byline_at, end, "byline"))
    if is_cut(paragraph) and paragraph.index not in joined_heads:
        regions.append((start, end, "cut"))
    return regions + _person_regions(paragraph, start)


def _person_regions(paragraph: Paragraph, start: int) -> list[tuple[int, int, str]]:
    """Where each name of a byline or photo credit stands: these are PERSON mentions."""
    if not paragraph.names_are_people:
        return []
    regions = []
    cursor = paragraph.byline_at or 0
    for name in paragraph.names:
        at = paragraph.text.find(name, cursor)
        if at < 0:
            continue
        regions.append((start + at, start + at + len(name), "person"))
        cursor = at + len(name)
    return regions
