"""Faults, determinism and re-runs of the whole flow (issue: nothing lost, nothing crashes)."""
import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.config import parse_config
from pipeline.run.flow import run_pipeline
from pipeline.tables.folder import OutputError, OutputFolder
from tests.conftest import ROOT, SAMPLE_PAGE

CONTENT_TABLES = ("documents", "articles", "sentences", "entities", "measures")
KEYS = {"documents": "doc_id", "articles": "article_id", "sentences": "sentence_id", "entities": "entity_id",
        "measures": "measure_id"}


def make_corpus(folder: Path, n: int) -> Path:
    """n distinct pages made from the sample page (distinct content, distinct doc_id)."""
    folder.mkdir(parents=True, exist_ok=True)
    page = SAMPLE_PAGE.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"2025-03-{1 + i % 28:02d}-page{i:03d}.txt").write_text(f"{page}\n\n第{i}期。", encoding="utf-8")
    return folder


def run(inputs, out, **config):
    return run_pipeline(inputs=[str(p) for p in inputs], out=str(out), config=parse_config(config),
                        config_sha256="test")


def table(out, name):
    frame = pd.read_parquet(out / name).drop(columns=["run_id"], errors="ignore")
    return frame.sort_values(KEYS[name]).reset_index(drop=True)


def test_tables_are_the_same_for_any_batch_size_or_window(tmp_path):
    corpus = make_corpus(tmp_path / "in", 4)
    small = run([corpus], tmp_path / "small", batching={"max_chars": 1000, "max_documents": 1})
    large = run([corpus], tmp_path / "large")
    # every page extracted a window of about 1,000 characters at a time (pipeline/extract/windows.py)
    windows = run([corpus], tmp_path / "windows", extract={"window_chars": 1000})
    assert small.n_documents == large.n_documents == windows.n_documents == 4
    assert len(list((tmp_path / "small" / "documents").rglob("*.parquet"))) == 4
    for name in CONTENT_TABLES:
        pd.testing.assert_frame_equal(table(tmp_path / "small", name), table(tmp_path / "large", name))
        # a measure whose clause names no place takes the place its article names most: counted in the window
        own = [column for column in table(tmp_path / "large", name).columns if column != "place"]
        pd.testing.assert_frame_equal(table(tmp_path / "windows", name)[own], table(tmp_path / "large", name)[own])
    places = [table(tmp_path / folder, "measures")["place"] for folder in ("windows", "large")]
    assert (places[0] != places[1]).mean() < 0.1
    runs = pd.read_parquet(tmp_path / "windows" / "entities")
    assert runs["run_id"].nunique() == 1 and runs["run_id"].iloc[0] == windows.run_id


def test_batches_overlapping_on_worker_processes_give_the_same_tables(tmp_path, monkeypatch):
    import pipeline.extract.workers as extract_workers
    from pipeline.run.runner import batches_in_flight

    corpus = make_corpus(tmp_path / "in", 4)
    one_process = run([corpus], tmp_path / "one", batching={"max_documents": 1}, extract={"processes": 1})
    monkeypatch.setattr(extract_workers, "MIN_CHARS_FOR_WORKERS", 0)
    config = {"batching": {"max_documents": 1}, "extract": {"processes": 2}}
    assert batches_in_flight(parse_config(config)) == 2
    workers = run([corpus], tmp_path / "workers", **config)
    assert one_process.n_documents == workers.n_documents == 4
    for name in CONTENT_TABLES:
        pd.testing.assert_frame_equal(table(tmp_path / "one", name), table(tmp_path / "workers", name))


def test_a_full_disk_leaves_the_previous_tables_intact(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "in", 1)
    out = tmp_path / "out"
    run([corpus], out)
    before = {name: table(out, name) for name in CONTENT_TABLES}
    make_corpus(tmp_path / "in2", 2)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pipeline.tables.folder.pq.write_table", full_disk)
    with pytest.raises(OutputError, match="No space left"):
        run([tmp_path / "in2"], out)
    monkeypatch.undo()
    for name in CONTENT_TABLES:
        pd.testing.assert_frame_equal(before[name], table(out, name))


def test_a_transient_write_error_is_retried(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "in", 1)
    real_commit = OutputFolder.commit_batch
    calls = []

    def flaky_commit(self, documents, run_id):
        calls.append(run_id)
        if len(calls) == 1:
            raise OutputError("cannot write part: Input/output error")
        return real_commit(self, documents, run_id)

    monkeypatch.setattr(OutputFolder, "commit_batch", flaky_commit)
    summary = run([corpus], tmp_path / "out")
    assert summary.n_documents == 1 and len(calls) == 2


N_KILLED_RUN_PAGES = 12  # one a batch: the kill lands after 3 commits, with two batches in flight


def test_sigkill_mid_run_then_rerun_completes_without_duplicates_or_torn_files(tmp_path):
    corpus = make_corpus(tmp_path / "in", N_KILLED_RUN_PAGES)
    out = tmp_path / "out"
    config = tmp_path / "config.yaml"
    config.write_text("batching: {max_chars: 1000, max_documents: 1}\noutput: {formats: [parquet]}\n")
    command = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out), "--config", str(config)]
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    # Its own process group, so the kill takes Prefect's temporary server down with it,
    # as a crash of the machine or the scheduler's kill of the job would.
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list((out / "documents").rglob("part-*.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    committed = len(list((out / "documents").rglob("part-*.parquet")))
    assert 3 <= committed < N_KILLED_RUN_PAGES, "the kill should land mid-run"
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    # The last part seen may be one whose batch the kill caught before its manifest commit: the
    # rerun removes it and extracts its document again.
    written = int(re.search(r"(\d+) document\(s\) written", rerun.stdout).group(1))
    unchanged = int(re.search(r"(\d+) unchanged", rerun.stdout).group(1))
    assert written + unchanged == N_KILLED_RUN_PAGES and committed - 1 <= unchanged <= committed, rerun.stdout
    for name in CONTENT_TABLES:
        for part in (out / name).rglob("*.parquet"):
            pq.read_table(part)  # not torn
        frame = pd.read_parquet(out / name)
        assert frame[KEYS[name]].is_unique, name
    assert len(pd.read_parquet(out / "documents")) == N_KILLED_RUN_PAGES
    assert not list(out.rglob("*.tmp"))


def test_a_local_dask_cluster_gives_the_same_tables_as_the_local_run(tmp_path):
    corpus = make_corpus(tmp_path / "in", 4)
    local = run([corpus], tmp_path / "local", batching={"max_chars": 1000, "max_documents": 1})
    dask = run([corpus], tmp_path / "dask", batching={"max_chars": 1000, "max_documents": 1},
               runner={"kind": "dask", "n_workers": 2})
    assert local.n_documents == dask.n_documents == 4
    for name in CONTENT_TABLES:
        pd.testing.assert_frame_equal(table(tmp_path / "local", name), table(tmp_path / "dask", name))
