"""Repeated content is kept once and recorded in ``repeats``, never refused (issue 16).

The runs here use the numeric component only: which copy is kept and what is
recorded does not depend on the name components, and the runs stay fast.
"""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from pipeline.cli import main
from pipeline.config import parse_config
from pipeline.run.flow import RunSummary, run_pipeline
from pipeline.tables.schemas import SCHEMA_VERSION, schema_written_by
from tests.helpers import read_csv_table

TEXT = "本报讯 我市召开会议。会议指出，成效明显。"
OTHER = "第二篇文章，市民政局发放3135.7万元。"
FAST = {"extract": {"components": ["numeric"]}, "output": {"formats": ["parquet", "csv"]}}


def run(inputs: list[Path], out: Path, **config) -> RunSummary:
    return run_pipeline(inputs=[str(p) for p in inputs], out=str(out), config=parse_config({**FAST, **config}),
                        config_sha256="test")


def write_feed(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def table(out: Path, name: str) -> pd.DataFrame:
    """A table as a reader sees it, without the column that names the run, in a fixed order."""
    frame = pd.read_parquet(out / name).drop(columns=["run_id"])
    return frame.sort_values(["doc_id", "source"]).reset_index(drop=True)


def test_a_feed_with_a_repeated_record_exits_0_with_one_document_and_the_repeat_recorded(tmp_path, capsys):
    # A caption printed on two days: the same text, another date and title.
    feed = write_feed(tmp_path / "in" / "feed.jsonl", [
        {"text": TEXT, "pub_date": "2025-03-11"}, {"text": OTHER}, {"text": TEXT, "pub_date": "2025-03-12",
                                                                     "title": "再登"}])
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps(FAST), encoding="utf-8")  # JSON is YAML
    out = tmp_path / "out"
    assert main(["run", str(feed), "--out", str(out), "--config", str(config)]) == 0
    assert "2 document(s) written, 1 repeat(s) recorded, 0 unchanged, 0 refused" in capsys.readouterr().out
    documents = pd.read_parquet(out / "documents")
    kept = documents[documents.source == f"{feed}#L1"]
    assert len(documents) == 2 and len(kept) == 1 and kept.pub_date.iloc[0] == date(2025, 3, 11)
    repeats = pd.read_parquet(out / "repeats")
    assert repeats[["doc_id", "source", "source_format", "pub_date", "title"]].values.tolist() == [
        [kept.doc_id.iloc[0], f"{feed}#L3", "jsonl", date(2025, 3, 12), "再登"]]
    errors = pd.read_parquet(out / "errors")  # the second record has no pub_date: a warning, not a refusal
    assert errors[["source", "error_type", "severity"]].values.tolist() == [[f"{feed}#L2", "no_pub_date", "warning"]]
    runs = pd.read_parquet(out / "runs")
    assert (runs.n_errors.tolist(), runs.n_warnings.tolist()) == ([0], [1])
    csv = pd.read_csv(out / "csv" / "repeats.csv", encoding="utf-8-sig", dtype=str)
    assert csv[["doc_id", "source", "pub_date"]].values.tolist() == [[kept.doc_id.iloc[0], f"{feed}#L3", "2025-03-12"]]
    joined = duckdb.sql(f"select r.source, d.source as kept from '{out}/repeats/*.parquet' r "
                        f"join '{out}/documents/**/*.parquet' d using (doc_id)").fetchall()
    assert joined == [(f"{feed}#L3", f"{feed}#L1")]


def test_the_first_copy_in_input_order_is_kept_whether_copies_share_a_batch_or_not(tmp_path):
    inputs = tmp_path / "in"
    write_text(inputs / "a.txt", TEXT)
    write_text(inputs / "b.txt", OTHER)
    write_text(inputs / "c.txt", TEXT)
    write_feed(inputs / "d.jsonl", [{"text": TEXT}, {"text": OTHER}])
    one_batch = run([inputs], tmp_path / "one")
    one_file_a_batch = run([inputs], tmp_path / "many", batching={"max_chars": 1000, "max_documents": 1})
    assert one_batch.exit_code == one_file_a_batch.exit_code == 0
    assert len(list((tmp_path / "many" / "documents").rglob("*.parquet"))) == 2  # a.txt's and b.txt's batches
    for name in ("documents", "repeats"):
        pd.testing.assert_frame_equal(table(tmp_path / "one", name), table(tmp_path / "many", name))
    documents = table(tmp_path / "many", "documents")
    assert sorted(documents.source) == [str(inputs / "a.txt"), str(inputs / "b.txt")]
    repeats = table(tmp_path / "many", "repeats")
    kept_by_source = dict(zip(documents.doc_id, documents.source))
    assert sorted((r.source, kept_by_source[r.doc_id]) for r in repeats.itertuples()) == [
        (str(inputs / "c.txt"), str(inputs / "a.txt")),
        (f"{inputs / 'd.jsonl'}#L1", str(inputs / "a.txt")),
        (f"{inputs / 'd.jsonl'}#L2", str(inputs / "b.txt"))]


def test_a_copy_of_an_earlier_runs_document_is_recorded_once_and_runs_split_any_way_agree(tmp_path):
    inputs = tmp_path / "in"
    write_text(inputs / "day1" / "a.txt", TEXT)
    out = tmp_path / "out"
    assert run([inputs], out).n_documents == 1
    write_text(inputs / "day2" / "b.txt", OTHER)
    write_text(inputs / "day2" / "c.txt", TEXT)
    second = run([inputs], out)
    assert (second.n_documents, second.n_skipped, second.exit_code) == (1, 1, 0)
    assert [(r.source, r.run_id) for r in pd.read_parquet(out / "repeats").itertuples()] == [
        (str(inputs / "day2" / "c.txt"), second.run_id)]
    per_run = ("runs", "errors", "repeats", "superseded")
    parts_before = sorted(p.name for p in out.rglob("part-*.parquet") if p.parent.name not in per_run)
    third = run([inputs], out)  # the same inputs again: nothing new, no row twice
    assert (third.n_documents, third.n_skipped, third.repeats) == (0, 3, [])
    assert sorted(p.name for p in out.rglob("part-*.parquet") if p.parent.name not in per_run) == parts_before
    assert len(pd.read_parquet(out / "repeats")) == 1
    at_once = run([inputs], tmp_path / "at_once")
    for name in ("documents", "repeats"):
        pd.testing.assert_frame_equal(table(out, name), table(tmp_path / "at_once", name))


def test_copies_of_a_refused_text_are_each_refused_and_no_repeat_of_nothing_is_recorded(tmp_path):
    # Control characters only: each copy passes ingest and normalization leaves nothing.
    feed = write_feed(tmp_path / "in" / "feed.jsonl", [{"text": "\u0001\u0002"}, {"text": "\u0001\u0002"}])
    summary = run([feed], tmp_path / "out")
    assert summary.exit_code == 1 and summary.repeats == []
    assert sorted(e.source for e in summary.refused) == [f"{feed}#L1", f"{feed}#L2"]
    assert pd.read_parquet(tmp_path / "out" / "repeats").empty


def as_written_by_version(out: Path, version: str, without: tuple[str, ...]) -> None:
    """The folder as an older version left it: no marker and no manifest, the tables it lacked gone, every
    part flat in its table's folder with that version's columns and mark, and a whole CSV per table."""
    for name in (".pipeline-output.json", ".pipeline.lock", "manifest.json"):
        (out / name).unlink()
    shutil.rmtree(out / "csv")
    for table in without:
        shutil.rmtree(out / table)
    (out / "csv").mkdir()
    for part in list(out.rglob("part-*.parquet")):
        table = part.relative_to(out).parts[0]
        older = pq.read_table(part).select(schema_written_by(table, version).names)
        pq.write_table(older.replace_schema_metadata({"schema_version": version}), out / table / part.name)
        if part.parent != out / table:
            part.unlink()
        older.to_pandas().to_csv(out / "csv" / f"{table}.csv", index=False, encoding="utf-8-sig")
    for month in list(out.glob("*/pub_month=*")):
        month.rmdir()


def as_written_by_version_1(out: Path) -> None:
    """The same six tables, their parts marked version 1, no repeats and no measures."""
    as_written_by_version(out, "1", ("repeats", "measures"))


def test_a_folder_written_by_schema_version_1_takes_the_repeats_table_and_stays_readable(tmp_path):
    inputs = tmp_path / "in"
    write_text(inputs / "a.txt", TEXT)
    out = tmp_path / "out"
    run([inputs], out)
    as_written_by_version_1(out)
    write_text(inputs / "b.txt", TEXT)  # version 1 refused this copy; now it is recorded
    summary = run([inputs], out)
    assert summary.exit_code == 0 and [r.source for r in summary.repeats] == [str(inputs / "b.txt")]
    for name in ("documents", "repeats", "articles", "sentences", "entities", "runs", "errors"):
        duckdb.sql(f"select * from '{out}/{name}/**/*.parquet'").fetchall()  # one column layout per table
    # the older parts are rewritten with this version's columns, so every reader sees one layout
    versions = {pq.read_schema(p).metadata[b"schema_version"] for p in out.rglob("part-*.parquet")}
    assert versions == {SCHEMA_VERSION.encode()}
    runs = pd.read_parquet(out / "runs")
    assert "n_warnings" in runs and runs.n_warnings.isna().sum() == 1  # the version-1 run's count is unknown
    assert committed_parts_are_the_files(out)
    assert pd.read_csv(out / "csv" / "repeats.csv", encoding="utf-8-sig").source.tolist() == [str(inputs / "b.txt")]


def test_a_folder_this_version_cannot_append_to_is_exit_2_and_gets_no_new_part(tmp_path, capsys):
    inputs = tmp_path / "in"
    write_text(inputs / "a.txt", TEXT)
    out = tmp_path / "out"
    run([inputs], out)
    part = next((out / "documents").rglob("*.parquet"))
    newer = str(int(SCHEMA_VERSION) + 1)  # a newer pipeline's folder
    pq.write_table(pq.read_table(part).replace_schema_metadata({"schema_version": newer}), part)
    write_text(inputs / "b.txt", OTHER)
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    before = sorted(out.rglob("*"))
    assert main(["run", str(inputs), "--out", str(out), "--config", str(config)]) == 2
    assert str(part) in capsys.readouterr().err
    assert sorted(out.rglob("*")) == before


def test_a_folder_of_version_3_takes_the_place_columns_and_its_older_entities_read_them_as_null(tmp_path):
    # Version 4 added entities.place_code, province, city and county (issue 20.4): an older
    # folder is appended to, and a reader that unions the parts by name sees nulls in its rows.
    inputs, out = tmp_path / "in", tmp_path / "out"
    names = {"extract": {"components": ["numeric", "rules"]}}
    write_text(inputs / "a.txt", "阳泉市召开会议。")
    run([inputs], out, **names)
    as_written_by_version(out, "3", ("superseded",))
    write_text(inputs / "b.txt", "北京召开会议。")
    assert run([inputs], out, **names).exit_code == 0
    rows = duckdb.sql(f"select text, norm, place_code from read_parquet('{out}/entities/**/*.parquet', "
                      "union_by_name = true) where label = 'GPE' order by text").fetchall()
    assert rows == [("北京", "北京市", "110000"), ("阳泉市", "阳泉市", None)]
    assert "place_code" in pd.read_parquet(out / "entities")  # every part has the column now


# --- versions: one text per source_id (pipeline/tables/versions.py, issue 19.2) ------------------------------

PAGE = "本报讯 市民政局发放津贴3135.7万元。会议指出，成效明显。"
CORRECTED = "本报讯 市民政局发放津贴3135.8万元。会议指出，成效明显。"
BATCH_TABLES = ("documents", "articles", "sentences", "entities", "measures")


def doc_ids(out: Path, name: str) -> set[str]:
    return set(pd.read_parquet(out / name, columns=["doc_id"]).doc_id)


def by_id(out: Path, name: str) -> pd.DataFrame:
    """A table's rows by their id, without the run that wrote them."""
    key = {"entities": "entity_id", "sentences": "sentence_id"}[name]
    return pd.read_parquet(out / name).drop(columns="run_id").sort_values(key).reset_index(drop=True)


def money_total(out: Path) -> float:
    return duckdb.sql(f"select sum(value) from '{out}/entities/**/*.parquet' where label = 'MONEY'").fetchall()[0][0]


def committed_parts_are_the_files(out: Path) -> bool:
    listed = {part["path"] for part in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["parts"]}
    return listed == {p.relative_to(out).as_posix() for p in out.rglob("part-*.parquet")}


def test_a_corrected_page_run_twice_leaves_one_version_in_every_table_and_every_sum(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    page = write_text(inputs / "page.txt", PAGE)
    write_text(inputs / "other.txt", OTHER)
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    assert main(["run", str(inputs), "--out", str(out), "--config", str(config)]) == 0
    first = dict(zip(*pd.read_parquet(out / "documents", columns=["source", "doc_id"]).to_dict("list").values()))
    assert money_total(out) == 31357000.0 + 31357000.0  # this page's and the other one's
    write_text(page, CORRECTED)
    assert main(["run", str(inputs), "--out", str(out), "--config", str(config)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert "1 document(s) written, 0 repeat(s) recorded, 1 unchanged" in line
    assert "1 earlier version(s) replaced" in line
    documents = pd.read_parquet(out / "documents")
    assert sorted(documents.source) == sorted([str(page), str(inputs / "other.txt")])
    assert documents.source_id.tolist() == documents.source.tolist()  # files: the path
    new = documents.loc[documents.source == str(page), "doc_id"].item()
    old = first[str(page)]
    assert new != old
    for name in BATCH_TABLES:
        assert old not in doc_ids(out, name) and new in doc_ids(out, name), name
    assert money_total(out) == 31358000.0 + 31357000.0
    superseded = pd.read_parquet(out / "superseded")
    assert superseded[["doc_id", "source_id", "superseded_by", "reason"]].values.tolist() == [
        [old, str(page), new, "new_version"]]
    runs = pd.read_parquet(out / "runs").sort_values("started_at")
    assert runs[["n_documents", "n_unchanged", "n_replaced", "n_repeats"]].values.tolist() == [[2, 0, 0, 0],
                                                                                             [1, 1, 1, 0]]
    assert committed_parts_are_the_files(out)
    csv = read_csv_table(out, "entities")
    assert old not in set(csv.doc_id)
    third = run([inputs], out)  # nothing new: nothing rewritten
    assert (third.n_documents, third.n_skipped, third.n_replaced) == (0, 2, 0)


def test_a_feed_keeps_id_and_url_and_a_record_sent_again_with_a_new_text_replaces_its_old_version(tmp_path):
    feed, out = tmp_path / "in" / "feed.jsonl", tmp_path / "out"
    write_feed(feed, [{"id": "rmrb-1", "url": "https://paper.example/1.html", "text": PAGE},
                      {"url": "https://paper.example/2.html", "text": OTHER}, {"text": TEXT}])
    run([feed], out)
    documents = pq.read_table(out / "documents", columns=["source", "source_id", "url"]).to_pylist()
    assert sorted(list(row.values()) for row in documents) == [
        [f"{feed}#L1", "rmrb-1", "https://paper.example/1.html"],
        [f"{feed}#L2", "https://paper.example/2.html", "https://paper.example/2.html"],
        [f"{feed}#L3", f"{feed}#L3", None]]
    # The next night's feed sends record rmrb-1 again, corrected, on another line.
    write_feed(feed, [{"text": TEXT}, {"url": "https://paper.example/2.html", "text": OTHER},
                      {"id": "rmrb-1", "url": "https://paper.example/1.html", "text": CORRECTED}])
    second = run([feed], out)
    assert (second.n_documents, second.n_replaced) == (1, 1)
    documents = pd.read_parquet(out / "documents")
    assert sorted(documents.source_id) == sorted(["rmrb-1", "https://paper.example/2.html", f"{feed}#L3"])
    assert documents.set_index("source_id").loc["rmrb-1", "source"] == f"{feed}#L3"
    assert money_total(out) == 31358000.0 + 31357000.0


def test_reprocess_extracts_documents_again_and_their_rows_replace_the_old_ones(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_text(inputs / "page.txt", PAGE)
    write_text(inputs / "copy.txt", PAGE)  # a repeat: it stays one
    run([inputs], out)
    before = {name: by_id(out, name) for name in ("entities", "sentences")}
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    assert main(["run", str(inputs), "--out", str(out), "--config", str(config), "--reprocess"]) == 0
    assert "1 document(s) written, 0 repeat(s) recorded, 1 unchanged, 0 refused, 2 warning(s); 1 reprocessed" in (
        capsys.readouterr().out)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, by_id(out, name))  # the same rows, once
    runs = pd.read_parquet(out / "runs").sort_values("started_at")
    assert set(pd.read_parquet(out / "entities").run_id) == {runs.run_id.iloc[-1]}
    assert runs.n_reprocessed.tolist() == [0, 1] and runs.n_replaced.tolist() == [0, 0]
    assert pd.read_parquet(out / "superseded").reason.tolist() == ["reprocessed"]
    assert len(pd.read_parquet(out / "repeats")) == 1
    assert committed_parts_are_the_files(out)


def test_every_table_carries_pub_date_and_run_id(tmp_path):
    feed, out = tmp_path / "in" / "feed.jsonl", tmp_path / "out"
    write_feed(feed, [{"text": PAGE, "pub_date": "2025-03-12", "title": "标题"}])
    summary = run([feed], out)
    for name in ("articles", "sentences", "entities", "measures"):
        frame = pd.read_parquet(out / name)
        assert len(frame) and set(frame.pub_date) == {date(2025, 3, 12)} and set(frame.run_id) == {summary.run_id}, name
    january = duckdb.sql(f"select count(*) from '{out}/entities/**/*.parquet' where pub_date >= date '2025-03-01'")
    assert january.fetchall()[0][0] == len(pd.read_parquet(out / "entities"))


def test_a_corrected_wire_story_stays_the_document_of_the_paper_that_reprinted_it(tmp_path):
    # Paper A's story, reprinted by paper B (a repeat); A corrects its own: B's copy is still the text.
    inputs, out = tmp_path / "in", tmp_path / "out"
    a = write_text(inputs / "a" / "page.txt", PAGE)
    write_text(inputs / "b" / "page.txt", PAGE)
    run([inputs], out, batching={"max_chars": 1000, "max_documents": 1})
    original = doc_ids(out, "documents")
    write_text(a, CORRECTED)
    second = run([inputs], out, batching={"max_chars": 1000, "max_documents": 1})
    assert second.n_replaced == 1
    documents = pd.read_parquet(out / "documents").sort_values("source")
    assert documents.source.tolist() == [str(a), str(inputs / "b" / "page.txt")]
    assert documents.doc_id.iloc[1] in original and original <= doc_ids(out, "entities") | {documents.doc_id.iloc[0]}
    assert pd.read_parquet(out / "repeats").empty  # b holds the text as its document now
    assert money_total(out) == 31358000.0 + 31357000.0
    assert committed_parts_are_the_files(out)


def test_a_folder_of_version_3_is_appended_to_and_its_old_version_leaves_its_parts_in_their_layout(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    page = write_text(inputs / "page.txt", PAGE)
    write_text(inputs / "other.txt", OTHER)
    run([inputs], out)
    as_written_by_version(out, "3", ("superseded",))
    write_text(page, CORRECTED)
    summary = run([inputs], out)
    assert (summary.n_documents, summary.n_replaced, summary.n_skipped) == (1, 1, 1)
    versions = {pq.read_schema(p).metadata[b"schema_version"] for p in out.rglob("part-*.parquet")}
    assert versions == {SCHEMA_VERSION.encode()}
    assert not list((out / "entities").glob("part-*.parquet"))  # in month folders now
    assert not (out / "csv" / "entities.csv").exists() and read_csv_table(out, "entities").label.eq("MONEY").sum() == 2
    rows = duckdb.sql(f"select source, source_id from read_parquet('{out}/documents/**/*.parquet', union_by_name = true)"
                      " order by source").fetchall()
    assert rows == [(str(inputs / "other.txt"), None), (str(page), str(page))]  # the older row: null source_id
    assert money_total(out) is not None and duckdb.sql(
        f"select sum(value) from read_parquet('{out}/entities/**/*.parquet', union_by_name = true) "
        "where label = 'MONEY'").fetchall()[0][0] == 31358000.0 + 31357000.0
    assert committed_parts_are_the_files(out)


def test_one_feed_id_twice_in_an_input_keeps_the_later_text_with_a_warning_and_a_rerun_changes_nothing(tmp_path):
    feed, out = tmp_path / "in" / "feed.jsonl", tmp_path / "out"
    write_feed(feed, [{"id": "7", "text": PAGE}, {"id": "7", "text": CORRECTED}])
    first = run([feed], out)
    assert first.n_documents == 1 and [(w.source, w.error_type) for w in first.warnings if w.error_type
                                       == "duplicate_id"] == [(f"{feed}#L1", "duplicate_id")]
    assert money_total(out) == 31358000.0
    again = run([feed], out)  # the two records must not replace each other night after night
    assert (again.n_documents, again.n_replaced, again.n_skipped) == (0, 0, 1)
    assert pd.read_parquet(out / "superseded").empty
