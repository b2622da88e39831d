"""Second NER stage: continue from the best checkpoint with a lower learning rate.

On this machine the first stage's dev F1 flattens after ~10k steps with Adam at
1e-3; a few thousand steps at a third of that rate settle the weights.  The
components are sourced from the first stage's model-best, so nothing is
re-initialized.
"""
from __future__ import annotations

import json
import sys
import time

from spacy.cli.train import train
from thinc.api import Config

import pipeline.names_features  # noqa: F401  registers zh_names.CharNgramEmbed.v1
from pipeline.fast_ops import openblas_ops

from .ner_data import NER_WORK
from .ner_train import NER_CONFIG, NER_OUTPUT

FINETUNE_OUTPUT = NER_WORK / "model-finetune"
FINETUNE_LEARN_RATE = 0.0003
FINETUNE_STEPS = 3000


def finetune_config(source=NER_OUTPUT / "model-best") -> Config:
    config = Config().from_disk(NER_CONFIG, interpolate=False)
    config["components"]["tok2vec"] = {"source": str(source)}
    config["components"]["ner"] = {"source": str(source)}
    config["training"]["optimizer"]["learn_rate"] = FINETUNE_LEARN_RATE
    config["training"]["max_steps"] = FINETUNE_STEPS
    config["training"]["batcher"]["size"] = {"@schedules": "compounding.v1", "start": 2000, "stop": 2000, "compound": 1.0}
    return config


def finetune_ner() -> float:
    path = NER_WORK / "finetune.cfg"
    finetune_config().to_disk(path)
    overrides = {"paths.train": str(NER_WORK / "train.spacy"), "paths.dev": str(NER_WORK / "dev.spacy")}
    started = time.time()
    with openblas_ops():  # the same model, trained with numpy's faster matrix products
        train(path, FINETUNE_OUTPUT, overrides=overrides, use_gpu=-1)
    elapsed = time.time() - started
    (NER_WORK / "finetune_info.json").write_text(json.dumps({"seconds": round(elapsed)}))
    return elapsed


if __name__ == "__main__":
    print("fine-tuned in", finetune_ner(), file=sys.stderr)
