"""Extract stage: runs the spaCy entity components over each sentence.

The pipeline is built once per process (per Dask worker) and reused for every
batch.  Mentions come back with sentence offsets and are shifted to document
offsets here; where components disagree, the longer span wins (ENTITIES.md).
"""
from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from .config import Config
from .nlp import build_nlp, get_mentions
from .types import Document, Mention

log = logging.getLogger(__name__)

# Sentences per nlp.pipe batch: large enough to amortise per-batch overhead.
PIPE_BATCH = 256
# Layout regions outside the sentences that still name people and bodies.
AUTHOR_REGIONS = ("byline", "credit")


@dataclass(frozen=True)
class EntityRow:
    doc_id: str
    article_id: Optional[str]
    sentence_id: Optional[str]
    entity_id: str
    mention: Mention


@lru_cache(maxsize=4)
def _nlp_for(config_json: str):
    from .config import Config as _Config

    return build_nlp(_Config.model_validate_json(config_json))


def nlp_for(config: Config):
    """One spaCy pipeline per process and configuration."""
    return _nlp_for(config.model_dump_json())


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longer spans first, then earlier ones.

    Accepted spans never overlap, so only a candidate's neighbours among them
    (found by bisection) can clash: O(n log n) for a document of any size.
    """
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start, m.label)):
        if mention.end <= mention.start:
            continue
        at = bisect_right(starts, mention.start)
        if at > 0 and ends[at - 1] > mention.start:
            continue
        if at < len(starts) and starts[at] < mention.end:
            continue
        starts.insert(at, mention.start)
        ends.insert(at, mention.end)
        chosen.append(mention)
    return sorted(chosen, key=lambda m: (m.start, m.end))


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


def extract_documents(documents: list[Document], config: Config) -> None:
    """Fills ``document.mentions`` for every document in the batch."""
    nlp = nlp_for(config)
    jobs = [(document, offset, text) for document in documents for offset, text in _segments(document)]

    def docs():
        for document, _offset, text in jobs:
            doc = nlp.make_doc(text)
            doc._.pub_date = document.pub_date
            yield doc

    found: dict[str, list[Mention]] = {document.doc_id: _layout_people(document) for document in documents}
    for (document, offset, _text), doc in zip(jobs, nlp.pipe(docs(), batch_size=PIPE_BATCH)):
        for mention in get_mentions(doc):
            shifted = mention.shifted(offset)
            if document.text[shifted.start:shifted.end] != shifted.text:
                log.error("%s: dropped a mention whose offsets do not match its text: %r", document.doc_id, mention)
                continue
            found[document.doc_id].append(shifted)
    for document in documents:
        document.mentions = resolve_overlaps(found[document.doc_id])


def entity_rows(document: Document) -> list[EntityRow]:
    """Mentions with the ids of the article and sentence they sit in.

    A name in a byline or credit sits in an article but in no sentence.
    """
    sentences = sorted(document.sentences, key=lambda s: s.start)
    sentence_starts = [s.start for s in sentences]
    articles = sorted(document.articles, key=lambda a: a.start)
    article_starts = [a.start for a in articles]
    rows = []
    for seq, mention in enumerate(sorted(document.mentions, key=lambda m: (m.start, m.end)), start=1):
        sentence = _containing(sentences, sentence_starts, mention)
        article = _containing(articles, article_starts, mention)
        rows.append(EntityRow(document.doc_id, article.article_id if article else None,
                              sentence.sentence_id if sentence else None, f"{document.doc_id}-e{seq:05d}", mention))
    return rows


def _containing(spans: list, starts: list[int], mention: Mention):
    index = bisect_right(starts, mention.start) - 1
    if index >= 0 and spans[index].start <= mention.start and mention.end <= spans[index].end:
        return spans[index]
    return None
