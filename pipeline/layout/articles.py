"""Articles: the repaired page cut into the articles printed on it.

A heading starts an article (its text is the title; a plain headline's second
line adds to it).  A continuation marker right under a heading says where that
article continues from; a marker after an article's text starts a new,
untitled article (the rest of a story from another page).  A lead (本报讯（记者
张伟）) after an article's text starts a new one too, and names its authors.  A
byline or credit after an article's text closes it: body text after it belongs
to the next one; printed before the text, it names the authors and closes
nothing.  Text before any heading belongs to an article titled with the
document's own title, if it has one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from pipeline.layout.repair import Layout, Placed
from pipeline.types import Article


@dataclass
class _Draft:
    title: Optional[str]
    start: int
    end: int
    authors: list[str] = field(default_factory=list)
    continued_from: Optional[str] = None
    has_body: bool = False
    closed: bool = False


def find_articles(layout: Layout, doc_id: str, default_title: Optional[str] = None) -> list[Article]:
    drafts: list[_Draft] = []
    for paragraph in layout.paragraphs:
        current = drafts[-1] if drafts else None
        if current is None or _starts_article(paragraph, current):
            title = paragraph.title if paragraph.kind == "heading" else (None if drafts else default_title)
            current = _Draft(title=title, start=paragraph.start, end=paragraph.end)
            drafts.append(current)
        _absorb(current, paragraph)
    return [
        Article(article_id=f"{doc_id}-a{seq:03d}", seq=seq, title=draft.title, start=draft.start, end=draft.end,
                authors=tuple(dict.fromkeys(draft.authors)), continued_from=draft.continued_from)
        for seq, draft in enumerate(drafts, start=1)
    ]


def _starts_article(paragraph: Placed, current: _Draft) -> bool:
    if paragraph.kind == "heading":
        return not (paragraph.continues_heading and not current.has_body)
    if paragraph.kind == "marker" or paragraph.opens_story:
        return current.has_body
    return paragraph.is_body and current.closed and not paragraph.joined


def _absorb(draft: _Draft, paragraph: Placed) -> None:
    draft.end = paragraph.end
    if paragraph.kind == "marker":
        draft.continued_from = draft.continued_from or paragraph.page
    if paragraph.is_body:
        draft.has_body = True
    draft.authors.extend(paragraph.names)  # only bylines, credits and leads name anyone
    if paragraph.closes_article and draft.has_body:
        draft.closed = True
