"""Copies the trained models into data/models/ in the form the pipeline loads.

data/models/ner     the spaCy pipeline (tok2vec + ner; the lexicon is inside the weights)
data/models/pkuseg  the pkuseg model (features.msgpack + weights.npz)
Every file must stay under 20 MB (repository limit), all together under 40 MB.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy

from .corpora import PROJECT_ROOT
from .ner_finetune import FINETUNE_OUTPUT
from .ner_train import NER_OUTPUT
from .segmenter import SEG_MODEL

MODELS_DIR = PROJECT_ROOT / "data" / "models"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 40 * 1024 * 1024


def best_ner_checkpoint() -> Path:
    """The fine-tuned checkpoint when that stage ran, else the first stage's best."""
    finetuned = FINETUNE_OUTPUT / "model-best"
    return finetuned if (finetuned / "config.cfg").exists() else NER_OUTPUT / "model-best"


def package_ner(checkpoint: Path | None = None, target: Path = MODELS_DIR / "ner") -> Path:
    import spacy

    checkpoint = checkpoint or best_ner_checkpoint()
    import pipeline.names_features  # noqa: F401

    nlp = spacy.load(checkpoint)
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    # Training-only paths do not belong in the shipped config (the lexicon is in the weights).
    config = target / "config.cfg"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(train|dev) = .*$", r"\1 = null", text, count=0)
    text = re.sub(r'(?m)^lexicon = .*$', 'lexicon = ""', text)
    text = re.sub(r"(?m)^lexicon_path = .*$", 'lexicon_path = ""', text)
    config.write_text(text, encoding="utf-8")
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
