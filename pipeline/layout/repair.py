"""Layout repair: a printed page's text back in reading order.

Pages come out of print layout as paragraphs (one per line) that may be cut
mid-sentence at a column's end, with the continuation printed elsewhere on the
page, plus continuation markers, bylines, photo credits and kickers that are
not running text.  This stage

1. classifies each paragraph (heading, marker, byline, credit, label, body,
   and a body paragraph's lead: pipeline/layout/paragraphs.py),
2. pairs each cut paragraph with its continuation by how alike the text around
   both is (character-bigram tf-idf cosine), how well the words read across
   the join, and whether it is printed right after the cut (pipeline/layout/cuts.py), and
3. re-emits the paragraphs in reading order, each continuation joined to its
   cut without a break, so that a rejoined sentence is one contiguous span.

The articles stage (pipeline/layout/articles.py) then cuts the result into articles.

Nothing is dropped: headings, markers, bylines, credits and a story's lead
(its dateline and byline) stay in the text as regions that the sentence
splitter leaves out, and a cut with no continuation on the page is kept and
marked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from pipeline.layout.cuts import pair_cuts, reading_order
from pipeline.layout.paragraphs import Paragraph, classify, is_cut, layout_patterns, split_paragraphs

# Region kinds: text that is in the document but not running text.  A heading
# is not a sentence: its title is the article's, and a figure in it would be
# counted again with the body's.
NOT_RUNNING_TEXT = frozenset({"heading_mark", "heading", "marker", "byline", "credit"})


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
    closes_article: bool = False  # ends with a byline (not a photo's) or is a byline or credit
    opens_story: bool = False  # opens with a lead (dateline, byline) or is one
    continues_heading: bool = False  # a plain headline's second line

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
        opens = paragraph.lead_end is not None
        closes = paragraph.closes_story
        placed.append(Placed(paragraph.kind, start, position, joined, paragraph.title, paragraph.page,
                             paragraph.lead_names + paragraph.names, closes, opens, paragraph.continues_heading))
    unjoined = sum(1 for paragraph in paragraphs if is_cut(paragraph) and paragraph.index not in pairs)
    return Layout("".join(pieces), placed, sorted(regions), n_joins=len(pairs), n_unjoined_cuts=unjoined)


def _paragraph_regions(paragraph: Paragraph, start: int, joined_heads: set[int]) -> list[tuple[int, int, str]]:
    end = start + len(paragraph.text)
    if paragraph.kind == "heading":
        markdown = layout_patterns().heading.match(paragraph.text)
        title_at = markdown.start(1) if markdown else 0
        return [(start, start + title_at, "heading_mark"), (start + title_at, end, "heading")] if title_at else \
            [(start, end, "heading")]
    if paragraph.kind in ("marker", "byline", "credit", "label", "caption"):
        return [(start, end, paragraph.kind)] + _person_regions(paragraph, start)
    regions = []
    if paragraph.lead_end:
        regions.append((start, start + paragraph.lead_end, "byline"))
    if paragraph.byline_at is not None:
        regions.append((start + paragraph.byline_at, end, "byline"))
    if is_cut(paragraph) and paragraph.index not in joined_heads:
        regions.append((start, end, "cut"))
    return regions + _person_regions(paragraph, start)


def _person_regions(paragraph: Paragraph, start: int) -> list[tuple[int, int, str]]:
    """Where each name of a byline, a lead or a photo credit stands: these are PERSON mentions."""
    regions = _name_regions(paragraph.text, paragraph.lead_names, 0, start)
    if paragraph.names_are_people:
        regions += _name_regions(paragraph.text, paragraph.names, paragraph.byline_at or 0, start)
    return regions


def _name_regions(text: str, names: tuple[str, ...], cursor: int, start: int) -> list[tuple[int, int, str]]:
    regions = []
    for name in names:
        at = text.find(name, cursor)
        if at < 0:
            continue
        regions.append((start + at, start + at + len(name), "person"))
        cursor = at + len(name)
    return regions
