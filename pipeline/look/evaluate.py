"""Scores an output folder's entities against a gold file of mentions.

The gold file is JSON Lines, one mention a line, in docs/entities.md's terms::

    {"source": "000_e0aca1a44daf8f47.txt", "label": "MONEY", "text": "3135.7万元",
     "start": 6506, "end": 6514, "value": 31357000, "currency": "CNY", "qualifier": null}

- The document is named by ``doc_id`` or, when that is absent, by ``source``:
  the gold ``source`` must equal a document's ``documents.source`` or be its
  last path components (``000_e0aca1a44daf8f47.txt`` matches
  ``data/samples/000_e0aca1a44daf8f47.txt``), and must name exactly one document.
  Source names survive re-ingestion under another folder; doc_ids are exact.
- A mention is found when a prediction has the same document, ``start``, ``end``
  and ``label`` (exact match).  Only documents the gold file names are scored.
- ``optional: true`` rows are debatable: missing them costs nothing, and a
  prediction that overlaps one (and no required row) is neither a hit nor a
  false positive, whatever its label.
- Value columns are checked on found, required mentions, one column at a time,
  for each column the gold row gives; a column given as ``null`` must be empty.
  Floats compare within 1e-6 relative; dates compare as ISO text.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import pandas as pd

from pipeline.errors import GoldError

LABELS = ("ORG", "PERSON", "GPE", "LOC", "DATE", "MONEY", "PERCENT", "QUANTITY")
VALUE_COLUMNS = ("norm", "value", "value_max", "unit", "currency", "qualifier",
                 "date_value", "date_start", "date_end", "grain")
FLOAT_COLUMNS = ("value", "value_max")
RELATIVE_TOLERANCE = 1e-6

Key = tuple[str, int, int]  # doc_id, start, end


@dataclass
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class ValueScore:
    """Of the found mentions whose gold row gives this column, how many have it right."""

    checked: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.checked if self.checked else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "correct": self.correct, "accuracy": round(self.accuracy, 4)}


@dataclass
class EvalReport:
    labels: dict[str, LabelScore]
    # per label: mentions found whose every given value column is right
    values_by_label: dict[str, ValueScore]
    # per value column, across labels
    values_by_column: dict[str, ValueScore]
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    wrong_values: list[dict[str, Any]] = field(default_factory=list)
    n_documents: int = 0
    n_gold: int = 0
    n_optional: int = 0
    n_neutral: int = 0  # predictions on optional rows

    @property
    def micro(self) -> LabelScore:
        total = LabelScore("ALL")
        for score in self.labels.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_documents": self.n_documents, "n_gold": self.n_gold, "n_optional": self.n_optional,
            "n_neutral_predictions": self.n_neutral,
            "labels": {label: score.as_dict() for label, score in self.labels.items()},
            "micro": self.micro.as_dict(),
            "values_by_label": {label: score.as_dict() for label, score in self.values_by_label.items()},
            "values_by_column": {column: score.as_dict() for column, score in self.values_by_column.items()},
            "misses": self.misses, "false_positives": self.false_positives, "wrong_values": self.wrong_values,
        }


# --- reading the gold file ------------------------------------------------------


def load_gold(path: Union[str, Path]) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise GoldError(f"{path}:{number}: not JSON: {error}") from None
            _check_gold_row(row, f"{path}:{number}")
            rows.append(row)
    return rows


def _check_gold_row(row: Any, where: str) -> None:
    if not isinstance(row, dict):
        raise GoldError(f"{where}: a gold row must be a JSON object")
    missing = [key for key in ("label", "text", "start", "end") if key not in row]
    if "doc_id" not in row and "source" not in row:
        missing.append("doc_id or source")
    if missing:
        raise GoldError(f"{where}: missing {', '.join(missing)}")
    if row["label"] not in LABELS:
        raise GoldError(f"{where}: unknown label {row['label']!r}")
    if len(row["text"]) != row["end"] - row["start"]:
        raise GoldError(f"{where}: text {row['text']!r} does not fit start {row['start']} / end {row['end']}")


def resolve_documents(gold_rows: Iterable[dict[str, Any]], documents: Optional[pd.DataFrame]) -> dict[str, str]:
    """Maps each gold row's document name (doc_id or source) to a doc_id."""
    resolved: dict[str, str] = {}
    known_ids = set(documents["doc_id"]) if documents is not None else set()
    for row in gold_rows:
        name = _document_name(row)
        if name in resolved:
            continue
        if "doc_id" in row:
            if documents is not None and row["doc_id"] not in known_ids:
                raise GoldError(f"gold names doc_id {row['doc_id']} but the output has no such document")
            resolved[name] = row["doc_id"]
            continue
        if documents is None:
            raise GoldError("gold rows name documents by source; the documents table is needed to find them")
        resolved[name] = _doc_id_for_source(row["source"], documents)
    return resolved


def _document_name(row: dict[str, Any]) -> str:
    return row["doc_id"] if "doc_id" in row else "source:" + row["source"]


def _doc_id_for_source(source: str, documents: pd.DataFrame) -> str:
    wanted = source.replace("\\", "/").strip("/")
    sources = documents["source"].astype(str).str.replace("\\", "/", regex=False)
    hits = documents[(sources == wanted) | sources.str.endswith("/" + wanted)]
    if len(hits) != 1:
        found = "no document" if hits.empty else f"{len(hits)} documents"
        raise GoldError(f"gold source {source!r} matches {found} in the output")
    return str(hits["doc_id"].iloc[0])


# --- comparing values -----------------------------------------------------------------


def is_empty(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def _as_text(value: Any) -> Optional[str]:
    if is_empty(value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def value_matches(column: str, expected: Any, predicted: Any) -> bool:
    if is_empty(expected) or is_empty(predicted):
        return is_empty(expected) and is_empty(predicted)
    if column in FLOAT_COLUMNS:
        expected, predicted = float(expected), float(predicted)
        return math.isclose(expected, predicted, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return _as_text(expected) == _as_text(predicted)


# --- scoring -----------------------------------------------------------------------------


def _span_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in ("doc_id", "label", "text", "start", "end")}


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def evaluate(gold_rows: list[dict[str, Any]], predicted: pd.DataFrame,
             documents: Optional[pd.DataFrame] = None) -> EvalReport:
    """Per-label P/R/F1 (exact span and label) and value accuracy on found mentions.

    ``predicted`` is an entities table (columns as in docs/output.md); ``documents``
    is needed only when gold rows name their document by ``source``.
    """
    doc_ids = resolve_documents(gold_rows, documents)
    gold = [{**row, "doc_id": doc_ids[_document_name(row)]} for row in gold_rows]
    required: dict[tuple[str, int, int, str], dict[str, Any]] = {}
    required_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    optional_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in gold:
        if row.get("optional"):
            optional_spans[row["doc_id"]].append((row["start"], row["end"]))
        else:
            required[(row["doc_id"], row["start"], row["end"], row["label"])] = row
            required_spans[row["doc_id"]].append((row["start"], row["end"]))

    scored_docs = set(doc_ids.values())
    report = EvalReport(labels={label: LabelScore(label) for label in LABELS},
                        values_by_label={label: ValueScore() for label in LABELS},
                        values_by_column={column: ValueScore() for column in VALUE_COLUMNS},
                        n_documents=len(scored_docs), n_gold=len(required),
                        n_optional=len(gold) - len(required))
    found: set[tuple[str, int, int, str]] = set()
    predictions = predicted[predicted["doc_id"].isin(scored_docs)] if len(predicted) else predicted
    for prediction in predictions.to_dict("records"):
        key = (prediction["doc_id"], int(prediction["start"]), int(prediction["end"]), prediction["label"])
        score = report.labels.setdefault(prediction["label"], LabelScore(prediction["label"]))
        if key in required and key not in found:
            found.add(key)
            score.tp += 1
            _score_values(required[key], prediction, report)
        elif (_overlaps(key[1], key[2], optional_spans[key[0]])
              and not _overlaps(key[1], key[2], required_spans[key[0]])):
            report.n_neutral += 1
        else:
            score.fp += 1
            report.false_positives.append(_span_row(prediction))
    for key, row in required.items():
        if key not in found:
            report.labels[row["label"]].fn += 1
            report.misses.append(_span_row(row))
    report.misses.sort(key=lambda row: (row["doc_id"], row["start"]))
    report.false_positives.sort(key=lambda row: (row["doc_id"], row["start"]))
    return report


def _score_values(gold_row: dict[str, Any], prediction: dict[str, Any], report: EvalReport) -> None:
    columns = [column for column in VALUE_COLUMNS if column in gold_row]
    if not columns:
        return
    wrong = {}
    for column in columns:
        right = value_matches(column, gold_row[column], prediction.get(column))
        report.values_by_column[column].checked += 1
        report.values_by_column[column].correct += right
        if not right:
            wrong[column] = {"gold": _as_text(gold_row[column]), "predicted": _as_text(prediction.get(column))}
    by_label = report.values_by_label.setdefault(gold_row["label"], ValueScore())
    by_label.checked += 1
    by_label.correct += not wrong
    if wrong:
        report.wrong_values.append({**_span_row(gold_row), "columns": wrong})


# --- output ------------------------------------------------------------------------------------


def format_report(report: EvalReport, max_listed: int = 30) -> str:
    """A table for people: scores per label, value accuracy, then the first errors."""
    lines = [f"{report.n_documents} document(s), {report.n_gold} gold mention(s) "
             f"(+{report.n_optional} optional; {report.n_neutral} prediction(s) on optional rows not scored)", "",
             f"{'label':<9}{'gold':>6}{'pred':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}   values right"]
    for label, score in [*report.labels.items(), ("ALL", report.micro)]:
        if label != "ALL" and score.tp + score.fp + score.fn == 0:
            continue
        values = report.values_by_label.get(label)
        if label == "ALL":
            checked = sum(v.checked for v in report.values_by_label.values())
            correct = sum(v.correct for v in report.values_by_label.values())
            values = ValueScore(checked, correct)
        value_text = f"{values.correct}/{values.checked}" if values and values.checked else "-"
        lines.append(f"{label:<9}{score.tp + score.fn:>6}{score.tp + score.fp:>6}{score.tp:>6}"
                     f"{score.precision:>8.3f}{score.recall:>8.3f}{score.f1:>8.3f}   {value_text}")
    columns = [f"{column} {score.correct}/{score.checked}"
               for column, score in report.values_by_column.items() if score.checked]
    if columns:
        lines += ["", "value columns: " + ", ".join(columns)]
    for title, rows in (("missed", report.misses), ("false positives", report.false_positives),
                        ("wrong values", report.wrong_values)):
        if not rows:
            continue
        lines += ["", f"{title} ({len(rows)}):"]
        for row in rows[:max_listed]:
            detail = ""
            if "columns" in row:
                detail = "  " + "; ".join(f"{c}: gold {v['gold']!r} got {v['predicted']!r}"
                                          for c, v in row["columns"].items())
            lines.append(f"  {row['label']:<9}{row['text']}  [{row['start']}:{row['end']}]{detail}")
        if len(rows) > max_listed:
            lines.append(f"  … and {len(rows) - max_listed} more (all are in --json)")
    return "\n".join(lines)


def evaluate_output(gold_path: Union[str, Path], out: Union[str, Path]) -> EvalReport:
    """The ``pipeline eval`` command's work: gold file against an output folder."""
    from pipeline.tables.folder import OutputFolder

    folder = OutputFolder(Path(out))
    return evaluate(load_gold(gold_path), folder.read("entities"), folder.read("documents"))


def write_json(report: EvalReport, path: Union[str, Path]) -> None:
    Path(path).write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


__all__ = ["EvalReport", "GoldError", "LabelScore", "ValueScore", "evaluate", "evaluate_output", "format_report",
           "load_gold", "value_matches", "write_json"]
