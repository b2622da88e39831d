"""Extract stage: runs the spaCy entity components over each sentence.

Mentions come back with sentence offsets and are shifted to document offsets
here; where components disagree, the longer span wins (docs/entities.md; the one
tie-break policy is pipeline/text.py's ``resolve_overlaps``).  Names
found in bylines and photo credits by layout repair are PERSON mentions too,
and the names an article agrees on correct the model where it strayed from them
(pipeline/extract/consistency.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from bisect import bisect_right
from itertools import accumulate
from typing import Callable, Optional

from pipeline.config import Config
from pipeline.extract.consistency import with_agreed_labels, with_cut_names_restored
from pipeline.extract.workers import Pending, start_segment_mentions
from pipeline.text import resolve_overlaps
from pipeline.types import Document, Mention

log = logging.getLogger(__name__)

# Layout regions outside the sentences that still name people, bodies, places
# and dates: bylines and leads, credits, and headings (titles, not sentences).
AUTHOR_REGIONS = ("byline", "credit", "heading")


def _segments(document: Document) -> list[tuple[int, str]]:
    """(offset, text) of everything the components read: sentences, bylines and credits."""
    segments = [(sentence.start, sentence.text) for sentence in document.sentences]
    segments += [(start, document.text[start:end]) for start, end, kind in document.regions
                 if kind in AUTHOR_REGIONS]
    return segments


def _layout_people(document: Document) -> list[Mention]:
    """Names that layout repair found in bylines and photo credits."""
    return [Mention("PERSON", start, end, document.text[start:end], "layout", norm=document.text[start:end])
            for start, end, kind in document.regions if kind == "person"]


def extract_documents(documents: list[Document], config: Config,
                      on_documents_done: Optional[Callable[[int], None]] = None) -> None:
    """Fills ``document.mentions`` for every document in the batch; ``on_documents_done(n)`` hears
    of documents whose every segment is through the components, as they come."""
    finish_extracting(start_extracting(documents, config, on_documents_done))


@dataclass
class Extracting:
    """Documents whose segments are with the components (pipeline/extract/workers.py)."""

    documents: list[Document]
    jobs: list[tuple[Document, int, str]]  # (document, offset, text) of each segment
    done: Optional["DocumentsDone"]
    pending: Pending


def start_extracting(documents: list[Document], config: Config,
                     on_documents_done: Optional[Callable[[int], None]] = None) -> Extracting:
    """Hands the documents' segments to the components; ``finish_extracting`` takes their mentions.
    In between the caller may do other work while worker processes extract (windows.py does)."""
    per_document = [_segments(document) for document in documents]
    jobs = [(document, offset, text) for document, segments in zip(documents, per_document)
            for offset, text in segments]
    done = DocumentsDone([len(segments) for segments in per_document], on_documents_done) \
        if on_documents_done else None
    pending = start_segment_mentions(config, [(text, document.pub_date, document.home)
                                              for document, _offset, text in jobs], done)
    return Extracting(documents, jobs, done, pending)


def finish_extracting(extracting: Extracting) -> None:
    """Fills ``document.mentions`` of the documents ``start_extracting`` handed over."""
    documents, jobs = extracting.documents, extracting.jobs
    found_in_segments = extracting.pending()
    if extracting.done is not None:
        extracting.done(len(jobs))
    found: dict[str, list[Mention]] = {document.doc_id: _layout_people(document) for document in documents}
    for index, ((document, offset, _text), mentions) in enumerate(zip(jobs, found_in_segments)):
        found_in_segments[index] = []  # each segment's mentions go as their shifted copies come
        for mention in mentions:
            shifted = mention.shifted(offset)
            if document.text[shifted.start:shifted.end] != shifted.text:
                log.error("%s: dropped a mention whose offsets do not match its text: %r", document.doc_id, mention)
                continue
            found[document.doc_id].append(shifted)
    for document in documents:
        document.mentions = _consistent_within_articles(document, resolve_overlaps(found[document.doc_id]))


class DocumentsDone:
    """Turns "the first N segments are done" into "K more documents are done" (segments in document order)."""

    def __init__(self, segments_per_document: list[int], report: Callable[[int], None]):
        self._ends = list(accumulate(segments_per_document))
        self._report = report
        self._reported = 0

    def __call__(self, n_segments_done: int) -> None:
        n_documents = bisect_right(self._ends, n_segments_done)
        if n_documents > self._reported:
            self._report(n_documents - self._reported)
            self._reported = n_documents


def _consistent_within_articles(document: Document, mentions: list[Mention]) -> list[Mention]:
    """An article's agreed label and full name where the model strayed."""
    articles = [(a.start, a.end) for a in document.articles] or [(0, len(document.text))]
    mentions = with_cut_names_restored(document.text, articles, with_agreed_labels(articles, mentions))
    return sorted(mentions, key=lambda m: (m.start, m.end))
