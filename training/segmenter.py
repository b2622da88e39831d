"""Word segmentation: a spacy-pkuseg model trained on People's Daily 1998.

Days 1-27 train, days 28-31 are held out (never random paragraphs: articles
run on across paragraphs).  The model is trimmed (`featureTrim`) so that it
fits the repository's 20 MB per-file limit, and evaluated inside spaCy with an
empty user dictionary, which is how the pipeline runs it.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from .corpora import PD_TEST_DAYS, WORK, read_pd

SEG_WORK = WORK / "pkuseg"
SEG_TRAIN = SEG_WORK / "train.txt"
SEG_TEST = SEG_WORK / "test.txt"
SEG_MODEL = SEG_WORK / "model"
# Trimming features seen fewer than 3 times costs ~0.3 F1 and cuts 75 MB to ~21 MB.
FEATURE_TRIM = 3
TRAIN_ITERATIONS = 10


def write_segmentation_files() -> dict[str, int]:
    SEG_WORK.mkdir(parents=True, exist_ok=True)
    counts = {"train": 0, "test": 0}
    with open(SEG_TRAIN, "w", encoding="utf-8") as train, open(SEG_TEST, "w", encoding="utf-8") as test:
        for paragraph in read_pd():
            part = "test" if paragraph.day in PD_TEST_DAYS else "train"
            (test if part == "test" else train).write(" ".join(paragraph.words) + "\n")
            counts[part] += 1
    return counts


def train_segmenter(iterations: int = TRAIN_ITERATIONS, feature_trim: int = FEATURE_TRIM) -> float:
    """Trains pkuseg (single process); returns the wall time in seconds."""
    import spacy_pkuseg
    from spacy_pkuseg.config import config

    config.featureTrim = feature_trim
    if SEG_MODEL.exists():
        shutil.rmtree(SEG_MODEL)
    started = time.time()
    spacy_pkuseg.train(str(SEG_TRAIN), str(SEG_TEST), str(SEG_MODEL), train_iter=iterations)
    elapsed = time.time() - started
    (SEG_WORK / "train_info.json").write_text(
        json.dumps({"iterations": iterations, "feature_trim": feature_trim, "seconds": round(elapsed)})
    )
    return elapsed


if __name__ == "__main__":
    print(write_segmentation_files())
    if "--write-only" not in sys.argv:
        print("trained in", train_segmenter())
