"""Peak memory of a `pipeline run` on a corpus of 20 MB and more.

    .venv/bin/python -m bench.memory [--copies 4] [--json FILE]

Writes People's Daily 1998-01 as one JSON Lines feed, ``--copies`` times over
(each copy's articles end with a mark of their own, so every copy is new
content to the pipeline; four copies make about 25 MB), runs ``pipeline run``
on it as a separate process (Parquet only, the default configuration
otherwise) and samples the resident memory of that process and all its
children (extract workers, Prefect's temporary server) every 0.2 s with
psutil.  Prints the wall time and the peaks; the issue's bound is 2 GB.  ``--one-page 6``
measures instead one page of 6 million characters with no line break.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

from bench.corpus import PD_RELATIVE, ROOT, article_record, read_articles, shared_data

MiB = 2**20
SAMPLE_EVERY_S = 0.2


def write_feed(path: Path, copies: int) -> dict[str, int]:
    articles = read_articles(shared_data() / PD_RELATIVE)
    n_chars = 0
    with path.open("w", encoding="utf-8") as feed:
        for copy in range(copies):
            for article in articles:
                record = article_record(article)
                record["id"] = f"{record['id']}-copy{copy}"
                record["text"] += f"\n（第{copy + 1}份）"
                n_chars += len(record["text"])
                feed.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {"articles": copies * len(articles), "chars": n_chars, "bytes": path.stat().st_size}


def write_one_page(path: Path, n_chars: int) -> dict[str, int]:
    """The month's prose run together into one page of ``n_chars`` characters with no line
    break (repeated from the start where the month is shorter): a pathological page."""
    prose = "".join(paragraph for article in read_articles(shared_data() / PD_RELATIVE)
                    for paragraph in article.paragraphs)
    page = (prose * (n_chars // len(prose) + 1))[:n_chars]
    path.write_text(page, encoding="utf-8")
    return {"articles": 1, "chars": len(page), "bytes": path.stat().st_size}


def run_and_sample(feed: Path, out: Path, config: Path) -> dict[str, Any]:
    import psutil

    command = [sys.executable, "-m", "pipeline", "run", str(feed), "--out", str(out), "--config", str(config)]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    process = psutil.Process(child.pid)
    peak_tree = peak_main = 0
    while child.poll() is None:
        try:
            peak_main = max(peak_main, process.memory_info().rss)
            tree = 0
            for member in [process, *process.children(recursive=True)]:
                try:
                    tree += member.memory_info().rss
                except psutil.Error:
                    pass
            peak_tree = max(peak_tree, tree)
        except psutil.Error:
            pass
        time.sleep(SAMPLE_EVERY_S)
    stderr = child.stderr.read() if child.stderr else ""
    return {"exit_code": child.returncode, "wall_s": time.perf_counter() - started,
            "peak_rss_tree_mib": peak_tree / MiB, "peak_rss_pipeline_process_mib": peak_main / MiB,
            "refused": stderr.count("refused ")}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of the month in the feed (default 4, ~25 MB)")
    parser.add_argument("--one-page", type=float, metavar="MCHARS",
                        help="instead, one page of this many million characters without a line break")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    args = parser.parse_args(argv)
    if not (shared_data() / PD_RELATIVE).exists():
        print(f"no corpus at {shared_data() / PD_RELATIVE}: nothing to measure", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pipeline-memory-") as folder:
        work = Path(folder)
        config = work / "config.yaml"
        if args.one_page:
            feed = work / "page.txt"
            corpus = write_one_page(feed, int(args.one_page * 1_000_000))
        else:
            feed = work / "feed.jsonl"
            corpus = write_feed(feed, args.copies)
        config.write_text("output: {formats: [parquet]}\n", encoding="utf-8")
        print(f"feed: {corpus['bytes'] / 1e6:.1f} MB, {corpus['articles']:,} articles, {corpus['chars']:,} characters")
        result = {**corpus, **run_and_sample(feed, work / "out", config)}
    print(f"pipeline run: exit {result['exit_code']}, {result['wall_s']:.1f} s wall, "
          f"{result['refused']} input(s) refused as duplicates or errors")
    print(f"peak RSS: whole process tree {result['peak_rss_tree_mib']:,.0f} MiB "
          f"(the pipeline's process {result['peak_rss_pipeline_process_mib']:,.0f} MiB); bound 2,048 MiB")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
