"""The output folder: the tables as Parquet parts (and CSV with a BOM), committed batch by batch.

Layout of an output folder (docs/output.md)::

    DIR/.pipeline-output.json        the marker: a pipeline output, and its schema version (claim.py)
    DIR/.pipeline.lock               one run at a time (claim.py)
    DIR/manifest.json                the committed parts, with sizes and checksums, and the runs' rows
    DIR/<table>/pub_month=YYYY-MM/part-<key>.parquet
                                     a document table's rows of one month from one committed batch
    DIR/<table>/part-<key>.parquet   a run table's part (runs, errors, repeats, superseded)
    DIR/csv/<table>/pub_month=YYYY-MM.csv, DIR/csv/<table>.csv
                                     the same as CSV, rewritten where their parts changed (layout.py)

Every file is written under a temporary name and renamed into place.  A batch
is committed when the manifest naming its parts, and holding its run's
``runs`` row, is renamed into place (manifest.py): its parts and the run's
row are written first, so a committed batch never lacks its ``runs`` row.
Before a run adds anything, ``prepare`` checks every committed part against
the manifest (a part missing or changed is an error naming it and the repair
command), removes what a killed run left uncommitted (only the pipeline's own
part and temporary files) and rewrites a ``runs`` part that is not the row
the manifest holds (a run killed between the two).

Parts are only ever added, never rewritten, but for a run's ``runs`` part,
which is replaced at each of its commits with the counts so far.  A folder
holds one column layout per table (duckdb refuses a glob whose files
disagree, pandas silently takes the first file's columns), so a run refuses a
folder with parts this version would not write alongside.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import ERROR, WARNING, OutputError, PartlyWrittenError
from pipeline.tables.claim import CSV_STATE, is_own_temporary
from pipeline.tables.layout import (CSV_FOLDER, PARTITIONED_TABLES, UNDATED, csv_path, is_in_place, is_partitioned,
                                    month_of, month_of_part, part_path, parts_on_disk, split_by_month)
from pipeline.tables.manifest import Damage, Manifest, Part, bytes_digest, damage_of
from pipeline.tables.rows import batch_table, document_rows, repeat_rows
from pipeline.tables.schemas import (BATCH_TABLES, COMPATIBLE_VERSIONS, SCHEMA_VERSION, SCHEMAS, TABLES,
                                     schema_written_by, to_table, write_parquet)
from pipeline.tables.versions import Holding, KnownSources, Plan, Versions, source_id_of
from pipeline.types import Document, Repeat

log = logging.getLogger(__name__)

SHOWN_DAMAGE = 10  # damaged parts an error names; the rest are counted


def batch_key(doc_ids: Iterable[str]) -> str:
    """A part name that depends only on which documents the batch holds."""
    return hashlib.sha256("\n".join(sorted(doc_ids)).encode()).hexdigest()[:20]


def part_key(path: Path) -> str:
    return path.name[len("part-"):-len(".parquet")]


def repair_command(root: Path) -> str:
    return f"pipeline repair {root}"


class OutputFolder:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._manifest: Optional[Manifest] = None
        self._run: Optional[dict[str, Any]] = None  # the runs row of the run in progress, as last committed
        self._run_committed = False
        self._batches_committed = 0
        self._run_finished = False
        self._versions: Optional[Versions] = None
        self._pending: list[Holding] = []  # this run's repeats, written when it finishes
        self._order = 0  # this run's holdings in the order they were read
        self._n_superseded_parts = 0
        self.written_repeats: list[dict[str, Any]] = []  # the repeats rows the run's finish wrote

    # --- before a run ------------------------------------------------------------

    def prepare(self) -> None:
        """Makes the folders; checks the committed parts and their schema; clears a killed run's remains.

        Called under the folder's lock (claim.claimed_folder).
        """
        self._make_folders()
        manifest = Manifest.load(self.root)
        if manifest is not None:
            self._refuse_damage(manifest.damage(self.root, skip_tables=("runs",)))
        # Before any removal: a folder of another layout is left exactly as it is.
        self.check_schemas()
        self._manifest = manifest if manifest is not None else self.adopt()
        self._versions = None  # read again from what is committed now
        self._remove_uncommitted()
        self._restore_runs_parts()
        self._upgrade_older_parts()

    def _make_folders(self) -> None:
        try:
            for name in TABLES:
                (self.root / name).mkdir(parents=True, exist_ok=True)
            probe = self.root / f".write-probe-{os.getpid()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as error:
            raise OutputError(f"cannot write to the output folder {self.root}: {error.strerror}") from None

    def _refuse_damage(self, damage: list[Damage]) -> None:
        if not damage:
            return
        listed = "; ".join(found.describe(self.root) for found in damage[:SHOWN_DAMAGE])
        more = f"; and {len(damage) - SHOWN_DAMAGE} more" if len(damage) > SHOWN_DAMAGE else ""
        raise OutputError(f"{len(damage)} committed part(s) of {self.root} are damaged: {listed}{more}. "
                          f"Run `{repair_command(self.root)}` to drop their batches; the next run then "
                          "re-extracts their sources")

    def check_schemas(self) -> None:
        """Refuses parts this version would not write alongside: another column layout or version."""
        for table in TABLES:
            for part in parts_on_disk(self.root, table):
                problem = _schema_problem(table, part)
                if problem is not None:
                    raise OutputError(f"{part} {problem}; this pipeline writes schema version {SCHEMA_VERSION} "
                                      f"and cannot append to it: write to a new --out folder")

    def adopt(self) -> Manifest:
        """A manifest of the parts there, saved: for a folder written before manifests (or whose manifest is lost).

        A batch is committed when its documents part is there, as before
        manifests, where that part was renamed into place last.
        """
        manifest = Manifest()
        documents = {part_key(path): path for path in parts_on_disk(self.root, "documents")}
        run_of_batch = {key: _first_run_id(path) for key, path in documents.items()}
        for table in TABLES:
            for path in parts_on_disk(self.root, table):
                key = part_key(path)
                if table not in BATCH_TABLES:
                    manifest.add(self.root, path, None, key.split(".")[0])  # part-<run_id>[.<rewrite>]
                elif key in documents:
                    manifest.add(self.root, path, key, run_of_batch[key])
        for path in parts_on_disk(self.root, "runs"):
            for row in _rows_or_none(path) or ():
                manifest.runs[row["run_id"]] = row
        if manifest.parts:
            log.info("%s was written before manifests: its %d committed parts are listed in a new manifest",
                     self.root, len(manifest.parts))
            manifest.save(self.root)
        return manifest

    def _remove_uncommitted(self) -> None:
        """What a killed run left: the pipeline's temporary files, and parts no manifest commits."""
        for path in self.root.rglob(".*.tmp"):
            if is_own_temporary(self.root, path):
                path.unlink(missing_ok=True)
        for table in TABLES:
            for path in parts_on_disk(self.root, table):
                if path.relative_to(self.root).as_posix() not in self.manifest.parts:
                    log.warning("removing %s: its batch never committed (an earlier run was killed)", path)
                    path.unlink()

    def _restore_runs_parts(self) -> None:
        """A runs part that is not the row the manifest holds is rewritten from it (a run killed between the two)."""
        manifest = self.manifest.copy()
        for run_id, row in sorted(manifest.runs.items()):
            path = self._part_path("runs", run_id)
            entry = manifest.parts.get(path.relative_to(self.root).as_posix())
            if entry is None or damage_of(path, entry) is not None:
                log.warning("rewriting %s from the manifest's runs row", path)
                self._write_run(manifest, row)
        if manifest.parts != self.manifest.parts:
            manifest.save(self.root)
            self._manifest = manifest

    def _upgrade_older_parts(self) -> None:
        """Parts an older schema version wrote, rewritten with this version's columns (null where they
        had none) and where this version puts them (a document table's flat part split into its months),
        and committed like any rewrite: pandas.read_parquet and a plain DuckDB glob take the first
        part's columns, so a folder of mixed layouts would hide the newer columns from them."""
        manifest = self.manifest.copy()
        written: list[Path] = []
        for path, part in sorted(self.manifest.parts.items()):
            if _schema_version(self.root / path) == SCHEMA_VERSION and is_in_place(part.table, path):
                continue
            data = pq.read_table(self.root / path, schema=SCHEMAS[part.table])
            data = data.replace_schema_metadata({"schema_version": SCHEMA_VERSION})
            # a runs part keeps its name (the manifest's runs row restores it); the others take a new one,
            # so that the old file stays what the old manifest names until the new one is saved
            key = part_key(self.root / path) if part.table == "runs" else f"{part_key(self.root / path)}.v{SCHEMA_VERSION}"
            months = {month_of_part(path) or UNDATED} if data.num_rows == 0 else set()
            targets = self._write_parts(part.table, key, data, months)
            written += targets
            manifest.drop(path)
            for target in targets:
                manifest.add(self.root, target, part.batch, part.run_id)
        if written:
            log.info("%s: %d part(s) of an older schema version rewritten as version %s", self.root, len(written),
                     SCHEMA_VERSION)
            self._commit(manifest, written)

    @property
    def manifest(self) -> Manifest:
        """The manifest this writer commits to (a folder from before manifests gets one first)."""
        if self._manifest is None:
            self._manifest = Manifest.load(self.root) or self.adopt()
        return self._manifest

    def known_sources(self) -> KnownSources:
        """The documents earlier runs committed, and the text each source holds now."""
        return self.versions.known()

    @property
    def versions(self) -> Versions:
        """Every committed document and repeat by source_id (versions.py), read once and kept up to date."""
        if self._versions is None:
            self._versions = self._read_versions()
        return self._versions

    def _read_versions(self) -> Versions:
        versions = Versions()
        starts = {run_id: _iso(row.get("started_at")) for run_id, row in self.manifest.runs.items()}
        for table in ("documents", "repeats"):
            for part in self.manifest.in_table(table):
                path = self.root / part.path
                columns = [name for name in pq.read_schema(path).names if name not in ("text",)]
                for row in pq.read_table(path, columns=columns).to_pylist():
                    run_id = row.get("run_id") or part.run_id or ""
                    versions.add(Holding(source_id_of(row), row["doc_id"], table == "documents",
                                         (starts.get(run_id, ""), run_id, 0), row, part.path))
        return versions

    # --- a run's commits ---------------------------------------------------------

    def begin_run(self, row: dict[str, Any]) -> None:
        """The runs row of the run about to commit (no documents yet); it is written with the run's first commit."""
        self._run = {**row, "n_documents": 0, "n_replaced": 0, "n_reprocessed": 0}
        self._pending, self._order, self._n_superseded_parts = [], 0, 0
        self._run_committed = False
        self._batches_committed = 0
        self._run_finished = False

    def write_part(self, table: str, key: str, rows: list[dict[str, Any]], run_id: Optional[str] = None) -> None:
        """Writes one part and commits it on its own (a run's commits go through commit_batch and finish_run)."""
        batch = key if table in BATCH_TABLES else None
        manifest = self.manifest.copy()
        paths = self._write_parts(table, key, to_table(table, rows), set() if rows else {UNDATED})
        for path in paths:
            manifest.add(self.root, path, batch, run_id if batch else key)
        if table == "runs":
            manifest.runs.update((row["run_id"], row) for row in rows)
        self._commit(manifest, paths)

    @property
    def committed_run(self) -> dict[str, Any]:
        """The runs row of the run in progress, as last committed."""
        assert self._run is not None, "begin_run first"
        return self._run

    def add_repeats(self, repeats: list[Repeat], run_id: str) -> None:
        """This run's repeats, in input order: they settle versions with each commit and are written when it finishes."""
        for row in repeat_rows(repeats, run_id):
            self._pending.append(Holding(source_id_of(row), row["doc_id"], False, self._rank(run_id), row))

    def commit_batch(self, documents: list[Document], run_id: str) -> None:
        """The batch's parts, the parts rewritten without the versions it replaces, its run's row, then the
        manifest: the commit.  Nothing is written when the batch neither adds nor replaces anything."""
        order = self._order
        new = [Holding(source_id_of(row), row["doc_id"], True, self._rank(run_id, order + seq),
                       {key: value for key, value in row.items() if key != "text"})
               for seq, row in enumerate(r for d in documents for r in document_rows(d, run_id))]
        plan = self.versions.settle(new, self._pending)
        if not documents and not plan:
            return
        kept = [moved_document(d, plan) for d in documents if d.doc_id not in plan.drop_new]
        key = self._new_batch_key([document.doc_id for document in kept], run_id)
        months = {month_of(document.pub_date) for document in kept}
        manifest = self.manifest.copy()
        written: list[Path] = []
        run = self._run_after(run_id, len(kept), plan)
        try:
            for table in BATCH_TABLES if kept else ():
                # one table at a time, made as its parts are written
                for path in self._write_parts(table, key, batch_table(table, kept, run_id), months):
                    written.append(path)
                    manifest.add(self.root, path, key, run_id)
            renamed = self._rewrite_for(plan, manifest, written, run_id)
            if run is not None:
                written.append(self._write_run(manifest, run))
        except OutputError:
            self._undo(written)
            raise
        self._commit(manifest, written)
        self._order = order + len(new)
        self._settled(plan, renamed, [Holding(h.source_id, h.doc_id, True, h.rank, h.row,
                                              self._relative(self._part_path("documents", key,
                                                                             month_of(h.row.get("pub_date")))))
                                      for h in new if h.doc_id not in plan.drop_new])
        self._batches_committed += 1 if kept else 0
        if run is not None:
            self._run, self._run_committed = run, True

    def finish_run(self, errors: list[dict[str, Any]], finished_at: datetime, n_unchanged: int = 0) -> None:
        """The run's errors and repeats and its final runs row, committed together."""
        assert self._run is not None, "begin_run first"
        run_id = self._run["run_id"]
        plan = self.versions.settle([], self._pending)
        manifest = self.manifest.copy()
        written: list[Path] = []
        try:
            renamed = self._rewrite_for(plan, manifest, written, run_id)
            dropped = {id(holding) for holding in plan.drop_repeats}
            repeats = [holding for holding in self._pending if id(holding) not in dropped]
            run = {**self._counted(self._run, plan), "finished_at": finished_at,
                   "n_errors": sum(row["severity"] == ERROR for row in errors),
                   "n_warnings": sum(row["severity"] == WARNING for row in errors),
                   "n_repeats": len(repeats), "n_unchanged": n_unchanged}
            for table, rows in (("errors", errors), ("repeats", [holding.row for holding in repeats])):
                written.append(self._write_file(table, run_id, rows))
                manifest.add(self.root, written[-1], None, run_id)
            if not self._n_superseded_parts:  # a part per run, empty when nothing is, so a glob always finds one
                written.append(self._write_file("superseded", run_id, []))
                manifest.add(self.root, written[-1], None, run_id)
            written.append(self._write_run(manifest, run))
        except OutputError:
            self._undo(written)
            raise
        self._commit(manifest, written)
        self._settled(plan, renamed, [])
        repeats_part = self._part_path("repeats", run_id).relative_to(self.root).as_posix()
        for holding in repeats:
            holding.part = repeats_part
        self._pending = []
        self.written_repeats = [holding.row for holding in repeats]
        self._run, self._run_committed, self._run_finished = run, True, True

    # --- versions ----------------------------------------------------------------

    def _rank(self, run_id: str, order: Optional[int] = None) -> tuple[str, str, int]:
        if order is None:
            order = self._order
            self._order += 1
        started = _iso(self._run["started_at"]) if self._run is not None and self._run["run_id"] == run_id else ""
        return (started or "~", run_id, order)  # "~": after every start, for parts written without a run

    def _new_batch_key(self, doc_ids: list[str], run_id: str) -> str:
        """The batch's key; one its documents' earlier batch already has (--reprocess) takes the run's id too,
        so a committed part is never written over."""
        key = batch_key(doc_ids)
        if key in {part_key(self.root / part.path) for part in self.manifest.in_table("documents")}:
            key = batch_key([*doc_ids, run_id])
        return key

    def _rewrite_for(self, plan: Plan, manifest: Manifest, written: list[Path], run_id: str) -> dict[str, str]:
        """The committed parts that hold rows ``plan`` drops or moves, rewritten under new names, and the
        superseded rows: each added to ``manifest`` (the old parts dropped from it).  Returns old path -> new path."""
        renamed: dict[str, str] = {}
        doc_parts = {h.doc_id: h.part for h in self.versions.holdings() if h.is_document and h.part}
        batches = {manifest.parts[doc_parts[doc_id]].batch for doc_id in plan.drop | set(plan.move)
                   if doc_id in doc_parts and doc_parts[doc_id] in manifest.parts}
        for batch in sorted(b for b in batches if b is not None):
            renamed.update(self._rewrite_batch(manifest, batch, plan, written))
        repeat_parts: dict[str, list[Holding]] = {}
        for holding in plan.drop_repeats:
            if holding.part is not None:
                repeat_parts.setdefault(holding.part, []).append(holding)
        for path, dropped in sorted(repeat_parts.items()):
            renamed[path] = self._rewrite_repeats(manifest, manifest.parts[path], dropped, written)
        if plan.superseded:
            self._n_superseded_parts += 1
            rows = [superseded_row(old, by, reason, run_id) for old, by, reason in plan.superseded]
            written.append(self._write_file("superseded", f"{run_id}.{self._n_superseded_parts:04d}", rows))
            manifest.add(self.root, written[-1], None, run_id)
        return renamed

    def _rewrite_batch(self, manifest: Manifest, batch: str, plan: Plan, written: list[Path]) -> dict[str, str]:
        """One committed batch without the dropped documents' rows and with the moved ones' new source fields
        (and months).  Returns each old documents part -> the new one of its month (or of the batch's first)."""
        parts = manifest.batch_parts(batch)
        by_table: dict[str, list[Part]] = {}
        for part in parts:
            by_table.setdefault(part.table, []).append(part)
            manifest.drop(part.path)
        tables = {table: pa.concat_tables([_edited(table, pq.read_table(self.root / part.path), plan)
                                           for part in group]) for table, group in by_table.items()}
        documents = tables.get("documents")
        remaining = sorted(documents.column("doc_id").to_pylist()) if documents is not None else []
        if not remaining:
            return {}  # every document of the batch is superseded: the batch goes
        new_key = hashlib.sha256("\n".join([batch, *remaining]).encode()).hexdigest()[:20]
        months = {month_of(value) for value in documents.column("pub_date").to_pylist()}
        new_documents: dict[Optional[str], str] = {}
        for table, group in by_table.items():
            for target in self._write_parts(table, new_key, tables[table], months):
                written.append(target)
                path = manifest.add(self.root, target, new_key, group[0].run_id).path
                if table == "documents":
                    new_documents[month_of_part(path)] = path
        first = new_documents[min(new_documents)]
        return {part.path: new_documents.get(month_of_part(part.path), first) for part in by_table["documents"]}

    def _rewrite_repeats(self, manifest: Manifest, part: Part, dropped: list[Holding], written: list[Path]) -> str:
        """A repeats part without the rows of sources that now hold another text, under a new name."""
        gone = {(h.doc_id, h.row["source"]) for h in dropped}
        data = pq.read_table(self.root / part.path)
        rows = [row for row in data.to_pylist() if (row["doc_id"], row["source"]) not in gone]
        suffix = hashlib.sha256("\n".join([part.path, *sorted(s for _, s in gone)]).encode()).hexdigest()[:8]
        target = self._part_path("repeats", f"{part.run_id or part_key(self.root / part.path)}.{suffix}")
        self._atomic(target, lambda tmp: write_parquet("repeats", pa.Table.from_pylist(rows, schema=data.schema), tmp))
        written.append(target)
        manifest.drop(part.path)
        return manifest.add(self.root, target, None, part.run_id).path

    def _settled(self, plan: Plan, renamed: dict[str, str], new: list[Holding]) -> None:
        """The index after a commit: replaced holdings out, heirs in as documents, new documents in, parts renamed."""
        versions = self.versions
        documents = {h.doc_id: h for h in (*versions.holdings(), *new) if h.is_document}
        for old, _, _ in plan.superseded:
            versions.remove(old)
        dropped = {id(holding) for holding in plan.drop_repeats}
        self._pending = [holding for holding in self._pending if id(holding) not in dropped]
        for holding in plan.drop_repeats:
            versions.remove(holding)
        for heir in plan.heirs:
            inherited = documents[heir.doc_id]
            versions.add(Holding(heir.source_id, heir.doc_id, True, heir.rank,
                                 {**inherited.row, **plan.move[heir.doc_id]}, inherited.part))
        for holding in new:
            if holding.doc_id not in plan.move:
                versions.add(holding)
        for holding in versions.holdings():
            if holding.part:
                holding.part = renamed.get(holding.part, holding.part)
                if holding.is_document:
                    holding.part = self._documents_part_of_month(holding)

    def _documents_part_of_month(self, holding: Holding) -> str:
        """The documents part of the holding's batch in its document's month: a repeat that inherits a
        document with another pub_date takes that month's part."""
        month = month_of(holding.row.get("pub_date"))
        if not is_partitioned("documents") or month_of_part(holding.part) == month:
            return holding.part
        candidate = self._relative(self._part_path("documents", part_key(self.root / holding.part), month))
        return candidate if candidate in self.manifest.parts else holding.part

    def _run_after(self, run_id: str, n_documents: int, plan: Plan) -> Optional[dict[str, Any]]:
        if self._run is None or self._run["run_id"] != run_id:
            return None  # parts written without a run (tests, tools): no runs row to keep
        return {**self._counted(self._run, plan), "n_documents": self._run["n_documents"] + n_documents,
                "n_repeats": len(self._pending), "finished_at": datetime.now(timezone.utc)}

    @staticmethod
    def _counted(run: dict[str, Any], plan: Plan) -> dict[str, Any]:
        return {**run, "n_replaced": run["n_replaced"] + plan.n_replaced,
                "n_reprocessed": run["n_reprocessed"] + plan.n_reprocessed}

    def _write_run(self, manifest: Manifest, row: dict[str, Any]) -> Path:
        path = self._write_file("runs", row["run_id"], [row])
        manifest.add(self.root, path, None, row["run_id"])
        manifest.runs[row["run_id"]] = row
        return path

    def _commit(self, manifest: Manifest, written: list[Path]) -> None:
        """Saves the manifest (the commit), then removes the parts it no longer names (rewritten or dropped:
        a run killed before that leaves them to the next run's start, which removes what no manifest names)."""
        try:
            manifest.save(self.root)
        except OutputError:
            self._undo(written)
            raise
        replaced = set(self.manifest.parts) - set(manifest.parts)
        self._manifest = manifest
        for path in sorted(replaced):
            (self.root / path).unlink(missing_ok=True)

    def _undo(self, written: list[Path]) -> None:
        """Back to the last commit: new parts removed, the run's runs part rewritten as committed."""
        for path in written:
            path.unlink(missing_ok=True)
        if self._run is not None and self._run_committed:
            try:
                self._write_file("runs", self._run["run_id"], [self._run])
            except OutputError as error:
                log.warning("%s; the next run rewrites it from the manifest", error)

    def stopped(self, error: OutputError, n_batches: int) -> OutputError:
        """``error`` met mid-run, told with what this run committed and what it did not (issue 23.6)."""
        if self._run is None or not self._run_committed:
            return OutputError(f"{error}; nothing of this run is written, the tables are as they were before it")
        committed = (f"run {self._run['run_id']} committed {self._batches_committed} of {n_batches} batch(es) "
                     f"({self._run['n_documents']} document(s)), each with its runs row")
        if self._run_finished:
            return PartlyWrittenError(f"{error}; {committed} and its errors and repeats rows; only csv/ is not "
                                      "rewritten (it holds the tables as before this run): run again into the same "
                                      "--out to rewrite it")
        return PartlyWrittenError(
            f"{error}; {committed}. Not written: the other {n_batches - self._batches_committed} batch(es), this "
            "run's errors and repeats rows, and csv/ (it holds the tables as before this run). Free space and run "
            "again into the same --out: it skips what is committed and does the rest")

    # --- CSV and reading ---------------------------------------------------------

    def write_csv(self) -> None:
        """The CSVs whose parts changed since they were written (a month of a document table, a run table
        whole), each from parts checked against the manifest; all are replaced only once all are written."""
        state = self._csv_state()
        groups = self._csv_groups()
        written: list[tuple[Path, Path]] = []
        try:
            for relative, (table, parts) in sorted(groups.items()):
                target = self.root / relative
                if state.get(relative) == _parts_digest(parts) and target.exists():
                    continue
                # whole numbers stay whole where a column has nulls (measures.indicator_start: 1660, not 1660.0)
                frame = self._frame(table, [(self.root / part.path, part) for part in parts],
                                    integer_object_nulls=True, verified=True)
                written.append((self._write_temporary(
                    target, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig")), target))
                del frame
            for temporary, target in written:
                os.replace(temporary, target)
            for relative in sorted(set(state) - set(groups)) + self._older_csv_files():
                (self.root / relative).unlink(missing_ok=True)
            self._save_csv_state({relative: _parts_digest(parts) for relative, (_, parts) in groups.items()})
        except OSError as error:
            raise OutputError(f"cannot write {self.root / CSV_FOLDER}: {error.strerror or error}") from None
        finally:
            for temporary, _ in written:
                temporary.unlink(missing_ok=True)

    def _csv_groups(self) -> dict[str, tuple[str, list[Part]]]:
        """Each CSV to be there (relative path) with its table and the committed parts it is written from."""
        groups: dict[str, tuple[str, list[Part]]] = {}
        for table in TABLES:
            if is_partitioned(table):
                (self.root / CSV_FOLDER / table).mkdir(parents=True, exist_ok=True)
            else:
                groups[self._relative(csv_path(self.root, table, None))] = (table, [])
            for part in self.manifest.in_table(table):
                relative = self._relative(csv_path(self.root, table, month_of_part(part.path)))
                groups.setdefault(relative, (table, []))[1].append(part)
        return groups

    def _older_csv_files(self) -> list[str]:
        """A document table's whole CSV, as versions before 5 wrote it."""
        return [self._relative(path) for path in (csv_path(self.root, table, None) for table in PARTITIONED_TABLES)
                if path.exists()]

    def _csv_state(self) -> dict[str, str]:
        try:
            return json.loads((self.root / CSV_FOLDER / CSV_STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no state (a new folder, or one of an older version): every CSV is written

    def _save_csv_state(self, state: dict[str, str]) -> None:
        content = json.dumps(state, indent=1, sort_keys=True)
        self._atomic(self.root / CSV_FOLDER / CSV_STATE, lambda tmp: tmp.write_text(content, encoding="utf-8"))

    def read(self, table: str, integer_object_nulls: bool = False, verified: bool = False):
        """The committed rows of ``table``; with ``verified``, each part checked against the manifest as it is read."""
        return self._frame(table, self._entries(table), integer_object_nulls, verified)

    def committed_parts(self, table: str) -> list[Path]:
        """The files of ``table``'s committed parts."""
        return [path for path, _ in self._entries(table)]

    def _entries(self, table: str) -> list[tuple[Path, Optional[Part]]]:
        manifest = self._manifest or Manifest.load(self.root)
        if manifest is None:  # written before manifests: every part there
            return [(path, None) for path in parts_on_disk(self.root, table)]
        return [(self.root / part.path, part) for part in manifest.in_table(table)]

    def _frame(self, table: str, entries: list[tuple[Path, Optional[Part]]], integer_object_nulls: bool,
               verified: bool):
        import pandas as pd

        if not entries:
            return to_table(table, []).to_pandas(integer_object_nulls=integer_object_nulls)
        frames = [self._read_part(table, path, part if verified else None)
                  .to_pandas(integer_object_nulls=integer_object_nulls) for path, part in entries]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _read_part(self, table: str, path: Path, part: Optional[Part]) -> pa.Table:
        if part is None:
            return pq.read_table(path, schema=SCHEMAS[table])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        if data is None or bytes_digest(data) != (part.size, part.sha256):
            reason = "is missing" if data is None else "has other bytes than the ones committed"
            raise OutputError(f"{path} {reason}; run `{repair_command(self.root)}` to drop its batch")
        return pq.read_table(pa.BufferReader(data), schema=SCHEMAS[table])

    # --- files -------------------------------------------------------------------

    def _part_path(self, table: str, key: str, month: Optional[str] = None) -> Path:
        return part_path(self.root, table, key, month)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _write_file(self, table: str, key: str, rows: list[dict[str, Any]]) -> Path:
        """A run table's part."""
        assert not is_partitioned(table), table
        target = self._part_path(table, key)
        self._atomic(target, lambda tmp: write_parquet(table, to_table(table, rows), tmp))
        return target

    def _write_parts(self, table: str, key: str, data: pa.Table, months: set[str]) -> list[Path]:
        """``data`` as parts: for a document table one per month of its rows and of ``months`` (empty where it
        has no rows there), for a run table one."""
        if not is_partitioned(table):
            target = self._part_path(table, key)
            self._atomic(target, lambda tmp: write_parquet(table, data, tmp))
            return [target]
        targets = []
        for month, rows in split_by_month(data, months).items():
            target = self._part_path(table, key, month)
            self._atomic(target, lambda tmp, rows=rows: write_parquet(table, rows, tmp))
            targets.append(target)
        return targets

    def _atomic(self, target: Path, write: Callable[[Path], Any]) -> None:
        temporary = self._write_temporary(target, write)
        try:
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None

    def _write_temporary(self, target: Path, write: Callable[[Path], Any]) -> Path:
        """``target``'s content, written and synced under the pipeline's own temporary name beside it."""
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write(temporary)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
        return temporary


def moved_document(document: Document, plan: Plan) -> Document:
    """A document of this commit as written: with the source fields of the repeat that inherits it, if one does."""
    fields = plan.move.get(document.doc_id)
    if fields is None:
        return document
    return replace(document, **fields)


def _edited(table: str, data: pa.Table, plan: Plan) -> pa.Table:
    """A committed part's table without the dropped documents' rows, moved documents taking their new source
    fields (pub_date in every table; the rest in documents), in the part's own schema and version."""
    names = set(data.schema.names)
    rows = []
    for row in data.to_pylist():
        if row["doc_id"] in plan.drop:
            continue
        fields = plan.move.get(row["doc_id"])
        if fields is not None:
            row.update({key: value for key, value in fields.items() if key in names
                        and (key == "pub_date" or table == "documents")})
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=data.schema)


def superseded_row(old: Holding, superseded_by: str, reason: str, run_id: str) -> dict[str, Any]:
    return {"doc_id": old.doc_id, "source_id": old.source_id, "source": old.row.get("source"),
            "pub_date": old.row.get("pub_date"), "run_id": old.row.get("run_id") or run_id,
            "superseded_by": superseded_by, "reason": reason, "superseded_run_id": run_id,
            "superseded_at": datetime.now(timezone.utc)}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def _first_run_id(documents_part: Path) -> Optional[str]:
    rows = _rows_or_none(documents_part, ["run_id"])
    return rows[0]["run_id"] if rows else None


def _rows_or_none(part: Path, columns: Optional[list[str]] = None) -> Optional[list[dict[str, Any]]]:
    """A part's rows, or None when it cannot be read (a damaged part that repair is about to drop)."""
    try:
        return pq.read_table(part, columns=columns).to_pylist()
    except (OSError, pa.ArrowException):
        return None


def _parts_digest(parts: list[Part]) -> str:
    """Which committed parts a CSV is written from: their paths and checksums."""
    return hashlib.sha256("\n".join(f"{part.path} {part.sha256}" for part in parts).encode()).hexdigest()


def _schema_version(part: Path) -> str:
    return ((pq.read_schema(part).metadata or {}).get(b"schema_version", b"")).decode()


def _schema_problem(table: str, part: Path) -> Optional[str]:
    """Why this version must not append to the part's table, or None."""
    try:
        schema = pq.read_schema(part)
    except (OSError, pa.ArrowException) as error:
        raise OutputError(f"cannot read {part}: {error}; run `{repair_command(part.parent.parent)}` to drop its "
                          "batch") from None
    version = (schema.metadata or {}).get(b"schema_version", b"").decode()
    if version not in COMPATIBLE_VERSIONS:
        return f"was written with schema version {version or '(none)'}"
    expected = schema_written_by(table, version)
    if not schema.remove_metadata().equals(expected):
        return (f"has the columns {', '.join(f'{f.name} ({f.type})' for f in schema)} instead of "
                f"{', '.join(f'{f.name} ({f.type})' for f in expected)}")
    return None
