"""``pipeline serve`` against a real Prefect server started inside the test (loopback, SQLite).

The server runs its scheduler (the temporary server does not), the CLI
serves the flow with a cron of every ten seconds, and the test waits until a
scheduled run is Completed and its tables are on disk.  The module's tests
share one server (``shared_server``).  Everything the test
starts is stopped in a ``finally``.  PIPELINE_SKIP_SERVER_TESTS=1 skips it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

import httpx
import pytest

from pipeline.run.serve import deployment_parameters
from tests.conftest import ROOT, SAMPLES
from tests.run.running import hearing_sigint

pytestmark = pytest.mark.skipif(os.environ.get("PIPELINE_SKIP_SERVER_TESTS") == "1",
                                reason="PIPELINE_SKIP_SERVER_TESTS=1")

SERVER_START_TIMEOUT_S = 180  # migrations of a fresh SQLite database on two busy cores
SCHEDULED_RUN_TIMEOUT_S = 240  # up to a minute to the next cron tick, then the run itself
FLOW_NAME = "newspaper-extraction-scheduled"
FAILED_STATES = {"FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prefect_env(home: Path, **overrides: str) -> dict[str, str]:
    """The test's environment without any Prefect setting it may carry (prefect_env.py sets some)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_SERVER_UI_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING", **overrides)
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # its own process group, so stopping it also stops what it started (uvicorn, run subprocesses)
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=hearing_sigint)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)  # serve pauses its schedule, the server shuts down cleanly
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for(condition: Callable[[], Optional[str]], timeout: float, what: str,
             alive: list[tuple[subprocess.Popen, Path]]) -> str:
    """Polls ``condition`` until it returns a value; fails early when a process it needs has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        for process, log in alive:
            if process.poll() is not None:
                pytest.fail(f"{what}: {process.args[3:5]} exited with {process.returncode}:\n"
                            f"{log.read_text(errors='replace')[-4000:]}")
        time.sleep(2)
    logs = "\n".join(log.read_text(errors="replace")[-3000:] for _, log in alive)
    pytest.fail(f"{what}: not within {timeout} s\n{logs}")


class SharedServer:
    """One real Prefect server (with its scheduler) for this module's tests, started on first use.

    A server's start on a fresh SQLite database is mostly its migrations (10.5 s
    here against 3.7 s on a migrated one); a test that kills it leaves the next
    test that asks to start another.
    """

    def __init__(self, home: Path):
        self.home, self.log = home / "server-home", home / "server.log"
        self.process: Optional[subprocess.Popen] = None
        self.api_url = ""

    def live(self) -> subprocess.Popen:
        if self.process is not None and self.process.poll() is None:
            return self.process
        port = free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        env = prefect_env(self.home, PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="true",
                          PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5")
        self.process = start([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                              "--port", str(port), "--scheduler"], env, self.log)
        wait_for(lambda: server_healthy(self.api_url), SERVER_START_TIMEOUT_S, "server health",
                 [(self.process, self.log)])
        return self.process


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory) -> Iterator[SharedServer]:
    server = SharedServer(tmp_path_factory.mktemp("prefect-server"))
    try:
        yield server
    finally:
        if server.process is not None:
            stop(server.process)


def server_healthy(api_url: str) -> Optional[str]:
    try:
        return "ok" if httpx.get(f"{api_url}/health", timeout=5).status_code == 200 else None
    except httpx.HTTPError:
        return None


def scheduled_run_state(api_url: str) -> Optional[str]:
    """The state of the first scheduled run of the served flow once it is final, else None."""
    query = {"flows": {"name": {"any_": [FLOW_NAME]}}, "sort": "EXPECTED_START_TIME_ASC", "limit": 20}
    try:
        runs = httpx.post(f"{api_url}/flow_runs/filter", json=query, timeout=10).json()
    except httpx.HTTPError:
        return None
    scheduled = [run for run in runs if run.get("deployment_id") and run["state_type"] != "SCHEDULED"]
    for run in scheduled:
        if run["state_type"] == "COMPLETED":
            return "COMPLETED"
        if run["state_type"] in FAILED_STATES:
            return f"{run['state_type']}: {run['state']['message']}"
    return None


def test_deployment_parameters_are_absolute_paths_and_a_date_string():
    params = deployment_parameters(["data/samples"], Path("out"), Path("configs/pipeline.yaml"), None)
    assert all(Path(name).is_absolute() for name in params["inputs"])
    assert Path(params["out"]).is_absolute() and Path(params["config_path"]).is_absolute()
    assert params["pub_date"] is None


def test_serve_refuses_without_a_server_url(tmp_path):
    env = prefect_env(tmp_path / "home")
    done = subprocess.run([sys.executable, "-m", "pipeline", "serve", str(SAMPLES), "--out", str(tmp_path / "out"),
                           "--cron", "0 6 * * *"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "PREFECT_API_URL" in done.stderr and "prefect server start" in done.stderr


def test_a_scheduled_run_completes_and_writes_the_tables(tmp_path, shared_server):
    server = shared_server.live()
    api_url = shared_server.api_url
    out = tmp_path / "out"
    serve_env = prefect_env(tmp_path / "client-home", PREFECT_API_URL=api_url, PREFECT_RUNNER_POLL_FREQUENCY="2")
    serve_log = tmp_path / "serve.log"
    processes: list[tuple[subprocess.Popen, Path]] = [(server, shared_server.log)]
    try:
        # every 10 seconds (cron's sixth field): a run within seconds, not at the next minute
        serve = start([sys.executable, "-m", "pipeline", "serve", str(SAMPLES), "--out", str(out),
                       "--config", "configs/pipeline.yaml", "--cron", "* * * * * */10", "--name", "test"],
                      serve_env, serve_log)
        processes.append((serve, serve_log))
        state = wait_for(lambda: scheduled_run_state(api_url), SCHEDULED_RUN_TIMEOUT_S, "scheduled run", processes)
        assert state == "COMPLETED", f"{state}\n{serve_log.read_text(errors='replace')[-4000:]}"
        for table in ("documents", "articles", "sentences", "entities", "runs", "errors"):
            assert list((out / table).rglob("*.parquet")), table
    finally:
        for process, _ in reversed(processes[1:]):  # the server stays for the next test
            stop(process)


def wait_for_text(log: Path, text: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode} before '{text}':\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"no '{text}' within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def seconds_to_exit(process: subprocess.Popen, limit: float) -> float:
    started = time.monotonic()
    process.wait(timeout=limit + 20)  # longer than the limit, so a slow stop is measured, not a timeout
    return time.monotonic() - started


def test_serve_ends_within_10_s_of_a_signal_after_its_server_is_gone_and_at_once_on_a_second(
        tmp_path, shared_server):
    """Issue 19.8: a host shutting down stops the server and serve alike; serve used to retry the dead API forever."""
    from pipeline.errors import EXIT_SIGINT, EXIT_SIGTERM
    from pipeline.run.shutdown import SERVE_GRACE_S

    server = shared_server.live()  # and killed below: a later test gets a server of its own
    serve_env = prefect_env(tmp_path / "client-home", PREFECT_API_URL=shared_server.api_url)
    processes: list[tuple[subprocess.Popen, Path]] = []
    try:
        serves = []
        for name in ("first", "second"):
            log = tmp_path / f"serve-{name}.log"
            serves.append((start([sys.executable, "-m", "pipeline", "serve", str(SAMPLES), "--out",
                                  str(tmp_path / name), "--cron", "0 6 * * *", "--name", name], serve_env, log), log))
        processes.extend(serves)
        for process, log in serves:
            wait_for_text(log, "serving deployment", 120, process)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)

        (first, first_log), (second, second_log) = serves
        os.kill(first.pid, signal.SIGTERM)
        assert seconds_to_exit(first, 10) < 10, first_log.read_text(errors="replace")[-3000:]
        assert first.returncode in (0, EXIT_SIGTERM), first_log.read_text(errors="replace")[-3000:]
        assert "pipeline: stopping (SIGTERM)" in first_log.read_text(errors="replace")

        os.kill(second.pid, signal.SIGINT)
        time.sleep(1)
        os.kill(second.pid, signal.SIGINT)
        assert seconds_to_exit(second, SERVE_GRACE_S) < SERVE_GRACE_S - 1, second_log.read_text(errors="replace")[-3000:]
        assert second.returncode in (0, EXIT_SIGINT), second_log.read_text(errors="replace")[-3000:]
    finally:
        for process, _ in reversed(processes):
            stop(process)
