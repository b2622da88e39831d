"""Assembles the spaCy pipeline that the extract stage runs.

Every entity component is a spaCy component registered with
``@Language.factory`` that appends :class:`pipeline.types.Mention` objects to
``doc._.mentions`` (character offsets into ``doc.text``, so spans stay exact
even where the segmenter's tokens disagree).  The publication date travels on
``doc._.pub_date`` and the page's home place on ``doc._.home`` (None: the run
config's ``home``, the default every component is built with).  Overlaps between components are settled afterwards by
:func:`pipeline.extract.stage.resolve_overlaps`.

The validated run config reaches the components through spaCy's own config:
every factory takes one argument, ``settings`` (the run config as JSON, its
default :data:`DEFAULT_SETTINGS`), and :func:`build_nlp` passes it with
``nlp.add_pipe(factory, config={"settings": ...})``.  A key added to
:class:`pipeline.config.Config` therefore reaches every component with nothing
in between to edit; a factory reads it from :func:`run_config`.
"""
from __future__ import annotations

from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import Config, use_tables
from pipeline.errors import ConfigError
from pipeline.types import Mention

TEXT_KEY = "zh_text"

if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)
if not Doc.has_extension("pub_date"):
    Doc.set_extension("pub_date", default=None)
if not Doc.has_extension("home"):
    Doc.set_extension("home", default=None)

# extract.components' names -> the spaCy factories that make them.  spaCy's own
# names ("ner") are taken, so the config's names are aliases of ours.
FACTORIES: dict[str, str] = {
    "numeric": "zh_numeric_entities",
    "rules": "zh_name_rules",
    "ner": "zh_statistical_names",
}


def settings_of(config: Config) -> dict:
    """The run config as a spaCy component config can hold it (JSON: paths as strings)."""
    return config.model_dump(mode="json")


# What a factory is given when a pipeline is built without a run config (spacy.blank + add_pipe).
DEFAULT_SETTINGS: dict = settings_of(Config())


def run_config(settings: dict) -> Config:
    """The run config a factory was given, validated again (spaCy hands it over as JSON)."""
    return Config.model_validate(settings)


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


def _register_factories() -> None:
    """Imports the modules whose ``@Language.factory`` decorators register the
    components; they import this module, so it cannot import them at its top."""
    import pipeline.extract.names.rules  # noqa: F401
    import pipeline.extract.names.statistical  # noqa: F401
    import pipeline.extract.numeric.mentions  # noqa: F401


def build_nlp(config: Config) -> Language:
    """A blank Chinese pipeline with the configured entity components, each given the run config."""
    use_tables(config)  # a worker process builds its pipeline before it reads any table
    if config.extract.segmenter == "pkuseg":
        from pipeline.extract.segment import blank_pkuseg_nlp  # our own model; see pipeline/extract/segment.py

        nlp = blank_pkuseg_nlp(config.models_dir)
    else:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    _register_factories()
    settings = settings_of(config)
    for name in config.extract.components:
        if name not in FACTORIES:
            raise ConfigError(f"unknown component '{name}' (known: {', '.join(FACTORIES)})")
        nlp.add_pipe(FACTORIES[name], name=name, config={"settings": settings})
    return nlp
