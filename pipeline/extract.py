"""Extract stage: runs the spaCy entity components over each sentence.

The pipeline is built once per process (per Dask worker) and reused for every
batch.  Mentions come back with sentence offsets and are shifted to document
offsets here; where components disagree, the longer span wins (ENTITIES.md).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .config import Config
from .nlp import build_nlp, get_mentions
from .types import Document, Mention

log = logging.getLogger(__name__)

# Sentences per nlp.pipe batch: large enough to amortise per-batch overhead.
PIPE_BATCH = 256


@dataclass(frozen=True)
class EntityRow:
    doc_id: str
    article_id: str
    sentence_id: str
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
    """Non-overlapping mentions, longer spans first, then earlier ones."""
    chosen: list[Mention] = []
    occupied: list[tuple[int, int]] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start, m.label)):
        if mention.end <= mention.start:
            continue
        if any(mention.start < end and start < mention.end for start, end in occupied):
            continue
        chosen.append(mention)
        occupied.append((mention.start, mention.end))
    return sorted(chosen, key=lambda m: (m.start, m.end))


def extract_documents(documents: list[Document], config: Config) -> None:
    """Fills ``document.mentions`` for every document in the batch."""
    nlp = nlp_for(config)
    if not nlp.pipe_names:
        return
    jobs = [(document, sentence) for document in documents for sentence in document.sentences]

    def docs():
        for document, sentence in jobs:
            doc = nlp.make_doc(sentence.text)
            doc._.pub_date = document.pub_date
            yield doc

    found: dict[str, list[Mention]] = {document.doc_id: [] for document in documents}
    for (document, sentence), doc in zip(jobs, nlp.pipe(docs(), batch_size=PIPE_BATCH)):
        for mention in resolve_overlaps(get_mentions(doc)):
            shifted = mention.shifted(sentence.start)
            if document.text[shifted.start:shifted.end] != shifted.text:
                log.error("%s: dropped a mention whose offsets do not match its text: %r", sentence.sentence_id, mention)
                continue
            found[document.doc_id].append(shifted)
    for document in documents:
        document.mentions = found[document.doc_id]


def entity_rows(document: Document) -> list[EntityRow]:
    """Mentions with the ids of the article and sentence they sit in."""
    rows = []
    sentences = sorted(document.sentences, key=lambda s: s.start)
    cursor = 0
    for seq, mention in enumerate(sorted(document.mentions, key=lambda m: (m.start, m.end)), start=1):
        while cursor < len(sentences) - 1 and sentences[cursor].end <= mention.start:
            cursor += 1
        sentence = sentences[cursor]
        rows.append(EntityRow(document.doc_id, sentence.article_id, sentence.sentence_id,
                              f"{document.doc_id}-e{seq:05d}", mention))
    return rows
