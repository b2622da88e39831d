"""`python -m training [STEP ...]`: the whole recipe, or the named steps in order.

Steps: wordfreq, place_names, org_words, convert, segmenter, ner, finetune,
package, evaluate, card (wordfreq: the People's Daily word model that layout
repair and the name rules read, data/models/wordfreq/; place_names and
org_words: tables the name rules read, configs/names/).  Training the
NER is bounded by `max_steps` (configs/ner.cfg, then training/ner_finetune.py);
on 2 cores the full run takes about an hour (segmenter ~27 min, NER stage 1
~20 min and fine-tuning ~7 min on one core, multiplying through OpenBLAS).
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per process pays on 2 cores

STEPS = ["wordfreq", "place_names", "org_words", "convert", "segmenter", "ner", "finetune", "package", "evaluate",
         "card"]


def main(argv: list[str]) -> None:
    from . import (card, evaluate, fixture, ner_data, ner_finetune, ner_train, org_words, package, place_names,
                   segmenter, wordfreq)

    steps = argv or STEPS
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps {sorted(unknown)}; known: {STEPS}")
    metrics_path = package.MODELS_DIR / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    if "wordfreq" in steps:
        wordfreq.main([])
    if "place_names" in steps:
        print("place names:", place_names.build_place_names())
    if "org_words" in steps:
        print("clause words:", org_words.build_org_words())
    if "convert" in steps:
        print("segmentation files:", segmenter.write_segmentation_files())
        stats = ner_data.build_ner_data()
        metrics["lexicon_words"] = stats["lexicon_words"]
    if "segmenter" in steps:
        seconds = segmenter.train_segmenter()
        metrics["segmenter_train_seconds"] = round(seconds)
    if "ner" in steps:
        seconds = ner_train.train_ner()
        metrics["ner_train_seconds"] = round(seconds)
    if "finetune" in steps:
        seconds = ner_finetune.finetune_ner()
        metrics["ner_finetune_seconds"] = round(seconds)
    if "package" in steps:
        package.package_ner()
        package.package_segmenter()
        print("fixture rows:", fixture.write_fixture())
        print("CI floors:", fixture.write_floors(package.MODELS_DIR))
    if "evaluate" in steps:
        metrics["ner"] = evaluate.evaluate_ner(package.MODELS_DIR / "ner")
        metrics["names_layer"] = evaluate.evaluate_names_layer(package.MODELS_DIR)
        metrics["segmenter"] = {**metrics.get("segmenter", {}), **evaluate.evaluate_segmenter(package.MODELS_DIR)}
        info = segmenter.SEG_WORK / "train_info.json"
        if info.exists():
            metrics["segmenter"].update(json.loads(info.read_text()))
        metrics["speed"] = evaluate.benchmark(package.MODELS_DIR)
        metrics["sizes"] = package.model_sizes()
        metrics_path.write_text(json.dumps(metrics, ensure_ascii=False, indent=1))
    if "card" in steps:
        card.write_card(metrics)
    print(json.dumps(metrics, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
