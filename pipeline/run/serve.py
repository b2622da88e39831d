"""Scheduled runs: ``pipeline serve INPUT... --out DIR [--config FILE] --cron "0 6 * * *"``.

``flow.serve`` registers a deployment with a Prefect server and then polls it
for due runs, running each in a subprocess, until it is stopped: SIGINT or
SIGTERM pauses the schedule and ends serving within ``SERVE_GRACE_S``, even
when the server is gone (pipeline/run/shutdown.py; a second signal ends it at
once).  Only a real server (``prefect server start``) runs the scheduler
service that turns a cron schedule into runs; Prefect's temporary server does not (measured: no scheduled run in minutes), so serving refuses
to start without PREFECT_API_URL.

A deployment's parameters must be JSON, so the served flow takes the inputs,
the output folder and the *path* of the config, and loads the config at the
start of each run: an edited config applies from the next run on, and a
broken one fails that run with the key's name.  The work itself is
:func:`pipeline.run.flow.run_pipeline` (a subflow), the same as ``pipeline run``.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

from pipeline.run.prefect_env import configure_prefect

configure_prefect()

from prefect import flow, get_run_logger  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.errors import ConfigError, ServeError  # noqa: E402
from pipeline.run.shutdown import serve_until_stopped  # noqa: E402

HEALTH_TIMEOUT_S = 10

HOW_TO_START_A_SERVER = """\
Start one and point the CLI at it, e.g. on this machine (SQLite in $PREFECT_HOME):

    prefect server start --host 127.0.0.1 --port 4200 --scheduler --analytics-off &
    export PREFECT_API_URL=http://127.0.0.1:4200/api

For production set PREFECT_SERVER_DATABASE_CONNECTION_URL=postgresql+asyncpg://USER:PASSWORD@HOST:5432/prefect
before `prefect server start` (see docs/scheduling.md)."""


@flow(name="newspaper-extraction-scheduled", validate_parameters=True)
def scheduled_extraction(inputs: list[str], out: str, config_path: Optional[str] = None,
                         pub_date: Optional[str] = None) -> dict[str, Any]:
    """One scheduled run: loads the config now, then runs the pipeline as ``pipeline run`` does."""
    from pipeline.run.flow import run_pipeline  # the flow module builds spaCy pipelines; only a run needs it

    config, config_sha256 = load_config(Path(config_path) if config_path else None)
    summary = run_pipeline(inputs=inputs, out=out, config=config, config_sha256=config_sha256,
                           cli_pub_date=date.fromisoformat(pub_date) if pub_date else None)
    logger = get_run_logger()
    for error in summary.errors:
        logger.warning("%s %s [%s/%s]: %s", "refused" if error.severity == "error" else "warning", error.source,
                       error.stage, error.error_type, error.message)
    return {"run_id": summary.run_id, "n_documents": summary.n_documents, "n_skipped": summary.n_skipped,
            "n_errors": len(summary.refused), "n_warnings": len(summary.warnings)}


def deployment_parameters(inputs: Sequence[Path | str], out: Path, config_path: Optional[Path],
                          pub_date: Optional[date]) -> dict[str, Any]:
    """Absolute paths: a scheduled run must not depend on the directory the runner was started from."""
    return {
        "inputs": [str(Path(name).resolve()) for name in inputs],
        "out": str(Path(out).resolve()),
        "config_path": str(Path(config_path).resolve()) if config_path else None,
        "pub_date": pub_date.isoformat() if pub_date else None,
    }


def require_real_server() -> str:
    """The API URL of a reachable Prefect server; a temporary server cannot run schedules."""
    import httpx
    from prefect.settings import get_current_settings

    api_url = get_current_settings().api.url
    if not api_url:
        raise ServeError("serve needs a real Prefect server, and PREFECT_API_URL is not set "
                         "(Prefect's temporary server does not run schedules).\n" + HOW_TO_START_A_SERVER)
    try:
        response = httpx.get(f"{api_url.rstrip('/')}/health", timeout=HEALTH_TIMEOUT_S)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise ServeError(f"no Prefect server answers at PREFECT_API_URL={api_url} ({error}).\n"
                         + HOW_TO_START_A_SERVER) from None
    return api_url


def check_cron(cron: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron)
    except ValidationError as error:
        raise ServeError(f"--cron '{cron}' is not a valid cron expression ({error.errors()[0]['msg']})") from None


def serve(inputs: Sequence[Path | str], out: Path, config_path: Optional[Path], pub_date: Optional[date],
          cron: str, name: str) -> int:
    """Registers the deployment and runs its schedule until stopped; the exit status (pipeline/run/shutdown.py)."""
    check_cron(cron)
    load_config(config_path)  # refuse a broken config now, not at the first scheduled run
    api_url = require_real_server()
    # Prefect's Runner, as scheduled_extraction.serve builds it, so that its loop can run on a thread
    # and be stopped from the main thread, which keeps the signals (pipeline/run/shutdown.py).
    from prefect.runner import Runner

    # limit=1: a run that outlasts the interval delays the next one instead of
    # running beside it, since two runs into one --out would both write the same documents.
    runner = Runner(name=name, pause_on_shutdown=True, limit=1)
    runner.add_flow(scheduled_extraction, name=name, cron=cron,
                    parameters=deployment_parameters(inputs, out, config_path, pub_date),
                    description="Chinese newspaper pages in, entity tables out (pipeline serve).")
    print(f"serving deployment '{scheduled_extraction.name}/{name}' on {api_url}, cron '{cron}' (UTC); "
          "Ctrl-C or SIGTERM stops serving and pauses the schedule", file=sys.stderr)
    return serve_until_stopped(lambda: asyncio.run(runner.start()), runner.handle_sigterm)


def serve_command(args: argparse.Namespace) -> int:
    """``pipeline serve``: exit 2 on a usage, configuration or server problem, else serves until stopped."""
    try:
        return serve(args.inputs, args.out, args.config, args.pub_date, args.cron, args.name)
    except ConfigError as error:
        print(f"pipeline: configuration error: {error}", file=sys.stderr)
        return error.exit_status
    except ServeError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return error.exit_status
