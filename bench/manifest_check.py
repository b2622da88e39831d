"""What the manifest check costs a run: every committed part's size and sha256 against manifest.json.

    .venv/bin/python -m bench.manifest_check OUT [OUT ...] [--repeat 5] [--scale N]

For each output folder: its parts and bytes, the time to load the manifest
and checksum every part (``Manifest.damage``, the check every run makes
first), and the whole ``OutputFolder.prepare`` (the check, the schema check of
every part's footer, the clean-up), median of ``--repeat`` runs with the
files in the page cache, as on a machine that ran the last night's job.
``--scale N`` also measures a copy of each folder with every batch there N
times (the same parts under other keys), for an output larger than the
corpora at hand; the copy is made in a temporary folder and removed.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from pipeline.tables.claim import claimed_folder
from pipeline.tables.folder import OutputFolder
from pipeline.tables.manifest import Manifest
from pipeline.tables.layout import parts_on_disk
from pipeline.tables.schemas import BATCH_TABLES


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def check(root: Path) -> None:
    manifest = Manifest.load(root)
    assert manifest is not None, f"{root} has no manifest"
    damage = manifest.damage(root)
    assert not damage, damage[0].describe(root)


def prepare(root: Path) -> None:
    with claimed_folder(root):
        OutputFolder(root).prepare()


def measure(root: Path, repeat: int) -> str:
    manifest = Manifest.load(root)
    assert manifest is not None, f"{root} has no manifest: run into it once first"
    n_bytes = sum(part.size for part in manifest.parts.values())
    check(root)  # once to warm the page cache
    checked = median_seconds(lambda: check(root), repeat)
    prepared = median_seconds(lambda: prepare(root), repeat)
    return (f"{root}: {len(manifest.parts):,} parts, {n_bytes / 1e6:,.1f} MB; manifest check {checked * 1000:,.1f} ms "
            f"({n_bytes / 1e6 / checked:,.0f} MB/s); whole prepare {prepared * 1000:,.1f} ms")


def scaled_copy(root: Path, scale: int, into: Path) -> Path:
    """``root`` with every batch there ``scale`` times: its parts copied under other keys, then adopted."""
    copy = into / f"{root.name}-x{scale}"
    shutil.copytree(root, copy)
    (copy / "manifest.json").unlink()
    for table in BATCH_TABLES:
        for part in parts_on_disk(root, table):
            for n in range(1, scale):
                shutil.copyfile(part, copy / part.relative_to(root).parent / f"{part.stem}-copy{n}.parquet")
    OutputFolder(copy).adopt()
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.manifest_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("outs", nargs="+", type=Path, metavar="OUT")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    for root in args.outs:
        print(measure(root, args.repeat))
        if args.scale > 1:
            with tempfile.TemporaryDirectory(prefix="manifest-check-") as scratch:
                print(measure(scaled_copy(root, args.scale, Path(scratch)), args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
