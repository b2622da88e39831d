"""A document of millions of characters, extracted a window of its sentences at a time.

A page of tens of MB with no line break is one document and, read whole, one
article.  Extracted whole, every sentence's mentions and measures stand as
Python objects until the document is written: about 100-140 bytes a character,
2.3 GB for a 50 MB page.  Past ``extract.window_chars`` the extract stage instead
takes a window of consecutive sentences (with the bylines and credits between
them) through the components and the measures, turns its rows into tables and
lets its objects go before it reads the next.  The document keeps its text,
articles and those tables (``Document.tables``), which the writer stamps and
writes as it writes any document's rows (pipeline/tables/rows.py batch_table).

Windows are cut between sentences, so no mention is cut, and entities and
measures are numbered on from the windows before.  What a window does not see
of the rest of a long article: its agreed names and labels
(pipeline/extract/consistency.py) are agreed within each window's part of it,
and the place it names most (a measure's place where its clause names none)
is counted there.  A period that governs the sentences after it (docs/measures.md)
goes on into the next window.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import deque
from dataclasses import replace
from typing import Callable, Iterator, Optional

import pyarrow as pa

from pipeline.config import Config
from pipeline.extract.measures.stage import Carried, measure_documents
from pipeline.extract.stage import finish_extracting, start_extracting
from pipeline.tables.rows import WINDOWED_TABLES, measure_rows, mention_rows, sentence_rows
from pipeline.tables.schemas import to_table
from pipeline.types import Article, Document, Sentence


def is_long(document: Document, config: Config) -> bool:
    return len(document.text) > config.extract.window_chars


def sentence_windows(sentences: list[Sentence], window_chars: int) -> list[list[Sentence]]:
    """Consecutive sentences in text order, a window closed once it holds ``window_chars`` characters."""
    windows: list[list[Sentence]] = [[]]
    size = 0
    for sentence in sorted(sentences, key=lambda s: s.start):
        if size >= window_chars:
            windows.append([])
            size = 0
        windows[-1].append(sentence)
        size += sentence.end - sentence.start
    return [window for window in windows if window] or [[]]


def extract_in_windows(document: Document, config: Config,
                       on_documents_done: Optional[Callable[[int], None]] = None) -> None:
    """Fills ``document.tables`` with the rows of its sentences, entities and measures, a window at a time;
    its sentences, mentions and measures are empty afterwards.

    The next window is handed to the components before this one is measured and tabled, so the
    worker processes are not left waiting for that: two windows at most are held at once."""
    windows = deque(_window_views(document, sentence_windows(document.sentences, config.extract.window_chars)))
    document.sentences, document.mentions, document.measures = [], [], []
    chunks: dict[str, list[pa.Table]] = {table: [] for table in WINDOWED_TABLES}
    n_entities = n_measures = 0
    carried: Carried = {}  # a governing period goes on into the next window
    extracting = start_extracting([windows.popleft()], config)
    while extracting is not None:
        following = start_extracting([windows.popleft()], config) if windows else None
        finish_extracting(extracting)
        window = extracting.documents[0]
        measure_documents([window], config, carried)
        chunks["sentences"].append(to_table("sentences", sentence_rows(window)))
        chunks["entities"].append(to_table("entities", mention_rows(window, first_seq=n_entities + 1)))
        chunks["measures"].append(to_table("measures", measure_rows(window, first_seq=n_measures + 1,
                                                                    first_entity_seq=n_entities + 1)))
        n_entities += len(window.mentions)
        n_measures += len(window.measures)
        extracting = following
    document.tables = {table: pa.concat_tables(found) for table, found in chunks.items()}
    if on_documents_done is not None:
        on_documents_done(1)


def _window_views(document: Document, windows: list[list[Sentence]]) -> Iterator[Document]:
    """The document as each window shows it: its sentences, the bylines and credits from its start
    to the next window's, and its part of each article."""
    regions = sorted(document.regions)
    region_starts = [start for start, _end, _kind in regions]
    window_start = 0
    for index, sentences in enumerate(windows):
        window_end = windows[index + 1][0].start if index + 1 < len(windows) else len(document.text)
        yield replace(document, sentences=sentences, mentions=[], measures=[], tables=None,
                      articles=_articles_within(document.articles, window_start, window_end),
                      regions=regions[bisect_left(region_starts, window_start):bisect_left(region_starts, window_end)])
        window_start = window_end


def _articles_within(articles: list[Article], start: int, end: int) -> list[Article]:
    """The parts of ``articles`` between ``start`` and ``end``: what reads an article (its agreed names,
    the place it names most) reads the window's part of it, not every window the whole again."""
    return [replace(article, start=max(article.start, start), end=min(article.end, end))
            for article in articles if article.start < end and start < article.end]
