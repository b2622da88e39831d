"""Extract stage: runs the spaCy entity components over each sentence.

The pipeline is built once per process (per Dask worker) and reused for every
batch.  Mentions come back with sentence offsets and are shifted to document
offsets here; where components disagree, the longer span wins (ENTITIES.md).

The name model is most of a run's time and holds the GIL, so with the local
runner a large batch's sentences are spread over worker processes (one per
core unless ``extract.processes`` says otherwise).  Each worker builds the
pipeline once and lives until the run ends; the results do not depend on how
many there are.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from bisect import bisect_right
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable, Optional

from spacy.language import Language

from .config import Config
from .consistency import Coverage, repeated_names, with_agreed_labels, with_cut_names_restored
from .names import NameTables, load_tables, sits_on_word_boundaries
from .nlp import build_nlp, carrier_doc, get_mentions
from .types import Document, Mention

log = logging.getLogger(__name__)

# Sentences per nlp.pipe batch: large enough to amortise per-batch overhead.
PIPE_BATCH = 512
# Sentences per piece of work sent to a worker process.
WORKER_CHUNK = 1024
# Below this many characters a batch runs in this process: starting the
# workers (each imports spaCy and loads the models, ~3 s here) costs more
# than they would save.
MIN_CHARS_FOR_WORKERS = 100_000
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
    taken = Coverage(())
    chosen: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start, m.label)):
        if mention.end > mention.start and taken.is_free(mention.start, mention.end):
            taken.add(mention.start, mention.end)
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


Segment = tuple[str, Optional[date]]  # a text the components read, and its publication date


def mentions_in(nlp: Language, segments: list[Segment]) -> list[list[Mention]]:
    """Every component's mentions in each segment, offsets into the segment."""
    def docs():
        for text, pub_date in segments:
            doc = carrier_doc(nlp, text)
            doc._.pub_date = pub_date
            yield doc

    return [get_mentions(doc) for doc in nlp.pipe(docs(), batch_size=PIPE_BATCH)]


def _worker_start(config_json: str) -> None:
    _nlp_for(config_json)


def _worker_mentions(config_json: str, segments: list[Segment]) -> list[list[Mention]]:
    return mentions_in(_nlp_for(config_json), segments)


_pools: dict[tuple[str, int], ProcessPoolExecutor] = {}
# Two batches can be in their extract stage at once (pipeline/runner.py
# batches_in_flight): they share one pool, and a batch that runs in this
# process runs alone (the stages hold the GIL; nothing is lost by waiting).
_pool_lock = threading.Lock()
_in_process_lock = threading.Lock()


def worker_count(config: Config) -> int:
    """Processes for the extract stage: one per core with the local runner,
    none of its own on Dask (each Dask worker is already a process)."""
    if config.runner.kind != "local":
        return 1
    return config.extract.processes or os.cpu_count() or 1


def _pool_for(config_json: str, workers: int) -> ProcessPoolExecutor:
    key = (config_json, workers)
    with _pool_lock:
        return _pools.get(key) or _new_pool(key)


def _new_pool(key: tuple[str, int]) -> ProcessPoolExecutor:
    config_json, workers = key
    # Each worker is one process on one core: a BLAS thread pool per worker would oversubscribe.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # spawn, not fork: the parent runs Prefect's threads and event loop, which a fork would copy mid-flight.
    _pools[key] = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_worker_start, initargs=(config_json,))
    return _pools[key]


def stop_workers() -> None:
    """Ends the extract workers (at the end of a run, so a long-lived `serve` does not keep them)."""
    while _pools:
        _pools.popitem()[1].shutdown(cancel_futures=True)


atexit.register(stop_workers)


def _mentions_on_workers(config: Config, segments: list[Segment], workers: int) -> list[list[Mention]]:
    config_json = config.model_dump_json()
    chunks = [segments[i:i + WORKER_CHUNK] for i in range(0, len(segments), WORKER_CHUNK)]
    pool = _pool_for(config_json, workers)
    try:
        results = pool.map(_worker_mentions, [config_json] * len(chunks), chunks)
        return [mentions for chunk in results for mentions in chunk]
    except BrokenProcessPool:
        # A worker died (killed, out of memory, or could not start): this batch runs
        # here instead, and the next one gets a fresh pool.
        with _pool_lock:
            if _pools.get((config_json, workers)) is pool:
                _pools.pop((config_json, workers))
        log.warning("an extract worker process ended abruptly; running this batch in the flow's process")
        return _mentions_here(config, segments)


def segment_mentions(config: Config, segments: list[Segment]) -> list[list[Mention]]:
    workers = worker_count(config)
    if workers > 1 and sum(len(text) for text, _ in segments) >= MIN_CHARS_FOR_WORKERS:
        return _mentions_on_workers(config, segments, workers)
    return _mentions_here(config, segments)


def _mentions_here(config: Config, segments: list[Segment]) -> list[list[Mention]]:
    with _in_process_lock:
        return mentions_in(nlp_for(config), segments)


def extract_documents(documents: list[Document], config: Config) -> None:
    """Fills ``document.mentions`` for every document in the batch."""
    jobs = [(document, offset, text) for document in documents for offset, text in _segments(document)]
    found_in_segments = segment_mentions(config, [(text, document.pub_date) for document, _offset, text in jobs])
    found: dict[str, list[Mention]] = {document.doc_id: _layout_people(document) for document in documents}
    for (document, offset, _text), mentions in zip(jobs, found_in_segments):
        for mention in mentions:
            shifted = mention.shifted(offset)
            if document.text[shifted.start:shifted.end] != shifted.text:
                log.error("%s: dropped a mention whose offsets do not match its text: %r", document.doc_id, mention)
                continue
            found[document.doc_id].append(shifted)
    tables = load_tables(config.home.province or "", config.home.city or "")  # the components' own, cached
    for document in documents:
        document.mentions = _consistent_within_articles(document, resolve_overlaps(found[document.doc_id]), tables)


def _consistent_within_articles(document: Document, mentions: list[Mention], tables: NameTables) -> list[Mention]:
    """An article's agreed label and full name where the model strayed, then the
    other occurrences of the names it agrees on."""
    articles = [(a.start, a.end) for a in document.articles] or [(0, len(document.text))]
    mentions = with_cut_names_restored(document.text, articles, with_agreed_labels(articles, mentions))
    repeats = repeated_names(document.text, articles, [(s.start, s.end) for s in document.sentences], mentions,
                             lambda text, start, end: sits_on_word_boundaries(text, start, end, tables))
    return sorted(mentions + repeats, key=lambda m: (m.start, m.end))


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
