"""The stages called in this process, without Prefect: for evaluation on many
small texts (a gold set of passages), where a flow run per text would spend
more on task runs than on the text.  The flow calls the same functions."""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Optional

from pipeline.config import Config, use_tables
from pipeline.extract.measures.stage import measure_documents
from pipeline.extract.stage import extract_documents
from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_sentences
from pipeline.read.normalize import normalize_text
from pipeline.types import Document


def process_text(raw: str, config: Config, pub_date: Optional[date] = None, source: str = "text",
                 title: Optional[str] = None) -> Document:
    """One text through normalize, layout repair, articles, sentences, extract and measures.

    The text is normalized first, as the flow normalizes every document: the
    rules match the normalized (width-folded) text and offsets refer to it."""
    use_tables(config)
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    doc_id = sha[:16]
    layout = repair_layout(normalize_text(raw))
    articles = find_articles(layout, doc_id, title)
    document = Document(doc_id, source, "txt", "utf_8", pub_date, title, layout.text, sha, articles,
                        split_sentences(layout, articles, doc_id), regions=layout.regions)
    extract_documents([document], config)
    measure_documents([document], config)
    return document
