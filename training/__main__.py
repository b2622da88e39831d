"""`python -m training [STEP ...]`: the whole recipe, or the named steps in order.

Steps: wordfreq, place_names, org_words (the People's Daily word model that
layout repair and the name rules read, data/models/wordfreq/, and tables the
name rules read, configs/names/); segmenter_data, segmenter (the pkuseg model,
data/models/pkuseg/); names_lexicon, names_data, names_train (the name model,
configs/names_model.yaml); package, evaluate, card.  On 2 cores the segmenter
takes about half an hour and the name model about two hours
(training/names_train.py logs every evaluation to its run folder).
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per process pays on 2 cores

STEPS = ["wordfreq", "place_names", "org_words", "segmenter_data", "segmenter", "names_lexicon", "names_data",
         "names_train", "package", "evaluate", "card"]


def main(argv: list[str]) -> None:
    from . import (card, evaluate, fixture, names_data, names_lexicon, names_train, org_words, package, place_names,
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
        print("divisions and countries:", place_names.build_hierarchy())
    if "org_words" in steps:
        print("clause words:", org_words.build_org_words())
    if "segmenter_data" in steps:
        print("segmentation files:", segmenter.write_segmentation_files())
    if "segmenter" in steps:
        seconds = segmenter.train_segmenter()
        metrics["segmenter_train_seconds"] = round(seconds)
    if "names_lexicon" in steps:
        metrics["names_lexicon"] = names_lexicon.build_lexicon()
    if "names_data" in steps:
        metrics["names_data"] = names_data.write_examples()
    if "names_train" in steps:
        best = names_train.train(names_train.read_recipe(), names_train.NAMES_RUN)
        metrics["names_train"] = best
    if "package" in steps:
        package.package_names()
        package.package_segmenter()
        print("fixture rows:", fixture.write_fixture())
        print("CI floors:", fixture.write_floors(package.MODELS_DIR))
    if "evaluate" in steps:
        metrics["names_model"] = evaluate.evaluate_name_model(package.MODELS_DIR / "names")
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
