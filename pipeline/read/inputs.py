"""Input paths to the files to read: folders walked, formats recognised, large JSONL feeds cut into chunks."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from pipeline.errors import Refusals, Warnings
from pipeline.read.metadata import SIDECAR_SUFFIXES
from pipeline.types import ErrorRow

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


@dataclass(frozen=True)
class InputFile:
    """A file to read, or a run of whole lines of a large JSONL file."""

    path: Path
    source_format: str
    byte_range: Optional[tuple[int, int]] = None  # [start, end) of a JSONL chunk
    first_line: int = 1  # line number of the chunk's first line

    @property
    def size(self) -> int:
        if self.byte_range is not None:
            return self.byte_range[1] - self.byte_range[0]
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def split_jsonl(item: InputFile, max_bytes: int) -> list[InputFile]:
    """A JSONL file larger than ``max_bytes`` as chunks of whole lines.

    Lets a feed of any size go through the stages a batch at a time.  UTF-16
    feeds (NUL bytes) are left whole: their line ends are not single bytes.
    """
    if item.source_format != "jsonl" or item.size <= max_bytes:
        return [item]
    with item.path.open("rb") as handle:
        if b"\x00" in handle.read(4096):
            return [item]
        handle.seek(0)
        chunks: list[InputFile] = []
        start, first_line, line = 0, 1, 1
        position = 0
        for raw_line in handle:
            position += len(raw_line)
            line += 1
            if position - start >= max_bytes:
                chunks.append(InputFile(item.path, "jsonl", (start, position), first_line))
                start, first_line = position, line
        if position > start:
            chunks.append(InputFile(item.path, "jsonl", (start, position), first_line))
    return chunks


def discover_inputs(paths: Iterable[Union[str, Path]]) -> tuple[list[InputFile], list[ErrorRow]]:
    """Files named or found below the folders named, in a stable order.

    Symlinked folders are followed once (a loop cannot make the walk endless);
    files whose extension is not a known format are skipped with a warning row
    when found in a folder (hidden files and sidecars without one), and refused
    when named directly.
    """
    found: dict[str, InputFile] = {}
    errors: list[ErrorRow] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                if not _add_file(file, found) and _worth_a_warning(file):
                    errors.append(Warnings.SKIPPED_FILE.row(str(file), suffix=file.suffix or file.name,
                                                            supported=", ".join(sorted(FORMATS))))
        elif path.is_file():
            if _format_of(path) is None:
                errors.append(Refusals.UNSUPPORTED_FORMAT.row(str(path), suffix=path.suffix or path.name,
                                                             supported=", ".join(sorted(FORMATS))))
            else:
                _add_file(path, found)
        else:
            errors.append(Refusals.NOT_FOUND.row(str(path)))
    return [found[key] for key in sorted(found)], errors


def _walk(root: Path) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    for folder, dirnames, filenames in os.walk(root, followlinks=True):
        stat = os.stat(folder)
        if (stat.st_dev, stat.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(folder) / name


def _format_of(path: Path) -> Optional[str]:
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIXES):
        return None
    return FORMATS.get(path.suffix.lower())


def _add_file(path: Path, found: dict[str, InputFile]) -> bool:
    source_format = _format_of(path)
    if source_format is not None and path.is_file():
        found.setdefault(str(path), InputFile(path, source_format))
        return True
    return False


def _worth_a_warning(path: Path) -> bool:
    """A skipped file the user may have meant as input: not a sidecar (it is read with its
    page) and not a hidden file (.DS_Store, an editor's swap file)."""
    return not path.name.lower().endswith(SIDECAR_SUFFIXES) and not path.name.startswith(".")
