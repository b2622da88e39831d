"""Children end with their parent, whatever kills it (issue 23.4).

A killed ``pipeline run`` used to leave its temporary Prefect server and its
extract workers running, re-parented to PID 1.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from tests.conftest import ROOT
from tests.run.running import command_line, end_group, group_members, start_run, wait_for_workers, wait_until_gone

GONE_WITHIN_S = 5


def test_sigkill_of_the_run_leaves_no_process_of_its_group(tmp_path):
    process = start_run(tmp_path, tmp_path / "out")
    try:
        children = wait_for_workers(process)
        kinds = [command_line(child) for child in children]
        assert any("pipeline.run.prefect_server" in line for line in kinds), kinds
        assert sum("multiprocessing.spawn" in line for line in kinds) >= 1, kinds
        os.kill(process.pid, signal.SIGKILL)  # the run alone: no handler of its own can act
        process.wait(timeout=10)
        assert wait_until_gone(children, GONE_WITHIN_S) == []
        assert group_members(process.pid) == []
    finally:
        end_group(process)


def test_a_child_that_follows_its_parent_ends_when_the_parent_is_killed(tmp_path):
    """The watch itself: a grandchild that follows its parent, and a parent killed with SIGKILL."""
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", '''
        import os, time
        from pipeline.run.shutdown import follow_parent
        follow_parent(os.getppid())
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        time.sleep(120)
        '''])
        time.sleep(120)
    """)], cwd=ROOT, start_new_session=True)
    try:
        child = psutil.Process(int(wait_for_text(pid_file)))
        assert child.ppid() == parent.pid
        parent.kill()
        parent.wait(timeout=10)
        assert wait_until_gone([child], GONE_WITHIN_S) == []
    finally:
        end_group(parent)


def wait_for_text(path: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.1)
    raise AssertionError(f"{path} not written within {timeout} s")
