"""bench/compare_tables.py: two runs of the same inputs compare equal; any other change is reported.

Three small runs (numeric component only, Parquet and CSV); the other cases
edit copies of a run's folder, which is what a behaviour change would do to it.
"""
from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.compare_tables import compare_folders, main
from pipeline.config import parse_config
from pipeline.run.flow import run_pipeline
from pipeline.tables.folder import OutputFolder

PAGE = "## 市民政局发放津贴\n2024年，市民政局发放高龄津贴3135.7万元，惠及3.2万人。\n\n（刘阳）\n"
TEXT = "本报讯 我市召开会议。会议指出，成效明显。"
CONFIG = {"extract": {"components": ["numeric"]}, "output": {"formats": ["parquet", "csv"]}}


def write_inputs(folder: Path, page: str) -> Path:
    """Rows in all seven tables: a page, a feed with a repeated record and a malformed line."""
    folder.mkdir(parents=True)
    (folder / "2025-03-12-page.txt").write_text(page, encoding="utf-8")
    records = [json.dumps({"text": TEXT, "pub_date": "2025-03-11"}, ensure_ascii=False),
               json.dumps({"text": TEXT, "pub_date": "2025-03-12"}, ensure_ascii=False), "{oops"]
    (folder / "feed.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    return folder


def run(inputs: Path, out: Path) -> Path:
    run_pipeline(inputs=[str(inputs)], out=str(out), config=parse_config(CONFIG), config_sha256="test")
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("compare")
    inputs = write_inputs(root / "in", PAGE)
    folders = {"a": run(inputs, root / "a"), "b": run(inputs, root / "b")}
    # The same path with other content: sources are the paths as given, so only the page's rows may differ.
    (inputs / "2025-03-12-page.txt").write_text(PAGE.replace("3135.7万元", "3135.8万元"), encoding="utf-8")
    folders["changed"] = run(inputs, root / "changed")
    return folders


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "copy"))


def found(a: Path, b: Path) -> list[tuple[str, str]]:
    return [(d.table, d.kind) for d in compare_folders(a, b)]


def only_part(folder: Path, table: str) -> Path:
    (part,) = (folder / table).rglob("part-*.parquet")
    return part


def test_two_runs_of_the_same_inputs_are_the_same_though_their_run_ids_and_times_differ(runs, capsys):
    a, b = runs["a"], runs["b"]
    assert pq.read_table(a / "runs").column("run_id") != pq.read_table(b / "runs").column("run_id")
    for table in ("documents", "repeats", "articles", "sentences", "entities", "runs", "errors"):
        assert pq.read_table(a / table).num_rows > 0, table  # every table takes part
    assert main([str(a), str(b)]) == 0
    assert "the same: every table, Parquet and CSV" in capsys.readouterr().out


def test_a_changed_input_is_reported_table_by_table_with_its_rows(runs, capsys):
    assert main([str(runs["a"]), str(runs["changed"])]) == 1
    report = capsys.readouterr().out
    for table in ("documents", "articles", "sentences", "entities"):
        assert f"{table} (parquet):" in report and f"{table} (csv):" in report, table
    assert "1 only in A, 1 only in B" in report
    assert "only in B: " in report and "3135.8万元" in report
    assert "repeats (" not in report and "errors (" not in report and "runs (" not in report


def test_a_changed_value_names_the_row_and_the_column_in_that_format_only(runs, tmp_path, capsys):
    copy = copy_of(runs["a"], tmp_path)
    part = only_part(copy, "entities")
    data = pq.read_table(part)
    values = data.column("value").to_pylist()
    at = next(i for i, value in enumerate(values) if value == 31357000.0)
    values[at] = 31358000.0
    pq.write_table(data.set_column(data.schema.get_field_index("value"), "value", pa.array(values)), part)
    assert main([str(runs["a"]), str(copy)]) == 1
    report = capsys.readouterr().out
    entity_id = data.column("entity_id")[at].as_py()
    assert f"changed entity_id={entity_id}: value: 31357000.0 | 31358000.0" in report
    assert "changed columns: value (1 rows)" in report
    assert found(runs["a"], copy) == [("entities", "parquet")]


def test_a_changed_csv_cell_and_a_lost_byte_order_mark_are_reported(runs, tmp_path):
    copy = copy_of(runs["a"], tmp_path)
    sentences = copy / "csv" / "sentences" / "pub_month=2025-03.csv"
    sentences.write_bytes(sentences.read_bytes().replace("惠及".encode(), "惠至".encode(), 1))
    errors = copy / "csv" / "errors.csv"
    errors.write_bytes(errors.read_bytes()[3:])
    differences = {(d.table, d.kind): d.lines for d in compare_folders(runs["a"], copy)}
    assert set(differences) == {("sentences", "csv"), ("errors", "csv")}
    assert any("changed sentence_id=" in line and "惠至" in line for line in differences[("sentences", "csv")])
    assert differences[("errors", "csv")] == ["byte-order mark: A has, B has none"]


def test_the_same_rows_in_another_order_and_another_schema_version_are_differences(runs, tmp_path):
    copy = copy_of(runs["a"], tmp_path)
    part = only_part(copy, "entities")
    data = pq.read_table(part)
    pq.write_table(data.take(list(reversed(range(data.num_rows)))), part)
    documents = only_part(copy, "documents")
    pq.write_table(pq.read_table(documents).replace_schema_metadata({"schema_version": "9"}), documents)
    differences = {(d.table, d.kind): d.lines for d in compare_folders(runs["a"], copy)}
    assert set(differences) == {("entities", "parquet"), ("documents", "parquet")}
    assert "in another order, first at row 1" in differences[("entities", "parquet")][0]
    assert differences[("documents", "parquet")][0] == "schema differs:"
    assert "'schema_version': '9'" in differences[("documents", "parquet")][2]


def test_a_table_only_one_folder_has_is_reported(runs, tmp_path):
    copy = copy_of(runs["a"], tmp_path)
    shutil.rmtree(copy / "repeats")
    (copy / "csv" / "repeats.csv").unlink()
    assert set(found(runs["a"], copy)) == {("repeats", "parquet"), ("repeats", "csv")}
    assert compare_folders(runs["a"], copy)[0].lines == ["only in A"]


def add_later_run(folder: Path, run_id: str) -> None:
    """A second run's rows, as a re-run writes them, under a run_id that sorts anywhere."""
    first = pq.read_table(only_part(folder, "runs")).to_pylist()[0]
    later = {**first, "run_id": run_id, "started_at": first["started_at"] + timedelta(hours=1),
             "finished_at": first["finished_at"] + timedelta(hours=1), "n_documents": 0}
    errors = pq.read_table(only_part(folder, "errors")).to_pylist()
    output = OutputFolder(folder)  # committed to the folder's manifest, as the run would
    output.write_part("runs", run_id, [later])
    output.write_part("errors", run_id, [{**row, "run_id": run_id} for row in errors])
    output.write_csv()


def test_rows_of_several_runs_are_ordered_by_the_runs_start_not_by_their_run_ids(runs, tmp_path):
    # Two runs in the same second sort by the random half of their run_ids.
    early_name, late_name = tmp_path / "early", tmp_path / "late"
    shutil.copytree(runs["a"], early_name)
    shutil.copytree(runs["b"], late_name)
    add_later_run(early_name, "00000000T000000Z-first")  # sorts before the first run's id
    add_later_run(late_name, "99999999T999999Z-last")  # sorts after it
    assert found(early_name, late_name) == []
    assert set(found(runs["a"], late_name)) == {("runs", "parquet"), ("errors", "parquet"), ("runs", "csv"),
                                                ("errors", "csv")}


def test_a_folder_that_is_no_output_is_a_usage_error(runs, tmp_path, capsys):
    assert main([str(runs["a"]), str(tmp_path)]) == 2
    assert "not an output folder" in capsys.readouterr().err
