"""The command line: ``pipeline run INPUT... --out DIR [--config FILE] [--pub-date YYYY-MM-DD]``.

``pipeline serve`` takes the same plus ``--cron EXPR`` and runs on that schedule (pipeline/run/serve.py).

Exit status: 0 when every input was processed, 1 when some were refused (they
are in the ``errors`` table), 2 on a usage or configuration error or when the
output folder cannot be written, is another run's or holds a damaged part
(nothing written then), 3 when a run committed some batches and then could not
write the rest; pipeline/errors.py names each error with its status.
``pipeline repair OUT`` drops the batches whose parts are damaged.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from pipeline.config import load_config
from pipeline.errors import EXIT_OK, EXIT_USAGE, ConfigError, GoldError, PipelineError
from pipeline.types import ErrorRow

if TYPE_CHECKING:  # the flow imports Prefect, which a CLI that only reports or fails on usage does not need
    from pipeline.run.flow import RunSummary


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date in the form YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline", description="Chinese newspaper pages in, entity tables out.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="process inputs into the output tables")
    add_run_arguments(run)
    run.add_argument("--wait", action="store_true",
                     help="if another run holds the output folder, wait for it to end instead of refusing")
    run.add_argument("--reprocess", action="store_true",
                     help="extract again the documents earlier runs wrote from the same source and text, replacing "
                          "their rows (after a configuration change)")
    add_serve_command(commands)
    repair = commands.add_parser("repair", help="drop the batches of an output folder whose parts are damaged")
    repair.add_argument("out", type=Path, metavar="OUT", help="output folder of earlier runs")
    add_report_and_eval_commands(commands)
    return parser


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (.txt .md .html .htm .jsonl)")
    run.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    run.add_argument("--config", type=Path, metavar="FILE", help="YAML configuration")
    run.add_argument("--pub-date", type=_iso_date, metavar="YYYY-MM-DD",
                     help="publication date for inputs with no sidecar, JSONL field or date in their path")
    run.add_argument("--verbose", action="store_true", help="also show Prefect's INFO lines (each task run)")


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    """``serve`` takes what ``run`` takes plus a schedule (pipeline.run.serve; needs a real Prefect server)."""
    serve = commands.add_parser("serve", help="run on a schedule, served to a Prefect server (PREFECT_API_URL)")
    add_run_arguments(serve)
    serve.add_argument("--cron", required=True, metavar="EXPR", help='cron schedule in UTC, e.g. "0 6 * * *"')
    serve.add_argument("--name", default="nightly", help="deployment name (default: nightly)")


def add_report_and_eval_commands(commands: argparse._SubParsersAction) -> None:
    """``report OUT --html FILE`` and ``eval GOLD.jsonl OUT [--json FILE]`` (pipeline.look.report, pipeline.look.evaluate)."""
    report = commands.add_parser("report", help="write a self-contained HTML report of an output folder")
    report.add_argument("out", type=Path, metavar="OUT", help="output folder of earlier runs")
    report.add_argument("--html", required=True, type=Path, metavar="FILE", help="the HTML file to write")
    report.add_argument("--max-documents", type=int, default=50, metavar="N",
                        help="documents shown with their entities highlighted (default 50)")
    evaluate = commands.add_parser("eval", help="score an output folder against a gold file of mentions or measures")
    evaluate.add_argument("gold", type=Path, metavar="GOLD.jsonl",
                          help="gold mentions or measures (rows with 'measure', docs/measures.md), one JSON object a line")
    evaluate.add_argument("out", type=Path, metavar="OUT", help="output folder of earlier runs")
    evaluate.add_argument("--json", type=Path, metavar="FILE", help="also write the scores as JSON")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "httpcore"):  # one line per request to Prefect's API
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if not getattr(args, "verbose", True):
        # Prefect reads its level when it is first imported, in this process and in its server's
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    if args.command in ("run", "serve") and not any(Path(name).exists() for name in args.inputs):
        print(f"pipeline: no such input: {', '.join(map(str, args.inputs))}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "run":
        return run_command(args)
    if args.command == "serve":
        from pipeline.run.serve import serve_command

        return serve_command(args)
    if args.command in ("report", "eval"):
        return report_or_eval_command(args)
    if args.command == "repair":
        return repair_command(args)
    return EXIT_USAGE


def repair_command(args: argparse.Namespace) -> int:
    from pipeline.tables.repair import repair_folder

    try:
        report = repair_folder(args.out)
    except PipelineError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return error.exit_status
    print("\n".join(report.lines()))
    return EXIT_OK


def report_or_eval_command(args: argparse.Namespace) -> int:
    """Both read an existing output folder; a missing one or a bad gold file is a usage error."""
    if not (args.out / "documents").is_dir():
        print(f"pipeline: {args.out} is not an output folder (no documents table)", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "report":
        from pipeline.look.report import write_report

        path = write_report(args.out, args.html, max_documents=args.max_documents)
        print(f"report -> {path}")
        return EXIT_OK
    from pipeline.look.evaluate import evaluate_output, format_report, write_json
    from pipeline.look import evaluate_measures

    try:
        if evaluate_measures.is_measure_gold(evaluate_measures.load_measure_gold(args.gold)):
            measure_scores = evaluate_measures.evaluate_output(args.gold, args.out)
            print(evaluate_measures.format_scores(measure_scores))
            if args.json:
                args.json.write_text(json.dumps(measure_scores.as_dict(), indent=2), encoding="utf-8")
            return EXIT_OK
        scores = evaluate_output(args.gold, args.out)
    except GoldError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return error.exit_status
    except OSError as error:  # the gold file cannot be read
        print(f"pipeline: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(format_report(scores))
    if args.json:
        write_json(scores, args.json)
    return EXIT_OK


WARNINGS_SHOWN = 3  # of each kind; all of them are rows of the errors table


def print_warnings(warnings: Sequence[ErrorRow]) -> None:
    """A few of each kind of warning and their count: a night's thousand undated pages is one line, not a thousand."""
    by_type: dict[str, list[ErrorRow]] = {}
    for warning in warnings:
        by_type.setdefault(warning.error_type, []).append(warning)
    for error_type, rows in by_type.items():
        for row in rows[:WARNINGS_SHOWN]:
            print(f"pipeline: warning {row.source} [{row.stage}/{error_type}]: {row.message}", file=sys.stderr)
        if len(rows) > WARNINGS_SHOWN:
            print(f"pipeline: warning: {len(rows) - WARNINGS_SHOWN} more {error_type} (in the errors table, "
                  "severity 'warning')", file=sys.stderr)


def _start_prefect_server_early() -> None:
    """With no Prefect API configured, the run's temporary server starts now, while this
    process imports the stages and loads its models: the two start-ups overlap."""
    from pipeline.run.prefect_env import configure_prefect

    configure_prefect()  # before the server inherits the environment
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        from pipeline.run.prefect_server import launch_early

        launch_early()


def _versions_note(summary: RunSummary) -> str:
    """What the summary line adds when a run replaced earlier versions: said only then, so the usual line stays."""
    notes = [f"{summary.n_replaced} earlier version(s) replaced"] if summary.n_replaced else []
    notes += [f"{summary.n_reprocessed} reprocessed"] if summary.n_reprocessed else []
    return "; " + ", ".join(notes) if notes else ""


def run_command(args: argparse.Namespace) -> int:
    try:
        config, config_sha256 = load_config(args.config)
    except ConfigError as error:
        print(f"pipeline: configuration error: {error}", file=sys.stderr)
        return error.exit_status
    from pipeline.tables.claim import check_owned

    try:  # refused in a second, not after the stages' imports and a server's start; checked again under the lock
        check_owned(Path(args.out))
    except PipelineError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return error.exit_status
    _start_prefect_server_early()
    from pipeline.run.flow import run_pipeline

    try:
        summary = run_pipeline(inputs=[str(name) for name in args.inputs], out=str(args.out), config=config,
                                  config_sha256=config_sha256, cli_pub_date=args.pub_date, wait=args.wait,
                                  reprocess=args.reprocess)
    except ConfigError as error:
        print(f"pipeline: configuration error: {error}", file=sys.stderr)
        return error.exit_status
    except PipelineError as error:  # the output folder, or the run's temporary Prefect server
        print(f"pipeline: {error}", file=sys.stderr)
        return error.exit_status
    for error in summary.refused:
        print(f"pipeline: refused {error.source} [{error.stage}/{error.error_type}]: {error.message}", file=sys.stderr)
    print_warnings(summary.warnings)
    print(f"run {summary.run_id}: {summary.n_documents} document(s) written, {len(summary.repeats)} repeat(s) "
          f"recorded, {summary.n_skipped} unchanged, {len(summary.refused)} refused, {len(summary.warnings)} "
          f"warning(s){_versions_note(summary)} -> {args.out}")
    return summary.exit_code
