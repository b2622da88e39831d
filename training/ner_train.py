"""Trains the statistical name model with spaCy from configs/ner.cfg.

spaCy keeps the best checkpoint on the dev set (PD day 27 + a carved MSRA
block) in ``training/work/ner/model/model-best``; the run can be stopped at any
time (``max_steps`` bounds it) and the best checkpoint so far is packaged.
"""
from __future__ import annotations

import json
import sys
import time

from spacy.cli.train import train

import pipeline.names_features  # noqa: F401  registers zh_names.CharNgramEmbed.v1
from pipeline.fast_ops import openblas_ops

from .corpora import PROJECT_ROOT
from .ner_data import LEXICON, NER_WORK

NER_CONFIG = PROJECT_ROOT / "configs" / "ner.cfg"
NER_OUTPUT = NER_WORK / "model"


def train_ner(max_steps: int | None = None) -> float:
    overrides = {
        "paths.train": str(NER_WORK / "train.spacy"),
        "paths.dev": str(NER_WORK / "dev.spacy"),
        "paths.lexicon": str(LEXICON),
    }
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    started = time.time()
    with openblas_ops():  # the same model, trained with numpy's faster matrix products
        train(NER_CONFIG, NER_OUTPUT, overrides=overrides, use_gpu=-1)
    elapsed = time.time() - started
    (NER_WORK / "train_info.json").write_text(json.dumps({"seconds": round(elapsed), "overrides": overrides}))
    return elapsed


if __name__ == "__main__":
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else None
    print("trained in", train_ner(steps))
