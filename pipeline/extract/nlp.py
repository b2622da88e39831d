"""Assembles the spaCy pipeline that the extract stage runs.

Every entity component is a spaCy component registered with
``@Language.factory`` that appends :class:`pipeline.types.Mention` objects to
``doc._.mentions`` (character offsets into ``doc.text``, so spans stay exact
even where the segmenter's tokens disagree).  The publication date travels on
``doc._.pub_date``.  Overlaps between components are settled afterwards by
:func:`pipeline.extract.stage.resolve_overlaps`.

Component names in ``config.extract.components`` map to factories through
``COMPONENT_FACTORIES``; a module that provides a component registers itself
there by being imported in :func:`_import_component_modules`.
"""
from __future__ import annotations

import importlib
import logging
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import Config
from pipeline.types import Mention

log = logging.getLogger(__name__)

TEXT_KEY = "zh_text"

if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)
if not Doc.has_extension("pub_date"):
    Doc.set_extension("pub_date", default=None)

# config name -> (module providing it, spaCy factory name)
COMPONENT_FACTORIES: dict[str, tuple[str, str]] = {
    "numeric": ("pipeline.extract.numeric.mentions", "zh_numeric_entities"),
    "rules": ("pipeline.extract.names.rules", "zh_name_rules"),
    "ner": ("pipeline.extract.names.statistical", "zh_statistical_names"),
}


def doc_text(doc: Doc) -> str:
    """doc.text, computed once per doc: spaCy rebuilds it from the tokens on
    every access, which costs more than some components themselves."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


def make_char_doc(nlp: Language, text: str) -> Doc:
    """A doc of one token per character, as spaCy's char segmenter makes it,
    built directly when there is no whitespace to attach."""
    if any(ch.isspace() for ch in text):
        doc = nlp.make_doc(text)
    else:
        doc = Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
    doc.user_data[TEXT_KEY] = text
    return doc


def add_mentions(doc: Doc, mentions: Iterable[Mention]) -> None:
    current = doc._.mentions or []
    current.extend(mentions)
    doc._.mentions = current


def get_mentions(doc: Doc) -> list[Mention]:
    return list(doc._.mentions or [])


def carrier_doc(nlp: Language, text: str) -> Doc:
    """The doc the entity components read a sentence from, its text cached.

    With the char segmenter it is built straight from the characters (what
    spaCy's Chinese tokenizer would make, without its per-character overhead).
    """
    if getattr(nlp.tokenizer, "segmenter", None) == "char":
        return make_char_doc(nlp, text)
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    return doc


def _component_available(name: str) -> bool:
    module_name, factory = COMPONENT_FACTORIES[name]
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return False
        raise
    return Language.has_factory(factory)


def build_nlp(config: Config) -> Language:
    """A blank Chinese pipeline with the configured entity components."""
    if config.extract.segmenter == "pkuseg":
        from pipeline.extract.segment import blank_pkuseg_nlp  # our own model; see pipeline/extract/segment.py

        nlp = blank_pkuseg_nlp(config.models_dir)
    else:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    for name in config.extract.components:
        if name not in COMPONENT_FACTORIES:
            raise ValueError(f"extract.components: unknown component '{name}'")
        if not _component_available(name):
            log.warning("component '%s' is not installed; skipped", name)
            continue
        factory = COMPONENT_FACTORIES[name][1]
        nlp.add_pipe(factory, name=name, config=_component_config(name, config))
    return nlp


def _component_config(name: str, config: Config) -> dict:
    if name in ("rules", "ner"):
        return {
            "home_province": config.home.province or "",
            "home_city": config.home.city or "",
            "models_dir": str(config.models_dir),
        }
    return {}
