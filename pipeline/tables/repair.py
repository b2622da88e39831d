"""``pipeline repair OUT``: drops what is damaged, so that the next run re-extracts it.

A committed part that is missing, has other bytes than the manifest's
checksum, or cannot be read as Parquet takes its whole batch with it (every
table's part of that batch and their manifest entries): the batch's documents
are then no longer in ``documents``, so the next ``pipeline run`` on the same
inputs reads their sources as new and extracts them again.  A run's own
``errors`` or ``repeats`` part that is damaged is dropped (the next run
records those refusals and repeats again, as their inputs are not known); a
``runs`` part is rewritten from the row the manifest holds.  A lost or
unreadable manifest is rebuilt from the parts, as for a folder written before
manifests.  The ``runs`` row of a run whose batch was dropped keeps the counts
of what that run wrote.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import OutputError
from pipeline.tables.claim import MARKER, claimed_folder, is_output_folder
from pipeline.tables.folder import OutputFolder
from pipeline.tables.manifest import Damage, Manifest, Part

SHOWN_SOURCES = 5


@dataclass
class DroppedBatch:
    batch: str
    run_id: Optional[str]
    damage: list[Damage]
    sources: Optional[list[str]]  # None when its documents part is the damaged one

    def describe(self) -> str:
        why = "; ".join(f"{found.part.path} {found.reason}" for found in self.damage)
        if self.sources is None:
            held = "its documents part is damaged, so which sources it held is not known"
        else:
            shown = ", ".join(self.sources[:SHOWN_SOURCES])
            more = f" and {len(self.sources) - SHOWN_SOURCES} more" if len(self.sources) > SHOWN_SOURCES else ""
            held = f"{len(self.sources)} document(s) from {shown}{more}"
        return f"dropped batch {self.batch} of run {self.run_id} ({why}): {held}"


@dataclass
class RepairReport:
    root: Path
    n_parts: int
    batches: list[DroppedBatch] = field(default_factory=list)
    run_parts: list[Damage] = field(default_factory=list)  # errors or repeats parts dropped
    runs_rewritten: list[Damage] = field(default_factory=list)

    @property
    def repaired(self) -> bool:
        return bool(self.batches or self.run_parts or self.runs_rewritten)

    def lines(self) -> list[str]:
        if not self.repaired:
            return [f"{self.root}: all {self.n_parts} committed part(s) match the manifest; nothing to repair"]
        lines = [batch.describe() for batch in self.batches]
        lines += [f"dropped {found.part.path} ({found.reason}): the {found.part.table} rows of run {found.part.run_id}"
                  for found in self.run_parts]
        lines += [f"rewrote {found.part.path} ({found.reason}) from the manifest's runs row"
                  for found in self.runs_rewritten]
        if self.batches:
            lines.append(f"the next `pipeline run` into {self.root} re-extracts the dropped batches' sources")
        return lines


def repair_folder(root: Path) -> RepairReport:
    """Drops the damaged batches and parts of an output folder, under its lock; refuses any other folder."""
    root = Path(root)
    if not is_output_folder(root):
        raise OutputError(f"{root} is not a pipeline output folder (no {MARKER} and no tables): nothing to repair")
    with claimed_folder(root):
        folder = OutputFolder(root)
        manifest = _manifest_or_rebuilt(folder)
        committed = dict(manifest.parts)
        report = RepairReport(root, len(committed))
        damage = _damage(root, manifest)
        _drop_batches(root, manifest, damage, report)
        for found in damage:
            if found.part.batch is not None:
                continue
            if found.part.table == "runs" and found.part.run_id in manifest.runs:
                report.runs_rewritten.append(found)  # prepare rewrites it from the manifest's row
            else:
                manifest.drop(found.part.path)
                report.run_parts.append(found)
        manifest.save(root)
        for path in set(committed) - set(manifest.parts):
            (root / path).unlink(missing_ok=True)
        folder.prepare()  # rewrites runs parts from the manifest, checks the rest
    return report


def _manifest_or_rebuilt(folder: OutputFolder) -> Manifest:
    try:
        manifest = Manifest.load(folder.root)
    except OutputError:
        manifest = None  # unreadable: rebuilt from the parts
    return manifest if manifest is not None else folder.adopt()


def _damage(root: Path, manifest: Manifest) -> list[Damage]:
    """Parts missing or changed since their commit, and parts that cannot be read as Parquet."""
    found = manifest.damage(root)
    damaged = {item.part.path for item in found}
    for path, part in sorted(manifest.parts.items()):
        if path not in damaged and not _readable(root / path):
            found.append(Damage(part, "cannot be read as Parquet"))
    return found


def _readable(path: Path) -> bool:
    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException):
        return False
    return True


def _drop_batches(root: Path, manifest: Manifest, damage: list[Damage], report: RepairReport) -> None:
    by_batch: dict[str, list[Damage]] = {}
    for found in damage:
        if found.part.batch is not None:
            by_batch.setdefault(found.part.batch, []).append(found)
    for batch, found in sorted(by_batch.items()):
        parts = manifest.batch_parts(batch)
        damaged = {item.part.path for item in found}
        report.batches.append(DroppedBatch(batch, found[0].part.run_id, found, _sources(root, parts, damaged)))
        for part in parts:
            manifest.drop(part.path)


def _sources(root: Path, parts: list[Part], damaged: set[str]) -> Optional[list[str]]:
    documents = next((part for part in parts if part.table == "documents" and part.path not in damaged), None)
    if documents is None:
        return None
    return sorted(pq.read_table(root / documents.path, columns=["source"]).column("source").to_pylist())
