"""The output folder: the tables as Parquet parts (and CSV with a BOM), written atomically.

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
from pathlib import Path
from typing import Any, Iterable, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import OutputError
from pipeline.tables.rows import article_rows, document_rows, measure_rows, mention_rows, sentence_rows
from pipeline.tables.schemas import BATCH_TABLES, COMPATIBLE_VERSIONS, SCHEMA_VERSION, SCHEMAS, TABLES, to_table
from pipeline.types import Document

log = logging.getLogger(__name__)


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
            "measures": [r for d in documents for r in measure_rows(d)],
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
            # whole numbers stay whole where a column has nulls (measures.indicator_start: 1660, not 1660.0)
            frame = self.read(table, integer_object_nulls=True)
            self._atomic(self.root / "csv" / f"{table}.csv",
                         lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))

    def read(self, table: str, integer_object_nulls: bool = False):
        import pandas as pd

        parts = sorted((self.root / table).glob("part-*.parquet"))
        if not parts:
            return to_table(table, []).to_pandas(integer_object_nulls=integer_object_nulls)
        frames = [pq.read_table(part, schema=SCHEMAS[table]).to_pandas(integer_object_nulls=integer_object_nulls)
                  for part in parts]
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
