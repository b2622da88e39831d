"""Run configuration: a YAML file validated on load; and the tables in configs/.

An unknown key or a wrong type is refused with a message naming the key, so a
typo in a nightly job's config fails loudly instead of being ignored.

The rules of every stage read their tables (configs/*.yaml, configs/names/…)
through one loader, :func:`load_table` (or :func:`table_file` for a file that is
not YAML), and build what they compile from them in a function wrapped by
:func:`per_tables`, never at import.  A run config's ``tables:`` key names a
folder whose files replace configs/'s files of the same relative path; every
process that runs a stage calls :func:`use_tables` with its Config first (the
folder travels with the Config to worker processes).
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Optional, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "configs"
MODELS_DIR = PROJECT_ROOT / "data" / "models"


from pipeline.errors import ConfigError  # noqa: E402


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Home(_Strict):
    """A paper's home place (我市 -> its city), full standard names of configs/names/divisions.tsv."""

    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None

    def written(self) -> str:
        """The home as one name (河南省洛阳市), or 'none'."""
        return "".join(name for name in (self.province, self.city, self.county) if name) or "none"


class FolderHome(Home):
    """The home of the pages under one input folder: several papers in one run."""

    folder: Path

    @field_validator("folder")
    @classmethod
    def _existing_folder(cls, folder: Path) -> Path:
        folder = folder.expanduser().resolve()
        if not folder.is_dir():  # a misspelt folder would leave its pages with the default home
            raise ValueError(f"no folder at {folder}")
        return folder

    @property
    def place(self) -> Home:
        return Home(province=self.province, city=self.city, county=self.county)


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


class BadBytes(_Strict):
    # A page whose encoding is clear is read with its few invalid byte sequences
    # replaced by U+FFFD (and a warning row) while they number at most this share
    # of its characters, or this many on a short page; past that it is refused.
    share: float = Field(default=0.005, ge=0, le=1)
    at_least: int = Field(default=3, ge=0)


class Ingest(_Strict):
    bad_bytes: BadBytes = Field(default_factory=BadBytes)


class Extract(_Strict):
    # spaCy components run in this order; each one adds mentions to the doc.
    components: list[str] = Field(default_factory=lambda: ["numeric", "rules", "ner"])
    segmenter: Literal["char", "pkuseg"] = "char"
    models_dir: Optional[Path] = None
    # Worker processes for the components with the local runner; 0 = one per CPU core.
    # Batches under ~100,000 characters always run in the flow's own process.
    processes: int = Field(default=0, ge=0)
    # A document longer than this (characters) goes through extract and measures a window of its
    # sentences at a time, each window's rows turned into tables before the next is read, so that
    # memory does not grow with the page (pipeline/extract/windows.py).
    window_chars: int = Field(default=1_000_000, ge=1_000)


class Config(_Strict):
    # The default home place; a page's own (sidecar, feed) or its folder's (homes) comes first.
    home: Home = Field(default_factory=Home)
    homes: list[FolderHome] = Field(default_factory=list)
    output: Output = Field(default_factory=Output)
    runner: Runner = Field(default_factory=Runner)
    batching: Batching = Field(default_factory=Batching)
    extract: Extract = Field(default_factory=Extract)
    ingest: Ingest = Field(default_factory=Ingest)
    # A folder of the user's own tables: each file in it replaces configs/'s file
    # of the same relative path (units.yaml, names/orgs.yaml); the rest come
    # from configs/.  A file replaces a whole table, it is not merged into it.
    tables: Optional[Path] = None

    @field_validator("tables")
    @classmethod
    def _tables_folder(cls, folder: Optional[Path]) -> Optional[Path]:
        if folder is None:
            return None
        folder = folder.expanduser().resolve()
        if not folder.is_dir():
            raise ValueError(f"no tables folder at {folder}")
        # a misspelt file name would silently leave configs/'s table in force
        unknown = [str(path.relative_to(folder)) for path in sorted(folder.rglob("*"))
                   if path.is_file() and not (CONFIG_DIR / path.relative_to(folder)).is_file()]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} in {folder} replace(s) no table in configs/")
        return folder

    @field_validator("homes")
    @classmethod
    def _one_home_per_folder(cls, homes: list[FolderHome]) -> list[FolderHome]:
        folders = [home.folder for home in homes]
        twice = sorted({str(folder) for folder in folders if folders.count(folder) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} named more than once")
        return homes

    @property
    def models_dir(self) -> Path:
        return self.extract.models_dir or MODELS_DIR

    def home_for(self, path: Path) -> Home:
        """The home of a page at ``path`` unless it names its own: that of the deepest
        folder of ``homes`` holding it, else ``home``."""
        resolved = Path(path).resolve()
        holding = [home for home in self.homes if resolved.is_relative_to(home.folder)]
        if not holding:
            return self.home
        return max(holding, key=lambda home: len(home.folder.parts)).place


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
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"{origin}: {_describe(error)}") from None
    _check_homes(config, origin)
    return config


def _check_homes(config: Config, origin: str) -> None:
    """Every configured home is a place of the division table, each level inside the one above."""
    from pipeline.extract.names.homes import home_problem  # reads the division table, so not at import

    homes = [("home", config.home)] + [(f"homes.{i}", home.place) for i, home in enumerate(config.homes)]
    with tables_of(config):
        for key, home in homes:
            problem = home_problem(home)
            if problem is not None:
                raise ConfigError(f"{origin}: key '{key}.{problem.field}': {problem.message}")


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
    """One YAML file (an empty file is an empty mapping); tables go through load_table."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {} if data is None else data


# The run config's tables folder in this process (None: configs/ alone).  One
# setting per process, as the tables are: stages and spaCy components read it
# through load_table instead of each being handed the folder.
_tables_folder: Optional[Path] = None

T = TypeVar("T")


def use_tables(config: "Config") -> None:
    """Read tables from ``config.tables`` (over configs/) in this process from now
    on; every process that runs a stage calls this with its Config first."""
    global _tables_folder
    _tables_folder = config.tables


@contextmanager
def tables_of(config: "Config") -> Iterator[None]:
    """Tables read from ``config.tables`` inside the block (a config checked before its run)."""
    global _tables_folder
    previous, _tables_folder = _tables_folder, config.tables
    try:
        yield
    finally:
        _tables_folder = previous


def per_tables(build: Callable[..., T]) -> Callable[..., T]:
    """``build(*args)`` once per tables folder and arguments: what a rule compiles
    from its tables is built on first use, and again only for another folder."""
    @lru_cache(maxsize=None)
    def built(folder: Optional[Path], *args: Any, **kwargs: Any) -> T:
        return build(*args, **kwargs)

    @wraps(build)
    def current(*args: Any, **kwargs: Any) -> T:
        return built(_tables_folder, *args, **kwargs)

    current.cache_clear = built.cache_clear  # type: ignore[attr-defined]
    current.cache_info = built.cache_info  # type: ignore[attr-defined]
    return current


def table_file(relative: str) -> Path:
    """The file a rule reads for configs/<relative>: the tables folder's own copy
    when it has one."""
    if _tables_folder is not None and (_tables_folder / relative).is_file():
        return _tables_folder / relative
    return CONFIG_DIR / relative


@per_tables
def load_table(name: str) -> Any:
    """configs/<name>.yaml (``"units"``, ``"names/orgs"``), or its replacement in
    the tables folder; parsed once per process and folder.  Callers must not
    change what it returns: it is shared."""
    return read_yaml(table_file(f"{name}.yaml"))
