"""The output folder a run may write to, and one run at a time in it.

A run writes only into a folder it owns: one that is absent, empty, or a
pipeline output.  A pipeline output carries the marker ``.pipeline-output.json``
(the schema version its tables are written with), written as soon as a run
claims the folder; a folder written before the marker existed is recognised by
its tables, and only when it holds nothing the pipeline would not write.  Any
other path (a file, a folder of the user's) is refused before anything is
created in it, naming what is in the way: the run would otherwise rewrite
``csv/documents.csv`` or clear temporary files that are not its own.

One run at a time: ``.pipeline.lock`` in the folder, locked with flock(2) for
the whole run, holds the holder's PID.  A second run is refused at once naming
that PID, or waits for it (``pipeline run --wait``).  The operating system
drops the lock when its holder ends, however it ends (``kill -9`` included),
so a stale lock cannot exist; the file itself stays, as removing it would let
a waiting run and a new one lock two different files.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline import __version__
from pipeline.errors import OutputError
from pipeline.tables.layout import CSV_FOLDER, PARTITION, is_partitioned, parts_on_disk
from pipeline.tables.schemas import COMPATIBLE_VERSIONS, SCHEMA_VERSION, TABLES

log = logging.getLogger(__name__)

MARKER = ".pipeline-output.json"
LOCK = ".pipeline.lock"
MANIFEST = "manifest.json"
CSV_STATE = ".csv-state.json"  # which parts each CSV was written from (folder.write_csv)
OWN_TOP_LEVEL = frozenset({*TABLES, CSV_FOLDER, MARKER, LOCK, MANIFEST})
# What the pipeline writes while a file is on its way (folder._atomic): ".NAME.PID.tmp".
OWN_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.\d+\.tmp$")
PART = re.compile(r"^part-[0-9A-Za-z_.-]+\.parquet$")
WRITE_PROBE = re.compile(r"^\.write-probe-\d+$")
CSV_NAMES = frozenset(f"{table}.csv" for table in TABLES)  # a run table's CSV; a document table's before version 5
CSV_MONTH = re.compile(r"^pub_month=(\d{4}-\d{2}|undated)\.csv$")
SHOWN_IN_THE_WAY = 5  # entries a refusal names; the rest are counted


def is_own_temporary(root: Path, path: Path) -> bool:
    """A temporary file the pipeline wrote (``.part-X.parquet.PID.tmp``) in a place it writes, never a user's."""
    match = OWN_TEMPORARY.match(path.name)
    return match is not None and _writes(path.relative_to(root).parts[:-1], match["name"])


def _writes(where: tuple[str, ...], name: str) -> bool:
    """Whether the pipeline writes a file called ``name`` in the folder ``where`` (relative to the output folder)."""
    if where == ():
        return name in (MANIFEST, MARKER)
    if where == (CSV_FOLDER,):
        return name in CSV_NAMES or name == CSV_STATE
    if len(where) == 2 and where[0] == CSV_FOLDER:
        return is_partitioned(where[1]) and CSV_MONTH.match(name) is not None
    if where[0] not in TABLES or PART.match(name) is None:
        return False
    return len(where) == 1 or (len(where) == 2 and is_partitioned(where[0]) and PARTITION.match(where[1]) is not None)


def _is_own_folder(where: tuple[str, ...]) -> bool:
    """A folder the pipeline makes below a table's folder or csv/: a month of a document table."""
    if len(where) != 2 or not is_partitioned(where[1] if where[0] == CSV_FOLDER else where[0]):
        return False
    return where[0] == CSV_FOLDER or PARTITION.match(where[1]) is not None


def check_owned(root: Path) -> None:
    """Refuses (OutputError) an --out this run does not own; writes nothing."""
    if not root.exists():
        _check_can_be_made(root)
        return
    if not root.is_dir():
        raise OutputError(f"the output folder {root} is a file")
    if (root / MARKER).exists():
        _check_marker(root)
        return
    if _is_empty(root) or _is_earlier_output(root):
        return
    in_the_way = _foreign_entries(root) or sorted(_relative(root, path) for path in root.rglob("*"))
    shown = ", ".join(in_the_way[:SHOWN_IN_THE_WAY])
    more = f" and {len(in_the_way) - SHOWN_IN_THE_WAY} more" if len(in_the_way) > SHOWN_IN_THE_WAY else ""
    raise OutputError(f"the output folder {root} is neither empty nor a pipeline output (no {MARKER}): it holds "
                      f"{shown}{more}; the run would overwrite or remove files there, so choose an empty or new "
                      f"--out")


def is_output_folder(root: Path) -> bool:
    """A folder a run has written: its marker, or the tables of a version before the marker."""
    return root.is_dir() and ((root / MARKER).exists() or _is_earlier_output(root))


def _is_empty(root: Path) -> bool:
    """Nothing but, perhaps, the lock a run takes before it writes the marker."""
    return all(entry.name == LOCK for entry in root.iterdir())


def _check_can_be_made(root: Path) -> None:
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"the output folder {root} cannot be made: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to the output folder {root}: {existing} is read-only to this user")


def _check_marker(root: Path) -> None:
    marker = root / MARKER
    try:
        version = str(json.loads(marker.read_text(encoding="utf-8"))["schema_version"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise OutputError(f"{marker} is not a pipeline output marker ({error}); choose an empty or new --out") \
            from None
    if version not in COMPATIBLE_VERSIONS:
        raise OutputError(f"{root} holds tables of schema version {version} ({marker}); this pipeline writes "
                          f"schema version {SCHEMA_VERSION} and cannot append to it: write to a new --out folder")


def _is_earlier_output(root: Path) -> bool:
    """Tables written before the marker existed, and nothing the pipeline would not write."""
    has_parts = any(parts_on_disk(root, table) for table in ("documents", "runs"))
    return has_parts and not _foreign_entries(root)


def _foreign_entries(root: Path) -> list[str]:
    """Entries of ``root`` the pipeline does not write, as paths relative to it."""
    foreign = []
    for entry in sorted(root.iterdir()):
        if entry.name in TABLES or entry.name == CSV_FOLDER:
            foreign += _foreign_within(root, entry)
        elif entry.name not in OWN_TOP_LEVEL and not WRITE_PROBE.match(entry.name) and not is_own_temporary(root, entry):
            foreign.append(_relative(root, entry))
    return foreign


def _foreign_within(root: Path, folder: Path) -> list[str]:
    """What a table's folder or csv/ holds that the pipeline does not write (the folder itself, if it is a file)."""
    if not folder.is_dir():
        return [_relative(root, folder)]
    foreign = []
    for path in sorted(folder.iterdir()):
        where = path.relative_to(root).parts
        if path.is_dir() and _is_own_folder(where):
            foreign += _foreign_within(root, path)
        elif path.is_dir() or not (_writes(where[:-1], path.name) or is_own_temporary(root, path)):
            foreign.append(_relative(root, path))
    return foreign


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() + ("/" if path.is_dir() else "")


def write_marker(root: Path) -> None:
    """The marker that makes ``root`` a pipeline output, written once (and when the schema version moves on)."""
    marker = root / MARKER
    content = json.dumps({"schema_version": SCHEMA_VERSION, "written_by": f"pipeline {__version__}"}) + "\n"
    if marker.exists() and marker.read_text(encoding="utf-8") == content:
        return
    temporary = root / f".{MARKER}.{os.getpid()}.tmp"
    try:
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, marker)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"cannot write {marker}: {error.strerror or error}") from None


@contextmanager
def claimed_folder(root: Path, wait: bool = False) -> Iterator[Path]:
    """``root`` checked (``check_owned``), made, marked and locked for this process while inside.

    A folder another run holds is an OutputError naming its PID, or with
    ``wait`` is waited for.
    """
    root = Path(root)
    check_owned(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot make the output folder {root}: {error.strerror or error}") from None
    with _locked(root, wait):
        check_owned(root)  # again: the run before us may have left it otherwise
        write_marker(root)
        yield root


@contextmanager
def _locked(root: Path, wait: bool) -> Iterator[None]:
    path = root / LOCK
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"cannot lock the output folder {root}: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            if not wait:
                raise OutputError(f"the output folder {root} is in use by another run (PID {holder}); wait for it "
                                  "to end, or pass --wait to start when it does") from None
            log.warning("waiting for the run that holds %s (PID %s) to end", root, holder)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # drops the lock


def _holder(descriptor: int) -> str:
    """The PID the holding run wrote, or 'unknown' in the moment between its lock and its write."""
    written = os.pread(descriptor, 32, 0).decode(errors="replace").strip()
    return written if written.isdigit() else "unknown"
