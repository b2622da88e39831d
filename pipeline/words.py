"""A unigram word model of People's Daily 1998 (data/models/wordfreq/).

Two stages ask it the same question, how well a stretch of Chinese reads as
words: layout repair (does a cut read better joined to this continuation?)
and the name rules (does a name found by a table sit on word boundaries, or
inside other words, as 重庆 inside 隆重庆祝 or 本市 inside 资本市场?).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Optional

from pipeline.config import MODELS_DIR
from pipeline.text import HAN_RANGE

WORDFREQ_PATH = MODELS_DIR / "wordfreq" / "pd1998_wordfreq.tsv"
_TRAILING_CJK = re.compile(rf"[{HAN_RANGE}]{{1,4}}$")
_LEADING_CJK = re.compile(rf"[{HAN_RANGE}]{{1,4}}")


class WordModel:
    MAX_WORD = 4

    def __init__(self, counts: dict[str, int], total: int):
        log_total = math.log(total)
        self.logp = {word: math.log(n) - log_total for word, n in counts.items()}
        self.unknown_char = math.log(0.5) - log_total
        # the same names and their neighbours come back sentence after sentence
        self.best = lru_cache(maxsize=1 << 16)(self._best)

    def _best(self, text: str) -> float:
        """log P of the best segmentation of ``text`` (unknown characters are rare words)."""
        scores = [0.0] + [-math.inf] * len(text)
        for end in range(1, len(text) + 1):
            for length in range(1, min(self.MAX_WORD, end) + 1):
                logp = self.logp.get(text[end - length:end])
                if logp is None:
                    if length > 1:
                        continue
                    logp = self.unknown_char
                scores[end] = max(scores[end], scores[end - length] + logp)
        return scores[-1]

    def join_gain(self, left: str, right: str) -> float:
        """How much better the end of ``left`` and the start of ``right`` read joined."""
        left_end = _TRAILING_CJK.search(left)
        right_start = _LEADING_CJK.match(right)
        if not left_end or not right_start:
            return 0.0
        a, b = left_end.group(), right_start.group()
        return self.best(a + b) - self.best(a) - self.best(b)

    def boundary_cost(self, text: str, start: int, end: int, window: int = 3) -> float:
        """How much worse the text around [start, end) reads when forced to break at both ends.

        Near 0 when the span sits on word boundaries; large when it cuts
        through words (隆|重庆|祝 against 隆重|庆祝).
        """
        left = text[max(0, start - window):start]
        right = text[end:end + window]
        free = self.best(left + text[start:end] + right)
        forced = self.best(left) + self.best(text[start:end]) + self.best(right)
        return free - forced


@lru_cache(maxsize=1)
def word_model() -> Optional[WordModel]:
    if not WORDFREQ_PATH.is_file():
        return None
    counts: dict[str, int] = {}
    total = 0
    with WORDFREQ_PATH.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, count = line.rstrip("\n").partition("\t")
            if word == "#total":
                total = int(count)
            elif count:
                counts[word] = int(count)
    return WordModel(counts, total or sum(counts.values()))
