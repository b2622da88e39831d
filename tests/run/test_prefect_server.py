"""pipeline/run/prefect_server.py: the run's temporary server keeps its output off the run's terminal."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.errors import PrefectServerError
from pipeline.run.prefect_env import configure_prefect
from pipeline.run.prefect_server import (TemporaryServer, server_log, start_temporary_server, stop_temporary_server,
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


def test_the_servers_output_goes_to_its_log_which_goes_when_the_run_stops_it(capfd):
    configure_prefect()
    server = start_temporary_server(timeout_s=120)
    try:
        assert server.log == server_log() and server.log.exists()
    finally:
        stop_temporary_server(server)
    assert not server.log.exists()
    captured = capfd.readouterr()
    assert "uvicorn" not in captured.err.lower() and "Traceback" not in captured.err
