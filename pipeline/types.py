"""The records that flow between stages.

Every offset is a Python ``str`` index into the document's normalized text
(``Document.text``), end exclusive, so ``text[start:end]`` is the mention.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # pipeline.config imports pipeline.errors, which imports this module
    from pipeline.config import Home


@dataclass(frozen=True)
class RawDocument:
    """One input document as read from disk, before normalization."""

    source: str  # path (plus ``#L<n>`` for a JSONL line)
    source_format: str  # txt | md | html | jsonl
    encoding: str
    text: str
    title: Optional[str] = None
    pub_date: Optional[date] = None
    external_id: Optional[str] = None
    content_sha256: str = ""
    home: Optional[Home] = None  # its home place (sidecar, feed, its folder's or the config's)
    url: Optional[str] = None  # a feed record's url

    @property
    def source_id(self) -> str:
        """What a page is known by across runs: a feed's id, else its url, else the source (path, path#Ln)."""
        return self.external_id or self.url or self.source


@dataclass(frozen=True, slots=True)
class Article:
    article_id: str
    seq: int
    title: Optional[str]
    start: int
    end: int
    authors: tuple[str, ...] = ()
    continued_from: Optional[str] = None


@dataclass(frozen=True, slots=True)
class Sentence:
    sentence_id: str
    article_id: str
    seq: int
    start: int
    end: int
    text: str
    duplicate_of: Optional[str] = None
    layout: str = ""  # what layout repair says of it: heading, label, caption, joined, cut


@dataclass(slots=True)  # slots: a page of millions of characters holds hundreds of thousands of them
class Mention:
    """An entity mention with its resolved value.

    Extractors return these with offsets relative to the text they were given;
    the extract stage shifts them to document offsets.  ``value`` is exact
    (Decimal) until the writer turns it into float64.
    """

    label: str
    start: int
    end: int
    text: str
    source: str  # the component that found it
    norm: Optional[str] = None
    value: Optional[Decimal] = None
    value_max: Optional[Decimal] = None
    unit: Optional[str] = None
    currency: Optional[str] = None
    qualifier: Optional[str] = None
    date_value: Optional[str] = None
    date_start: Optional[date] = None
    date_end: Optional[date] = None
    grain: Optional[str] = None
    # a GPE's place (pipeline/extract/names/hierarchy.py): the division code (ISO 3166
    # alpha-2 for a country) and the Chinese province, city and county it lies in
    place_code: Optional[str] = None
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None

    def shifted(self, offset: int) -> "Mention":
        from dataclasses import replace

        return replace(self, start=self.start + offset, end=self.end + offset)


@dataclass(frozen=True, slots=True)
class Measure:
    """What one number measures (docs/measures.md): a row of ``measures``.

    ``number`` is the MONEY, PERCENT or QUANTITY mention itself; the indicator
    has offsets into the document text only where it is one span of it.
    """

    number: Mention
    sentence_id: str
    indicator: Optional[str]
    indicator_start: Optional[int]
    indicator_end: Optional[int]
    kind: str  # level | change
    direction: Optional[str]  # up | down, for a change
    basis: Optional[str]  # yoy | mom, for a change
    target: bool
    period: Optional[str]
    period_start: Optional[date]
    period_end: Optional[date]
    place: Optional[str]


@dataclass
class Document:
    """A document after layout repair: the text every offset refers to."""

    doc_id: str
    source: str
    source_format: str
    encoding: str
    pub_date: Optional[date]
    title: Optional[str]
    text: str
    content_sha256: str
    articles: list[Article] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    # layout notes: (start, end, kind) regions of the text that are not running
    # text (markers, bylines, credits, captions) or cuts left unjoined.
    regions: list[tuple[int, int, str]] = field(default_factory=list)
    source_id: str = ""  # RawDocument.source_id; empty: the source itself
    url: Optional[str] = None
    # its home place (我市 -> its city); None: the run config's home
    home: Optional[Home] = None
    # The rows of its sentences, entities and measures as pyarrow tables, where it was extracted in
    # windows (pipeline/extract/windows.py) and its sentences, mentions and measures were let go
    # window by window; None: its rows are made from those lists when it is written.
    tables: Optional[dict[str, Any]] = None

    @property
    def n_mentions(self) -> int:
        return self.tables["entities"].num_rows if self.tables is not None else len(self.mentions)


@dataclass(frozen=True)
class Repeat:
    """An input whose text is that of a document already kept: recorded, not processed again.

    Wire copy, a caption printed on two days, a short sentence in a test set:
    the same content from another source is normal input, so it is no error.
    Its own source, date and title are kept, since they are what differs.
    """

    doc_id: str  # the document kept (the content hash both share)
    source: str
    source_format: str
    encoding: str
    pub_date: Optional[date]
    title: Optional[str]
    source_id: str = ""  # RawDocument.source_id; empty: the source itself
    url: Optional[str] = None


@dataclass(frozen=True)
class ErrorRow:
    """A refused input, or a warning about one: made by pipeline.errors (a Refusal's or a
    Warning's row, or a stage's failure)."""

    source: str
    stage: str
    error_type: str  # a pipeline.errors.Refusals error_type, or the class name of what a stage raised
    message: str
    # "error": the input (or its part) was refused; "warning": it was read, and the row says
    # what was skipped, replaced or left unknown (a skipped file, bad bytes, no pub_date)
    severity: str = "error"
