"""Where the spaCy components run: in this process, or spread over worker processes.

The pipeline is built once per process (per Dask worker) and reused for every
batch.  The name model is most of a run's time and holds the GIL, so with the
local runner a large batch's sentences are spread over worker processes (one
per core unless ``extract.processes`` says otherwise).  Each worker builds the
pipeline once and lives until the run ends; the results do not depend on how
many there are.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import Callable, Iterator, Optional

from spacy.language import Language

from pipeline.config import Config, Home
from pipeline.extract.nlp import build_nlp, carrier_doc, get_mentions
from pipeline.run.shutdown import follow_parent, starting_children
from pipeline.types import Mention

log = logging.getLogger(__name__)

# Sentences per nlp.pipe batch: large enough to amortise per-batch overhead.
PIPE_BATCH = 512
# Sentences per piece of work sent to a worker process: the name model reads a
# piece in batches of up to 2,048 (pipeline/extract/names/statistical.py), and a
# batch of 500,000 characters still makes several pieces for two workers.
WORKER_CHUNK = 2048
# Below this many characters a batch runs in this process: starting the
# workers (each imports spaCy and loads the models, ~3 s here) costs more
# than they would save.
MIN_CHARS_FOR_WORKERS = 100_000


@lru_cache(maxsize=4)
def _nlp_for(config_json: str):
    return build_nlp(Config.model_validate_json(config_json))


def nlp_for(config: Config):
    """One spaCy pipeline per process and configuration."""
    return _nlp_for(config.model_dump_json())


# a text the components read, its publication date and home place (None: the config's)
Segment = tuple[str, Optional[date], Optional[Home]]
# told the number of segments done so far, in order (a progress report)
SegmentsDone = Optional[Callable[[int], None]]


def mentions_in(nlp: Language, segments: list[Segment], on_done: SegmentsDone = None) -> list[list[Mention]]:
    """Every component's mentions in each segment, offsets into the segment."""
    def docs():
        for text, pub_date, home in segments:
            doc = carrier_doc(nlp, text)
            doc._.pub_date = pub_date
            doc._.home = home
            yield doc

    found = []
    for doc in nlp.pipe(docs(), batch_size=PIPE_BATCH):
        found.append(get_mentions(doc))
        if on_done is not None and len(found) % PIPE_BATCH == 0:
            on_done(len(found))
    return found


def _worker_start(config_json: str, parent_pid: int) -> None:
    # A worker ends with the run however the run ends (even SIGKILL), and leaves
    # Ctrl-C to it: the run ends its workers itself (pipeline/run/shutdown.py),
    # and a worker's KeyboardInterrupt would only print a traceback.  SIGINT
    # came blocked from the parent (_spawning_deaf_to_sigint); one sent to the
    # group while the worker started is dropped here.
    follow_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _nlp_for(config_json)


@contextmanager
def _spawning_deaf_to_sigint() -> Iterator[None]:
    """A process started inside inherits this thread's signal mask: SIGINT blocked until ``_worker_start``."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_mentions(config_json: str, segments: list[Segment]) -> list[list[Mention]]:
    return mentions_in(_nlp_for(config_json), segments)


_pools: dict[tuple[str, int], ProcessPoolExecutor] = {}
# Two batches can be in their extract stage at once (pipeline/run/runner.py
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
                                      initializer=_worker_start, initargs=(config_json, os.getpid()))
    return _pools[key]


def stop_workers() -> None:
    """Ends the extract workers (at the end of a run, so a long-lived `serve` does not keep them)."""
    while _pools:
        _pools.popitem()[1].shutdown(cancel_futures=True)


atexit.register(stop_workers)


# The mentions of segments handed to the components: called, it waits for them.
Pending = Callable[[], list[list[Mention]]]


def _start_on_workers(config: Config, segments: list[Segment], workers: int, on_done: SegmentsDone = None) -> Pending:
    config_json = config.model_dump_json()
    chunks = [segments[i:i + WORKER_CHUNK] for i in range(0, len(segments), WORKER_CHUNK)]
    pool = _pool_for(config_json, workers)

    def broken() -> list[list[Mention]]:
        # A worker died (killed, out of memory, or could not start): this batch runs
        # here instead, and the next one gets a fresh pool.
        with _pool_lock:
            if _pools.get((config_json, workers)) is pool:
                _pools.pop((config_json, workers))
        log.warning("an extract worker process ended abruptly; running this batch in the flow's process")
        return _mentions_here(config, segments, on_done)

    try:
        with _spawning_deaf_to_sigint(), starting_children():  # the pool starts its workers as work is submitted
            results = pool.map(_worker_mentions, [config_json] * len(chunks), chunks)
    except BrokenProcessPool:
        return broken

    def collect() -> list[list[Mention]]:
        found: list[list[Mention]] = []
        try:
            for chunk in results:  # in order, as each piece comes back
                found += chunk
                if on_done is not None:
                    on_done(len(found))
        except BrokenProcessPool:
            return broken()
        return found

    return collect


def start_segment_mentions(config: Config, segments: list[Segment], on_done: SegmentsDone = None) -> Pending:
    """Hands the segments to the components: on worker processes, which start on them at once, or
    (a small batch, or no workers) here when the result is asked for."""
    workers = worker_count(config)
    if workers > 1 and sum(len(segment[0]) for segment in segments) >= MIN_CHARS_FOR_WORKERS:
        return _start_on_workers(config, segments, workers, on_done)
    return lambda: _mentions_here(config, segments, on_done)


def segment_mentions(config: Config, segments: list[Segment], on_done: SegmentsDone = None) -> list[list[Mention]]:
    return start_segment_mentions(config, segments, on_done)()


def _mentions_here(config: Config, segments: list[Segment], on_done: SegmentsDone = None) -> list[list[Mention]]:
    with _in_process_lock:
        return mentions_in(nlp_for(config), segments, on_done)
