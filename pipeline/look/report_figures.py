"""The figures the report shows, from an output folder's tables: mentions per
label, the top names, money by organisation and by month (the rules are in
pipeline/look/report.py's docstring and on the page)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

import pandas as pd

TOP_N = 15

NO_ORG = "(no organisation in the sentence)"
NO_DATE = "(no pub_date)"

LABEL_ORDER = ("ORG", "PERSON", "GPE", "LOC", "DATE", "MONEY", "PERCENT", "QUANTITY")


@dataclass
class RunTables:
    documents: pd.DataFrame
    entities: pd.DataFrame
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
        return sum(pq.ParquetFile(part).metadata.num_rows for part in (folder.root / table).glob("part-*.parquet"))

    def duplicate_sentences() -> frozenset[str]:
        ids: set[str] = set()
        for part in (folder.root / "sentences").glob("part-*.parquet"):
            frame = pq.read_table(part, columns=["sentence_id", "duplicate_of"]).to_pandas()
            ids.update(frame.loc[frame["duplicate_of"].notna(), "sentence_id"])
        return frozenset(ids)

    return RunTables(documents=folder.read("documents"), entities=folder.read("entities"), runs=folder.read("runs"),
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


def countable_money(entities: pd.DataFrame, duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    """MONEY mentions with a value, once each: not again in a passage printed twice."""
    money = entities[(entities["label"] == "MONEY") & entities["value"].notna()]
    return money[~money["sentence_id"].isin(list(duplicate_sentences))]


def money_with_organisations(entities: pd.DataFrame,
                             duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Each MONEY mention with its ORG: the nearest before it in its sentence, else the nearest after."""
    money = countable_money(entities, duplicate_sentences)
    money = money[["entity_id", "doc_id", "sentence_id", "start", "end", "value", "currency"]]
    orgs = entities[entities["label"] == "ORG"]
    orgs = orgs.assign(org=_name_of(orgs))[["doc_id", "sentence_id", "start", "end", "org"]]
    pairs = money.merge(orgs, on=["doc_id", "sentence_id"], how="inner", suffixes=("", "_org"))
    if not pairs.empty:
        before = pairs["start"] - pairs["end_org"]
        after = pairs["start_org"] - pairs["end"]
        pairs["distance"] = before.where(before >= 0, after.where(after >= 0, 0))
        pairs["after"] = pairs["start_org"] >= pairs["end"]  # False sorts first: any ORG before wins
        pairs = pairs.sort_values(["entity_id", "after", "distance", "start_org"])
        pairs = pairs.drop_duplicates("entity_id")[["entity_id", "org"]]
    else:
        pairs = pd.DataFrame(columns=["entity_id", "org"])
    joined = money.merge(pairs, on="entity_id", how="left")
    joined["org"] = joined["org"].fillna(NO_ORG)
    joined["currency"] = joined["currency"].fillna("?")
    return joined


def money_by_organisation(entities: pd.DataFrame,
                          duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    money = money_with_organisations(entities, duplicate_sentences)
    grouped = money.groupby(["currency", "org"]).agg(total=("value", "sum"), mentions=("value", "size"))
    return grouped.reset_index().sort_values(["currency", "total"], ascending=[True, False])


def money_by_month(entities: pd.DataFrame, documents: pd.DataFrame,
                   duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    money = countable_money(entities, duplicate_sentences)
    dates = documents[["doc_id", "pub_date"]].drop_duplicates("doc_id")
    money = money.merge(dates, on="doc_id", how="left")
    month = pd.to_datetime(money["pub_date"], errors="coerce").dt.strftime("%Y-%m")
    money = money.assign(month=month.fillna(NO_DATE), currency=money["currency"].fillna("?"))
    grouped = money.groupby(["currency", "month"]).agg(total=("value", "sum"), mentions=("value", "size"))
    # chronological, with undated documents last
    return grouped.reset_index().sort_values(["currency", "month"], key=lambda s: s.replace(NO_DATE, "9999"))


def currencies_by_use(*frames: pd.DataFrame) -> list[str]:
    counts: dict[str, int] = {}
    for frame in frames:
        for currency, mentions in frame.groupby("currency")["mentions"].sum().items():
            counts[currency] = max(counts.get(currency, 0), int(mentions))
    return sorted(counts, key=lambda c: (-counts[c], c))
