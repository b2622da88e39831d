"""A real ``pipeline run`` in its own process group, for the tests that signal or kill it.

The corpus is large enough for the extract worker processes to start
(pipeline/extract/workers.py MIN_CHARS_FOR_WORKERS): 40 copies of the sample
page in batches of ~120,000 characters, three batches, about ten seconds.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.conftest import ROOT
from tests.run.test_flow import make_corpus

N_PAGES = 40
CONFIG = "batching: {max_chars: 120000}\noutput: {formats: [parquet]}\n"
START_TIMEOUT_S = 120  # the temporary server's start, then the workers' (spaCy and the models) on two busy cores


def start_run(tmp_path: Path, out: Path, n_pages: int = N_PAGES) -> subprocess.Popen:
    """``n_pages`` below ~17 runs the extract stage in the run's own process (no workers)."""
    corpus = tmp_path / "in"
    if not corpus.exists():
        make_corpus(corpus, n_pages)
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    command = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out), "--config", str(config)]
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    # Its own session and group: a signal to the group reaches everything the run started, as Ctrl-C does.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=hearing_sigint)


def hearing_sigint() -> None:
    """In the child before exec: SIGINT at its default, as in a terminal.  A suite started in the
    background by a shell (``make test &``) inherits SIGINT ignored, and a run keeps an ignored
    SIGINT ignored (nohup's contract), so a test of Ctrl-C would otherwise test nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def descendants(process: subprocess.Popen) -> list[psutil.Process]:
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def command_line(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def wait_for_workers(process: subprocess.Popen) -> list[psutil.Process]:
    """The run's children once its extract workers are up (the temporary server among them)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        children = descendants(process)
        if any("multiprocessing.spawn" in command_line(child) for child in children):
            return children
        if process.poll() is not None:
            raise AssertionError(f"the run ended before its workers started:\n{process.stderr.read()[-3000:]}")
        time.sleep(0.1)
    raise AssertionError(f"no extract worker within {START_TIMEOUT_S} s")


def group_members(pgid: int) -> list[str]:
    """Command lines of the live processes of a process group (zombies have ended)."""
    found = []
    for candidate in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(candidate.pid) == pgid and candidate.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(f"{candidate.pid} {command_line(candidate)}")
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def wait_until_gone(processes: list[psutil.Process], timeout: float) -> list[str]:
    """The command lines of those still running after ``timeout`` seconds.

    A zombie has ended: only its new parent (PID 1, once the run is gone) has yet
    to read its status, which on a loaded machine took longer than the bound.
    """
    deadline = time.monotonic() + timeout
    while (running := [process for process in processes if still_running(process)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [command_line(process) for process in running]


def still_running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def end_group(process: subprocess.Popen) -> None:
    """What a test leaves: nothing of the run's group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)
