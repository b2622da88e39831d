"""The ``zh_name_rules`` component (source ``rules``): organisations, places and
people found by the tables, on word boundaries, overlaps settled."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.names.orgs import body_after_place, find_orgs
from pipeline.extract.names.people import find_people
from pipeline.extract.names.places import find_gazetteer_places, find_places, find_self_references
from pipeline.extract.names.spans import RULES_SOURCE, name_mention, on_word_boundaries, resolve_overlaps
from pipeline.extract.names.tables import NameTables, load_tables
from pipeline.config import Home
from pipeline.extract.nlp import DEFAULT_SETTINGS, add_mentions, doc_text, run_config
from pipeline.types import Mention


def find_rule_mentions(text: str, tables: NameTables) -> list[Mention]:
    found: list[Mention] = []
    for start, end, label in find_self_references(text, tables):
        found.append(name_mention(label, start, end, text, RULES_SOURCE, tables))
    for start, end in find_orgs(text, tables):
        found.append(name_mention("ORG", start, end, text, RULES_SOURCE, tables))
    for start, end, label in find_places(text, tables):
        body_end = body_after_place(start, end, text, tables)
        if body_end is not None:
            found.append(name_mention("ORG", start, body_end, text, RULES_SOURCE, tables))
        found.append(name_mention(label, start, end, text, RULES_SOURCE, tables))
    for start, end, label in find_gazetteer_places(text, tables):
        found.append(name_mention(label, start, end, text, RULES_SOURCE, tables))
    found = [m for m in found if on_word_boundaries(text, m, tables)]
    for start, end in find_people(text, tables):
        found.append(name_mention("PERSON", start, end, text, RULES_SOURCE, tables))
    return resolve_overlaps(found)


class NameRules:
    def __init__(self, default_home: Home):
        self.default_home = default_home

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        add_mentions(doc, find_rule_mentions(text, tables_of_doc(doc, self.default_home)))
        return doc


def tables_for(home: Home) -> NameTables:
    """The name tables with ``home`` filled in (我县 -> its county), built once per home."""
    return load_tables(home.province or "", home.city or "", home.county or "")


def tables_of_doc(doc: Doc, default_home: Home) -> NameTables:
    """The tables of the doc's own home place (``doc._.home``), else of the run config's."""
    return tables_for(doc._.home or default_home)


@Language.factory("zh_name_rules", default_config={"settings": DEFAULT_SETTINGS})
def make_name_rules(nlp: Language, name: str, settings: dict) -> NameRules:
    default_home = run_config(settings).home
    tables_for(default_home)  # built now, so that the first page does not pay for it
    return NameRules(default_home)
