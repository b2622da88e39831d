"""A run that ends while it is starting a child process lets the child start first.

A child started with multiprocessing's spawn reads what it runs from a pipe
its parent writes just after starting it: a run ended in between left a child
that printed "EOFError: Ran out of input" under the run's one line (seen once
in seven runs of the group-SIGINT test).  Each case runs in a process of its
own, as ``end_now`` ends the process it is in.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

from pipeline.errors import EXIT_SIGINT, EXIT_SIGTERM
from tests.conftest import ROOT
from tests.run.running import hearing_sigint


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, preexec_fn=hearing_sigint)


def test_end_now_from_another_thread_waits_for_a_child_being_started():
    ended = run_python("""
        import sys, threading, time
        from pipeline.run import shutdown

        def start_a_child():
            with shutdown.starting_children():
                time.sleep(0.5)
                print("child started", flush=True)

        threading.Thread(target=start_a_child).start()
        time.sleep(0.1)
        shutdown.end_now(3, "stopped")
    """)
    assert ended.returncode == 3
    assert ended.stdout == "child started\n"
    assert ended.stderr == "pipeline: stopped\n"


def test_a_signal_heard_while_the_main_thread_starts_a_child_ends_the_run_after_it():
    ended = run_python("""
        import os, signal, time
        from pipeline.run import shutdown

        with shutdown.ending_on_signals():
            with shutdown.starting_children():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.5)  # the Python-level handler runs in here, between bytecodes
                print("child started", flush=True)
            time.sleep(10)
        print("not stopped", flush=True)
    """)
    assert ended.returncode == EXIT_SIGINT
    assert ended.stdout == "child started\n"
    assert ended.stderr.startswith("pipeline: interrupted (SIGINT)")


def test_a_run_whose_stderr_is_gone_still_ends_with_the_signals_status():
    """A run whose terminal or parent went away has a stderr no one reads: its one line
    cannot be written (BrokenPipeError), and the run used to keep running, its ending
    lock held, until killed (one was found still waiting 50 minutes after SIGTERM)."""
    ended = run_python("""
        import os, signal, time
        from pipeline.run import shutdown

        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(read_end)  # no one reads this process's stderr any more
        with shutdown.ending_on_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
        print("not stopped", flush=True)
    """)
    assert ended.returncode == EXIT_SIGTERM, ended.stdout
    assert ended.stdout == ""
