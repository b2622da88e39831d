"""Where a table's files lie in an output folder: the document tables by publication month.

    DIR/<table>/pub_month=2025-03/part-<key>.parquet   documents, articles, sentences, entities, measures
    DIR/<table>/pub_month=undated/part-<key>.parquet   their rows with no pub_date
    DIR/<table>/part-<key>.parquet                     runs, errors, repeats, superseded: a part per run
    DIR/csv/<table>/pub_month=2025-03.csv              a month of a document table
    DIR/csv/<table>.csv                                a run table, whole

The month folders are hive-style, so DuckDB reads ``pub_month`` as a column
and reads only the months a query asks for (``where pub_month = '2025-03'``),
and pandas/pyarrow read a table's folder with the same column.  Every row of a
document lies in its document's month, so a batch writes one part per month
its documents fall in (an empty one where a table has no rows there: a month
that has documents has a part in every document table, so a glob never comes
back empty).  A month's CSV is rewritten only when that month's parts change,
so a nightly run rewrites today's month, not the years before it.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.tables.schemas import BATCH_TABLES

PARTITION_COLUMN = "pub_month"
UNDATED = "undated"  # not hive's __HIVE_DEFAULT_PARTITION__: pandas cannot read a null partition beside others
PARTITIONED_TABLES = BATCH_TABLES
PARTITION = re.compile(rf"^{PARTITION_COLUMN}=(?P<month>\d{{4}}-\d{{2}}|{UNDATED})$")
CSV_FOLDER = "csv"
PART_GLOB = "part-*.parquet"


def month_of(pub_date: Optional[date]) -> str:
    return f"{pub_date:%Y-%m}" if pub_date else UNDATED


def partition_name(month: str) -> str:
    return f"{PARTITION_COLUMN}={month}"


def is_partitioned(table: str) -> bool:
    return table in PARTITIONED_TABLES


def part_path(root: Path, table: str, key: str, month: Optional[str] = None) -> Path:
    """A part's path: in its month's folder for a document table, in the table's folder for a run table."""
    if is_partitioned(table):
        return root / table / partition_name(month or UNDATED) / f"part-{key}.parquet"
    return root / table / f"part-{key}.parquet"


def month_of_part(path: str | Path) -> Optional[str]:
    """The month folder a part lies in, or None for a part in its table's own folder."""
    match = PARTITION.match(Path(path).parent.name)
    return match["month"] if match else None


def is_in_place(table: str, path: str | Path) -> bool:
    """Whether a part lies where this version writes it (a document table's part of an older version lies flat)."""
    return (month_of_part(path) is not None) == is_partitioned(table)


def parts_on_disk(root: Path, table: str) -> list[Path]:
    """Every part file of ``table`` there, in month folders or flat (as older versions wrote them)."""
    folder = root / table
    return sorted([*folder.glob(PART_GLOB), *folder.glob(f"{PARTITION_COLUMN}=*/{PART_GLOB}")])


def split_by_month(data: pa.Table, months: set[str]) -> dict[str, pa.Table]:
    """The rows of a document table by their month; every month in ``months`` gets a table, empty or not.

    Worked out on the table's distinct dates, not row by row, and a table all of one month is
    returned as it is: a page of millions of characters has hundreds of thousands of rows."""
    dates = data.column("pub_date")
    month_of_date = {value: month_of(value) for value in pc.unique(dates).to_pylist()}
    row_months = set(month_of_date.values())
    split = {}
    for month in sorted(months | row_months):
        if row_months == {month}:
            split[month] = data
            continue
        in_month = [value for value, its_month in month_of_date.items() if its_month == month]
        mask = pc.is_in(dates, value_set=pa.array([v for v in in_month if v is not None], type=dates.type))
        if None in in_month:
            mask = pc.or_(mask, pc.is_null(dates))
        split[month] = data.filter(mask)
    return split


def csv_path(root: Path, table: str, month: Optional[str]) -> Path:
    """A month's CSV of a document table, or a run table's whole CSV."""
    if month is None:
        return root / CSV_FOLDER / f"{table}.csv"
    return root / CSV_FOLDER / table / f"{partition_name(month)}.csv"
