"""A page's paragraphs (one a line) and what each is: heading, continuation
marker, byline, credit, kicker label, caption or body text, and whether a body
paragraph is cut mid-sentence (patterns in configs/layout.yaml).

A plain-text page has no markup for its headlines and bylines, so they are
read from where they stand: a short line that does not end like a sentence,
before a story's first paragraph, is its headline; a dateline and the byline
after it (本报北京11月12日电（记者王政）) open that paragraph as its lead; a
line of names under a headline is the story's byline."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from pipeline.config import load_table
from pipeline.text import alternation


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
    photo_byline: bool = False  # body: its trailing byline credits a photo
    lead_end: Optional[int] = None  # body: where its lead (dateline and byline) ends
    lead_names: tuple[str, ...] = ()  # the names its lead gives
    continues_heading: bool = False  # a plain headline's second line (its subtitle or title under a kicker)

    @property
    def is_body(self) -> bool:
        return self.kind in ("body", "caption")

    @property
    def closes_story(self) -> bool:
        """A byline or credit after the story's text, or a story's text ending with its byline."""
        if self.byline_at is not None:
            return not self.photo_byline
        return self.kind in ("byline", "credit") and self.lead_end is None

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
        self.name = re.compile(name)
        self.byline_line = re.compile(table["byline_line"])
        self.byline_tail = re.compile(table["byline_tail"])
        self.role = _role_pattern(table)
        self.reporter_end = re.compile(f"[ ]*{table['reporter_line_end']}$")
        self.separators = re.compile(table["byline_separators"])
        self.dateline = re.compile(table["dateline"])
        self.lead = re.compile(
            rf"(?P<dateline>{table['dateline']})?[ ]*"
            rf"(?:[（(](?P<bracket>[^（）()]{{2,40}})[）)]|(?P<reporter>[^：:，。（）()]{{2,40}}?{table['reporter_line_end']})[：:])?")
        self.headline_max_chars: int = table["headline_max_chars"]
        self.headline_max_lines: int = table["headline_max_lines"]
        self.subtitle_max_chars: int = table["subtitle_max_chars"]
        self.photo_byline = re.compile(table["photo_byline"])
        self.headline_sentence_end = re.compile(table["headline_sentence_end"])
        self.bare_byline_name = re.compile(table["bare_byline_name"])
        self.surnames = frozenset(load_table("names/people")["surnames"])
        self.credit_line = re.compile(table["credit_line"])
        self.caption_start = re.compile(table["caption_start"])
        self.photo_credit = compile_with_name("photo_credit")
        self.terminal = re.compile(table["terminal_punctuation"])
        self.sentence_punctuation = re.compile(table["sentence_punctuation"])
        self.label_max_chars: int = table["label_max_chars"]
        self.rejoin: dict = table["rejoin"]


def _role_pattern(table: dict) -> re.Pattern[str]:
    """A byline role with whom it works for (本报记者), or a label before its colon (作者：)."""
    roles, labels, source = table["byline_roles"], table["byline_labels"], table["byline_role_source"]
    return re.compile(rf"(?:{source}(?:{alternation(roles)})[ ]*[：:／/]?|(?:{alternation(labels)})[ ]*[：:／/])")


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
    _mark_headlines(paragraphs, p)


def _names(group: str) -> tuple[str, ...]:
    return tuple(name for name in re.split(r"[ 、]+", group.strip()) if name)


def byline_names(credits: str, p: LayoutPatterns, require_role: bool) -> Optional[tuple[str, ...]]:
    """The names in a byline's text (记者 马晓燕 通讯员 郑凯, 新华社记者郑卫摄, 刘阳 王馨昱),
    or None when something in it is not a role, a separator or a name."""
    credits = p.reporter_end.sub("", credits.strip())
    pieces = p.role.split(credits)
    has_role = len(pieces) > 1
    if require_role and not has_role:
        return None
    names: list[str] = []
    for piece in pieces:
        for name in p.separators.split(piece):
            if not name:
                continue
            if not p.name.fullmatch(name) or (has_role and not _starts_with_surname(name, p)):
                return None
            names.append(name)
    return tuple(names) or None


def _starts_with_surname(name: str, p: LayoutPatterns) -> bool:
    return "·" in name or name[:1] in p.surnames or name[:2] in p.surnames


def _credits_line(text: str, p: LayoutPatterns) -> Optional[tuple[str, ...]]:
    """A line that is a byline without brackets: 本报记者 张三 李四, 作者：陈晓东, 记者 张三 摄."""
    if not p.role.match(text):
        return None
    return byline_names(text, p, require_role=True)


def _bracket_names(credits: str, p: LayoutPatterns) -> Optional[tuple[str, ...]]:
    """A bracketed byline: names with or without roles, or a dateline with or without them."""
    if dateline := p.dateline.match(credits):
        rest = credits[dateline.end():].strip()
        return (byline_names(rest, p, require_role=False) or ()) if rest else ()
    return byline_names(credits, p, require_role=False)


def find_lead(text: str, p: LayoutPatterns) -> Optional[tuple[int, tuple[str, ...]]]:
    """(where the lead ends, its names) when a paragraph opens with a dateline, a
    byline in brackets with a role, or both (本报讯（记者 张伟）, 新华社北京1月5日电)."""
    match = p.lead.match(text)
    if match is None:
        return None
    has_dateline = match.group("dateline") is not None
    credits = match.group("bracket") or match.group("reporter")
    names = byline_names(credits, p, require_role=not has_dateline or match.group("reporter") is not None) if credits else None
    if names:
        return match.end(), names
    if has_dateline:
        return match.end("dateline"), ()
    return None


def _make_byline(paragraph: Paragraph, names: tuple[str, ...]) -> None:
    paragraph.kind, paragraph.names, paragraph.names_are_people = "byline", names, True


def _classify_one(paragraph: Paragraph, previous: Optional[Paragraph], p: LayoutPatterns) -> None:
    text = paragraph.text
    if match := p.heading.match(text):
        paragraph.kind, paragraph.title = "heading", match.group(1).strip()
        return
    for marker in p.markers:
        if match := marker.match(text):
            paragraph.kind, paragraph.page = "marker", match.group("page")
            return
    if match := p.byline_line.match(text):
        if (names := _bracket_names(match.group("credits"), p)) is not None:
            _make_byline(paragraph, names)
            return
    if len(text) <= p.label_max_chars and (names := _credits_line(text, p)):
        _make_byline(paragraph, names)
        return
    lead = None if p.caption_start.match(text) else find_lead(text, p)
    if lead is not None:
        paragraph.lead_end, paragraph.lead_names = lead
        if lead[0] == len(text):  # 本报讯（记者 张伟） on a line of its own, above the story
            _make_byline(paragraph, paragraph.lead_names)
            paragraph.lead_names = ()
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
    if (match := p.byline_tail.search(text)) and (names := _bracket_names(match.group("credits"), p)) is not None:
        if match.start() >= (paragraph.lead_end or 0):
            paragraph.byline_at, paragraph.names = match.start(), names
            paragraph.names_are_people = True
            paragraph.photo_byline = bool(p.photo_byline.search(match.group("credits")))


# --- headlines ----------------------------------------------------------------


def _mark_headlines(paragraphs: list[Paragraph], p: LayoutPatterns) -> None:
    """Short lines that stand before a story's first paragraph become its headline
    (two such lines, a kicker and its title or a title and its subtitle, one
    headline); a line of bare names between them and the story is its byline."""
    index = 0
    while index < len(paragraphs):
        block = _headline_block(paragraphs, index, p)
        if block is None:
            index += 1
            continue
        lines, story = block
        first = paragraphs[index]
        first.kind, first.title = "heading", " ".join(paragraphs[i].text for i in lines)
        for i in lines[1:]:
            paragraphs[i].kind, paragraphs[i].continues_heading = "heading", True
        for byline in paragraphs[lines[-1] + 1:story]:
            if byline.kind == "label":
                _make_byline(byline, _names(byline.text))
        index = story


def _headline_block(paragraphs: list[Paragraph], index: int, p: LayoutPatterns) -> Optional[tuple[list[int], int]]:
    """(the headline's lines, the story's first paragraph) when a headline starts at ``index``."""
    lines = [index]
    while len(lines) <= p.headline_max_lines and _may_be_headline(paragraphs[lines[-1]], p):
        following = lines[-1] + 1
        if len(lines) < p.headline_max_lines and _is_subtitle_above_lead(paragraphs, following, p):
            return lines + [following], following + 1
        story = _story_start(paragraphs, following, p)
        if story is not None:
            return (lines, story) if _opens_story(paragraphs, index, story) else None
        if following >= len(paragraphs):
            return None
        lines.append(following)
    return None


def _is_subtitle_above_lead(paragraphs: list[Paragraph], index: int, p: LayoutPatterns) -> bool:
    """A headline's long second line, right above the story's lead."""
    return (index + 1 < len(paragraphs) and paragraphs[index + 1].lead_end is not None
            and paragraphs[index + 1].kind == "body"
            and _may_be_headline(paragraphs[index], p, max_chars=p.subtitle_max_chars))


def _may_be_headline(paragraph: Paragraph, p: LayoutPatterns, max_chars: Optional[int] = None) -> bool:
    return (paragraph.kind in ("body", "label") and paragraph.lead_end is None and paragraph.byline_at is None
            and len(paragraph.text) <= (max_chars or p.headline_max_chars)
            and not p.headline_sentence_end.search(paragraph.text))


def _story_start(paragraphs: list[Paragraph], index: int, p: LayoutPatterns) -> Optional[int]:
    """The story's first paragraph at or after ``index``, past bylines printed above it."""
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if paragraph.kind == "byline" or (paragraph.kind == "label" and _is_bare_byline(paragraph.text, p)):
            index += 1
            continue
        if paragraph.is_body and not _may_be_headline(paragraph, p):
            return index
        return None
    return None


def _is_bare_byline(text: str, p: LayoutPatterns) -> bool:
    names = _names(text)
    return 0 < len(names) <= 3 and all(p.bare_byline_name.fullmatch(name) and _starts_with_surname(name, p)
                                       for name in names)


def _opens_story(paragraphs: list[Paragraph], index: int, story: int) -> bool:
    """At the top of the page, after the byline that closed the story before, or above a lead."""
    if index == 0 or any(paragraph.lead_end is not None for paragraph in paragraphs[index + 1:story + 1]):
        return True
    return paragraphs[index - 1].closes_story


def is_cut(paragraph: Paragraph) -> bool:
    """A body paragraph that stops mid-sentence."""
    p = layout_patterns()
    body = paragraph.running_text().rstrip()
    return (paragraph.is_body and paragraph.byline_at is None
            and len(body) >= p.rejoin["min_head_chars"] and not p.terminal.search(body))
