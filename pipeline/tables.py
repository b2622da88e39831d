"""Loads the data tables in configs/ that rules read."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from .config import CONFIG_DIR


@lru_cache(maxsize=None)
def load_table(name: str) -> Any:
    """configs/<name>.yaml, parsed once per process."""
    path = CONFIG_DIR / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
