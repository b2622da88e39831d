"""One input file's documents: a page (.txt, .md), an HTML page's main text,
or a JSON Lines feed (one document a line), or one error row each.  Each
document's home place is its feed line's ``home``, else its sidecar's, else the
one the run gives its file (its folder's, else the config's)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Optional

from pipeline.config import BadBytes, Home
from pipeline.errors import IngestError, Refusals, Warnings
from pipeline.read.encodings import decode_bytes
from pipeline.read.inputs import InputFile
from pipeline.read.metadata import (date_from_path, has_home, parse_iso_date, read_home, read_pub_date, read_sidecar,
                                    sidecar_pub_date, sidecar_title)
from pipeline.types import ErrorRow, RawDocument


def read_input(item: InputFile, cli_pub_date: Optional[date], bad_bytes: BadBytes = BadBytes(),
               home: Optional[Home] = None) -> tuple[list[RawDocument], list[ErrorRow]]:
    """All documents in one input file, an error row per refused part and a warning
    row for what was replaced, ignored or left unknown; ``home`` is the file's home
    place where it names none (None: the run config's)."""
    source = str(item.path)
    try:
        data = _read_bytes(item)
    except OSError as error:
        return [], [Refusals.UNREADABLE.row(source, reason=error.strerror)]
    try:
        text, encoding, replaced = decode_bytes(data, bad_bytes)
    except IngestError as error:
        return [], [error.row(source)]
    rows: list[ErrorRow] = []
    if replaced:
        rows.append(Warnings.REPLACED_BYTES.row(source, count=replaced, encoding=encoding))
    meta, pub_date, sidecar_name = _sidecar(item, source, rows)
    pub_date = pub_date or date_from_path(item.path) or cli_pub_date
    home = _own_home(meta, f"sidecar {sidecar_name}: ", source, home, rows)
    if item.source_format == "jsonl":
        documents, refused = _read_jsonl(source, text, encoding, pub_date, item.first_line, home)
        return documents, rows + refused
    try:
        if item.source_format == "html":
            documents = [_read_html(source, text, encoding, pub_date, home)]
        else:
            documents = [_document(source, item.source_format, encoding, text, sidecar_title(meta), pub_date,
                                   home=home)]
    except IngestError as error:
        return [], rows + [error.row(source)]
    return documents, rows + _undated(documents)


def _sidecar(item: InputFile, source: str, rows: list[ErrorRow]) -> tuple[Optional[dict], Optional[date], str]:
    """The sidecar's fields, its pub_date and its name; what is wrong with them becomes a warning row."""
    sidecar = read_sidecar(item.path)
    if sidecar.problem:
        rows.append(Warnings.BAD_SIDECAR.row(source, name=sidecar.name, reason=sidecar.problem))
    reading = sidecar_pub_date(sidecar.meta)
    if reading.problem:
        assert sidecar.meta is not None
        rows.append(Warnings.UNREAD_PUB_DATE.row(source, where=f"sidecar {sidecar.name}: ",
                                                 value=sidecar.meta["pub_date"], reason=reading.problem))
    return sidecar.meta, reading.value, sidecar.name


def _own_home(fields: Optional[dict], where: str, source: str, default: Optional[Home],
              rows: list[ErrorRow]) -> Optional[Home]:
    """The home a sidecar or a feed line names, else ``default``; one the division table
    does not hold is a warning row, and ``default`` stays."""
    if not has_home(fields):
        return default
    assert fields is not None
    reading = read_home(fields["home"])
    if reading.value is None:
        used = default.written() if default is not None else "the run config's"
        rows.append(Warnings.BAD_HOME.row(source, where=where, value=json.dumps(fields["home"], ensure_ascii=False),
                                          reason=reading.problem, used=used))
        return default
    return reading.value


def _undated(documents: list[RawDocument]) -> list[ErrorRow]:
    return [Warnings.NO_PUB_DATE.row(document.source) for document in documents if document.pub_date is None]


def _document(source: str, source_format: str, encoding: str, text: str, title: Optional[str],
              pub_date: Optional[date], external_id: Optional[str] = None, home: Optional[Home] = None) -> RawDocument:
    if not text.strip():
        raise IngestError(Refusals.EMPTY, part="document")
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    return RawDocument(source=source, source_format=source_format, encoding=encoding, text=text,
                       title=title, pub_date=pub_date, external_id=external_id, content_sha256=digest, home=home)


def _read_html(source: str, html: str, encoding: str, pub_date: Optional[date], home: Optional[Home]) -> RawDocument:
    import trafilatura

    extracted = trafilatura.bare_extraction(html, output_format="python", include_comments=False,
                                            include_tables=True, favor_recall=True, with_metadata=True)
    if extracted is None or not (extracted.text or "").strip():
        raise IngestError(Refusals.NO_MAIN_TEXT)
    page_date = parse_iso_date(extracted.date) if extracted.date else None
    return _document(source, "html", encoding, extracted.text, extracted.title or None, pub_date or page_date,
                     home=home)


def _read_bytes(item: InputFile) -> bytes:
    if item.byte_range is None:
        return item.path.read_bytes()
    start, end = item.byte_range
    with item.path.open("rb") as handle:
        handle.seek(start)
        return handle.read(end - start)


def _read_jsonl(source: str, text: str, encoding: str, fallback_date: Optional[date],
                first_line: int = 1, fallback_home: Optional[Home] = None) -> tuple[list[RawDocument], list[ErrorRow]]:
    """Each line is a document; the file's own date and home apply where a line has none."""
    documents: list[RawDocument] = []
    rows: list[ErrorRow] = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        line_source = f"{source}#L{number}"
        try:
            document = _jsonl_document(line_source, line, encoding, fallback_date, fallback_home, rows)
        except IngestError as error:
            rows.append(error.row(line_source, where=f"line {number}: "))
            continue
        documents.append(document)
        rows.extend(_undated([document]))
    return documents, rows


def _jsonl_document(source: str, line: str, encoding: str, fallback_date: Optional[date],
                    fallback_home: Optional[Home], rows: list[ErrorRow]) -> RawDocument:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise IngestError(Refusals.MALFORMED_JSON, reason=f"{error.msg} at column {error.colno}") from None
    if not isinstance(record, dict):
        raise IngestError(Refusals.MALFORMED_JSON, reason=f"a line holds a JSON {type(record).__name__}")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise IngestError(Refusals.MISSING_TEXT)
    pub_date = fallback_date
    if record.get("pub_date") not in (None, ""):
        reading = read_pub_date(record["pub_date"])
        pub_date = reading.value
        if reading.problem:  # the text is worth keeping; its relative dates stay unresolved
            rows.append(Warnings.UNREAD_PUB_DATE.row(source, where="", value=record["pub_date"],
                                                     reason=reading.problem))
    title = record.get("title") if isinstance(record.get("title"), str) else None
    external_id = str(record["id"]) if record.get("id") not in (None, "") else None
    url = (record["url"].strip() or None) if isinstance(record.get("url"), str) else None
    home = _own_home(record, "", source, fallback_home, rows)
    if isinstance(record.get("source"), str) and record["source"].strip():
        source = f"{source} ({record['source'].strip()})"
    return replace(_document(source, "jsonl", encoding, body, title, pub_date, external_id, home), url=url)
