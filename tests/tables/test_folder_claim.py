"""A run writes only into a folder it owns, one run at a time (issue 23.2, 23.3).

``--out`` must be absent, empty or a pipeline output; anything else is refused
before anything is written, naming what is in the way.  A second run into a
folder is refused at once naming the holder's PID, or waits with ``--wait``;
the lock goes with its holder, however it ends.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.config import parse_config
from pipeline.errors import EXIT_USAGE, OutputError
from pipeline.run.flow import run_pipeline
from pipeline.tables.claim import LOCK, MARKER, claimed_folder
from pipeline.tables.folder import OutputFolder
from pipeline.tables.schemas import SCHEMA_VERSION, to_table
from tests.conftest import ROOT
from tests.run.running import end_group, start_run

TEXT = "本报讯 我市召开会议。会议指出，市民政局发放3135.7万元。"
FAST = {"extract": {"components": ["numeric"]}, "output": {"formats": ["parquet", "csv"]}}
HOLDER_START_TIMEOUT_S = 60


def write_input(folder: Path, name: str = "a.txt", text: str = TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(inputs: Path, out: Path, wait: bool = False):
    return run_pipeline(inputs=[str(inputs)], out=str(out), config=parse_config(FAST), config_sha256="test",
                        wait=wait)


def run_cli(inputs: Path, out: Path, capsys, *options: str) -> tuple[int, str]:
    status = main(["run", str(inputs), "--out", str(out), *options])
    return status, capsys.readouterr().err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


class Holder:
    """Another process that claims ``out`` (as a run does) and holds it for ``seconds``."""

    def __init__(self, out: Path, seconds: float):
        code = textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from pipeline.tables.claim import claimed_folder
            with claimed_folder(Path({str(out)!r})):
                print("holding", flush=True)
                time.sleep({seconds})
        """)
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "holding"

    @property
    def pid(self) -> int:
        return self.process.pid


# --- which folder ------------------------------------------------------------------


def test_a_file_as_out_is_refused_and_left_alone(tmp_path):
    a_file = tmp_path / "tables.csv"
    a_file.write_text("mine\n")
    with pytest.raises(OutputError, match="is a file"):
        with claimed_folder(a_file):
            pass
    assert a_file.read_text() == "mine\n"


def test_a_folder_of_the_users_is_refused_naming_what_is_in_the_way_and_nothing_changes(tmp_path, capsys):
    out = tmp_path / "mine"
    (out / "csv").mkdir(parents=True)
    (out / "csv" / "documents.csv").write_text("my own table\n")
    (out / "notes.txt").write_text("notes\n")
    (out / "draft.tmp").write_text("unsaved\n")
    before = snapshot(out)
    status, stderr = run_cli(write_input(tmp_path / "in"), out, capsys)
    assert status == EXIT_USAGE
    assert "is neither empty nor a pipeline output" in stderr
    assert "draft.tmp" in stderr and "notes.txt" in stderr
    assert snapshot(out) == before and sorted(p.name for p in out.iterdir()) == ["csv", "draft.tmp", "notes.txt"]


def test_a_folder_holding_only_a_csv_of_a_tables_name_is_not_taken_for_an_output(tmp_path):
    out = tmp_path / "mine"
    (out / "csv").mkdir(parents=True)
    (out / "csv" / "documents.csv").write_text("my own table\n")
    with pytest.raises(OutputError, match="csv/documents.csv"):
        with claimed_folder(out):
            pass
    assert (out / "csv" / "documents.csv").read_text() == "my own table\n"


def test_an_absent_or_empty_folder_is_claimed_and_marked(tmp_path):
    for out in (tmp_path / "absent" / "out", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir()
        with claimed_folder(out):
            assert json.loads((out / MARKER).read_text())["schema_version"] == SCHEMA_VERSION
            assert (out / LOCK).read_text().strip() == str(os.getpid())


def test_a_pipeline_output_is_run_into_again_and_keeps_a_users_file(tmp_path):
    inputs = write_input(tmp_path / "in")
    out = tmp_path / "out"
    assert run(inputs, out).n_documents == 1
    (out / "README.txt").write_text("what this folder is\n")  # a marked folder may hold the user's files
    write_input(inputs, "b.txt", "第二篇文章，发放100万元。")
    assert run(inputs, out).n_documents == 1
    assert (out / "README.txt").read_text() == "what this folder is\n"
    assert len(pd.read_parquet(out / "documents")) == 2


def test_a_folder_written_before_the_marker_is_adopted(tmp_path):
    inputs = write_input(tmp_path / "in")
    out = tmp_path / "out"
    run(inputs, out)
    for name in (MARKER, LOCK, "manifest.json"):  # as the version before the marker left it
        (out / name).unlink()
    summary = run(inputs, out)
    assert summary.n_documents == 0 and summary.n_skipped == 1
    assert (out / MARKER).exists() and (out / "manifest.json").exists()


def test_a_marker_of_a_newer_schema_version_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"schema_version": str(int(SCHEMA_VERSION) + 1)}))
    with pytest.raises(OutputError, match="cannot append to it"):
        with claimed_folder(out):
            pass


def test_only_the_pipelines_own_temporary_files_are_cleared(tmp_path):
    out = tmp_path / "out"
    with claimed_folder(out):
        OutputFolder(out).prepare()
    month = "pub_month=2025-03"
    own = [out / "entities" / ".part-0123abcd.parquet.4242.tmp", out / "csv" / ".documents.csv.4242.tmp",
           out / ".manifest.json.4242.tmp", out / "entities" / month / ".part-0123abcd.parquet.4242.tmp",
           out / "csv" / "entities" / f".{month}.csv.4242.tmp", out / "csv" / ".errors.csv.4242.tmp"]
    users = [out / "draft.tmp", out / ".draft.4242.tmp", out / "csv" / ".mine.csv.4242.tmp",
             out / "entities" / "scratch.tmp", out / "entities" / month / ".notes.4242.tmp",
             out / "csv" / "entities" / ".mine.csv.4242.tmp", out / "csv" / "runs" / f".{month}.csv.4242.tmp"]
    for folder in (out / "csv" / "entities", out / "csv" / "runs", out / "entities" / month):
        folder.mkdir(parents=True, exist_ok=True)
    for path in own + users:
        path.write_bytes(b"x")
    with claimed_folder(out):
        OutputFolder(out).prepare()
    assert [path for path in own if path.exists()] == []
    assert [path for path in users if path.exists()] == users


def test_a_part_no_manifest_lists_is_removed_but_a_users_parquet_elsewhere_stays(tmp_path):
    out = tmp_path / "out"
    with claimed_folder(out):
        OutputFolder(out).prepare()
    remains = out / "entities" / "part-deadbeef.parquet"
    pq.write_table(to_table("entities", []), remains)
    users = out / "mine.parquet"
    pq.write_table(to_table("entities", []), users)
    with claimed_folder(out):
        OutputFolder(out).prepare()
    assert not remains.exists() and users.exists()


# --- one run at a time ---------------------------------------------------------------


def test_a_second_run_is_refused_at_once_naming_the_holders_pid(tmp_path, capsys):
    out = tmp_path / "out"
    holder = Holder(out, 60)
    try:
        started = time.monotonic()
        status, stderr = run_cli(write_input(tmp_path / "in"), out, capsys)
        assert status == EXIT_USAGE
        assert f"is in use by another run (PID {holder.pid})" in stderr and "--wait" in stderr
        assert time.monotonic() - started < 10  # refused before any Prefect server starts
        assert not (out / "documents").exists()
    finally:
        holder.process.kill()
        holder.process.wait()


def test_with_wait_a_run_waits_for_the_holder_and_then_runs(tmp_path):
    out = tmp_path / "out"
    hold_s = 3.0
    holder = Holder(out, hold_s)
    started = time.monotonic()
    summary = run(write_input(tmp_path / "in"), out, wait=True)
    assert holder.process.wait(timeout=10) == 0
    assert time.monotonic() - started >= hold_s * 0.8
    assert summary.n_documents == 1 and len(pd.read_parquet(out / "documents")) == 1


def test_a_lock_whose_holder_is_killed_is_free_again(tmp_path):
    out = tmp_path / "out"
    holder = Holder(out, 60)
    with pytest.raises(OutputError, match=f"PID {holder.pid}"):
        with claimed_folder(out):
            pass
    holder.process.send_signal(signal.SIGKILL)
    holder.process.wait()
    with claimed_folder(out):
        assert (out / LOCK).read_text().strip() == str(os.getpid())


def test_a_real_run_holds_its_folder_until_it_ends(tmp_path):
    """The issue's case: a second run while the first is writing would have duplicated every row."""
    out = tmp_path / "out"
    first = start_run(tmp_path, out, n_pages=6)  # holds the folder from before its server starts to its end
    try:
        deadline = time.monotonic() + HOLDER_START_TIMEOUT_S
        while time.monotonic() < deadline and not _holds(out, first.pid):
            assert first.poll() is None, first.stderr.read()[-3000:]
            time.sleep(0.05)
        with pytest.raises(OutputError, match=f"PID {first.pid}"):
            with claimed_folder(out):
                pass
        _, first_stderr = first.communicate(timeout=300)
        assert first.returncode == 0, first_stderr[-3000:]
    finally:
        end_group(first)
    with claimed_folder(out):
        pass  # free once it ended
    documents = pd.read_parquet(out / "documents")
    assert documents["doc_id"].is_unique and len(documents) == len(list((tmp_path / "in").iterdir()))
    assert pd.read_parquet(out / "runs")["n_documents"].sum() == len(documents)


def _holds(out: Path, pid: int) -> bool:
    try:
        return (out / LOCK).read_text().strip() == str(pid)
    except FileNotFoundError:
        return False
