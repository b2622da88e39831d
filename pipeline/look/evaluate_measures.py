"""Scores the ``measures`` table against a gold file written to docs/measures.md.

A gold row names its number by offsets (``start``/``end`` into
``documents.text``) and says whether it measures anything (``measure``).  For
a measuring number the prediction is the measure whose number overlaps the
gold span; each column is scored as a share of the gold rows: the indicator is
right when ``indicator_core`` ⊆ prediction ⊆ ``indicator_max``; kind,
direction, basis and target must be equal; the period must have the same first
and last day; place is reported too (docs/measures.md does not score it).  A number
that measures nothing is right when it has no row.

Two gold shapes are read: rows naming a document (``source`` or ``doc_id``)
scored against an output folder (``pipeline eval``), and passages (a
``text`` with its ``pub_date``, ``home`` and ``rows``) run through the stages
in this process.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import pandas as pd

from pipeline.config import Config, parse_config
from pipeline.look.evaluate import GoldError, is_empty, resolve_documents
from pipeline.types import Document

COLUMNS = ("indicator", "kind", "direction", "basis", "target", "period", "place")


@dataclass
class MeasureScores:
    n_gold: int = 0  # measuring numbers
    n_no_row_gold: int = 0  # numbers that measure nothing
    found: int = 0
    right: dict[str, int] = field(default_factory=lambda: {column: 0 for column in COLUMNS})
    no_row_right: int = 0
    spurious: int = 0  # rows for numbers the gold does not list
    misses: list[dict[str, Any]] = field(default_factory=list)

    def share(self, column: str) -> float:
        return self.right[column] / self.n_gold if self.n_gold else 1.0

    @property
    def kind_and_direction(self) -> float:
        return self.right["kind_direction"] / self.n_gold if self.n_gold else 1.0

    @property
    def no_row(self) -> float:
        return self.no_row_right / self.n_no_row_gold if self.n_no_row_gold else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"n_gold": self.n_gold, "found": self.found,
                **{column: round(self.share(column), 4) for column in COLUMNS},
                "kind_and_direction": round(self.kind_and_direction, 4),
                "n_no_row_gold": self.n_no_row_gold, "no_row": round(self.no_row, 4), "spurious": self.spurious}


def load_measure_gold(path: Union[str, Path]) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise GoldError(f"{path}:{number}: not JSON: {error}") from None
    return rows


def is_measure_gold(rows: list[dict[str, Any]]) -> bool:
    return bool(rows) and all("measure" in row or "rows" in row for row in rows)


def score(gold: Iterable[dict[str, Any]], predicted: list[dict[str, Any]], scores: Optional[MeasureScores] = None,
          where: str = "") -> MeasureScores:
    """``gold`` rows of one document against that document's predicted rows
    (each with the number's ``start``/``end`` and the measure's columns)."""
    scores = scores or MeasureScores()
    gold = list(gold)
    matched: set[int] = set()
    for row in gold:
        hits = [i for i, p in enumerate(predicted) if p["start"] < row["end"] and row["start"] < p["end"]]
        matched.update(hits)
        if not row["measure"]:
            scores.n_no_row_gold += 1
            scores.no_row_right += not hits
            continue
        scores.n_gold += 1
        if not hits:
            scores.misses.append({"where": where, "text": row["text"], "missing": "no row"})
            continue
        scores.found += 1
        wrong = _score_row(row, predicted[hits[0]], scores)
        if wrong:
            scores.misses.append({"where": where, "text": row["text"], "wrong": wrong})
    scores.spurious += len(set(range(len(predicted))) - matched)
    return scores


def _score_row(gold: dict[str, Any], predicted: dict[str, Any], scores: MeasureScores) -> dict[str, Any]:
    indicator = predicted.get("indicator") or ""
    checks = {
        "indicator": gold["indicator_core"] in indicator and indicator in gold["indicator_max"],
        "kind": gold["kind"] == predicted.get("kind"),
        "direction": (gold.get("direction") or None) == (predicted.get("direction") or None),
        "basis": (gold.get("basis") or None) == (predicted.get("basis") or None),
        "target": bool(gold["target"]) == bool(predicted.get("target")),
        "period": (_day(gold.get("period_start")), _day(gold.get("period_end")))
        == (_day(predicted.get("period_start")), _day(predicted.get("period_end"))),
        "place": (gold.get("place") or None) == (predicted.get("place") or None),
    }
    checks["kind_direction"] = checks["kind"] and checks["direction"]
    for column, right in checks.items():
        scores.right[column] = scores.right.get(column, 0) + right
    shown = {"indicator": (gold["indicator_core"], gold["indicator_max"]), "period": (
        gold.get("period_start"), gold.get("period_end"))}
    return {column: {"gold": shown.get(column, gold.get(column)), "predicted": _predicted_value(predicted, column)}
            for column, right in checks.items() if not right and column != "kind_direction"}


def _predicted_value(predicted: dict[str, Any], column: str) -> Any:
    if column == "period":
        return (str(_day(predicted.get("period_start"))), str(_day(predicted.get("period_end"))))
    return predicted.get(column)


def _day(value: Any) -> Optional[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, (date, pd.Timestamp)):
        return value.isoformat()[:10]
    return str(value)[:10] or None


# --- predictions -----------------------------------------------------------------------


def document_predictions(document: Document) -> list[dict[str, Any]]:
    return [{"start": m.number.start, "end": m.number.end, "indicator": m.indicator, "kind": m.kind,
             "direction": m.direction, "basis": m.basis, "target": m.target, "period_start": m.period_start,
             "period_end": m.period_end, "place": m.place} for m in document.measures]


def output_predictions(out: Union[str, Path]) -> tuple[pd.DataFrame, dict[str, list[dict[str, Any]]]]:
    """The documents table and each document's measures with their numbers' offsets."""
    from pipeline.tables.folder import OutputFolder

    folder = OutputFolder(Path(out))
    documents = folder.read("documents")
    measures = folder.read("measures")
    entities = folder.read("entities")[["entity_id", "start", "end"]]
    joined = measures.merge(entities, on="entity_id", how="left")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in joined.to_dict("records"):
        clean = {key: (None if is_empty(value) else value) for key, value in row.items()}
        by_doc.setdefault(row["doc_id"], []).append(clean)
    return documents, by_doc


def evaluate_output(gold_path: Union[str, Path], out: Union[str, Path]) -> MeasureScores:
    gold = load_measure_gold(gold_path)
    documents, predicted = output_predictions(out)
    doc_ids = resolve_documents(gold, documents)
    scores = MeasureScores()
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in gold:
        name = row["doc_id"] if "doc_id" in row else "source:" + row["source"]
        by_doc.setdefault(doc_ids[name], []).append(row)
    for doc_id, rows in by_doc.items():
        score(rows, predicted.get(doc_id, []), scores, doc_id)
    return scores


def evaluate_passages(path: Union[str, Path], base: Optional[Config] = None) -> MeasureScores:
    """Each passage of a gold file run through the stages with its own home and pub_date."""
    from pipeline.run.direct import process_text

    base = base or parse_config({})
    scores = MeasureScores()
    for passage in load_measure_gold(path):
        config = parse_config({**base.model_dump(mode="json", exclude_none=True), "home": passage.get("home") or {}})
        pub = date.fromisoformat(passage["pub_date"]) if passage.get("pub_date") else None
        document = process_text(passage["text"], config, pub, source=passage["id"])
        if document.text != passage["text"]:
            raise GoldError(f"passage {passage['id']}: the pipeline's text differs from the passage's (normalization)")
        score(passage["rows"], document_predictions(document), scores, passage["id"])
    return scores


def format_scores(scores: MeasureScores, max_listed: int = 40) -> str:
    lines = [f"measures: {scores.n_gold} measuring numbers in the gold, {scores.found} with a row; "
             f"{scores.spurious} row(s) for numbers the gold does not list",
             "  " + "  ".join(f"{column} {scores.share(column):.3f}" for column in COLUMNS),
             f"  kind+direction {scores.kind_and_direction:.3f}",
             f"  numbers that measure nothing left without a row: {scores.no_row_right}/{scores.n_no_row_gold}"]
    for miss in scores.misses[:max_listed]:
        lines.append(f"  {miss['where']} {miss['text']}: {miss.get('missing') or miss.get('wrong')}")
    if len(scores.misses) > max_listed:
        lines.append(f"  ... {len(scores.misses) - max_listed} more")
    return "\n".join(lines)
