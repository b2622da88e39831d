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
from typing import Callable, Optional

import pyarrow as pa

from pipeline.config import Config
from pipeline.extract.measures.stage import Carried, measure_documents
from pipeline.extract.stage import extract_documents
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
    its sentences, mentions and measures are empty afterwards."""
    windows = deque(sentence_windows(document.sentences, config.extract.window_chars))
    document.sentences, document.mentions, document.measures = [], [], []
    regions = sorted(document.regions)
    region_starts = [start for start, _end, _kind in regions]
    chunks: dict[str, list[pa.Table]] = {table: [] for table in WINDOWED_TABLES}
    n_entities = n_measures = 0
    window_start = 0
    carried: Carried = {}  # a governing period goes on into the next window
    while windows:
        sentences = windows.popleft()  # let go of as its rows are made
        window_end = windows[0][0].start if windows else len(document.text)
        window = replace(document, sentences=sentences, mentions=[], measures=[], tables=None,
                         articles=_articles_within(document.articles, window_start, window_end),
                         # the bylines and credits from this window's start to the next's are read with it
                         regions=regions[bisect_left(region_starts, window_start):
                                         bisect_left(region_starts, window_end)])
        extract_documents([window], config)
        measure_documents([window], config, carried)
        chunks["sentences"].append(to_table("sentences", sentence_rows(window)))
        chunks["entities"].append(to_table("entities", mention_rows(window, first_seq=n_entities + 1)))
        chunks["measures"].append(to_table("measures", measure_rows(window, first_seq=n_measures + 1,
                                                                    first_entity_seq=n_entities + 1)))
        n_entities += len(window.mentions)
        n_measures += len(window.measures)
        window_start = window_end
    document.tables = {table: pa.concat_tables(found) for table, found in chunks.items()}
    if on_documents_done is not None:
        on_documents_done(1)


def _articles_within(articles: list[Article], start: int, end: int) -> list[Article]:
    """The parts of ``articles`` between ``start`` and ``end``: what reads an article (its agreed names,
    the place it names most) reads the window's part of it, not every window the whole again."""
    return [replace(article, start=max(article.start, start), end=min(article.end, end))
            for article in articles if article.start < end and start < article.end]
