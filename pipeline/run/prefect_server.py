"""The run's temporary Prefect server: Prefect's own API app under uvicorn, in a child that ends with its parent.

Prefect starts the same server by itself when no API is configured
(``SubprocessASGIServer``), but as a plain ``python -m uvicorn`` that lives on
when the run is killed (SIGKILL, or SIGTERM before its exit handlers run),
re-parented to PID 1 through later runs.  This module starts that app the
same way (the same factory, host, environment and start-up check) through
``python -m pipeline.run.prefect_server PARENT_PID PORT``, which first follows
its parent (pipeline/run/shutdown.py) and then runs uvicorn.

The server's own output goes to ``PREFECT_HOME/temporary-server.PID.log``, not
to the run's terminal: stopped at the end of a run while a last request is in
flight, it logs a SQLAlchemy traceback that says nothing about the run.  The
file is removed when the run stops the server; a server that fails to start
has the end of its log in the error.
"""
from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pipeline.errors import PrefectServerError

START_POLL_S = 0.1
STOP_WAIT_S = 5
LOG_TAIL_LINES = 20
PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind (another process took the port first)
# What Prefect sets for its own temporary server (prefect.server.api.server.SubprocessASGIServer).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


@dataclass
class TemporaryServer:
    process: subprocess.Popen
    port: int
    log: Optional[Path] = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_log() -> Path:
    """Where this process's temporary server writes its output."""
    return Path(os.environ.get("PREFECT_HOME", ".prefect")) / f"temporary-server.{os.getpid()}.log"


def _launch(port: int, log: Path) -> subprocess.Popen:
    from prefect.settings import get_current_settings

    env = {**os.environ, **SERVER_ENV, **get_current_settings().to_environment_variables(exclude_unset=True)}
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        return subprocess.Popen([sys.executable, "-m", "pipeline.run.prefect_server", str(os.getpid()), str(port)],
                                env=env, stdout=output, stderr=subprocess.STDOUT)


def launch_temporary_server() -> TemporaryServer:
    """Starts a server process without waiting for it to answer."""
    port, log = free_port(), server_log()
    return TemporaryServer(_launch(port, log), port, log)


def _log_tail(server: TemporaryServer) -> str:
    try:
        lines = server.log.read_text(encoding="utf-8", errors="replace").splitlines() if server.log else []
    except OSError:
        return ""
    return (f"; the end of its log ({server.log}):\n" + "\n".join(lines[-LOG_TAIL_LINES:])) if lines else ""


def wait_until_ready(server: TemporaryServer, timeout_s: float) -> TemporaryServer:
    """The server once it answers (another one if its port was taken); one that ends first is a PrefectServerError."""
    import httpx

    deadline = time.monotonic() + timeout_s
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            status = server.process.poll()
            if status == PORT_IN_USE:
                server = launch_temporary_server()
                continue
            if status is not None:
                raise PrefectServerError(f"the temporary Prefect server did not start (exit status {status})"
                                         f"{_log_tail(server)}")
            try:
                if client.get(f"{server.api_url}/health").status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            time.sleep(START_POLL_S)
    tail = _log_tail(server)
    stop_temporary_server(server)
    raise PrefectServerError(f"the temporary Prefect server did not answer within {timeout_s:.0f} s{tail}")


def start_temporary_server(timeout_s: float) -> TemporaryServer:
    """Starts the server and waits until it answers."""
    return wait_until_ready(launch_temporary_server(), timeout_s)


_server: Optional[TemporaryServer] = None
_server_ready = False
_stop_registered = False


def launch_early() -> None:
    """Starts this process's temporary server now and leaves it starting: a run calls this
    before it imports and loads its components, so the server's start-up (seconds: a
    Python process importing Prefect's server) overlaps theirs on another core."""
    global _server, _server_ready
    if _server is None or _server.process.poll() is not None:
        _server, _server_ready = launch_temporary_server(), False
        _stop_at_exit()


def temporary_server(timeout_s: float) -> TemporaryServer:
    """This process's temporary server, answering: started on first use (or by launch_early),
    stopped when the process exits.

    One per process, as Prefect keeps its own: a process that runs the flow
    several times (tests, a notebook) pays the start-up once.  Prefect's log
    and event services send what they hold at interpreter shutdown, before
    the exit handler that stops the server.
    """
    global _server, _server_ready
    if _server is None or _server.process.poll() is not None:
        _server, _server_ready = launch_temporary_server(), False
        _stop_at_exit()
    if not _server_ready:
        _server, _server_ready = wait_until_ready(_server, timeout_s), True
    return _server


def _stop_at_exit() -> None:
    global _stop_registered
    if not _stop_registered:
        atexit.register(_stop_current)
        _stop_registered = True


def _stop_current() -> None:
    if _server is not None:
        stop_temporary_server(_server)


def stop_temporary_server(server: TemporaryServer) -> None:
    """Stops the server; its log goes with it (one that ended by itself keeps its log, for whoever looks)."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.log is not None:
        server.log.unlink(missing_ok=True)


def serve(parent_pid: int, port: int) -> None:
    """The child: Prefect's API app on 127.0.0.1:PORT until its parent ends or it is told to stop."""
    from pipeline.run.shutdown import follow_parent

    follow_parent(parent_pid)
    import uvicorn
    import uvicorn.server

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # Its run was started with SIGINT ignored (nohup, a shell's background job) and keeps it
        # ignored; uvicorn would take it over, and a Ctrl-C to the group would end the server
        # under a run that goes on ("server ended mid-run").
        uvicorn.server.HANDLED_SIGNALS = tuple(s for s in uvicorn.server.HANDLED_SIGNALS if s != signal.SIGINT)
    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                log_level="error", lifespan="on")


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
