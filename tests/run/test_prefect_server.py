"""pipeline/run/prefect_server.py: the run's temporary server keeps its output off the run's terminal
and a SIGINT its run ignores."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx

import pytest

from pipeline.errors import PrefectServerError
from pipeline.run.prefect_env import configure_prefect
from pipeline.run.prefect_server import (TemporaryServer, launch_temporary_server, server_log, stop_temporary_server,
                                         wait_until_ready)


def test_a_server_that_fails_to_start_is_an_error_with_the_end_of_its_log(tmp_path):
    log = tmp_path / "temporary-server.1.log"
    with open(log, "ab") as output:
        process = subprocess.Popen([sys.executable, "-c", "print('alembic: database is locked'); raise SystemExit(1)"],
                                   stdout=output, stderr=subprocess.STDOUT)
    with pytest.raises(PrefectServerError) as failed:
        wait_until_ready(TemporaryServer(process, 9, log), timeout_s=30)
    assert "did not start (exit status 1)" in str(failed.value)
    assert str(log) in str(failed.value) and "alembic: database is locked" in str(failed.value)
    assert log.exists()  # kept for whoever looks into it


def test_the_servers_output_goes_to_its_log_and_a_sigint_its_run_ignores_is_ignored_by_it_too(capfd):
    """The log goes when the run stops the server.  And nohup or a shell's background job starts
    a run with SIGINT ignored, which the run keeps so; its server used to take SIGINT back
    (uvicorn's handler), so a Ctrl-C to the group ended the server under a run that went on,
    and the run failed with "server ended mid-run".  (One test: a server's start is seconds.)"""
    configure_prefect()
    default = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        launched = launch_temporary_server()  # inherits the ignored SIGINT, as a run's server does
    finally:
        signal.signal(signal.SIGINT, default)
    server = wait_until_ready(launched, timeout_s=120)
    try:
        assert server.log == server_log() and server.log.exists()
        server.process.send_signal(signal.SIGINT)
        time.sleep(1)
        assert server.process.poll() is None
        assert httpx.get(f"{server.api_url}/health", timeout=10).status_code == 200
    finally:
        stop_temporary_server(server)
    assert not server.log.exists()
    captured = capfd.readouterr()
    assert "uvicorn" not in captured.err.lower() and "Traceback" not in captured.err
