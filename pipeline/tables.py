"""Loads the data tables in configs/ that rules read."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .config import CONFIG_DIR


def read_yaml(path: Path) -> Any:
    """One YAML table file (an empty file is an empty mapping)."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {} if data is None else data


@lru_cache(maxsize=None)
def load_table(name: str) -> Any:
    """configs/<name>.yaml, parsed once per process."""
    return read_yaml(CONFIG_DIR / f"{name}.yaml")
