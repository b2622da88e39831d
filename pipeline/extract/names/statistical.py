"""The ``zh_statistical_names`` component (source ``ner``): the trained name model
(pipeline/extract/names/model.py, packaged in ``<models_dir>/names``), its
entities cleaned (cleanup.py) and reconciled with the rules' mentions so that no
spans overlap: the longer span wins and the rules win ties."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import MissingModelError
from pipeline.extract.names.cleanup import model_mentions
from pipeline.extract.names.model import MODEL_FILE, Entity, NameModel
from pipeline.extract.names.spans import RULES_SOURCE, resolve_overlaps
from pipeline.config import Home
from pipeline.extract.names.rules import tables_for, tables_of_doc
from pipeline.extract.nlp import DEFAULT_SETTINGS, add_mentions, doc_text, run_config
from pipeline.types import Mention

NAME_MODEL_SUBDIR = "names"


def load_name_model(models_dir: str) -> NameModel:
    path = Path(models_dir) / NAME_MODEL_SUBDIR
    if not (path / MODEL_FILE).exists():
        raise MissingModelError(
            f"zh_statistical_names: no trained name model at {path} (expected {path / MODEL_FILE}); "
            "build it with `make train` or leave 'ner' out of extract.components"
        )
    return _cached_name_model(str(path))


@lru_cache(maxsize=2)
def _cached_name_model(path: str) -> NameModel:
    return NameModel.load(Path(path))


def _not_crossing(model: list[Mention], rules: list[Mention]) -> list[Mention]:
    """Model mentions that do not cut through a rule mention: 阳坡埝社区佳禾小区 across
    GPE 城区阳坡埝社区 + LOC 佳禾小区 goes; a model span holding a rule's whole is kept."""
    def crosses(m: Mention, r: Mention) -> bool:
        return m.start < r.end and r.start < m.end and not (m.start <= r.start and r.end <= m.end) \
            and not (r.start <= m.start and m.end <= r.end)
    return [m for m in model if not any(crosses(m, r) for r in rules)]


def _without_places_the_model_reads_as_orgs(rules: list[Mention], model: list[Mention]) -> list[Mention]:
    """Rule places whose exact span the model reads as an ORG give way to it: the table
    knows 热那亚 as a city, the model reads the club from its context (热那亚本赛季客场不胜).
    On the dev splits: CLUENER 0.724 -> 0.743 (ORG 0.773 -> 0.796), People's Daily and
    MSRA -0.04 and -0.09 points (智利 与 喀麦隆的比赛, which MSRA marks as places)."""
    model_orgs = {(m.start, m.end) for m in model if m.label == "ORG"}
    return [m for m in rules if not (m.label in ("GPE", "LOC") and (m.start, m.end) in model_orgs)]


# Texts the model reads at once, whatever batch size spaCy hands the component:
# sorted by length inside a batch, texts of like length run together with little
# padding (PD test sentences: 46k chars per CPU second in batches of 256, 68k in
# batches of 1,024, 80k in batches of 4,096).
MODEL_BATCH = 2048


class StatisticalNames:
    def __init__(self, model: NameModel, default_home: Home, batch_size: int = MODEL_BATCH):
        self.model = model
        self.default_home = default_home
        self.batch_size = batch_size

    def _finish(self, doc: Doc, text: str, entities: list[Entity]) -> Doc:
        found = model_mentions(text, entities, tables_of_doc(doc, self.default_home))
        existing = doc._.mentions or []
        rules = _without_places_the_model_reads_as_orgs(
            [m for m in existing if m.source == RULES_SOURCE], found)
        others = [m for m in existing if m.source != RULES_SOURCE]
        doc._.mentions = others
        add_mentions(doc, resolve_overlaps(rules + _not_crossing(found, rules)))
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = MODEL_BATCH) -> Iterator[Doc]:
        from spacy.util import minibatch

        for batch in minibatch(docs, size=max(batch_size or 0, self.batch_size)):
            texts = [doc_text(doc) for doc in batch]
            for doc, text, entities in zip(batch, texts, self.model(texts)):
                yield self._finish(doc, text, entities)


@Language.factory("zh_statistical_names", default_config={"settings": DEFAULT_SETTINGS})
def make_statistical_names(nlp: Language, name: str, settings: dict) -> StatisticalNames:
    config = run_config(settings)
    tables_for(config.home)  # built now, so that the first page does not pay for it
    return StatisticalNames(load_name_model(str(config.models_dir)), config.home)
