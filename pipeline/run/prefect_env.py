"""Prefect settings for batch runs on a small machine, applied before Prefect loads.

With no API URL, Prefect 3 starts a temporary server in every process: 15-30 s
on two cores, which fails Prefect's default 20 s start-up timeout on a cold
home.  So the home lives in the working directory (migrations run once, later
starts are warm), the timeout is raised, and everything the temporary server
would do besides recording runs is switched off: analytics (they try the
network), the UI, and the background services that only a real server needs.
A user's own settings (environment variables) always win.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED": "false",
}


def configure_prefect(home: Path | None = None) -> None:
    """Sets the defaults above where the environment does not say otherwise."""
    os.environ.setdefault("PREFECT_HOME", str((home or Path.cwd() / ".prefect").resolve()))
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
