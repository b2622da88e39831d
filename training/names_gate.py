"""A gate over a name model's heads: which corpus's conventions each text is read by (issue 20.2).

A model trained with a CRF head per corpus (``heads: per_corpus``) reads each
corpus best through that corpus's own head, but the pipeline meets texts, not
corpora.  The gate is a softmax regression from a text's mean hidden state
(pipeline/extract/names/model.py ``mean_hidden``) to the corpus it came from,
fitted on the training texts of each corpus in equal numbers with the encoder
frozen, and stored in the model's arrays (``gate_w``, ``gate_b``); at run time
each text is read by the head the gate scores highest.

    python -m training.names_gate RUN_DIR [--per-corpus 8000]
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Sequence

import numpy

from pipeline.extract.names.model import META_FILE, MODEL_FILE, NameModel, mean_hidden

from .names_data import NAMES_WORK, read_examples

BATCH = 256


def pooled_states(model: NameModel, texts: Sequence[str]) -> numpy.ndarray:
    rows = []
    for start in range(0, len(texts), BATCH):
        hidden, lengths = model.hidden_states(texts[start:start + BATCH])
        rows.append(mean_hidden(hidden, lengths))
    return numpy.concatenate(rows)


def fit_softmax(x: numpy.ndarray, y: numpy.ndarray, n_classes: int, steps: int = 500, rate: float = 0.05,
                l2: float = 1e-4) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Multinomial logistic regression by Adam on the full batch: (weights (dims, classes), bias)."""
    w = numpy.zeros((x.shape[1], n_classes))
    b = numpy.zeros(n_classes)
    onehot = numpy.eye(n_classes)[y]
    moments = [numpy.zeros_like(w), numpy.zeros_like(b)], [numpy.zeros_like(w), numpy.zeros_like(b)]
    for step in range(1, steps + 1):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = numpy.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grads = [x.T @ (p - onehot) / len(x) + l2 * w, (p - onehot).mean(axis=0)]
        for k, (param, grad) in enumerate(zip((w, b), grads)):
            moments[0][k] = 0.9 * moments[0][k] + 0.1 * grad
            moments[1][k] = 0.999 * moments[1][k] + 0.001 * grad ** 2
            param -= rate * (moments[0][k] / (1 - 0.9 ** step)) / (numpy.sqrt(moments[1][k] / (1 - 0.999 ** step)) + 1e-8)
    return w, b


def fit_gate(run: Path, examples_path: Path = NAMES_WORK / "examples.jsonl", per_corpus: int = 8000,
             seed: int = 0) -> dict:
    """Fits the gate of the model in ``run`` and writes it into its arrays; returns its dev accuracy."""
    meta = json.loads((run / META_FILE).read_text(encoding="utf-8"))
    heads: list[str] = meta["heads"]
    if len(heads) < 2:
        raise SystemExit(f"{run}: one head, nothing to choose between")
    model = NameModel.load(run)
    rng = random.Random(seed)
    examples = read_examples(examples_path)
    by_split: dict[str, dict[str, list[str]]] = {"train": {}, "dev": {}}
    for example in examples:
        if example.split in by_split and example.corpus in heads and example.text:
            by_split[example.split].setdefault(example.corpus, []).append(example.text)
    x, y = [], []
    for index, corpus in enumerate(heads):
        texts = by_split["train"][corpus]
        chosen = rng.sample(texts, min(per_corpus, len(texts)))
        x.append(pooled_states(model, chosen))
        y += [index] * len(chosen)
    features = numpy.concatenate(x)
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    w, b = fit_softmax((features - mean) / scale, numpy.asarray(y), len(heads))
    # the standardisation folded into the weights: the runtime reads raw mean states
    gate_w = (w / scale[:, None]).astype("float32")
    gate_b = (b - (mean / scale) @ w).astype("float32")
    accuracy = {}
    for index, corpus in enumerate(heads):
        dev = pooled_states(model, by_split["dev"][corpus])
        accuracy[corpus] = round(float(((dev @ gate_w + gate_b).argmax(axis=1) == index).mean()), 4)
    with numpy.load(run / MODEL_FILE) as data:
        arrays = {key: data[key] for key in data.files if not key.startswith("gate_")}
    numpy.savez_compressed(run / MODEL_FILE, **arrays, gate_w=gate_w, gate_b=gate_b)
    meta["gate"] = {"fitted_on": {corpus: min(per_corpus, len(by_split["train"][corpus])) for corpus in heads},
                    "dev_accuracy": accuracy}
    (run / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta["gate"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--per-corpus", type=int, default=8000)
    args = parser.parse_args(argv)
    print(json.dumps(fit_gate(args.run, per_corpus=args.per_corpus)))


if __name__ == "__main__":
    main()
