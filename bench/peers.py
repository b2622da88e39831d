"""The peers, timed on the same text as the pipeline: jieba.posseg, JioNLP's money and time extraction.

Each is called once per paragraph, the way their documentation shows, after
a warm-up call so that loading dictionaries is not timed (the pipeline's
model load is reported as its own row for the same reason).  A peer that is
not installed is reported as skipped.  JioNLP is slow, so it runs on about
``limit_chars`` characters taken evenly across the corpus (every n-th
paragraph) and its characters per second are extrapolated from that subset
(the result says so).
"""
from __future__ import annotations

import importlib.util
import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Iterable, Optional


@dataclass
class PeerResult:
    name: str
    n_chars: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    found: int = 0
    errors: int = 0  # calls that raised (the time still counts)
    subset: bool = False  # measured on a sample of n_chars characters only
    skipped: Optional[str] = None

    @property
    def chars_per_s(self) -> Optional[float]:
        return self.n_chars / self.wall_s if self.wall_s else None

    def as_dict(self) -> dict:
        return {**asdict(self), "chars_per_s": self.chars_per_s}


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def spread_sample(texts: list[str], limit_chars: Optional[int]) -> list[str]:
    """About ``limit_chars`` characters taken evenly across the corpus (every n-th text), not just its first day."""
    total = sum(len(text) for text in texts)
    if limit_chars is None or total <= limit_chars:
        return list(texts)
    stride = max(1, total // limit_chars)
    return texts[::stride]


def time_jieba_posseg(paragraphs: list[str]) -> PeerResult:
    result = PeerResult("jieba.posseg")
    if not installed("jieba"):
        result.skipped = "jieba is not installed (pip install jieba)"
        return result
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    list(jieba.posseg.cut("预热一下词典和模型。"))
    wall, cpu = time.perf_counter(), time.process_time()
    for paragraph in paragraphs:
        result.found += sum(1 for _ in jieba.posseg.cut(paragraph))
    result.wall_s, result.cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    result.n_chars = sum(len(paragraph) for paragraph in paragraphs)
    return result


def time_jionlp(paragraphs: list[str], limit_chars: Optional[int], time_base: datetime) -> PeerResult:
    """``jionlp.ner.extract_money`` + ``jionlp.ner.extract_time`` on each paragraph."""
    result = PeerResult("JioNLP money+time")
    if not installed("jionlp"):
        result.skipped = "jionlp is not installed (pip install jionlp)"
        return result
    import jionlp

    logging.disable(logging.ERROR)  # JioNLP logs a traceback for each string it rejects
    base = time.mktime(time_base.timetuple())
    jionlp.ner.extract_money("预热1元")
    jionlp.ner.extract_time("预热1998年", time_base=base)
    subset = spread_sample(paragraphs, limit_chars)
    wall, cpu = time.perf_counter(), time.process_time()
    for paragraph in subset:
        try:
            result.found += len(jionlp.ner.extract_money(paragraph))
            result.found += len(jionlp.ner.extract_time(paragraph, time_base=base))
        except Exception:  # JioNLP raises on some inputs
            result.errors += 1
    result.wall_s, result.cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    logging.disable(logging.NOTSET)
    result.n_chars = sum(len(paragraph) for paragraph in subset)
    result.subset = len(subset) < len(paragraphs)
    return result
