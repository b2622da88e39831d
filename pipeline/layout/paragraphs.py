"""A page's paragraphs (one a line) and what each is: heading, continuation
marker, byline, credit, kicker label, caption or body text, and whether a body
paragraph is cut mid-sentence (patterns in configs/layout.yaml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from pipeline.config import load_table


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


class LayoutPatterns:
    """The patterns of configs/layout.yaml, compiled."""

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
def layout_patterns() -> LayoutPatterns:
    return LayoutPatterns(load_table("layout"))


def split_paragraphs(text: str) -> list[Paragraph]:
    lines = [line for line in text.split("\n") if line.strip()]
    return [Paragraph(index, line) for index, line in enumerate(lines)]


def classify(paragraphs: list[Paragraph]) -> None:
    p = layout_patterns()
    previous: Optional[Paragraph] = None
    for paragraph in paragraphs:
        _classify_one(paragraph, previous, p)
        previous = paragraph


def _names(group: str) -> tuple[str, ...]:
    return tuple(name for name in re.split(r"[ 、]+", group.strip()) if name)


def _classify_one(paragraph: Paragraph, previous: Optional[Paragraph], p: LayoutPatterns) -> None:
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
    p = layout_patterns()
    body = paragraph.running_text().rstrip()
    return (paragraph.is_body and paragraph.byline_at is None
            and len(body) >= p.rejoin["min_head_chars"] and not p.terminal.search(body))
