"""pipeline/tables/layout.py: document tables by publication month, CSV rewritten only where it changed (issue 19.5)."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.config import parse_config
from pipeline.run.flow import RunSummary, run_pipeline
from pipeline.tables.layout import PARTITIONED_TABLES
from tests.helpers import read_csv_table

FAST = {"extract": {"components": ["numeric"]}, "output": {"formats": ["parquet", "csv"]}}
MARCH = "本报讯 市民政局发放高龄津贴3135.7万元，惠及3.2万人。"
APRIL = "本报讯 市财政局拨付专项资金1.2亿元。"
UNDATED_TEXT = "全市新建养老机构45个，投入资金800万元。"


def run(feed: Path, out: Path) -> RunSummary:
    return run_pipeline(inputs=[str(feed)], out=str(out), config=parse_config(FAST), config_sha256="test")


def write_feed(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def month_folders(out: Path, table: str) -> list[str]:
    return sorted(path.name for path in (out / table).iterdir() if path.is_dir())


def csv_months(out: Path, table: str) -> dict[str, tuple[int, bytes]]:
    """Each month's CSV of ``table``: its inode and modification time, and its bytes."""
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in (out / "csv" / table).glob("*.csv")}


def test_each_document_table_lies_in_month_folders_that_duckdb_prunes_and_pandas_reads(tmp_path):
    feed = write_feed(tmp_path / "in" / "feed.jsonl", [
        {"id": "a", "text": MARCH, "pub_date": "2025-03-12"},
        {"id": "b", "text": APRIL, "pub_date": "2025-04-02"},
        {"id": "c", "text": UNDATED_TEXT}])
    out = tmp_path / "out"
    assert run(feed, out).n_documents == 3
    for table in PARTITIONED_TABLES:  # a part in every month that has documents, rows or not
        assert month_folders(out, table) == ["pub_month=2025-03", "pub_month=2025-04", "pub_month=undated"], table
    for table in ("runs", "errors", "repeats", "superseded"):
        assert month_folders(out, table) == [] and list((out / table).glob("part-*.parquet")), table

    money = duckdb.sql(f"select pub_month, sum(value) from '{out}/entities/**/*.parquet' where label = 'MONEY' "
                       "group by pub_month order by pub_month").fetchall()
    assert money == [("2025-03", 31357000.0), ("2025-04", 120000000.0), ("undated", 8000000.0)]
    plan = duckdb.sql(f"explain analyze select count(*) from '{out}/entities/**/*.parquet' "
                      "where pub_month = '2025-04'").fetchall()[0][1]
    assert "Scanning Files: 1/3" in plan  # only April's folder is read

    entities = pd.read_parquet(out / "entities")
    assert set(entities.pub_month) == {"2025-03", "2025-04", "undated"}
    assert (entities.pub_month == entities.pub_date.map(lambda d: f"{d:%Y-%m}" if d else "undated")).all()


def test_a_run_rewrites_only_the_csv_months_its_documents_changed(tmp_path):
    feed = tmp_path / "in" / "feed.jsonl"
    out = tmp_path / "out"
    write_feed(feed, [{"id": "a", "text": MARCH, "pub_date": "2025-03-12"}])
    run(feed, out)
    march = csv_months(out, "entities")
    assert list(march) == ["pub_month=2025-03.csv"]

    write_feed(feed, [{"id": "a", "text": MARCH, "pub_date": "2025-03-12"},
                      {"id": "b", "text": APRIL, "pub_date": "2025-04-02"}])
    assert run(feed, out).n_documents == 1
    after_april = csv_months(out, "entities")
    assert after_april["pub_month=2025-03.csv"] == march["pub_month=2025-03.csv"]  # not rewritten
    assert "1.2亿元".encode() in after_april["pub_month=2025-04.csv"][1]
    assert len(read_csv_table(out, "runs")) == 2  # a run table's CSV is whole

    # a corrected March page: March's CSV is rewritten without the old version, April's is left alone
    write_feed(feed, [{"id": "a", "text": MARCH.replace("3135.7万元", "3135.8万元"), "pub_date": "2025-03-12"},
                      {"id": "b", "text": APRIL, "pub_date": "2025-04-02"}])
    assert run(feed, out).n_replaced == 1
    after_fix = csv_months(out, "entities")
    assert after_fix["pub_month=2025-04.csv"] == after_april["pub_month=2025-04.csv"]
    assert "3135.8万元".encode() in after_fix["pub_month=2025-03.csv"][1]
    assert "3135.7万元".encode() not in after_fix["pub_month=2025-03.csv"][1]
    csv = read_csv_table(out, "entities")
    assert sorted(csv.loc[csv.label == "MONEY", "value"]) == [31358000.0, 120000000.0]

    # a month's CSV that is lost is written again by the next run, though nothing else changed
    (out / "csv" / "entities" / "pub_month=2025-04.csv").unlink()
    assert run(feed, out).n_documents == 0
    assert csv_months(out, "entities")["pub_month=2025-04.csv"][1] == after_fix["pub_month=2025-04.csv"][1]


def test_rows_split_by_month_with_undated_ones_and_empty_months():
    from datetime import date

    import pyarrow as pa

    from pipeline.tables.layout import split_by_month

    data = pa.table({"pub_date": pa.array([date(2025, 3, 1), None, date(2025, 4, 2), date(2025, 3, 9)]),
                     "n": [1, 2, 3, 4]})
    split = split_by_month(data, {"2025-05"})
    assert {month: part.column("n").to_pylist() for month, part in split.items()} == {
        "2025-03": [1, 4], "2025-04": [3], "2025-05": [], "undated": [2]}
    march = data.filter(pa.array([True, False, False, True]))
    assert split_by_month(march, {"2025-03"})["2025-03"] is march  # one month: the table itself, not a copy
