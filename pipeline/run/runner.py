"""Where the batch tasks run: in process (local) or on a Dask cluster.

``runner: {kind: dask, address: tcp://HOST:PORT}`` sends the batch tasks to an
existing cluster through prefect-dask; ``kind: dask`` with no address starts a
local cluster of ``n_workers`` processes; ``kind: local`` stays in process.

Every process that runs a Prefect task talks to a Prefect API.  With no real
server configured (no PREFECT_API_URL), each Dask worker would start a
temporary server of its own (measured here: five server starts for two flows,
48 s for 20 trivial tasks), so the run starts one temporary server itself
(pipeline/run/prefect_server.py, which ends with the run however the run
ends) and hands its address to the workers.  Workers of a remote cluster
cannot reach this machine's loopback: point them and the CLI at a real
server (``prefect server start``; see docs/scheduling.md).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from pipeline.config import Config
from pipeline.extract.workers import worker_count
from pipeline.run.prefect_server import temporary_server
from pipeline.run.shutdown import ending_on_signals, watching_server

SERVER_START_TIMEOUT_S = 180


def batches_in_flight(config: Config) -> int:
    """Batches submitted ahead of the one being written.

    Locally with extract worker processes, two, each with its own task
    thread: the flow's process reads, repairs and splits the next batch (and
    writes the last) while the workers extract this one.  In one process the
    stages hold the GIL, so there is nothing to overlap.
    """
    if config.runner.kind == "local":
        return 2 if worker_count(config) > 1 else 1
    return 2 * config.runner.n_workers


def task_runner_for(config: Config):
    if config.runner.kind == "local":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=batches_in_flight(config))
    from prefect_dask import DaskTaskRunner

    if config.runner.address:
        return DaskTaskRunner(address=config.runner.address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": config.runner.n_workers,
        "threads_per_worker": 1,  # spaCy and the regex stages hold the GIL: processes, not threads
        "processes": True,
        "dashboard_address": None,
    })


@contextmanager
def shared_prefect_api() -> Iterator[None]:
    """The run's Prefect API, and how the run ends when stopped (pipeline/run/shutdown.py).

    With no API configured, this process's temporary server, for the flow and
    its local Dask workers; a signal, or that server ending mid-run, ends the
    run at once with one line.
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    with ending_on_signals():
        if get_current_settings().api.url:
            yield
            return
        server = temporary_server(SERVER_START_TIMEOUT_S)
        os.environ["PREFECT_API_URL"] = server.api_url  # inherited by the worker processes
        try:
            with watching_server(server.process, server.api_url), \
                    temporary_settings(updates={PREFECT_API_URL: server.api_url}):
                yield
        finally:
            os.environ.pop("PREFECT_API_URL", None)
