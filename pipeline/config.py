"""Run configuration: a YAML file validated on load; and the tables in configs/.

An unknown key or a wrong type is refused with a message naming the key, so a
typo in a nightly job's config fails loudly instead of being ignored.  The
rules of every stage read their tables (configs/*.yaml) through
:func:`read_yaml` and :func:`load_table`.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "configs"
MODELS_DIR = PROJECT_ROOT / "data" / "models"


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Home(_Strict):
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None


class Output(_Strict):
    formats: list[Literal["parquet", "csv"]] = Field(default_factory=lambda: ["parquet", "csv"])


class Runner(_Strict):
    kind: Literal["local", "dask"] = "local"
    address: Optional[str] = None
    n_workers: int = Field(default=2, ge=1)


class Batching(_Strict):
    # Documents are grouped into batches of about this many characters; one
    # Prefect task run handles one batch (task runs cost ~25 ms each here).
    max_chars: int = Field(default=500_000, ge=1_000)
    max_documents: int = Field(default=500, ge=1)


class Extract(_Strict):
    # spaCy components run in this order; each one adds mentions to the doc.
    components: list[str] = Field(default_factory=lambda: ["numeric", "rules", "ner"])
    segmenter: Literal["char", "pkuseg"] = "char"
    models_dir: Optional[Path] = None
    # Worker processes for the components with the local runner; 0 = one per CPU core.
    # Batches under ~100,000 characters always run in the flow's own process.
    processes: int = Field(default=0, ge=0)


class Config(_Strict):
    home: Home = Field(default_factory=Home)
    output: Output = Field(default_factory=Output)
    runner: Runner = Field(default_factory=Runner)
    batching: Batching = Field(default_factory=Batching)
    extract: Extract = Field(default_factory=Extract)

    @property
    def models_dir(self) -> Path:
        return self.extract.models_dir or MODELS_DIR


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"unknown key '{key}'")
        else:
            lines.append(f"key '{key}': {item['msg']} (got {item.get('input')!r})")
    return "; ".join(lines)


def parse_config(data: object, origin: str = "config") -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the top level must be a mapping of keys, not {type(data).__name__}")
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"{origin}: {_describe(error)}") from None


def load_config(path: Optional[Path]) -> tuple[Config, str]:
    """The config and the SHA-256 of its bytes (the defaults hash as empty)."""
    if path is None:
        return parse_config({}), hashlib.sha256(b"").hexdigest()
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config ({error.strerror})") from None
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from None
    return parse_config(data, str(path)), hashlib.sha256(raw).hexdigest()


def read_yaml(path: Path) -> Any:
    """One YAML table file (an empty file is an empty mapping)."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {} if data is None else data


@lru_cache(maxsize=None)
def load_table(name: str) -> Any:
    """configs/<name>.yaml, parsed once per process."""
    return read_yaml(CONFIG_DIR / f"{name}.yaml")
