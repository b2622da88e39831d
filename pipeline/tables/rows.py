"""A batch's documents, repeats, errors and run as rows of the contract tables.

Every mention gets the ids of the article and sentence it sits in; a name in
a byline or credit sits in an article but in no sentence.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator, Optional

import pyarrow as pa

from pipeline.tables.schemas import to_table
from pipeline.types import Document, ErrorRow, Mention, Repeat

AUTHOR_SEPARATOR = "、"


def _float(value: Optional[Decimal]) -> Optional[float]:
    return None if value is None else float(value)


def document_rows(document: Document, run_id: str) -> list[dict[str, Any]]:
    return [{
        "doc_id": document.doc_id, "source": document.source, "source_format": document.source_format,
        "encoding": document.encoding, "pub_date": document.pub_date, "title": document.title,
        "n_chars": len(document.text), "text": document.text, "run_id": run_id,
        "source_id": document.source_id or document.source, "url": document.url,
    }]


def _stamp(document: Document, run_id: Optional[str]) -> dict[str, Any]:
    """The columns every table of a document's rows carries, so a nightly load filters each on its own."""
    return {"pub_date": document.pub_date, "run_id": run_id}


# The rows of a document's tables are generators: to_table takes them a chunk at a time, so a page
# of millions of characters never stands whole as dicts (docs/reliability.md).


def article_rows(document: Document, run_id: Optional[str] = None) -> Iterator[dict[str, Any]]:
    return ({
        "doc_id": document.doc_id, "article_id": a.article_id, "seq": a.seq, "title": a.title,
        "start": a.start, "end": a.end, "authors": AUTHOR_SEPARATOR.join(a.authors) or None,
        "continued_from": a.continued_from, **_stamp(document, run_id),
    } for a in document.articles)


def sentence_rows(document: Document, run_id: Optional[str] = None) -> Iterator[dict[str, Any]]:
    return ({
        "doc_id": document.doc_id, "article_id": s.article_id, "sentence_id": s.sentence_id, "seq": s.seq,
        "start": s.start, "end": s.end, "text": s.text, "duplicate_of": s.duplicate_of, "layout": s.layout or None,
        **_stamp(document, run_id),
    } for s in document.sentences)


@dataclass(frozen=True)
class EntityRow:
    doc_id: str
    article_id: Optional[str]
    sentence_id: Optional[str]
    entity_id: str
    mention: Mention


def entity_rows(document: Document, first_seq: int = 1) -> list[EntityRow]:
    """Mentions with the ids of the article and sentence they sit in, numbered from ``first_seq``
    (a window of a long document goes on from the windows before it).

    A name in a byline or credit sits in an article but in no sentence.
    """
    sentences = sorted(document.sentences, key=lambda s: s.start)
    sentence_starts = [s.start for s in sentences]
    articles = sorted(document.articles, key=lambda a: a.start)
    article_starts = [a.start for a in articles]
    rows = []
    for seq, mention in enumerate(sorted(document.mentions, key=lambda m: (m.start, m.end)), start=first_seq):
        sentence = _containing(sentences, sentence_starts, mention)
        article = _containing(articles, article_starts, mention)
        rows.append(EntityRow(document.doc_id, article.article_id if article else None,
                              sentence.sentence_id if sentence else None, f"{document.doc_id}-e{seq:05d}", mention))
    return rows


def _containing(spans: list, starts: list[int], mention: Mention):
    index = bisect_right(starts, mention.start) - 1
    if index >= 0 and spans[index].start <= mention.start and mention.end <= spans[index].end:
        return spans[index]
    return None


def mention_rows(document: Document, run_id: Optional[str] = None, first_seq: int = 1) -> Iterator[dict[str, Any]]:
    for row in entity_rows(document, first_seq):
        m = row.mention
        yield {
            "doc_id": row.doc_id, "article_id": row.article_id, "sentence_id": row.sentence_id,
            "entity_id": row.entity_id, "label": m.label, "text": m.text, "start": m.start, "end": m.end,
            "norm": m.norm, "value": _float(m.value), "value_max": _float(m.value_max), "unit": m.unit,
            "currency": m.currency, "qualifier": m.qualifier, "date_value": m.date_value,
            "date_start": m.date_start, "date_end": m.date_end, "grain": m.grain, "source": m.source,
            "place_code": m.place_code, "province": m.province, "city": m.city, "county": m.county,
            **_stamp(document, run_id),
        }


def measure_rows(document: Document, run_id: Optional[str] = None, first_seq: int = 1,
                 first_entity_seq: int = 1) -> Iterator[dict[str, Any]]:
    """One row per measure, pointing at its number's row in ``entities``; numbered from ``first_seq``,
    the entities from ``first_entity_seq`` (a window of a long document)."""
    ids = {(row.mention.label, row.mention.start, row.mention.end): row
           for row in entity_rows(document, first_entity_seq)}
    for seq, measure in enumerate(document.measures, start=first_seq):
        number = measure.number
        entity = ids.get((number.label, number.start, number.end))
        yield {
            "measure_id": f"{document.doc_id}-m{seq:05d}", "doc_id": document.doc_id,
            "article_id": entity.article_id if entity else None, "sentence_id": measure.sentence_id,
            "entity_id": entity.entity_id if entity else None, "indicator": measure.indicator,
            "indicator_start": measure.indicator_start, "indicator_end": measure.indicator_end,
            "kind": measure.kind, "direction": measure.direction, "basis": measure.basis, "target": measure.target,
            "period": measure.period, "period_start": measure.period_start, "period_end": measure.period_end,
            "place": measure.place, **_stamp(document, run_id),
        }


def repeat_rows(repeats: Iterable[Repeat], run_id: str) -> list[dict[str, Any]]:
    return [{"doc_id": r.doc_id, "source": r.source, "source_format": r.source_format, "encoding": r.encoding,
             "pub_date": r.pub_date, "title": r.title, "run_id": run_id, "source_id": r.source_id or r.source,
             "url": r.url} for r in repeats]


def error_rows(errors: Iterable[ErrorRow], run_id: str) -> list[dict[str, Any]]:
    return [{"run_id": run_id, "source": e.source, "stage": e.stage, "error_type": e.error_type,
             "message": e.message, "severity": e.severity} for e in errors]


def run_row(run_id: str, started_at: datetime, finished_at: datetime, n_inputs: int, n_documents: int,
            n_errors: int, config_sha256: str, pipeline_version: str) -> dict[str, Any]:
    return {"run_id": run_id, "started_at": started_at, "finished_at": finished_at, "n_inputs": n_inputs,
            "n_documents": n_documents, "n_errors": n_errors, "config_sha256": config_sha256,
            "pipeline_version": pipeline_version, "n_warnings": 0, "n_repeats": 0, "n_unchanged": 0,
            "n_replaced": 0, "n_reprocessed": 0}


# The tables a document extracted in windows holds as tables (pipeline/extract/windows.py).
WINDOWED_TABLES = ("sentences", "entities", "measures")
_ROWS = {"documents": document_rows, "articles": article_rows, "sentences": sentence_rows,
         "entities": mention_rows, "measures": measure_rows}


def batch_table(table: str, documents: Iterable[Document], run_id: Optional[str] = None) -> pa.Table:
    """Table ``table``'s rows of ``documents`` in their order: made from their lists, or a windowed
    document's own table stamped with the document's pub_date and ``run_id`` as it is written."""
    pieces: list[pa.Table] = []
    listed: list[Document] = []

    def made_from_lists() -> None:
        pieces.append(to_table(table, (r for d in listed for r in _ROWS[table](d, run_id))))
        listed.clear()

    for document in documents:
        if document.tables is not None and table in document.tables:
            if listed:
                made_from_lists()
            pieces.append(_stamped(document.tables[table], document, run_id))
        else:
            listed.append(document)
    if listed or not pieces:
        made_from_lists()
    return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces)


def _stamped(data: pa.Table, document: Document, run_id: Optional[str]) -> pa.Table:
    """``data`` with the stamp columns (_stamp) of the document as written: a repeat that inherits it
    moves its pub_date (tables/folder.py moved_document), and the run id is the writing run's."""
    for name, value in _stamp(document, run_id).items():
        index = data.schema.get_field_index(name)
        field = data.schema.field(index)
        data = data.set_column(index, field, pa.repeat(pa.scalar(value, type=field.type), data.num_rows))
    return data
