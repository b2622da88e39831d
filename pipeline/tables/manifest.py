"""The manifest: every committed part with its size and checksum, and the runs' rows.

``DIR/manifest.json`` lists each committed part (path, size, sha256, the batch
it belongs to, the run that wrote it) and holds each run's ``runs`` row.  A
batch is committed when the manifest naming its parts is renamed into place:
one rename, so the batch's parts and its run's row are committed together.
Every run checks the parts against it first, so a part deleted or overwritten
since is found before anything is added (pipeline/tables/repair.py drops such
a batch); a ``runs`` part is rebuilt from the row held here.

Kept as one JSON file, rewritten whole at each commit: a batch takes seconds,
and the file grows by about 200 bytes a part.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from pipeline.errors import OutputError
from pipeline.tables.claim import MANIFEST

MANIFEST_FORMAT = 1
CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One committed part: ``path`` relative to the output folder; ``batch`` None for a run's own parts."""

    path: str
    size: int
    sha256: str
    batch: Optional[str]
    run_id: Optional[str]

    @property
    def table(self) -> str:
        return self.path.split("/", 1)[0]


@dataclass(frozen=True)
class Damage:
    part: Part
    reason: str

    def describe(self, root: Path) -> str:
        owner = f"batch {self.part.batch}" if self.part.batch else "the run's own part"
        return f"{root / self.part.path} {self.reason} ({owner}, run {self.part.run_id})"


def file_digest(path: Path) -> tuple[int, str]:
    """Size and sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def bytes_digest(data: bytes) -> tuple[int, str]:
    return len(data), hashlib.sha256(data).hexdigest()


class Manifest:
    """The committed parts by path and the runs' rows by run_id; changed by copies, saved atomically."""

    def __init__(self, parts: Optional[dict[str, Part]] = None, runs: Optional[dict[str, dict[str, Any]]] = None):
        self.parts: dict[str, Part] = dict(parts or {})
        self.runs: dict[str, dict[str, Any]] = dict(runs or {})

    def copy(self) -> "Manifest":
        return Manifest(self.parts, self.runs)

    @classmethod
    def load(cls, root: Path) -> Optional["Manifest"]:
        """The folder's manifest, or None when it has none (an empty folder, or one written before manifests)."""
        path = root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            parts = {entry["path"]: Part(**entry) for entry in data["parts"]}
            runs = {run_id: _row_from_json(row) for run_id, row in data["runs"].items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise OutputError(f"{path} cannot be read ({error}); run `pipeline repair {root}` to rebuild it "
                              "from the parts") from None
        return cls(parts, runs)

    def save(self, root: Path) -> None:
        """Writes the manifest under a temporary name and renames it into place: the commit."""
        path = root / MANIFEST
        content = json.dumps({
            "format": MANIFEST_FORMAT,
            "parts": [asdict(part) for _, part in sorted(self.parts.items())],
            "runs": {run_id: _row_to_json(row) for run_id, row in sorted(self.runs.items())},
        }, ensure_ascii=False, indent=1)
        temporary = root / f".{MANIFEST}.{os.getpid()}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None

    def add(self, root: Path, path: Path, batch: Optional[str], run_id: Optional[str]) -> Part:
        size, sha256 = file_digest(path)
        part = Part(path.relative_to(root).as_posix(), size, sha256, batch, run_id)
        self.parts[part.path] = part
        return part

    def drop(self, path: str) -> None:
        self.parts.pop(path, None)

    def batch_parts(self, batch: str) -> list[Part]:
        return [part for part in self.parts.values() if part.batch == batch]

    def in_table(self, table: str) -> list[Part]:
        return [part for _, part in sorted(self.parts.items()) if part.table == table]

    def damage(self, root: Path, skip_tables: tuple[str, ...] = ()) -> list[Damage]:
        """Parts missing, or whose size or checksum is not the committed one."""
        found = []
        for _, part in sorted(self.parts.items()):
            if part.table in skip_tables:
                continue
            reason = damage_of(root / part.path, part)
            if reason is not None:
                found.append(Damage(part, reason))
        return found


def damage_of(path: Path, part: Part) -> Optional[str]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "is missing"
    if size != part.size:
        return f"has {size:,} bytes instead of the {part.size:,} committed"
    if file_digest(path)[1] != part.sha256:
        return "has other bytes than the ones committed (its sha256 differs)"
    return None


def _row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in row.items()}


def _row_from_json(row: dict[str, Any]) -> dict[str, Any]:
    return {key: datetime.fromisoformat(value) if key in ("started_at", "finished_at") and value else value
            for key, value in row.items()}
