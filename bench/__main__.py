"""The pipeline's speed on People's Daily 1998, beside jieba.posseg and JioNLP.

    .venv/bin/python -m bench [--mb 2] [--json FILE] [--quick]      (or: make bench)

1. Builds a corpus of at least ``--mb`` million characters (bench/corpus.py).
2. Runs the whole pipeline on it through ``run_pipeline`` (Prefect flow, local
   runner) with each stage's functions timed inside that run
   (bench/measure.py): characters per second per stage, Prefect's share of
   the wall time (the time no stage was running in any thread, over the
   wall time; batches overlap, so stage times can add up to more than the
   wall time), peak RSS.  Prefect's temporary server is started first and timed on
   its own (a ``pipeline run`` without PREFECT_API_URL pays it once per run).
3. Times the peers on the same text (bench/peers.py) and the tokenizer plus
   the trained name model on the run's sentences when data/models/names exists.
4. Prints a table and the ratios; ``--json FILE`` writes everything.

On a machine shared with other work the wall times are noisy: the load
average at start and end is recorded, and CPU seconds are given beside wall
seconds.  Nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

# One BLAS thread in this process, set before numpy loads: the tokenizer+NER row is
# a per-process figure, and the extract workers run one thread each anyway.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench.corpus import Corpus, build_corpus
from bench.measure import StageClock, peak_rss_self_bytes, timing_stages
from bench.peers import PeerResult, installed, spread_sample, time_jieba_posseg, time_jionlp

# The stages a document goes through, in order; the other timed rows are set-up and bookkeeping.
MEASURES_SHARE_TARGET = 0.10  # issue 24: what each number measures costs at most a tenth of a run
STAGES = ("ingest", "normalize", "layout repair", "articles", "sentences", "extract", "measures", "write")
OTHER_ROWS = ("model load", "discover inputs", "summary")
QUICK_MB, QUICK_JIONLP_CHARS, QUICK_NER_CHARS = 0.05, 5_000, 5_000
TOKENIZER_NER_TARGET = 30_000
PREFECT_SHARE_TARGET = 0.10
MiB = 1024 * 1024


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, help="corpus size in millions of characters (default 2; 0.05 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run: tiny corpus, small peer subsets")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--config", type=Path, metavar="FILE", help="pipeline config (the runner is forced to local)")
    parser.add_argument("--jionlp-chars", type=int, help="JioNLP runs on this many characters (default 200,000)")
    parser.add_argument("--ner-chars", type=int, help="tokenizer+NER runs on this many characters (default 500,000)")
    parser.add_argument("--workdir", type=Path, help="corpus and output folder (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    args.mb = args.mb if args.mb is not None else (QUICK_MB if args.quick else 2.0)
    args.jionlp_chars = args.jionlp_chars or (QUICK_JIONLP_CHARS if args.quick else 200_000)
    args.ner_chars = args.ner_chars or (QUICK_NER_CHARS if args.quick else 500_000)
    return args


# --- the machine ---------------------------------------------------------------


def cpu_model() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return platform.processor() or "unknown"
    for line in lscpu.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def busy_processes(min_cpu_percent: float = 20.0) -> list[str]:
    """Other processes using a fair share of a CPU now: what made the timings noisy."""
    if not installed("psutil"):
        return []
    import psutil

    others = [process for process in psutil.process_iter(["cmdline"]) if process.pid != os.getpid()]
    for process in others:
        with contextlib.suppress(psutil.Error):
            process.cpu_percent(None)
    time.sleep(1.0)
    busy = []
    for process in others:
        with contextlib.suppress(psutil.Error):
            percent = process.cpu_percent(None)
            if percent >= min_cpu_percent:
                busy.append(f"{percent:.0f}% {' '.join(process.info['cmdline'] or [])[:80]}")
    return busy


def machine_info() -> dict[str, Any]:
    import prefect

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu_model": cpu_model(), "cpus": os.cpu_count(), "memory_gib": round(memory / 1024 ** 3, 1),
            "python": platform.python_version(), "prefect": prefect.__version__,
            "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "load_average_start": list(os.getloadavg()), "busy_processes_start": busy_processes()}


# --- the pipeline ---------------------------------------------------------------


def bench_config(path: Optional[Path]):
    """The run's config with the local runner: the stage timers live in this process."""
    from pipeline.config import Runner, load_config

    config, config_sha256 = load_config(path)
    return config.model_copy(update={"runner": Runner(kind="local")}), config_sha256


def start_temporary_server() -> float:
    """Seconds to start Prefect's temporary server (0 when PREFECT_API_URL names a real one)."""
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:
        return 0.0
    from prefect.server.api.server import SubprocessASGIServer

    started = time.perf_counter()
    SubprocessASGIServer().start(timeout=180)  # the instance every Prefect client of this process uses
    return time.perf_counter() - started


def run_whole_pipeline(corpus: Corpus, out: Path, config_path: Optional[Path]) -> dict[str, Any]:
    from pipeline.run.flow import run_pipeline

    config, config_sha256 = bench_config(config_path)
    server_start_s = start_temporary_server()
    clock = StageClock()
    sampler = rss_sampler()
    with sampler, timing_stages(clock):
        wall, cpu = time.perf_counter(), cpu_with_children()
        summary = run_pipeline(inputs=[str(corpus.folder)], out=str(out), config=config,
                               config_sha256=config_sha256)
        wall, cpu = time.perf_counter() - wall, cpu_with_children() - cpu
    return pipeline_result(corpus, out, clock, summary, wall, cpu, server_start_s, sampler, config)


def cpu_with_children() -> float:
    """CPU seconds of this process and of its children that have ended (the
    extract workers, which the run stops before it returns)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def rss_sampler():
    if installed("psutil"):
        from bench.measure import PeakRSS

        return PeakRSS()
    from contextlib import nullcontext

    return nullcontext()


def pipeline_result(corpus: Corpus, out: Path, clock: StageClock, summary: Any, wall: float, cpu: float,
                    server_start_s: float, sampler: Any, config: Any) -> dict[str, Any]:
    from pipeline.extract.workers import worker_count

    stages = {name: {"wall_s": clock.wall.get(name, 0.0), "cpu_s": clock.cpu.get(name, 0.0),
                     "calls": clock.calls.get(name, 0),
                     "chars_per_s": corpus.n_chars / clock.wall[name] if clock.wall.get(name) else None}
              for name in STAGES + OTHER_ROWS}
    in_stages = clock.covered_wall
    return {
        "components": list(config.extract.components), "segmenter": config.extract.segmenter,
        "extract_processes": worker_count(config),
        "n_documents": summary.n_documents, "n_errors": len(summary.errors), "n_entities": count_rows(out, "entities"),
        "n_sentences": count_rows(out, "sentences"),
        "n_chars": corpus.n_chars, "wall_s": wall, "cpu_s": cpu, "chars_per_s": corpus.n_chars / wall,
        "stages": stages, "stages_wall_s": in_stages,
        "prefect_s": wall - in_stages, "prefect_share": (wall - in_stages) / wall,
        "server_start_s": server_start_s,
        "prefect_share_with_server_start": (wall + server_start_s - in_stages) / (wall + server_start_s),
        "chars_per_s_with_server_start": corpus.n_chars / (wall + server_start_s),
        "peak_rss_process_mib": peak_rss_self_bytes() / MiB,
        "peak_rss_tree_mib": sampler.peak_tree_bytes / MiB if hasattr(sampler, "peak_tree_bytes") else None,
        "unwrapped": clock.missing,
    }


def count_rows(out: Path, table: str) -> int:
    import pyarrow.dataset as ds

    folder = out / table
    return ds.dataset(folder).count_rows() if folder.is_dir() else 0


def time_tokenizer_ner(out: Path, config_path: Optional[Path], limit_chars: int) -> PeerResult:
    """The tokenizer plus the trained NER component on the run's sentences, as the extract stage calls it."""
    from pipeline.extract.nlp import build_nlp

    result = PeerResult("tokenizer+NER")
    config, _ = bench_config(config_path)
    if not (config.models_dir / "names" / "model.npz").exists():
        result.skipped = f"no trained name model in {config.models_dir / 'names'} (make train)"
        return result
    import pyarrow.dataset as ds

    sentences = spread_sample(ds.dataset(out / "sentences").to_table(columns=["text"]).column("text").to_pylist(),
                              limit_chars)
    nlp = build_nlp(config.model_copy(update={"extract": config.extract.model_copy(update={"components": ["ner"]})}))
    list(nlp.pipe(["预热一下模型。"]))
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in nlp.pipe(sentences, batch_size=256):
        result.found += len(doc._.mentions or [])
    result.wall_s, result.cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    result.n_chars = sum(len(text) for text in sentences)
    result.subset = len(sentences) < count_rows(out, "sentences")
    return result


# --- report ----------------------------------------------------------------------


def ratios(pipeline: dict[str, Any], peers: dict[str, dict[str, Any]]) -> dict[str, Optional[float]]:
    """Pipeline speed over each peer's (above 1: the pipeline is faster), by wall and by CPU time."""
    found: dict[str, Optional[float]] = {}
    pipeline_cpu_rate = pipeline["n_chars"] / pipeline["cpu_s"] if pipeline["cpu_s"] else None
    for name, peer in peers.items():
        if peer["skipped"] or not peer["chars_per_s"]:
            found[name] = found[f"{name} (cpu)"] = None
            continue
        found[name] = pipeline["chars_per_s"] / peer["chars_per_s"]
        peer_cpu_rate = peer["n_chars"] / peer["cpu_s"] if peer["cpu_s"] else None
        found[f"{name} (cpu)"] = pipeline_cpu_rate / peer_cpu_rate if pipeline_cpu_rate and peer_cpu_rate else None
    extract_rate = pipeline["stages"]["extract"]["chars_per_s"]
    jionlp = peers.get("JioNLP money+time", {})
    found["extract stage / JioNLP money+time"] = (extract_rate / jionlp["chars_per_s"]
                                                  if extract_rate and jionlp.get("chars_per_s") else None)
    return found


def number(value: Optional[float], digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_report(result: dict[str, Any]) -> None:
    corpus, machine, pipeline = result["corpus"], result["machine"], result["pipeline"]
    print(f"\ncorpus  : {corpus['description']}")
    print(f"machine : {machine['cpu_model']}, {machine['cpus']} CPUs, {machine['memory_gib']} GiB; "
          f"load average {machine['load_average_start'][0]:.1f} at start, {machine['load_average_end'][0]:.1f} "
          f"at end; Python {machine['python']}, Prefect {machine['prefect']}; {machine['date_utc']} UTC")
    for line in machine["busy_processes_start"]:
        print(f"          busy at start: {line}")
    print(f"pipeline: components {pipeline['components']}, segmenter {pipeline['segmenter']}, local runner, "
          f"{pipeline['extract_processes']} extract process(es); "
          f"{pipeline['n_documents']:,} documents, {pipeline['n_sentences']:,} sentences, "
          f"{pipeline['n_entities']:,} entities, {pipeline['n_errors']} errors\n")
    print(f"{'stage':<34}{'wall s':>9}{'cpu s':>9}{'chars/s':>13}")
    for name, row in pipeline["stages"].items():
        print(f"{name:<34}{row['wall_s']:>9.2f}{row['cpu_s']:>9.2f}"
              f"{number(row['chars_per_s']) if name in STAGES else '':>13}")
    print(f"{'some stage running (any thread)':<34}{pipeline['stages_wall_s']:>9.2f}")
    print(f"{'Prefect + flow bookkeeping':<34}{pipeline['prefect_s']:>9.2f}{'':>9}"
          f"{pipeline['prefect_share']:>12.1%}")
    print(f"{'whole flow run':<34}{pipeline['wall_s']:>9.2f}{pipeline['cpu_s']:>9.2f}"
          f"{number(pipeline['chars_per_s']):>13}")
    print(f"{'Prefect temporary server start':<34}{pipeline['server_start_s']:>9.2f}")
    print(f"{'whole run incl. server start':<34}{pipeline['wall_s'] + pipeline['server_start_s']:>9.2f}{'':>9}"
          f"{number(pipeline['chars_per_s_with_server_start']):>13}   Prefect share "
          f"{pipeline['prefect_share_with_server_start']:.1%}")
    print(f"peak RSS: pipeline process {number(pipeline['peak_rss_process_mib'])} MiB; with its children "
          f"(Prefect's server, extract workers) {number(pipeline['peak_rss_tree_mib'])} MiB\n")
    print(f"{'peer (same text)':<34}{'chars':>11}{'wall s':>9}{'cpu s':>9}{'chars/s':>13}")
    for peer in result["peers"].values():
        if peer["skipped"]:
            print(f"{peer['name']:<34}skipped: {peer['skipped']}")
            continue
        note = " (subset, extrapolated)" if peer["subset"] else ""
        print(f"{peer['name']:<34}{peer['n_chars']:>11,}{peer['wall_s']:>9.2f}{peer['cpu_s']:>9.2f}"
              f"{number(peer['chars_per_s']):>13}{note}")
    print("\nratios (pipeline chars/s over peer chars/s; > 1: the pipeline is faster)")
    for name, value in result["ratios"].items():
        print(f"  {name:<46}{number(value, 2) + 'x' if value is not None else '-'}")
    print_targets(result)


def print_targets(result: dict[str, Any]) -> None:
    targets = result["targets"]
    print("\ntargets")
    for name, met in targets.items():
        print(f"  {name:<60}{'-' if met is None else ('met' if met else 'NOT met')}")


def targets_met(pipeline: dict[str, Any], peers: dict[str, dict[str, Any]]) -> dict[str, Optional[bool]]:
    jieba = peers["jieba.posseg"]
    ner = peers["tokenizer+NER"]
    return {
        "whole flow run >= jieba.posseg chars/s": (pipeline["chars_per_s"] >= jieba["chars_per_s"]
                                                   if jieba["chars_per_s"] else None),
        f"Prefect share < {PREFECT_SHARE_TARGET:.0%} of the flow run": pipeline["prefect_share"] < PREFECT_SHARE_TARGET,
        f"Prefect share < {PREFECT_SHARE_TARGET:.0%} incl. temporary server start":
            pipeline["prefect_share_with_server_start"] < PREFECT_SHARE_TARGET,
        f"tokenizer+NER >= {TOKENIZER_NER_TARGET:,} chars/s": (ner["chars_per_s"] >= TOKENIZER_NER_TARGET
                                                              if ner["chars_per_s"] else None),
        f"measures stage <= {MEASURES_SHARE_TARGET:.0%} of the flow run's wall time":
            pipeline["stages"]["measures"]["wall_s"] <= MEASURES_SHARE_TARGET * pipeline["wall_s"],
    }


# --- main ------------------------------------------------------------------------------


def corpus_summary(corpus: Corpus, target_chars: int) -> dict[str, Any]:
    source = ("People's Daily 1998-01 (articles, then pages)" if corpus.source == "peoples-daily-1998"
              else "the committed sample pages (no ../shared/data)")
    return {"source": corpus.source, "n_chars": corpus.n_chars, "n_bytes_utf8": corpus.n_bytes_utf8,
            "n_documents": len(corpus.documents), "n_files": corpus.n_files, "target_chars": target_chars,
            "description": f"{source}: {len(corpus.documents):,} documents in {corpus.n_files} files, "
                           f"{corpus.n_chars:,} characters ({corpus.n_bytes_utf8 / 1e6:.2f} MB UTF-8)"}


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    machine = machine_info()
    target_chars = int(args.mb * 1_000_000)
    corpus = build_corpus(workdir / "corpus", target_chars)
    print(f"corpus: {corpus.n_chars:,} characters in {len(corpus.documents):,} documents ({corpus.source}); "
          "running the pipeline ...", file=sys.stderr)
    pipeline = run_whole_pipeline(corpus, workdir / "out", args.config)
    print("timing the peers ...", file=sys.stderr)
    paragraphs = list(corpus.paragraphs())
    peers = {peer.name: peer.as_dict() for peer in (
        time_jieba_posseg(paragraphs),
        time_jionlp(paragraphs, args.jionlp_chars, datetime(1998, 1, 15)),
        time_tokenizer_ner(workdir / "out", args.config, args.ner_chars),
    )}
    machine["load_average_end"] = list(os.getloadavg())
    result = {"corpus": corpus_summary(corpus, target_chars), "machine": machine, "pipeline": pipeline,
              "peers": peers, "ratios": ratios(pipeline, peers)}
    result["targets"] = targets_met(pipeline, peers)
    return result


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        result = measure(args, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nresults -> {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
