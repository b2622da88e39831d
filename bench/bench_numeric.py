"""Side-by-side speed of the numeric stage and JioNLP's money + time extraction.

    .venv/bin/python bench/bench_numeric.py [--chars 300000] [--repeat 3]

Builds a plain-text corpus from People's Daily 1998-01 (``word/TAG`` markup
stripped, one paragraph per line) plus the sample pages, folds full-width
digits and letters as the run's normalization does, and times on exactly the
same lines, one call per line:

- ours:   ``pipeline.extract.numeric.mentions.extract_numeric(line, pub_date)``
- JioNLP: ``jionlp.ner.extract_money(line)`` + ``jionlp.ner.extract_time(line, time_base)``

It prints characters per second for each and the ratio, on wall time and on
the process's CPU time: the machine is shared (a training run), and CPU time is
the steadier of the two there.  Ours takes the best of ``--repeat`` runs (5 by
default, a pass taking about a second), JioNLP the best of ``--jionlp-repeat``
(2 by default, a pass taking 10-25 s).  JioNLP is a
benchmark-only dependency (``pip install jionlp``), never imported by the
pipeline.  Data paths come from ``PIPELINE_SHARED_DATA`` or ``../shared/data``.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.numeric.mentions import extract_numeric  # noqa: E402

PUB_DATE = date(1998, 1, 15)
_TAG = re.compile(r"\[?([^\s/\[\]]+)/[A-Za-z]+\]?[A-Za-z]*")
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({ord("％"): "%", ord("．"): "."})


def shared_data() -> Path:
    env = os.environ.get("PIPELINE_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def peoples_daily_lines(path: Path) -> list[str]:
    """One plain-text paragraph per corpus line, markup and line id removed."""
    lines = []
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            tokens = raw.split()
            if len(tokens) < 2:
                continue
            words = [m.group(1) for m in (_TAG.match(t) for t in tokens[1:]) if m]
            text = "".join(words)
            if text:
                lines.append(_fold(text))
    return lines


def _fold(text: str) -> str:
    # full-width digits/letters to ASCII, like the run's normalization
    return text.translate(_FULLWIDTH)


def sample_lines() -> list[str]:
    lines = []
    for path in sorted((ROOT / "data" / "samples").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines.extend(_fold(line) for line in text.splitlines() if line.strip())
    return lines


def build_corpus(max_chars: int) -> list[str]:
    corpus, size = [], 0
    lines = sample_lines()
    pd_path = shared_data() / "peoples-daily-1998" / "199801.utf8.txt"
    if pd_path.exists():
        lines += peoples_daily_lines(pd_path)
    else:
        print(f"note: {pd_path} not found; samples only", file=sys.stderr)
    for line in lines:
        if size >= max_chars:
            break
        corpus.append(line)
        size += len(line)
    return corpus


def time_ours(corpus: list[str], repeat: int) -> tuple[float, float, int]:
    """Best wall and best CPU seconds of ``repeat`` passes, and the mentions found."""
    best_wall = best_cpu = float("inf")
    found = 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        found = sum(len(extract_numeric(line, PUB_DATE)) for line in corpus)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, found


def time_jionlp(corpus: list[str], repeat: int) -> tuple[float, float, int, int]:
    import logging

    import jionlp

    logging.disable(logging.ERROR)  # JioNLP logs a traceback for each string it rejects

    time_base = time.mktime(datetime(PUB_DATE.year, PUB_DATE.month, PUB_DATE.day).timetuple())
    jionlp.ner.extract_money("预热1元")  # load dictionaries outside the timing
    jionlp.ner.extract_time("预热1998年", time_base=time_base)
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        found = errors = 0
        wall, cpu = time.perf_counter(), time.process_time()
        for line in corpus:
            try:
                found += len(jionlp.ner.extract_money(line))
                found += len(jionlp.ner.extract_time(line, time_base=time_base))
            except Exception:  # JioNLP raises on some inputs; the time still counts
                errors += 1
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, found, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=300_000,
                        help="corpus size for the side-by-side run (JioNLP is slow)")
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs for ours")
    parser.add_argument("--jionlp-repeat", type=int, default=2, help="best of N runs for JioNLP")
    parser.add_argument("--no-jionlp", action="store_true", help="time ours only")
    args = parser.parse_args()

    corpus = build_corpus(args.chars)
    n_chars = sum(len(line) for line in corpus)
    print(f"corpus: {len(corpus)} lines, {n_chars} characters "
          f"(samples + People's Daily 1998-01)")

    ours_s, ours_cpu, ours_found = time_ours(corpus, args.repeat)
    print(f"ours  : {ours_s:8.3f} s  {n_chars / ours_s:12,.0f} chars/s  "
          f"(CPU {ours_cpu:.3f} s, {n_chars / ours_cpu:,.0f} chars/s; {ours_found} mentions)")
    if args.no_jionlp:
        return
    jio_s, jio_cpu, jio_found, jio_errors = time_jionlp(corpus, args.jionlp_repeat)
    print(f"JioNLP: {jio_s:8.3f} s  {n_chars / jio_s:12,.0f} chars/s  "
          f"(CPU {jio_cpu:.3f} s, {n_chars / jio_cpu:,.0f} chars/s; {jio_found} mentions, "
          f"{jio_errors} lines raised)")
    print(f"ratio : {jio_s / ours_s:.1f}x wall, {jio_cpu / ours_cpu:.1f}x CPU")


if __name__ == "__main__":
    main()
