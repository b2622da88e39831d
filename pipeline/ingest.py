"""Ingestion: input paths to decoded documents, or one error row each.

Encodings are detected from the bytes (BOMs first, then strict UTF-8, then
charset-normalizer restricted to the encodings a Chinese newsroom produces),
never guessed from the file's extension.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

import yaml

from .types import ErrorRow, RawDocument

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
# Candidates for text without a BOM that is not valid UTF-8, in order of preference.
CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be")
_PATH_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)")
# A share of these in decoded text means the bytes were not text at all.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class IngestError(Exception):
    """An input that cannot be read as a document; ``error_type`` names why."""

    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


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
    files whose extension is not a known format are passed over silently when
    found in a folder, and refused when named directly.
    """
    found: dict[str, InputFile] = {}
    errors: list[ErrorRow] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                _add_file(file, found)
        elif path.is_file():
            if _format_of(path) is None:
                errors.append(ErrorRow(str(path), "ingest", "unsupported_format",
                                       f"'{path.suffix or path.name}' is not a supported input format "
                                       f"(supported: {', '.join(sorted(FORMATS))})"))
            else:
                _add_file(path, found)
        else:
            errors.append(ErrorRow(str(path), "ingest", "not_found", "no such file or folder"))
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


def _add_file(path: Path, found: dict[str, InputFile]) -> None:
    source_format = _format_of(path)
    if source_format is not None and path.is_file():
        found.setdefault(str(path), InputFile(path, source_format))


# --- decoding -------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf_8_sig"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    if not data.strip():
        raise IngestError("empty", "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), encoding)
    utf16 = _looks_like_bomless_utf16(data)
    if utf16:
        return _checked(data.decode(utf16, errors="strict"), utf16)
    try:
        return _checked(data.decode("utf-8", errors="strict"), "utf_8")
    except UnicodeDecodeError as error:
        utf8_error = error
    # UTF-8 with a few damaged bytes (a truncated file, a bad copy) stays UTF-8:
    # GB18030 would decode the same bytes "successfully" into nonsense.
    if _mostly_utf8(data):
        text = data.decode("utf-8", errors="replace")
        return _checked(text, "utf_8")  # invalid bytes become U+FFFD, kept visible
    guessed = _guess_chinese_encoding(data)
    if guessed:
        return guessed
    raise IngestError("undecodable", f"not text in any supported encoding (UTF-8 fails at byte {utf8_error.start})")


def _looks_like_bomless_utf16(data: bytes) -> Optional[str]:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    # ASCII-heavy UTF-16 has a NUL in every other byte; CJK-heavy UTF-16 does
    # not, so fall through to charset-normalizer for that.
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf_16_le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf_16_be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= max(3, len(text) // 200)


def _guess_chinese_encoding(data: bytes) -> Optional[tuple[str, str]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS) + ["utf_8"]).best()
    if best is None:
        return None
    try:
        return _checked(str(best), best.encoding)
    except IngestError:
        return None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if text and len(_BINARY_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise IngestError("binary", "binary content (control bytes), not text")
    return text, encoding


# --- formats --------------------------------------------------------------


def read_input(item: InputFile, cli_pub_date: Optional[date]) -> tuple[list[RawDocument], list[ErrorRow]]:
    """All documents in one input file, and an error row per refused part."""
    source = str(item.path)
    try:
        data = _read_bytes(item)
    except OSError as error:
        return [], [ErrorRow(source, "ingest", "unreadable", f"cannot read the file: {error.strerror}")]
    try:
        text, encoding = decode_bytes(data)
    except IngestError as error:
        return [], [ErrorRow(source, "ingest", error.error_type, str(error))]
    meta = _sidecar(item.path)
    pub_date = _meta_pub_date(meta) or date_from_path(item.path) or cli_pub_date
    if item.source_format == "jsonl":
        return _read_jsonl(source, text, encoding, pub_date, item.first_line)
    try:
        if item.source_format == "html":
            return [_read_html(source, text, encoding, pub_date)], []
        return [_document(source, item.source_format, encoding, text, _meta_title(meta), pub_date)], []
    except IngestError as error:
        return [], [ErrorRow(source, "ingest", error.error_type, str(error))]


def _document(source: str, source_format: str, encoding: str, text: str,
              title: Optional[str], pub_date: Optional[date], external_id: Optional[str] = None) -> RawDocument:
    if not text.strip():
        raise IngestError("empty", "no text in the document")
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    return RawDocument(source=source, source_format=source_format, encoding=encoding, text=text,
                       title=title, pub_date=pub_date, external_id=external_id, content_sha256=digest)


def _read_html(source: str, html: str, encoding: str, pub_date: Optional[date]) -> RawDocument:
    import trafilatura

    extracted = trafilatura.bare_extraction(html, output_format="python", include_comments=False,
                                            include_tables=True, favor_recall=True, with_metadata=True)
    if extracted is None or not (extracted.text or "").strip():
        raise IngestError("no_main_text", "the HTML page has no main text (only markup, scripts or boilerplate)")
    page_date = parse_iso_date(extracted.date) if extracted.date else None
    return _document(source, "html", encoding, extracted.text, extracted.title or None, pub_date or page_date)


def _read_bytes(item: InputFile) -> bytes:
    if item.byte_range is None:
        return item.path.read_bytes()
    start, end = item.byte_range
    with item.path.open("rb") as handle:
        handle.seek(start)
        return handle.read(end - start)


def _read_jsonl(source: str, text: str, encoding: str, fallback_date: Optional[date],
                first_line: int = 1) -> tuple[list[RawDocument], list[ErrorRow]]:
    """Each line is a document; the file's own date applies where a line has none."""
    documents: list[RawDocument] = []
    errors: list[ErrorRow] = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        line_source = f"{source}#L{number}"
        try:
            documents.append(_jsonl_document(line_source, line, encoding, fallback_date))
        except IngestError as error:
            errors.append(ErrorRow(line_source, "ingest", error.error_type, f"line {number}: {error}"))
    return documents, errors


def _jsonl_document(source: str, line: str, encoding: str, fallback_date: Optional[date]) -> RawDocument:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise IngestError("malformed_json", f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise IngestError("malformed_json", "a line must hold a JSON object")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise IngestError("missing_text", "the object has no non-empty 'text' field")
    pub_date = fallback_date
    if record.get("pub_date") not in (None, ""):
        pub_date = parse_iso_date(str(record["pub_date"]))
        if pub_date is None:
            raise IngestError("bad_pub_date", f"'pub_date' {record['pub_date']!r} is not a date (YYYY-MM-DD)")
    title = record.get("title") if isinstance(record.get("title"), str) else None
    external_id = str(record["id"]) if record.get("id") is not None else None
    if isinstance(record.get("source"), str) and record["source"].strip():
        source = f"{source} ({record['source'].strip()})"
    return _document(source, "jsonl", encoding, body, title, pub_date, external_id)


# --- publication dates ----------------------------------------------------


def parse_iso_date(value: str) -> Optional[date]:
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def date_from_path(path: Path) -> Optional[date]:
    """A date written in the path: 2025-03-12, 20250312 or 2025/03/12."""
    for match in _PATH_DATE.finditer(path.as_posix()):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def _sidecar(path: Path) -> Optional[dict]:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return None
            return data if isinstance(data, dict) else None
    return None


def _meta_pub_date(meta: Optional[dict]) -> Optional[date]:
    if meta and meta.get("pub_date"):
        return parse_iso_date(str(meta["pub_date"]))
    return None


def _meta_title(meta: Optional[dict]) -> Optional[str]:
    title = meta.get("title") if meta else None
    return title if isinstance(title, str) else None
