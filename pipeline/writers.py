"""Writers: the seven contract tables as Parquet (and CSV with a BOM).

Layout of an output folder::

    DIR/<table>/part-<key>.parquet   one file per committed batch (or run)
    DIR/csv/<table>.csv              the whole table, rewritten after each run

Every file is written under a temporary name and renamed into place, so a
crash leaves the previous state or the new one, never a torn file.  A batch
is committed when its ``documents`` part lands, which is renamed last; on the
next run, parts of other tables without their ``documents`` part are the
remains of a killed run and are removed before anything else happens.

Parts are only ever added, never rewritten: readers that load new part files
as they appear see every change.  A folder holds one column layout per table
(duckdb refuses a glob whose files disagree, pandas silently takes the first
file's columns), so a run refuses a folder with parts this version would not
write alongside.
"""
from __future__ import annotations

import hashlib
import logging
import os
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from .types import Document, ErrorRow, Mention, Repeat

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
# Versions whose parts this one appends to as they are: version 2 added the
# repeats table and changed no column of the other six.
COMPATIBLE_VERSIONS = ("1", SCHEMA_VERSION)
TABLES = ("documents", "repeats", "articles", "sentences", "entities", "runs", "errors")
BATCH_TABLES = ("articles", "sentences", "entities", "documents")  # documents last: the commit

_S, _I, _F, _D = pa.string(), pa.int64(), pa.float64(), pa.date32()
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", _S), ("source", _S), ("source_format", _S), ("encoding", _S),
                            ("pub_date", _D), ("title", _S), ("n_chars", _I), ("text", _S), ("run_id", _S)]),
    "repeats": pa.schema([("doc_id", _S), ("source", _S), ("source_format", _S), ("encoding", _S),
                          ("pub_date", _D), ("title", _S), ("run_id", _S)]),
    "articles": pa.schema([("doc_id", _S), ("article_id", _S), ("seq", _I), ("title", _S), ("start", _I),
                           ("end", _I), ("authors", _S), ("continued_from", _S)]),
    "sentences": pa.schema([("doc_id", _S), ("article_id", _S), ("sentence_id", _S), ("seq", _I), ("start", _I),
                            ("end", _I), ("text", _S), ("duplicate_of", _S), ("layout", _S)]),
    "entities": pa.schema([("doc_id", _S), ("article_id", _S), ("sentence_id", _S), ("entity_id", _S),
                           ("label", _S), ("text", _S), ("start", _I), ("end", _I), ("norm", _S),
                           ("value", _F), ("value_max", _F), ("unit", _S), ("currency", _S), ("qualifier", _S),
                           ("date_value", _S), ("date_start", _D), ("date_end", _D), ("grain", _S),
                           ("source", _S)]),
    "runs": pa.schema([("run_id", _S), ("started_at", pa.timestamp("us", tz="UTC")),
                       ("finished_at", pa.timestamp("us", tz="UTC")), ("n_inputs", _I), ("n_documents", _I),
                       ("n_errors", _I), ("config_sha256", _S), ("pipeline_version", _S)]),
    "errors": pa.schema([("run_id", _S), ("source", _S), ("stage", _S), ("error_type", _S), ("message", _S)]),
}
AUTHOR_SEPARATOR = "、"


class OutputError(Exception):
    """The output folder cannot be written; the previous tables are intact."""


# --- rows -------------------------------------------------------------------


def _float(value: Optional[Decimal]) -> Optional[float]:
    return None if value is None else float(value)


def document_rows(document: Document, run_id: str) -> list[dict[str, Any]]:
    return [{
        "doc_id": document.doc_id, "source": document.source, "source_format": document.source_format,
        "encoding": document.encoding, "pub_date": document.pub_date, "title": document.title,
        "n_chars": len(document.text), "text": document.text, "run_id": run_id,
    }]


def article_rows(document: Document) -> list[dict[str, Any]]:
    return [{
        "doc_id": document.doc_id, "article_id": a.article_id, "seq": a.seq, "title": a.title,
        "start": a.start, "end": a.end, "authors": AUTHOR_SEPARATOR.join(a.authors) or None,
        "continued_from": a.continued_from,
    } for a in document.articles]


def sentence_rows(document: Document) -> list[dict[str, Any]]:
    return [{
        "doc_id": document.doc_id, "article_id": s.article_id, "sentence_id": s.sentence_id, "seq": s.seq,
        "start": s.start, "end": s.end, "text": s.text, "duplicate_of": s.duplicate_of, "layout": s.layout or None,
    } for s in document.sentences]


@dataclass(frozen=True)
class EntityRow:
    doc_id: str
    article_id: Optional[str]
    sentence_id: Optional[str]
    entity_id: str
    mention: Mention


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


def mention_rows(document: Document) -> list[dict[str, Any]]:
    rows = []
    for row in entity_rows(document):
        m = row.mention
        rows.append({
            "doc_id": row.doc_id, "article_id": row.article_id, "sentence_id": row.sentence_id,
            "entity_id": row.entity_id, "label": m.label, "text": m.text, "start": m.start, "end": m.end,
            "norm": m.norm, "value": _float(m.value), "value_max": _float(m.value_max), "unit": m.unit,
            "currency": m.currency, "qualifier": m.qualifier, "date_value": m.date_value,
            "date_start": m.date_start, "date_end": m.date_end, "grain": m.grain, "source": m.source,
        })
    return rows


def repeat_rows(repeats: Iterable[Repeat], run_id: str) -> list[dict[str, Any]]:
    return [{"doc_id": r.doc_id, "source": r.source, "source_format": r.source_format, "encoding": r.encoding,
             "pub_date": r.pub_date, "title": r.title, "run_id": run_id} for r in repeats]


def error_rows(errors: Iterable[ErrorRow], run_id: str) -> list[dict[str, Any]]:
    return [{"run_id": run_id, "source": e.source, "stage": e.stage, "error_type": e.error_type,
             "message": e.message} for e in errors]


def to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = SCHEMAS[name].with_metadata({"schema_version": SCHEMA_VERSION})
    return pa.Table.from_pylist(rows, schema=schema)


# --- the output folder ------------------------------------------------------


def batch_key(doc_ids: Iterable[str]) -> str:
    """A part name that depends only on which documents the batch holds."""
    return hashlib.sha256("\n".join(sorted(doc_ids)).encode()).hexdigest()[:20]


class KnownSources:
    """The sources each committed document's text was read from (documents.source, repeats.source).

    A plain class, not a dict: Prefect walks dicts passed to a task entry by entry.
    """

    def __init__(self, sources: Optional[dict[str, set[str]]] = None):
        self._sources: dict[str, set[str]] = sources if sources is not None else {}

    def __len__(self) -> int:
        return len(self._sources)

    def holds(self, doc_id: str) -> bool:
        return doc_id in self._sources

    def read_from(self, doc_id: str, source: str) -> bool:
        return source in self._sources.get(doc_id, ())

    def add(self, doc_id: str, source: str) -> None:
        self._sources.setdefault(doc_id, set()).add(source)


class OutputFolder:
    def __init__(self, root: Path):
        self.root = Path(root)

    def prepare(self) -> None:
        """Creates the folders, checks they are writable and of this schema, clears a killed run's remains."""
        try:
            for name in TABLES:
                (self.root / name).mkdir(parents=True, exist_ok=True)
            probe = self.root / f".write-probe-{os.getpid()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as error:
            raise OutputError(f"cannot write to the output folder {self.root}: {error.strerror}") from None
        # Before any removal: a folder of another layout is left exactly as it is.
        self.check_schemas()
        self._remove_uncommitted()

    def check_schemas(self) -> None:
        """Refuses parts this version would not write alongside: another column layout or version."""
        for table in TABLES:
            for part in sorted((self.root / table).glob("part-*.parquet")):
                problem = _schema_problem(table, part)
                if problem is not None:
                    raise OutputError(f"{part} {problem}; this pipeline writes schema version {SCHEMA_VERSION} "
                                      f"and cannot append to it: write to a new --out folder")

    def _remove_uncommitted(self) -> None:
        for temporary in self.root.rglob("*.tmp"):
            temporary.unlink(missing_ok=True)
        committed = {path.name for path in (self.root / "documents").glob("part-*.parquet")}
        for name in BATCH_TABLES[:-1]:
            for path in (self.root / name).glob("part-*.parquet"):
                if path.name not in committed:
                    log.warning("removing %s: its batch never committed (an earlier run was killed)", path)
                    path.unlink()

    def known_sources(self) -> KnownSources:
        """The documents earlier runs committed, with every source their text was read from."""
        known = KnownSources()
        for table in ("documents", "repeats"):
            for path in sorted((self.root / table).glob("part-*.parquet")):
                columns = pq.read_table(path, columns=["doc_id", "source"]).to_pydict()
                for doc_id, source in zip(columns["doc_id"], columns["source"]):
                    known.add(doc_id, source)
        return known

    def write_part(self, table: str, key: str, rows: list[dict[str, Any]]) -> None:
        self._atomic(self.root / table / f"part-{key}.parquet",
                     lambda tmp: pq.write_table(to_table(table, rows), tmp, compression="zstd"))

    def commit_batch(self, documents: list[Document], run_id: str) -> None:
        key = batch_key(document.doc_id for document in documents)
        rows = {
            "articles": [r for d in documents for r in article_rows(d)],
            "sentences": [r for d in documents for r in sentence_rows(d)],
            "entities": [r for d in documents for r in mention_rows(d)],
            "documents": [r for d in documents for r in document_rows(d, run_id)],
        }
        written: list[Path] = []
        try:
            for table in BATCH_TABLES:
                self.write_part(table, key, rows[table])
                written.append(self.root / table / f"part-{key}.parquet")
        except OutputError:
            # Leave no half batch behind for readers (the next run would clear it too).
            for path in written:
                path.unlink(missing_ok=True)
            raise

    def write_csv(self) -> None:
        for table in TABLES:
            frame = self.read(table)
            self._atomic(self.root / "csv" / f"{table}.csv",
                         lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))

    def read(self, table: str):
        import pandas as pd

        parts = sorted((self.root / table).glob("part-*.parquet"))
        if not parts:
            return to_table(table, []).to_pandas()
        frames = [pq.read_table(part, schema=SCHEMAS[table]).to_pandas() for part in parts]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _atomic(self, target: Path, write) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            write(temporary)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None


def _schema_problem(table: str, part: Path) -> Optional[str]:
    """Why this version must not append to the part's table, or None."""
    try:
        schema = pq.read_schema(part)
    except (OSError, pa.ArrowException) as error:
        raise OutputError(f"cannot read {part}: {error}") from None
    version = (schema.metadata or {}).get(b"schema_version", b"").decode()
    if version not in COMPATIBLE_VERSIONS:
        return f"was written with schema version {version or '(none)'}"
    expected = SCHEMAS[table]
    if not schema.remove_metadata().equals(expected):
        return (f"has the columns {', '.join(f'{f.name} ({f.type})' for f in schema)} instead of "
                f"{', '.join(f'{f.name} ({f.type})' for f in expected)}")
    return None


def run_row(run_id: str, started_at: datetime, finished_at: datetime, n_inputs: int, n_documents: int,
            n_errors: int, config_sha256: str, pipeline_version: str) -> dict[str, Any]:
    return {"run_id": run_id, "started_at": started_at, "finished_at": finished_at, "n_inputs": n_inputs,
            "n_documents": n_documents, "n_errors": n_errors, "config_sha256": config_sha256,
            "pipeline_version": pipeline_version}

