"""Copies the trained models into data/models/ in the form the pipeline loads.

data/models/names   the name model: model.npz (arrays), meta.json, lexicon.tsv.gz
data/models/pkuseg  the pkuseg model (features.msgpack + weights.npz)
Every file must stay under 20 MB (repository limit), all together under 40 MB.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy

from pipeline.extract.names.model import LEXICON_FILE, META_FILE, MODEL_FILE

from .corpora import PROJECT_ROOT
from .names_train import NAMES_RUN
from .segmenter import SEG_MODEL

MODELS_DIR = PROJECT_ROOT / "data" / "models"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 40 * 1024 * 1024


def package_names(run: Path = NAMES_RUN, target: Path = MODELS_DIR / "names") -> Path:
    """The best checkpoint of a training run, as the pipeline loads it."""
    if not (run / MODEL_FILE).exists():
        raise FileNotFoundError(f"no trained name model in {run} (python -m training names_train)")
    target.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, META_FILE, LEXICON_FILE):
        if (run / name).resolve() != (target / name).resolve():
            shutil.copyfile(run / name, target / name)
    return target


def package_segmenter(source: Path = SEG_MODEL, target: Path = MODELS_DIR / "pkuseg") -> Path:
    """features.msgpack as trained; weights.npz stored compressed (np.load reads both)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(source / "features.msgpack", target / "features.msgpack")
    weights = numpy.load(source / "weights.npz")
    numpy.savez_compressed(target / "weights.npz", sizes=weights["sizes"], w=weights["w"])
    return target


def model_sizes(models_dir: Path = MODELS_DIR) -> dict:
    files = [f for f in models_dir.rglob("*") if f.is_file() and f.name not in ("README.md", "metrics.json")]
    sizes = {str(f.relative_to(models_dir)): f.stat().st_size for f in files}
    too_big = [name for name, size in sizes.items() if size >= MAX_FILE_BYTES]
    total = sum(sizes.values())
    if too_big:
        raise RuntimeError(f"files over 20 MB in {models_dir}: {too_big}")
    if total >= MAX_TOTAL_BYTES:
        raise RuntimeError(f"models in {models_dir} take {total / 2**20:.1f} MB, over the 40 MB budget")
    by_model: dict[str, int] = {}
    for name, size in sizes.items():
        by_model[name.split("/")[0]] = by_model.get(name.split("/")[0], 0) + size
    return {"files": sizes, "by_model": by_model, "total": total}
