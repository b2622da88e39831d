"""Compares every table of two ``pipeline run`` output folders, Parquet and CSV.

    python -m bench.compare_tables OUT_A OUT_B [--examples N]

Exit status 0 when the folders hold the same tables, 1 with a report of what
differs (table, format, the rows only in one folder, the columns that changed
in rows both hold, by the table's key), 2 when a folder is not an output folder.

Made for changes that must not change behaviour (the package re-layout): run
the same inputs with the same config before and after, then compare::

    python -m bench.corpus /tmp/pd-2m --mb 2       # People's Daily from ../shared/data
    pipeline run data/samples --out /tmp/samples-before --config configs/pipeline.yaml
    pipeline run /tmp/pd-2m --out /tmp/pd-before --config configs/pipeline.yaml
    ... the change ...
    pipeline run data/samples --out /tmp/samples-after --config configs/pipeline.yaml
    pipeline run /tmp/pd-2m --out /tmp/pd-after --config configs/pipeline.yaml
    python -m bench.compare_tables /tmp/samples-before /tmp/samples-after
    python -m bench.compare_tables /tmp/pd-before /tmp/pd-after

Give the inputs the same spelling in both runs (``documents.source`` is the
path as given), e.g. relative paths from each checkout's root.

What is compared, for every table found in either folder:

- **Parquet** (``DIR/<table>/pub_month=*/part-*.parquet``, or ``DIR/<table>/part-*.parquet``
  for the run tables and folders of schema version 4 and before): each part's schema (columns,
  types, and its metadata, which holds ``schema_version``), and the rows
  with the values pyarrow reads (types included: a date is not its text).
- **CSV** (``DIR/csv/<table>/pub_month=*.csv`` together, or ``DIR/csv/<table>.csv``): the
  byte-order mark, the header, and every cell as the text written.
- **Order**: rows as a reader gets them, part files (and month folders) in name order; rows of
  the per-run tables (runs, errors, repeats) ordered by their run's start.
  Equal rows in another order are reported too.

What is ignored, because it differs on every run of the same inputs by design:

- ``run_id`` in every table that has it (documents, repeats, errors, runs):
  a new id per run, the start time and a random suffix;
- ``runs.started_at`` and ``runs.finished_at``: the wall clock.

Nothing else is per run.  Every id (``doc_id`` and the article, sentence and
entity ids built on it) comes from the text; ``config_sha256`` from the
config's bytes; ``pipeline_version`` from the package; error messages hold
no time, address or temporary name; the counts in ``runs`` follow from the
inputs.  Two runs of the sample pages and of the 2 MB People's Daily corpus
compare equal with only these left out (docs/output.md, "Comparing two output folders").  Not compared,
because they are storage rather than table content: part file names (those
of the per-run tables carry the run_id; batch parts are named by a hash of
their doc_ids), row groups, compression, and the writer's ``created_by``.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import pyarrow.parquet as pq

from pipeline.tables.layout import parts_on_disk

PER_RUN_EVERYWHERE = frozenset({"run_id"})
PER_RUN_IN_TABLE = {"runs": frozenset({"started_at", "finished_at"}),
                    "superseded": frozenset({"superseded_run_id", "superseded_at"})}
# A row's identity where the table has one; the other tables compare whole rows.
KEYS = {"documents": ("doc_id",), "repeats": ("doc_id", "source"), "articles": ("article_id",),
        "sentences": ("sentence_id",), "entities": ("entity_id",)}
RUN_TABLES = ("runs", "errors", "repeats", "superseded")  # parts per run, named by its run_id
BOM = b"\xef\xbb\xbf"
CELL_WIDTH = 80
DEFAULT_EXAMPLES = 10


@dataclass
class Table:
    """One table of one folder in one format, as the comparison sees it."""

    columns: list[str]  # the compared columns, in the table's order
    rows: list[tuple]  # the compared values, in reading order
    schemas: list[str] = field(default_factory=list)  # each distinct part schema (Parquet)
    has_bom: Optional[bool] = None  # CSV only


@dataclass
class Difference:
    table: str
    kind: str  # "parquet" or "csv"
    lines: list[str]


def ignored_columns(table: str) -> frozenset[str]:
    return PER_RUN_EVERYWHERE | PER_RUN_IN_TABLE.get(table, frozenset())


def table_names(folder: Path) -> set[str]:
    """Every table folder and CSV file, so a table one version added or dropped is seen."""
    parquet = {path.name for path in folder.iterdir() if path.is_dir() and path.name != "csv"
               and not path.name.startswith(".")}
    csv_tables = {path.stem for path in (folder / "csv").glob("*.csv")}
    return parquet | csv_tables | {path.name for path in (folder / "csv").glob("*") if path.is_dir()}


# --- reading -----------------------------------------------------------------------


def comparable(value: Any) -> Any:
    """A hashable value equal where the table's value is: NaN equal to NaN, lists and structs as tuples."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, list):
        return tuple(comparable(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, comparable(item)) for key, item in value.items())
    return value


def run_ranks(starts: dict[str, Any]) -> dict[str, int]:
    """Each run's place by start time: how per-run rows are ordered, whatever their run_ids."""
    return {run_id: rank for rank, run_id in enumerate(sorted(starts, key=lambda run_id: (starts[run_id], run_id)))}


def in_run_order(table: str, rows: list[dict[str, Any]], ranks: dict[str, int]) -> list[dict[str, Any]]:
    if table not in RUN_TABLES:
        return rows
    return sorted(rows, key=lambda row: ranks.get(row.get("run_id"), len(ranks)))  # stable: order within a run kept


def read_parquet_table(folder: Path, table: str, ranks: dict[str, int]) -> Optional[Table]:
    if not (folder / table).is_dir():
        return None
    parts = parts_on_disk(folder, table)
    schemas: list[str] = []
    rows: list[dict[str, Any]] = []
    columns: list[str] = []
    for part in parts:
        data = pq.read_table(part)
        described = describe_schema(data.schema)
        if described not in schemas:
            schemas.append(described)
        columns = columns or data.schema.names
        rows.extend(data.to_pylist())
    kept = [name for name in columns if name not in ignored_columns(table)]
    ordered = in_run_order(table, rows, ranks)
    return Table(kept, [tuple(comparable(row.get(name)) for name in kept) for row in ordered], schemas)


def describe_schema(schema) -> str:
    metadata = {key.decode(): value.decode() for key, value in (schema.metadata or {}).items()}
    return ", ".join(f"{f.name}: {f.type}" for f in schema) + f"; metadata {metadata}"


def read_csv_table(folder: Path, table: str, ranks: dict[str, int]) -> Optional[Table]:
    paths = [*([folder / "csv" / f"{table}.csv"] if (folder / "csv" / f"{table}.csv").is_file() else []),
             *sorted((folder / "csv" / table).glob("pub_month=*.csv"))]
    if not paths:
        return None
    header: list[str] = []
    rows: list[dict[str, str]] = []
    has_bom = True
    for path in paths:
        raw = path.read_bytes()
        has_bom = has_bom and raw.startswith(BOM)
        reader = csv.reader(io.StringIO(raw[len(BOM) if raw.startswith(BOM) else 0:].decode("utf-8"), newline=""))
        file_header = next(reader, [])  # every month's file has the table's header
        header = header or file_header
        rows += [dict(zip(header, cells)) for cells in reader]
    kept = [name for name in header if name not in ignored_columns(table)]
    ordered = in_run_order(table, rows, ranks)
    return Table(kept, [tuple(row.get(name) for name in kept) for row in ordered], has_bom=has_bom)


def parquet_run_starts(folder: Path) -> dict[str, Any]:
    starts: dict[str, Any] = {}
    for part in parts_on_disk(folder, "runs"):
        data = pq.read_table(part, columns=["run_id", "started_at"]).to_pydict()
        starts.update(zip(data["run_id"], data["started_at"]))
    return starts


def csv_run_starts(folder: Path) -> dict[str, Any]:
    path = folder / "csv" / "runs.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["run_id"]: row["started_at"] for row in csv.DictReader(handle)}  # ISO text sorts as time


# --- comparing -----------------------------------------------------------------------


def cell(value: Any) -> str:
    """A value on one report line: dates as ISO text, a missing value as null, long text cut."""
    text = "null" if value is None else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= CELL_WIDTH else text[:CELL_WIDTH - 1] + "…"


def row_text(columns: list[str], row: tuple) -> str:
    return ", ".join(f"{name}={cell(value)}" for name, value in zip(columns, row) if value not in (None, ""))


def compare_tables(name: str, a: Table, b: Table, examples: int) -> list[str]:
    """What differs between the two versions of one table, as report lines (none when they are equal)."""
    lines: list[str] = []
    if a.schemas != b.schemas:
        lines += ["schema differs:", *(f"  A: {s}" for s in a.schemas), *(f"  B: {s}" for s in b.schemas)]
    for label, table in (("A", a), ("B", b)):
        if len(table.schemas) > 1:
            lines.append(f"the parts of {label} disagree on the schema ({len(table.schemas)} layouts)")
    if a.has_bom != b.has_bom:
        lines.append(f"byte-order mark: A {'has' if a.has_bom else 'has none'}, B {'has' if b.has_bom else 'has none'}")
    if a.columns != b.columns:
        lines.append(f"columns differ: only in A {[c for c in a.columns if c not in b.columns]}, only in B "
                     f"{[c for c in b.columns if c not in a.columns]}, A order {a.columns}, B order {b.columns}")
    columns = [c for c in a.columns if c in b.columns]
    rows_a, rows_b = project(a, columns), project(b, columns)
    row_lines = compare_rows(name, columns, rows_a, rows_b, examples)
    if not row_lines and rows_a != rows_b:
        at = next(i for i, (x, y) in enumerate(zip(rows_a, rows_b)) if x != y)
        row_lines = [f"the same {len(rows_a):,} rows in another order, first at row {at + 1}: "
                     f"A {row_text(columns, rows_a[at])} | B {row_text(columns, rows_b[at])}"]
    return lines + row_lines


def project(table: Table, columns: list[str]) -> list[tuple]:
    if columns == table.columns:
        return table.rows
    at = [table.columns.index(c) for c in columns]
    return [tuple(row[i] for i in at) for row in table.rows]


def compare_rows(name: str, columns: list[str], rows_a: list[tuple], rows_b: list[tuple], examples: int) -> list[str]:
    key = [columns.index(c) for c in KEYS.get(name, ()) if c in columns]
    if key and len(key) == len(KEYS[name]):
        by_key_a = {tuple(row[i] for i in key): row for row in rows_a}
        by_key_b = {tuple(row[i] for i in key): row for row in rows_b}
        if len(by_key_a) == len(rows_a) and len(by_key_b) == len(rows_b):
            return compare_keyed(columns, KEYS[name], by_key_a, by_key_b, examples)
    return compare_unkeyed(columns, rows_a, rows_b, examples)


def compare_keyed(columns: list[str], key_names: tuple[str, ...], a: dict[tuple, tuple], b: dict[tuple, tuple],
                  examples: int) -> list[str]:
    def key_text(key: tuple) -> str:
        return ", ".join(f"{n}={cell(v)}" for n, v in zip(key_names, key))

    only_a = [k for k in a if k not in b]
    only_b = [k for k in b if k not in a]
    changed = [k for k in a if k in b and a[k] != b[k]]
    lines: list[str] = []
    if only_a or only_b or changed:
        lines.append(f"{len(a):,} rows in A, {len(b):,} in B: {len(only_a):,} only in A, {len(only_b):,} only in B, "
                     f"{len(changed):,} changed")
    for label, keys, rows in (("only in A", only_a, a), ("only in B", only_b, b)):
        lines += [f"  {label}: {row_text(columns, rows[k])}" for k in keys[:examples]]
        lines += [f"  … and {len(keys) - examples:,} more {label}"] if len(keys) > examples else []
    for k in changed[:examples]:
        diffs = [f"{n}: {cell(x)} | {cell(y)}" for n, x, y in zip(columns, a[k], b[k]) if x != y]
        lines.append(f"  changed {key_text(k)}: " + "; ".join(diffs))
    lines += [f"  … and {len(changed) - examples:,} more changed"] if len(changed) > examples else []
    if changed:
        counts = Counter(n for k in changed for n, x, y in zip(columns, a[k], b[k]) if x != y)
        lines.append("  changed columns: " + ", ".join(f"{n} ({count:,} rows)" for n, count in counts.most_common()))
    return lines


def compare_unkeyed(columns: list[str], rows_a: list[tuple], rows_b: list[tuple], examples: int) -> list[str]:
    count_a, count_b = Counter(rows_a), Counter(rows_b)
    only_a, only_b = count_a - count_b, count_b - count_a
    if not only_a and not only_b:
        return []
    lines = [f"{len(rows_a):,} rows in A, {len(rows_b):,} in B: {sum(only_a.values()):,} only in A, "
             f"{sum(only_b.values()):,} only in B"]
    for label, rows in (("only in A", only_a), ("only in B", only_b)):
        listed = list(rows.elements())
        lines += [f"  {label}: {row_text(columns, row)}" for row in listed[:examples]]
        lines += [f"  … and {len(listed) - examples:,} more {label}"] if len(listed) > examples else []
    return lines


def compare_folders(a: Path, b: Path, examples: int = DEFAULT_EXAMPLES) -> list[Difference]:
    differences: list[Difference] = []
    readers = (("parquet", read_parquet_table, parquet_run_starts), ("csv", read_csv_table, csv_run_starts))
    for kind, read, run_starts in readers:
        ranks_a, ranks_b = run_ranks(run_starts(a)), run_ranks(run_starts(b))
        for name in sorted(table_names(a) | table_names(b)):
            table_a, table_b = read(a, name, ranks_a), read(b, name, ranks_b)
            if table_a is None and table_b is None:
                continue
            if table_a is None or table_b is None:
                differences.append(Difference(name, kind, [f"only in {'B' if table_a is None else 'A'}"]))
                continue
            lines = compare_tables(name, table_a, table_b, examples)
            if lines:
                differences.append(Difference(name, kind, lines))
    return differences


def format_report(a: Path, b: Path, differences: list[Difference]) -> str:
    ignored = ", ".join(["run_id"] + [f"{t}.{c}" for t, cs in PER_RUN_IN_TABLE.items() for c in sorted(cs)])
    head = f"A = {a}\nB = {b}\nignored (per run by design): {ignored}"
    if not differences:
        return f"{head}\nthe same: every table, Parquet and CSV"
    body = [f"\n{d.table} ({d.kind}):\n" + "\n".join(f"  {line}" for line in d.lines) for d in differences]
    tables = sorted({d.table for d in differences})
    return f"{head}\n{len(differences)} difference(s) in {', '.join(tables)}" + "".join(body)


def is_output_folder(folder: Path) -> bool:
    return (folder / "documents").is_dir() or (folder / "csv" / "documents.csv").is_file()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_tables", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_a", type=Path, metavar="OUT_A", help="output folder of one run (e.g. before)")
    parser.add_argument("out_b", type=Path, metavar="OUT_B", help="output folder of the other (e.g. after)")
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES, metavar="N",
                        help=f"rows shown per kind of difference (default {DEFAULT_EXAMPLES})")
    args = parser.parse_args(argv)
    for folder in (args.out_a, args.out_b):
        if not is_output_folder(folder):
            print(f"compare_tables: {folder} is not an output folder of `pipeline run` (no documents table)",
                  file=sys.stderr)
            return 2
    differences = compare_folders(args.out_a, args.out_b, args.examples)
    print(format_report(args.out_a, args.out_b, differences))
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
