"""Reading an output folder's CSV as a user would: a run table's one file, a document table's months together."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.tables.layout import csv_path, is_partitioned


def csv_files(out: Path, table: str) -> list[Path]:
    if is_partitioned(table):
        return sorted((out / "csv" / table).glob("pub_month=*.csv"))
    return [csv_path(out, table, None)]


def read_csv_table(out: Path, table: str, **options) -> pd.DataFrame:
    frames = [pd.read_csv(path, encoding="utf-8-sig", **options) for path in csv_files(out, table)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
