"""Verified parts and a full disk (issue 23.5, 23.6).

Every run checks the committed parts against the manifest before it adds
anything: a part lost or overwritten is exit 2 naming it and ``pipeline
repair OUT``, which drops its batch so that the next run re-extracts it.  A
disk that fills mid-run is exit 3 with what was committed (batches with their
``runs`` row) and what was not; CSVs are replaced only once all are written.
"""
from __future__ import annotations

import errno
import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.errors import EXIT_OK, EXIT_PARTLY_WRITTEN, EXIT_USAGE
from pipeline.tables.claim import LOCK
from pipeline.tables.folder import OutputFolder
from pipeline.tables.rows import run_row
from pipeline.tables.schemas import to_table
from tests.tables.test_writers import make_document
from tests.helpers import read_csv_table

TEXTS = ["本报讯 我市召开会议，市民政局发放3135.7万元。", "第二篇文章，全年增长5.5%左右。",
         "第三篇，去年完成投资120亿元。", "第四篇，新增就业1.2万人。"]
CONFIG = {"extract": {"components": ["numeric"]}, "batching": {"max_documents": 1},
          "output": {"formats": ["parquet", "csv"]}}


@pytest.fixture
def config_file(tmp_path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(CONFIG), encoding="utf-8")
    return path


def write_inputs(folder: Path, texts: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(texts):
        (folder / f"page{n}.txt").write_text(text, encoding="utf-8")
    return folder


def run_cli(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run(inputs: Path, out: Path, config: Path, capsys) -> tuple[int, str, str]:
    return run_cli(capsys, "run", str(inputs), "--out", str(out), "--config", str(config))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes but the lock's, whose content is the last holder's PID."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != LOCK}


def manifest_paths(out: Path) -> set[str]:
    return {part["path"] for part in json.loads((out / "manifest.json").read_text())["parts"]}


def parts_on_disk(out: Path) -> set[str]:
    return {path.relative_to(out).as_posix() for path in out.rglob("part-*.parquet")}


def csv_snapshot(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in (out / "csv").rglob("*") if path.is_file()}


def an_entities_part(out: Path) -> Path:
    return sorted((out / "entities").rglob("part-*.parquet"))[0]


# --- a lost or damaged part ------------------------------------------------------------


@pytest.mark.parametrize("damage, reason", [
    (lambda part: part.unlink(), "is missing"),
    (lambda part: part.write_bytes(part.read_bytes()[:100] + b"\0" * 64 + part.read_bytes()[164:]),
     "has other bytes than the ones committed"),
    (lambda part: part.write_bytes(part.read_bytes()[:-10]), "bytes instead of the"),
])
def test_a_lost_or_damaged_part_is_exit_2_naming_it_and_the_repair_and_nothing_changes(
        tmp_path, config_file, capsys, damage, reason):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:2]), tmp_path / "out"
    assert run(inputs, out, config_file, capsys)[0] == EXIT_OK
    part = an_entities_part(out)
    damage(part)
    before = snapshot(out)
    write_inputs(tmp_path / "in", TEXTS[:3])  # new work the run must not start on
    status, _, stderr = run(inputs, out, config_file, capsys)
    assert status == EXIT_USAGE
    assert str(part) in stderr and reason in stderr and f"`pipeline repair {out}`" in stderr
    assert snapshot(out) == before  # no part added, csv/ not rewritten from the damaged tables


def test_repair_drops_the_damaged_batch_and_the_next_run_re_extracts_its_sources(tmp_path, config_file, capsys):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:3]), tmp_path / "out"
    run(inputs, out, config_file, capsys)
    entities = pd.read_parquet(out / "entities").drop(columns="run_id").sort_values("entity_id").reset_index(drop=True)
    part = an_entities_part(out)
    batch = part.name[len("part-"):-len(".parquet")]
    source = pq.read_table(out / "documents" / part.parent.name / part.name).column("source").to_pylist()
    part.write_bytes(b"not parquet")

    status, stdout, _ = run_cli(capsys, "repair", str(out))
    assert status == EXIT_OK
    assert f"dropped batch {batch}" in stdout and f"1 document(s) from {source[0]}" in stdout
    assert not any(batch in path for path in manifest_paths(out) | parts_on_disk(out))
    assert manifest_paths(out) == parts_on_disk(out)

    status, stdout, _ = run(inputs, out, config_file, capsys)
    assert status == EXIT_OK and "1 document(s) written" in stdout and "2 unchanged" in stdout
    again = pd.read_parquet(out / "entities").drop(columns="run_id").sort_values("entity_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(entities, again)
    assert len(read_csv_table(out, "entities")) == len(entities)


def test_repair_of_a_sound_folder_changes_nothing(tmp_path, config_file, capsys):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:2]), tmp_path / "out"
    run(inputs, out, config_file, capsys)
    before = snapshot(out)
    status, stdout, _ = run_cli(capsys, "repair", str(out))
    assert status == EXIT_OK and "nothing to repair" in stdout
    assert snapshot(out) == before


def test_repair_refuses_a_folder_that_is_no_output(tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    status, _, stderr = run_cli(capsys, "repair", str(tmp_path / "mine"))
    assert status == EXIT_USAGE and "is not a pipeline output folder" in stderr
    assert [path.name for path in (tmp_path / "mine").iterdir()] == ["notes.txt"]


def test_a_repeat_of_a_dropped_document_stays_a_repeat_and_its_source_brings_the_document_back(
        tmp_path, config_file, capsys):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:1]), tmp_path / "out"
    run(inputs, out, config_file, capsys)
    (inputs / "copy.txt").write_text(TEXTS[0], encoding="utf-8")  # the same text from a second source
    run(inputs, out, config_file, capsys)
    assert len(pd.read_parquet(out / "repeats")) == 1
    an_entities_part(out).unlink()
    assert run_cli(capsys, "repair", str(out))[0] == EXIT_OK
    status, stdout, _ = run(inputs, out, config_file, capsys)
    assert status == EXIT_OK and "1 document(s) written, 0 repeat(s) recorded, 1 unchanged" in stdout
    documents, repeats = pd.read_parquet(out / "documents"), pd.read_parquet(out / "repeats")
    assert documents.source.tolist() == [str(inputs / "page0.txt")]
    assert repeats.source.tolist() == [str(inputs / "copy.txt")] and set(repeats.doc_id) == set(documents.doc_id)


# --- the runs row is committed with the batch ---------------------------------------------


def begun(folder: OutputFolder, run_id: str = "run-1") -> None:
    now = datetime.now(timezone.utc)
    folder.begin_run(run_row(run_id, now, now, 2, 0, 0, "0" * 64, "test"))


def test_a_committed_batch_has_its_runs_row_at_once(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    begun(folder)
    folder.commit_batch([make_document("d1")], "run-1")
    runs = pd.read_parquet(tmp_path / "runs")
    assert runs.run_id.tolist() == ["run-1"] and runs.n_documents.tolist() == [1]
    folder.commit_batch([make_document("d2")], "run-1")
    assert pd.read_parquet(tmp_path / "runs").n_documents.tolist() == [2]
    assert manifest_paths(tmp_path) == parts_on_disk(tmp_path)


def test_a_runs_part_ahead_of_the_manifest_is_rewritten_from_it(tmp_path):
    """A run killed after writing its next runs row but before renaming the manifest that commits it."""
    folder = OutputFolder(tmp_path)
    folder.prepare()
    begun(folder)
    folder.commit_batch([make_document("d1")], "run-1")
    runs_part = tmp_path / "runs" / "part-run-1.parquet"
    ahead = {**pq.read_table(runs_part).to_pylist()[0], "n_documents": 99}
    pq.write_table(to_table("runs", [ahead]), runs_part)
    OutputFolder(tmp_path).prepare()
    assert pd.read_parquet(tmp_path / "runs").n_documents.tolist() == [1]


# --- a full disk ---------------------------------------------------------------------------


def disk_full_after(monkeypatch, table: str, n_writes: int) -> None:
    """Parquet writes into ``table`` fail with ENOSPC after ``n_writes`` have succeeded, as a filling disk does."""
    import pipeline.tables.folder as folder_module

    real_write_table = folder_module.pq.write_table
    done = []

    def write_table(data, where, *args, **kwargs):
        if table in Path(where).parts:
            if len(done) >= n_writes:
                raise OSError(errno.ENOSPC, "No space left on device")
            done.append(where)
        return real_write_table(data, where, *args, **kwargs)

    monkeypatch.setattr(folder_module.pq, "write_table", write_table)


def test_a_disk_filling_mid_run_is_exit_3_telling_what_was_committed(tmp_path, config_file, capsys, monkeypatch):
    inputs, out = write_inputs(tmp_path / "in", TEXTS), tmp_path / "out"
    disk_full_after(monkeypatch, "entities", 2)  # the third batch fails half-written
    status, _, stderr = run(inputs, out, config_file, capsys)
    assert status == EXIT_PARTLY_WRITTEN
    assert "No space left on device" in stderr
    assert "committed 2 of 4 batch(es) (2 document(s)), each with its runs row" in stderr
    assert "Not written: the other 2 batch(es), this run's errors and repeats rows, and csv/" in stderr
    assert len(pd.read_parquet(out / "documents")) == 2
    runs = pd.read_parquet(out / "runs")
    assert runs.n_documents.tolist() == [2]
    assert manifest_paths(out) == parts_on_disk(out)  # nothing of the third batch left behind
    assert not (out / "csv").exists()

    monkeypatch.undo()
    status, stdout, _ = run(inputs, out, config_file, capsys)
    assert status == EXIT_OK and "2 document(s) written" in stdout and "2 unchanged" in stdout
    documents = pd.read_parquet(out / "documents")
    assert len(documents) == 4 and documents.doc_id.is_unique
    assert pd.read_parquet(out / "runs").n_documents.sum() == 4
    assert len(read_csv_table(out, "documents")) == 4


def test_a_disk_filling_before_the_first_commit_is_exit_2_nothing_written(tmp_path, config_file, capsys,
                                                                          monkeypatch):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:2]), tmp_path / "out"
    disk_full_after(monkeypatch, "entities", 0)
    status, _, stderr = run(inputs, out, config_file, capsys)
    assert status == EXIT_USAGE and "nothing of this run is written" in stderr
    assert parts_on_disk(out) == set()


def test_a_disk_filling_at_the_runs_end_keeps_every_batch_and_says_so(tmp_path, config_file, capsys, monkeypatch):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:2]), tmp_path / "out"
    disk_full_after(monkeypatch, "errors", 0)
    status, _, stderr = run(inputs, out, config_file, capsys)
    assert status == EXIT_PARTLY_WRITTEN and "committed 2 of 2 batch(es) (2 document(s))" in stderr
    assert pd.read_parquet(out / "runs").n_documents.tolist() == [2]
    assert manifest_paths(out) == parts_on_disk(out)


def test_a_disk_filling_while_csvs_are_written_leaves_every_csv_as_it_was(tmp_path, config_file, capsys,
                                                                         monkeypatch):
    inputs, out = write_inputs(tmp_path / "in", TEXTS[:2]), tmp_path / "out"
    run(inputs, out, config_file, capsys)
    before = csv_snapshot(out)
    write_inputs(inputs, TEXTS[:3])
    real_to_csv = pd.DataFrame.to_csv
    calls = []

    def to_csv(frame, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:  # the third table: a torn file, then the disk is full
            Path(path).write_bytes(b"\xef\xbb\xbfdoc_id,sou")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_to_csv(frame, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    status, _, stderr = run(inputs, out, config_file, capsys)
    assert status == EXIT_PARTLY_WRITTEN and "only csv/ is not rewritten" in stderr
    assert csv_snapshot(out) == before
    assert len(pd.read_parquet(out / "documents")) == 3
    monkeypatch.undo()
    assert run(inputs, out, config_file, capsys)[0] == EXIT_OK
    assert len(read_csv_table(out, "documents")) == 3
