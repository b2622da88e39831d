"""Shared test fixtures: the committed sample page and the optional corpora."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Prefect's temporary server logs its shutdown after pytest has closed the
# captured streams; only warnings are worth showing in tests anyway.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SAMPLE_PAGE = SAMPLES / "000_e0aca1a44daf8f47.txt"
SAMPLE_PUB_DATE = "2025-03-12"


def shared_data() -> Path:
    """../shared/data beside the clone, or $PIPELINE_SHARED_DATA."""
    return Path(os.environ.get("PIPELINE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_PAGE.read_text(encoding="utf-8")
