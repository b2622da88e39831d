"""The nine contract tables' schemas (schema version 5) and a table built to one."""
from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA_VERSION = "5"
# Versions whose parts this one appends to: version 2 added the repeats table,
# version 3 the measures table, version 4 columns (COLUMNS_ADDED), version 5 put
# the document tables' parts in month folders (layout.py; no column changed).
COMPATIBLE_VERSIONS = ("1", "2", "3", "4", SCHEMA_VERSION)
# Columns a version added to a table: a part written before it lacks them and is
# read with them null (an older errors row is an error, its severity unknown).
COLUMNS_ADDED: dict[str, dict[str, tuple[str, ...]]] = {
    "4": {"errors": ("severity",),
          "entities": ("place_code", "province", "city", "county",  # a GPE's place (names/hierarchy.py)
                       "pub_date", "run_id"),
          # a page's identity across runs (tables/versions.py), and columns a nightly load filters on
          "documents": ("source_id", "url"), "repeats": ("source_id", "url"),
          "articles": ("pub_date", "run_id"), "sentences": ("pub_date", "run_id"), "measures": ("pub_date", "run_id"),
          "runs": ("n_warnings", "n_repeats", "n_unchanged", "n_replaced", "n_reprocessed")},
}
TABLES = ("documents", "repeats", "articles", "sentences", "entities", "measures", "runs", "errors", "superseded")
BATCH_TABLES = ("articles", "sentences", "entities", "measures", "documents")  # documents last: the commit

_S, _I, _F, _D, _B = pa.string(), pa.int64(), pa.float64(), pa.date32(), pa.bool_()
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", _S), ("source", _S), ("source_format", _S), ("encoding", _S),
                            ("pub_date", _D), ("title", _S), ("n_chars", _I), ("text", _S), ("run_id", _S),
                            ("source_id", _S), ("url", _S)]),
    "repeats": pa.schema([("doc_id", _S), ("source", _S), ("source_format", _S), ("encoding", _S),
                          ("pub_date", _D), ("title", _S), ("run_id", _S), ("source_id", _S), ("url", _S)]),
    "articles": pa.schema([("doc_id", _S), ("article_id", _S), ("seq", _I), ("title", _S), ("start", _I),
                           ("end", _I), ("authors", _S), ("continued_from", _S), ("pub_date", _D),
                           ("run_id", _S)]),
    "sentences": pa.schema([("doc_id", _S), ("article_id", _S), ("sentence_id", _S), ("seq", _I), ("start", _I),
                            ("end", _I), ("text", _S), ("duplicate_of", _S), ("layout", _S), ("pub_date", _D),
                            ("run_id", _S)]),
    "entities": pa.schema([("doc_id", _S), ("article_id", _S), ("sentence_id", _S), ("entity_id", _S),
                           ("label", _S), ("text", _S), ("start", _I), ("end", _I), ("norm", _S),
                           ("value", _F), ("value_max", _F), ("unit", _S), ("currency", _S), ("qualifier", _S),
                           ("date_value", _S), ("date_start", _D), ("date_end", _D), ("grain", _S),
                           ("source", _S), ("place_code", _S), ("province", _S), ("city", _S), ("county", _S), ("pub_date", _D), ("run_id", _S)]),
    "measures": pa.schema([("measure_id", _S), ("doc_id", _S), ("article_id", _S), ("sentence_id", _S),
                           ("entity_id", _S), ("indicator", _S), ("indicator_start", _I), ("indicator_end", _I),
                           ("kind", _S), ("direction", _S), ("basis", _S), ("target", _B), ("period", _S),
                           ("period_start", _D), ("period_end", _D), ("place", _S), ("pub_date", _D),
                           ("run_id", _S)]),
    "runs": pa.schema([("run_id", _S), ("started_at", pa.timestamp("us", tz="UTC")),
                       ("finished_at", pa.timestamp("us", tz="UTC")), ("n_inputs", _I), ("n_documents", _I),
                       ("n_errors", _I), ("config_sha256", _S), ("pipeline_version", _S), ("n_warnings", _I),
                       ("n_repeats", _I), ("n_unchanged", _I), ("n_replaced", _I), ("n_reprocessed", _I)]),
    "errors": pa.schema([("run_id", _S), ("source", _S), ("stage", _S), ("error_type", _S), ("message", _S),
                         ("severity", _S)]),
    # a version a source no longer holds (tables/versions.py): its rows left every other table
    "superseded": pa.schema([("doc_id", _S), ("source_id", _S), ("source", _S), ("pub_date", _D), ("run_id", _S),
                             ("superseded_by", _S), ("reason", _S), ("superseded_run_id", _S),
                             ("superseded_at", pa.timestamp("us", tz="UTC"))]),
}


# Rows turned into Arrow at a time: a page of millions of characters has hundreds of thousands of
# mentions, and their rows as dicts take about ten times their Arrow size.
ROWS_PER_CHUNK = 8192


def to_table(name: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """``rows`` (consumed a chunk at a time, so a generator never stands whole as dicts) as table ``name``."""
    schema = SCHEMAS[name].with_metadata({"schema_version": SCHEMA_VERSION})
    rows = iter(rows)
    chunks = [pa.RecordBatch.from_pylist(chunk, schema=schema)
              for chunk in iter(lambda: list(islice(rows, ROWS_PER_CHUNK)), [])]
    return pa.Table.from_batches(chunks, schema=schema)


def schema_written_by(table: str, version: str) -> pa.Schema:
    """The columns a part of ``table`` written with schema ``version`` holds."""
    schema = SCHEMAS[table]
    for added_in, tables in COLUMNS_ADDED.items():
        if version.isdigit() and int(version) < int(added_in):
            for name in tables.get(table, ()):
                schema = schema.remove(schema.get_field_index(name))
    return schema


# Columns of running text: no dictionary (their values hardly repeat) and no min/max statistics
# (no query prunes on them).  Both cost several times a page's text in memory while a part is
# written: 90 MiB against 12 for a page of 6 million characters.
PROSE_COLUMNS: dict[str, tuple[str, ...]] = {"documents": ("text",), "sentences": ("text",)}


def write_parquet(table: str, data: pa.Table, path: Path | str) -> None:
    """A part of contract table ``table``, as every part is written."""
    plain = [name for name in data.schema.names if name not in PROSE_COLUMNS.get(table, ())]
    pq.write_table(data, path, compression="zstd", use_dictionary=plain, write_statistics=plain)
