"""The figures the report shows, from an output folder's tables: mentions per
label, the top names, and the measures (what each number measures) with totals
that only ever add figures of one indicator."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

import pandas as pd

TOP_N = 15

LABEL_ORDER = ("ORG", "PERSON", "GPE", "LOC", "DATE", "MONEY", "PERCENT", "QUANTITY")


@dataclass
class RunTables:
    documents: pd.DataFrame
    entities: pd.DataFrame
    measures: pd.DataFrame
    runs: pd.DataFrame
    errors: pd.DataFrame
    n_articles: int
    n_sentences: int
    n_repeats: int = 0  # inputs whose text a document already holds (repeats table)
    # sentences that repeat an earlier one (a passage printed twice): their money is not counted again
    duplicate_sentences: frozenset[str] = frozenset()


def load_tables(out: Union[str, Path]) -> RunTables:
    """The tables the page needs (sentences and articles only as counts)."""
    import pyarrow.parquet as pq

    from pipeline.tables.folder import OutputFolder

    folder = OutputFolder(Path(out))

    def count(table: str) -> int:
        return sum(pq.ParquetFile(part).metadata.num_rows for part in folder.committed_parts(table))

    def duplicate_sentences() -> frozenset[str]:
        ids: set[str] = set()
        for part in folder.committed_parts("sentences"):
            frame = pq.read_table(part, columns=["sentence_id", "duplicate_of"]).to_pandas()
            ids.update(frame.loc[frame["duplicate_of"].notna(), "sentence_id"])
        return frozenset(ids)

    return RunTables(documents=folder.read("documents"), entities=folder.read("entities"),
                     measures=folder.read("measures"), runs=folder.read("runs"),
                     errors=folder.read("errors"), n_articles=count("articles"), n_sentences=count("sentences"),
                     n_repeats=count("repeats"), duplicate_sentences=duplicate_sentences())


def _name_of(frame: pd.DataFrame) -> pd.Series:
    """The canonical name, or the text where no norm was given."""
    return frame["norm"].where(frame["norm"].notna() & (frame["norm"] != ""), frame["text"])


def label_counts(entities: pd.DataFrame) -> pd.DataFrame:
    counts = entities.groupby("label").agg(mentions=("entity_id", "size"), documents=("doc_id", "nunique"))
    order = [label for label in LABEL_ORDER if label in counts.index]
    order += sorted(set(counts.index) - set(order))
    return counts.reindex(order).reset_index()


def top_names(entities: pd.DataFrame, labels: Iterable[str], n: int = TOP_N) -> pd.DataFrame:
    chosen = entities[entities["label"].isin(list(labels))]
    if chosen.empty:
        return pd.DataFrame(columns=["name", "label", "mentions", "documents"])
    chosen = chosen.assign(name=_name_of(chosen))
    grouped = chosen.groupby("name").agg(label=("label", lambda s: "/".join(sorted(set(s)))),
                                         mentions=("entity_id", "size"), documents=("doc_id", "nunique"))
    return grouped.sort_values(["mentions", "documents"], ascending=False).head(n).reset_index()


def figures(tables: "RunTables") -> pd.DataFrame:
    """Each measure with its number's text, value, unit and currency and its document's source."""
    numbers = tables.entities[["entity_id", "text", "value", "unit", "currency"]]
    joined = tables.measures.merge(numbers, on="entity_id", how="left")
    sources = tables.documents[["doc_id", "source"]].drop_duplicates("doc_id")
    return joined.merge(sources, on="doc_id", how="left")


def indicator_totals(figures_: pd.DataFrame) -> pd.DataFrame:
    """Level figures summed within one indicator, period, place and unit, never across them:
    114万亿元 of GDP is not added to a budget line."""
    levels = figures_[(figures_["kind"] == "level") & figures_["value"].notna() & figures_["indicator"].notna()]
    levels = levels.assign(measure_unit=levels["currency"].fillna(levels["unit"]).fillna(""),
                           period=levels["period"].fillna(""), place=levels["place"].fillna(""))
    grouped = levels.groupby(["indicator", "period", "place", "measure_unit"]).agg(
        total=("value", "sum"), figures=("value", "size"), documents=("doc_id", "nunique"))
    return grouped.reset_index().sort_values(["figures", "total"], ascending=[False, False])
