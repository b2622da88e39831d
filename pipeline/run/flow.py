"""The run as a Prefect flow: one task run per stage per batch of documents.

    ingest -> normalize -> layout repair -> articles -> sentences -> extract -> measures -> write

Task runs cost ~25 ms each here and a burst of thousands keeps Prefect's
server busy for minutes, so a task handles a batch (configs: batching), never
a document or a sentence.  Each stage turns a document it cannot handle into
an error row and passes the rest on, so one bad input never stops a run.
Batches go through the stages a few at a time and are written as they finish,
so memory stays flat however large the corpus is.

The same text from a second source (wire copy, a caption printed on two
days) is a repeat, not an error: the first copy in input order is the
document, every later one is a row of ``repeats`` pointing at it.  A copy of a
document an earlier run wrote is recognised at ingest and not processed
again; copies within this run are settled as batches are written, in batch
order, so which copy is kept never depends on the runner or the batch size.
"""
from __future__ import annotations

import logging
import traceback
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Optional, TypeVar

from pipeline.run.prefect_env import configure_prefect

configure_prefect()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import PrefectFuture  # noqa: E402

from pipeline import __version__  # noqa: E402
from pipeline.config import Config, use_tables  # noqa: E402
from pipeline.errors import (EXIT_OK, EXIT_REFUSED, ERROR, WARNING, ConfigError, OutputError,  # noqa: E402
                             Warnings, stage_failure)
from pipeline.extract.measures.stage import measure_documents  # noqa: E402
from pipeline.extract.stage import extract_documents  # noqa: E402
from pipeline.extract.windows import extract_in_windows, is_long  # noqa: E402
from pipeline.extract.workers import nlp_for, stop_workers  # noqa: E402
from pipeline.layout.articles import find_articles  # noqa: E402
from pipeline.layout.repair import Layout, repair_layout  # noqa: E402
from pipeline.layout.sentences import split_sentences  # noqa: E402
from pipeline.look.summary import RunTotals  # noqa: E402
from pipeline.read.formats import read_input  # noqa: E402
from pipeline.read.inputs import InputFile, discover_inputs, split_jsonl  # noqa: E402
from pipeline.read.normalize import normalize_text  # noqa: E402
from pipeline.run.progress import RunProgress  # noqa: E402
from pipeline.run.progress import active as active_progress  # noqa: E402
from pipeline.run.runner import batches_in_flight, shared_prefect_api, task_runner_for  # noqa: E402
from pipeline.tables.claim import check_owned, claimed_folder  # noqa: E402
from pipeline.tables.folder import KnownSources, OutputFolder  # noqa: E402
from pipeline.tables.rows import error_rows, run_row  # noqa: E402
from pipeline.types import Document, ErrorRow, RawDocument, Repeat  # noqa: E402

T = TypeVar("T")
U = TypeVar("U")


@dataclass
class Staged:
    """A document on its way through the stages."""

    document: Document
    layout: Optional[Layout] = None


class Batch:
    """One batch of inputs and what the stages have made of it so far.

    A plain class on purpose: Prefect walks dataclasses, lists and dicts
    passed to a task looking for futures, which for a batch of documents
    means every sentence and mention; a plain object is left alone.
    """

    def __init__(self, seq: int, items: list[InputFile]):
        self.seq = seq
        self.items = items
        self.raws: list[RawDocument] = []
        self.staged: list[Staged] = []
        self.documents: list[Document] = []
        self.errors: list[ErrorRow] = []
        self.repeats: list[Repeat] = []
        self.n_skipped = 0


@dataclass
class RunSummary:
    run_id: str
    n_inputs: int = 0
    n_documents: int = 0
    n_skipped: int = 0
    n_replaced: int = 0  # sources whose earlier version this run replaced (tables/versions.py)
    n_reprocessed: int = 0  # documents extracted again with the same text (--reprocess)
    errors: list[ErrorRow] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)  # not errors: they leave the exit status alone

    @property
    def refused(self) -> list[ErrorRow]:
        return [row for row in self.errors if row.severity == ERROR]

    @property
    def warnings(self) -> list[ErrorRow]:
        return [row for row in self.errors if row.severity == WARNING]

    @property
    def exit_code(self) -> int:
        return EXIT_REFUSED if self.refused else EXIT_OK


def doc_id_for(raw: RawDocument) -> str:
    return raw.content_sha256[:16]


def repeat_of(doc_id: str, copy: RawDocument | Document) -> Repeat:
    return Repeat(doc_id=doc_id, source=copy.source, source_format=copy.source_format, encoding=copy.encoding,
                  pub_date=copy.pub_date, title=copy.title, source_id=copy.source_id or copy.source, url=copy.url)


def repeat_from_row(row: dict) -> Repeat:
    return Repeat(**{name: row[name] for name in Repeat.__dataclass_fields__})


def _each(stage: str, items: list[T], work: Callable[[T], U], source: Callable[[T], str],
          errors: list[ErrorRow]) -> list[U]:
    """Applies ``work`` to every item; an item that raises becomes an error row."""
    done: list[U] = []
    for item in items:
        try:
            done.append(work(item))
        except Exception as error:  # one bad document must not stop the batch
            logging.getLogger(__name__).debug("stage %s failed:\n%s", stage, traceback.format_exc())
            errors.append(stage_failure(source(item), stage, error))
    return done


def _staged_source(item: Staged) -> str:
    return item.document.source


def _source(document: Document) -> str:
    return document.source


# --- tasks: one run per stage per batch -------------------------------------
# No cache policy: the default one hashes every input (the whole batch) for a
# cache key this pipeline never uses; the content hash already skips re-work.


def _sort_by_earlier_runs(batch: Batch, raw: RawDocument, known: KnownSources, reprocess: bool = False) -> None:
    """New text goes on through the stages; text an earlier run wrote goes no further.

    The text its source (source_id) holds now is unchanged and skipped (a
    re-run changes no table), unless ``reprocess`` asks for a document's own
    source to be extracted again; from another source it is a repeat.  A new
    text for a known source is a new version (tables/versions.py replaces the
    old one when it is written).  A repeat recorded of a document ``pipeline
    repair`` dropped is skipped too, while the document's own source brings it back.
    """
    doc_id = doc_id_for(raw)
    if known.held_by(raw.source_id) == doc_id:
        if reprocess and known.owner(doc_id) == raw.source_id:
            batch.raws.append(raw)
        else:
            batch.n_skipped += 1
    elif not known.holds(doc_id):
        batch.raws.append(raw)
    else:
        batch.repeats.append(repeat_of(doc_id, raw))


def _last_text_of_each_source(documents: list[RawDocument], errors: list[ErrorRow]) -> list[RawDocument]:
    """One text per source_id in an input: a later record with the same feed id is that page's version.

    Without this an earlier record and a later one would replace each other on
    every run (each looks like a new version of what the other left).
    """
    last = {raw.source_id: raw for raw in documents}
    for raw in documents:
        later = last[raw.source_id]
        if later is not raw and later.content_sha256 != raw.content_sha256:
            errors.append(Warnings.DUPLICATE_ID.row(raw.source, source_id=raw.source_id, later=later.source))
    return [raw for raw in documents if last[raw.source_id] is raw or
            last[raw.source_id].content_sha256 == raw.content_sha256]


@task(name="ingest", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def ingest_task(batch: Batch, config: Config, cli_pub_date: Optional[date], known: KnownSources,
                reprocess: bool = False) -> Batch:
    """Reads and decodes the batch's files; text written by an earlier run is skipped or recorded as a repeat."""
    # A retry runs on the same Batch: without a fresh start a file read before
    # the failure would be there twice, the second copy taken for a repeat of itself.
    batch.raws, batch.repeats, batch.errors, batch.n_skipped = [], [], [], 0
    for item in batch.items:
        documents, refused = read_input(item, cli_pub_date, config.ingest.bad_bytes, config.home_for(item.path))
        for raw in _last_text_of_each_source(documents, batch.errors):
            _sort_by_earlier_runs(batch, raw, known, reprocess)
        batch.errors.extend(refused)
    if (progress := active_progress()) is not None:
        progress.inputs_read(batch.seq, len(batch.items), len(batch.raws))
    if batch.n_skipped:
        get_run_logger().info("batch %d: %d document(s) unchanged since an earlier run, skipped",
                              batch.seq, batch.n_skipped)
    return batch


@task(name="normalize", cache_policy=NO_CACHE)
def normalize_task(batch: Batch, config: Config) -> Batch:
    use_tables(config)  # the task may run in a Dask worker that has not seen the config
    def normalize(raw: RawDocument) -> Staged:
        text = normalize_text(raw.text)
        if not text.strip():
            raise ValueError("nothing left after normalization (only control characters or spaces)")
        return Staged(Document(doc_id=doc_id_for(raw), source=raw.source, source_format=raw.source_format,
                               encoding=raw.encoding, pub_date=raw.pub_date, title=raw.title, text=text,
                               content_sha256=raw.content_sha256, home=raw.home, source_id=raw.source_id,
                               url=raw.url))

    batch.staged = _each("normalize", batch.raws, normalize, lambda raw: raw.source, batch.errors)
    batch.raws = []
    return batch


@task(name="layout repair", cache_policy=NO_CACHE)
def layout_task(batch: Batch, config: Config) -> Batch:
    use_tables(config)  # the task may run in a Dask worker that has not seen the config
    def repair(item: Staged) -> Staged:
        layout = repair_layout(item.document.text)
        return Staged(replace(item.document, text=layout.text, regions=layout.regions), layout)

    batch.staged = _each("layout", batch.staged, repair, _staged_source, batch.errors)
    return batch


@task(name="articles", cache_policy=NO_CACHE)
def articles_task(batch: Batch, config: Config) -> Batch:
    use_tables(config)  # the task may run in a Dask worker that has not seen the config
    def articles(item: Staged) -> Staged:
        assert item.layout is not None
        found = find_articles(item.layout, item.document.doc_id, item.document.title)
        return Staged(replace(item.document, articles=found), item.layout)

    batch.staged = _each("articles", batch.staged, articles, _staged_source, batch.errors)
    return batch


@task(name="sentences", cache_policy=NO_CACHE)
def sentences_task(batch: Batch, config: Config) -> Batch:
    use_tables(config)  # the task may run in a Dask worker that has not seen the config
    def sentences(item: Staged) -> Document:
        assert item.layout is not None
        found = split_sentences(item.layout, item.document.articles, item.document.doc_id)
        return replace(item.document, sentences=found)

    batch.documents = _each("sentences", batch.staged, sentences, _staged_source, batch.errors)
    batch.staged = []
    return batch


@task(name="extract", retries=1, cache_policy=NO_CACHE)
def extract_task(batch: Batch, config: Config) -> Batch:
    use_tables(config)
    progress = active_progress()
    report = progress.documents_extracted if progress is not None else None

    def one(document: Document) -> Document:
        if is_long(document, config):
            if document.tables is None:  # not already done by a try before this retry
                extract_in_windows(document, config, report)
        else:
            extract_documents([document], config, report)
        return document

    long_ones = [d for d in batch.documents if is_long(d, config)]
    try:
        extract_documents([d for d in batch.documents if not is_long(d, config)], config, report)
    except Exception:
        long_ones = batch.documents  # the batch failed as a whole; find the documents that cause it
    failed = {id(d) for d in long_ones} - {id(d) for d in _each("extract", long_ones, one, _source, batch.errors)}
    batch.documents = [d for d in batch.documents if id(d) not in failed]
    return batch


@task(name="measures", cache_policy=NO_CACHE)
def measures_task(batch: Batch, config: Config) -> Batch:
    use_tables(config)
    """What each number measures (docs/measures.md), from the entities the batch's documents hold."""
    def measure(document: Document) -> Document:
        if document.tables is None:  # a document extracted in windows was measured window by window
            measure_documents([document], config)
        return document

    batch.documents = _each("measures", batch.documents, measure, _source, batch.errors)
    return batch


@task(name="write", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_task(output: OutputFolder, batch: Batch, run_id: str) -> int:
    # Also without documents: the batch's repeats may replace versions (a page that now repeats another).
    output.commit_batch(batch.documents, run_id)
    return len(batch.documents)


# --- batching ------------------------------------------------------------------


def make_batches(items: list[InputFile], config: Config) -> list[list[InputFile]]:
    """Groups inputs into batches of about ``batching.max_chars`` characters.

    File size stands in for characters (Chinese text in UTF-8 or GBK takes
    two to three bytes a character), so batches are known before reading;
    a large JSONL feed is cut into chunks of whole lines first.
    """
    budget = config.batching.max_chars * 3
    batches: list[list[InputFile]] = []
    current: list[InputFile] = []
    size = 0
    for item in (chunk for item in items for chunk in split_jsonl(item, budget)):
        if current and (size + item.size > budget or len(current) >= config.batching.max_documents):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += item.size
    if current:
        batches.append(current)
    return batches


def submit_batch(batch: Batch, config: Config, cli_pub_date: Optional[date], known: KnownSources,
                 reprocess: bool = False) -> PrefectFuture:
    """Submits the stages for one batch, each a task run fed by the one before."""
    future = ingest_task.submit(batch, config, cli_pub_date, known, reprocess)
    for stage in (normalize_task, layout_task, articles_task, sentences_task):
        future = stage.submit(future, config)
    return measures_task.submit(extract_task.submit(future, config), config)


def _keep_first_copies(batch: Batch, written: set[str]) -> Batch:
    """A document whose text this run already wrote becomes a repeat of it.

    Called in batch order as batches are written, so the first copy in input
    order is the one kept, however the inputs were batched.
    """
    kept: list[Document] = []
    for document in batch.documents:
        if document.doc_id in written:
            batch.repeats.append(repeat_of(document.doc_id, document))
        else:
            written.add(document.doc_id)
            kept.append(document)
    batch.documents = kept
    return batch


@flow(name="newspaper-extraction", validate_parameters=False)
def extraction_flow(inputs: list[str], out: str, config: Config, config_sha256: str,
                    cli_pub_date: Optional[date] = None, run_id: Optional[str] = None,
                    reprocess: bool = False) -> RunSummary:
    logger = get_run_logger()
    started_at = datetime.now(timezone.utc)
    summary = RunSummary(run_id=run_id or new_run_id(started_at))
    load_components(config)
    output = OutputFolder(Path(out))  # claimed and prepared by run_pipeline
    items, refused = discover_inputs(inputs)
    summary.n_inputs = len(items) + len(refused)
    summary.errors.extend(refused)
    # Its runs row is committed with each batch, so a committed batch never lacks it.
    output.begin_run(run_row(summary.run_id, started_at, started_at, summary.n_inputs, 0, 0, config_sha256,
                             __version__))
    known = output.known_sources()  # as earlier runs left it; this run's documents are in `written`
    written: set[str] = set()
    batches = make_batches(items, config)
    logger.info("%d input file(s) in %d batch(es); %d document(s) already in %s",
                len(items), len(batches), len(known), out)
    in_flight: deque[PrefectFuture] = deque()

    progress = RunProgress(sum(len(batch) for batch in batches), len(batches)).activate()
    totals = RunTotals()

    def write_next() -> None:
        batch = in_flight.popleft().result()
        progress.batch_extracted(batch.seq, len(batch.documents))
        batch = _keep_first_copies(batch, written)
        summary.errors.extend(batch.errors)
        summary.n_skipped += batch.n_skipped
        output.add_repeats(batch.repeats, summary.run_id)
        try:
            summary.n_documents += write_task(output, batch, summary.run_id)
        except OutputError as error:  # a full disk: say what this run committed and what it did not
            raise output.stopped(error, len(batches)) from None
        totals.add(batch.documents)
        progress.batch_written(len(batch.items), sum(len(d.text) for d in batch.documents),
                               sum(d.n_mentions for d in batch.documents))

    # A few batches in flight keep every worker busy while memory stays bounded;
    # results are written in batch order, so output is the same for any runner.
    for seq, items_in_batch in enumerate(batches):
        in_flight.append(submit_batch(Batch(seq, items_in_batch), config, cli_pub_date, known, reprocess))
        if len(in_flight) >= batches_in_flight(config):
            write_next()
    while in_flight:
        write_next()
    progress.close()
    try:
        output.finish_run(error_rows(summary.errors, summary.run_id), datetime.now(timezone.utc), summary.n_skipped)
        summary.repeats = [repeat_from_row(row) for row in output.written_repeats]
        summary.n_replaced = output.committed_run["n_replaced"]
        summary.n_reprocessed = output.committed_run["n_reprocessed"]
        if "csv" in config.output.formats:
            output.write_csv()
    except OutputError as error:
        raise output.stopped(error, len(batches)) from None
    totals.publish()
    logger.info("run %s: %d new document(s), %d repeat(s) of a kept document recorded, %d skipped, %d error(s), "
                "%d warning(s)", summary.run_id, summary.n_documents, len(summary.repeats), summary.n_skipped,
                len(summary.refused), len(summary.warnings))
    return summary


def load_components(config: Config) -> None:
    """Builds the extractors once up front, so a missing model fails the run before any output."""
    try:
        nlp_for(config)
    except Exception as error:
        raise ConfigError(f"extract.components: {error}") from None


def check_before_starting(out: str, config: Config) -> None:
    """Refuses what can be refused before the Prefect server starts (10-30 s): the components, the output path."""
    load_components(config)
    check_owned(Path(out))


def new_run_id(started_at: datetime) -> str:
    return f"{started_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def run_pipeline(inputs: list[str], out: str, config: Config, config_sha256: str,
                 cli_pub_date: Optional[date] = None, wait: bool = False, reprocess: bool = False) -> RunSummary:
    """The flow on the configured runner, holding the output folder (``wait``: for the run that holds it;
    ``reprocess``: documents already written from the same source and text are extracted again and replace their rows).

    The folder is claimed, locked and checked before the Prefect server
    starts, so a refusal takes no 10-30 s.
    """
    check_before_starting(out, config)
    with claimed_folder(Path(out), wait=wait):
        OutputFolder(Path(out)).prepare()
        return _run_flow(inputs, out, config, config_sha256, cli_pub_date, reprocess)


def _run_flow(inputs: list[str], out: str, config: Config, config_sha256: str,
              cli_pub_date: Optional[date], reprocess: bool = False) -> RunSummary:
    with shared_prefect_api():
        configured = extraction_flow.with_options(task_runner=task_runner_for(config))
        try:
            return configured(inputs=inputs, out=out, config=config, config_sha256=config_sha256,
                              cli_pub_date=cli_pub_date, reprocess=reprocess)
        finally:
            stop_workers()
