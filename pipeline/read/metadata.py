"""A document's publication date and title from outside its text: a sidecar
file ``NAME.meta.json``/``NAME.meta.yaml`` beside it, or a date in its path."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Optional

import yaml

SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")

_PATH_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)")


def parse_iso_date(value: str) -> Optional[date]:
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def date_from_path(path: Path) -> Optional[date]:
    """A date written in the path: 2025-03-12, 20250312 or 2025/03/12."""
    for match in _PATH_DATE.finditer(path.as_posix()):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def read_sidecar(path: Path) -> Optional[dict]:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return None
            return data if isinstance(data, dict) else None
    return None


def sidecar_pub_date(meta: Optional[dict]) -> Optional[date]:
    if meta and meta.get("pub_date"):
        return parse_iso_date(str(meta["pub_date"]))
    return None


def sidecar_title(meta: Optional[dict]) -> Optional[str]:
    title = meta.get("title") if meta else None
    return title if isinstance(title, str) else None
