"""What an operator looks at first, published as Prefect artifacts when a run
ends: mentions per label, the top organisations and the totals within one
indicator.

Each is chosen as the HTML report chooses it from the output folder
(pipeline/look/report_figures.py, report_sections.py), over this run's documents
only; the rows they need are kept batch by batch as the run writes.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.look.report_figures import TOP_N, RunTables, figures, top_names
from pipeline.look.report_sections import repeated_indicator_totals
from pipeline.tables.rows import batch_table
from pipeline.types import Document

# The columns of the contract tables that top_names and figures read.
_NAME_COLUMNS = ["entity_id", "doc_id", "label", "norm", "text"]
_NUMBER_COLUMNS = ["entity_id", "text", "value", "unit", "currency"]


class RunTotals:
    def __init__(self) -> None:
        self.labels: Counter[str] = Counter()
        self._organisations: list[pd.DataFrame] = []
        self._figures: list[pd.DataFrame] = []

    def add(self, documents: Iterable[Document]) -> None:
        documents = list(documents)
        entities = batch_table("entities", documents)
        self.labels.update({row["values"]: row["counts"] for row in pc.value_counts(entities["label"]).to_pylist()})
        # only the rows kept go to pandas: a page of millions of characters has hundreds of thousands
        self._organisations.append(entities.filter(pc.equal(entities["label"], "ORG")).select(_NAME_COLUMNS)
                                   .to_pandas())
        self._figures.append(_figures(documents, entities))

    def organisations(self) -> pd.DataFrame:
        """The TOP_N organisations mentioned most, as the report's names section ranks them."""
        return top_names(_concat(self._organisations, _NAME_COLUMNS), ["ORG"], TOP_N)

    def indicator_totals(self) -> pd.DataFrame:
        """The report's totals within one indicator (never across indicators)."""
        found = [frame for frame in self._figures if not frame.empty]
        return repeated_indicator_totals(pd.concat(found, ignore_index=True)) if found else pd.DataFrame()

    def publish(self) -> None:
        """Prefect artifacts of the run (shown in the UI of a real server)."""
        from prefect.artifacts import create_table_artifact

        create_table_artifact(key="entity-counts", description="Mentions per label in this run",
                              table=[{"label": label, "mentions": n} for label, n in self.labels.most_common()])
        create_table_artifact(key="top-organisations", description=f"The {TOP_N} organisations mentioned most",
                              table=[{"organisation": row.name, "mentions": int(row.mentions),
                                      "documents": int(row.documents)}
                                     for row in self.organisations().itertuples()])
        create_table_artifact(key="indicator-totals",
                              description="Level figures summed within one indicator, period, place and unit",
                              table=[{"indicator": row.indicator, "period": row.period, "place": row.place,
                                      "unit": row.measure_unit, "total": f"{row.total:,.2f}",
                                      "figures": int(row.figures), "documents": int(row.documents)}
                                     for row in self.indicator_totals().itertuples()])


def _figures(documents: list[Document], entities: pa.Table) -> pd.DataFrame:
    """The batch's figures as the report's ``figures`` joins them: each measure with its number."""
    measures = batch_table("measures", documents)
    if measures.num_rows == 0:
        return measures.to_pandas()
    wanted = pc.is_in(entities["entity_id"], value_set=measures["entity_id"].combine_chunks())
    numbers = entities.filter(wanted).select(_NUMBER_COLUMNS)
    measures, numbers = measures.to_pandas(), numbers.to_pandas()
    sources = pd.DataFrame({"doc_id": [d.doc_id for d in documents], "source": [d.source for d in documents]})
    # figures() reads only these three tables
    batch = RunTables(documents=sources, entities=numbers, measures=measures,
                      runs=pd.DataFrame(), errors=pd.DataFrame(), n_articles=0, n_sentences=0)
    return figures(batch)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
