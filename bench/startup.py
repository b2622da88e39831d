"""The fixed cost of `pipeline run`: wall time of the whole command on a one-line page.

    .venv/bin/python -m bench.startup [--repeat 5]

Each run is a fresh `pipeline run` process (as a cron job starts it) on one
short page into a new output folder, with no Prefect API configured, so it
pays everything a small nightly job pays: imports, loading the models, the
temporary Prefect server, the flow, writing the tables and stopping the
server.  Prints every run's wall time and their median.  Run it on an idle
machine: the server's start-up and the model loading overlap on two cores.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent  # the checkout measured, whichever is installed
PAGE = "本报讯 3月11日，我市召开2024年度人才工作述职会。\n"


def one_run(work: Path, number: int) -> float:
    pages = work / "in"
    pages.mkdir(exist_ok=True)
    (pages / "page.txt").write_text(PAGE, encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "run", str(pages), "--out", str(work / f"out{number}"),
               "--pub-date", "2025-03-11"]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=REPOSITORY)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        times = [one_run(work, number) for number in range(args.repeat)]
    finally:
        shutil.rmtree(work)
    print("pipeline run on a one-line page, wall s: " + ", ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
