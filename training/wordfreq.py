"""Word frequencies from People's Daily 1998, for layout repair's junction test.

Writes data/models/wordfreq/pd1998_wordfreq.tsv: one `word<TAB>count` line per
word seen at least twice (every single character is kept), full-width digits
and letters folded as the pipeline's normalization does.  Bracketed compounds
count as their parts, which is how running text would segment them.

    .venv/bin/python -m training.wordfreq [CORPUS] [OUT]
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from pipeline.config import MODELS_DIR, PROJECT_ROOT
from pipeline.read.normalize import fold_width

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "data" / "peoples-daily-1998" / "199801.utf8.txt"
DEFAULT_OUT = MODELS_DIR / "wordfreq" / "pd1998_wordfreq.tsv"
MIN_COUNT = 2


def count_words(corpus: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            for token in line.split()[1:]:  # the first token is the paragraph id
                word = fold_width(token.rsplit("/", 1)[0].lstrip("["))
                if word:
                    counts[word] += 1
    return counts


def write_table(counts: Counter[str], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = sorted((word, n) for word, n in counts.items() if n >= MIN_COUNT or len(word) == 1)
    with out.open("w", encoding="utf-8") as handle:
        handle.write(f"#total\t{sum(counts.values())}\n")
        for word, n in kept:
            handle.write(f"{word}\t{n}\n")
    return len(kept)


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    kept = write_table(count_words(corpus), out)
    print(f"{out}: {kept} words")


if __name__ == "__main__":
    main(sys.argv[1:])
