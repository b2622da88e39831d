"""A run stopped from outside ends in seconds with one line and the signal's exit status (issue 23.1).

Each test starts a real ``pipeline run`` with its extract workers and its
temporary Prefect server (tests/run/running.py), stops it once the workers
are up, and checks the status, the one line on stderr, that nothing of the
run is left, and that the folder holds only committed batches.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import psutil

from pipeline.errors import EXIT_SIGINT, EXIT_SIGTERM, EXIT_USAGE
from tests.conftest import ROOT, SAMPLES
from tests.run.running import (N_PAGES, command_line, end_group, group_members, start_run, wait_for_workers,
                               wait_until_gone)

STOP_WITHIN_S = 10
CHILDREN_GONE_WITHIN_S = 5


def pipeline_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("pipeline:")]


def stop_and_wait(process: subprocess.Popen, send) -> tuple[float, str]:
    started = time.monotonic()
    send()
    _, stderr = process.communicate(timeout=60)
    return time.monotonic() - started, stderr


def test_sigint_to_the_group_ends_the_run_at_once_and_the_next_run_finishes_it_leaving_no_process(tmp_path):
    out = tmp_path / "out"
    process = start_run(tmp_path, out)
    try:
        children = wait_for_workers(process)
        took, stderr = stop_and_wait(process, lambda: os.killpg(process.pid, signal.SIGINT))
        assert process.returncode == EXIT_SIGINT, stderr[-3000:]
        assert took < STOP_WITHIN_S
        assert pipeline_lines(stderr) == [
            "pipeline: interrupted (SIGINT); the batches already written are kept, "
            "and the next run into the same --out does the rest"]
        assert "Traceback" not in stderr
        assert wait_until_gone(children, CHILDREN_GONE_WITHIN_S) == []
    finally:
        end_group(process)
    rerun = start_run(tmp_path, out)
    try:
        children = wait_for_workers(rerun)
        _, stderr = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, stderr[-3000:]
        # and a run that finishes leaves nothing of itself behind
        assert wait_until_gone(children, CHILDREN_GONE_WITHIN_S) == []
        assert not psutil.pid_exists(rerun.pid) or group_members(rerun.pid) == []
    finally:
        end_group(rerun)
    documents = pd.read_parquet(out / "documents")
    assert len(documents) == N_PAGES and documents["doc_id"].is_unique
    assert documents["doc_id"].isin(pd.read_parquet(out / "entities")["doc_id"]).all()


def test_sigterm_to_the_run_alone_ends_it_and_its_children(tmp_path):
    process = start_run(tmp_path, tmp_path / "out")
    try:
        children = wait_for_workers(process)
        assert any("pipeline.run.prefect_server" in command_line(child) for child in children)
        took, stderr = stop_and_wait(process, lambda: os.kill(process.pid, signal.SIGTERM))
        assert process.returncode == EXIT_SIGTERM, stderr[-3000:]
        assert took < STOP_WITHIN_S
        assert pipeline_lines(stderr)[0].startswith("pipeline: interrupted (SIGTERM)")
        assert wait_until_gone(children, CHILDREN_GONE_WITHIN_S) == []
        assert group_members(process.pid) == []
    finally:
        end_group(process)


def test_the_temporary_server_ending_mid_run_is_one_line_and_exit_2(tmp_path):
    process = start_run(tmp_path, tmp_path / "out")
    try:
        children = wait_for_workers(process)
        server = next(child for child in children if "pipeline.run.prefect_server" in command_line(child))
        took, stderr = stop_and_wait(process, server.kill)
        assert process.returncode == EXIT_USAGE, stderr[-3000:]
        assert took < STOP_WITHIN_S
        [line] = pipeline_lines(stderr)
        assert "temporary Prefect server" in line and "ended mid-run" in line
        assert "Traceback" not in stderr
        assert wait_until_gone(children, CHILDREN_GONE_WITHIN_S) == []
    finally:
        end_group(process)


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", str(SAMPLES), *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def no_server_started(done: subprocess.CompletedProcess) -> bool:
    return "prefect" not in done.stderr.lower() and "Traceback" not in done.stderr


def test_an_unknown_component_is_one_line_before_any_server_starts(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("extract: {components: [numeric, rulez]}\n")
    done = run_cli("--out", str(tmp_path / "out"), "--config", str(config))
    assert done.returncode == EXIT_USAGE
    assert pipeline_lines(done.stderr) == [
        "pipeline: configuration error: extract.components: unknown component 'rulez' (known: numeric, rules, ner)"]
    assert no_server_started(done), done.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_path_that_is_a_file_is_one_line_before_any_server_starts(tmp_path):
    a_file = tmp_path / "tables.csv"
    a_file.write_text("mine\n")
    done = run_cli("--out", str(a_file))
    assert done.returncode == EXIT_USAGE
    assert pipeline_lines(done.stderr) == [f"pipeline: the output folder {a_file} is a file"]
    assert no_server_started(done), done.stderr
    done = run_cli("--out", str(a_file / "out"))
    assert pipeline_lines(done.stderr) == [f"pipeline: the output folder {a_file / 'out'} cannot be made: "
                                           f"{a_file} is a file"]
    assert a_file.read_text() == "mine\n"
