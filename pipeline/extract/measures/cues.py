"""configs/measures.yaml compiled once per process: the word lists become
patterns anchored where the stage looks for them: ``…_at_end`` patterns end with
``$``; the others are used with ``match`` (anchored at its position) or
``search``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Pattern

from pipeline.config import load_table
from pipeline.extract.numerals import TABLES as NUMERALS
from pipeline.text import alternation, pairs_opened_by


@dataclass(frozen=True)
class Cues:
    clause_breaks: frozenset[str]
    list_joiner: Pattern[str]
    list_joiners: tuple[str, ...]
    compared_change_at_end: Pattern[str]
    compared_change_direction: dict[str, str]
    change_at_end: Pattern[str]
    change_direction: dict[str, str]
    to_level: Pattern[str]
    change_noun_at_end: Pattern[str]
    change_noun_direction: dict[str, str]
    point_units: frozenset[str]
    basis: Pattern[str]
    basis_at_end: Pattern[str]
    basis_of: dict[str, str]
    basis_names: frozenset[str]
    comparison_marks: frozenset[str]
    comparison: Pattern[str]
    dated_basis: str
    modifier_mark: str
    target: Pattern[str]
    outcome: Pattern[str]
    link_at_end: Pattern[str]
    frame_at_start: Pattern[str]
    count_verb_at_start: Pattern[str]
    count_verb_at_end: Pattern[str]
    object_verb: Pattern[str]
    noun_stop: Pattern[str]
    attribute_noun: frozenset[str]
    compounds: dict[str, list[str]]
    coordination: Pattern[str]
    coordination_wide: Pattern[str]
    compound: Pattern[str]
    distribute_word: str
    no_measure_units: frozenset[str]
    name_follower: Pattern[str]
    bracket_pairs: dict[str, str]
    name_openers: frozenset[str]
    place_words: dict[str, str]
    place_word: Pattern[str]
    country: str
    world: str
    until_now: Pattern[str]
    verb_nouns: frozenset[str]
    parallel_modifiers: tuple[str, ...]
    past_years: Pattern[str]
    shared_heads: tuple[str, ...]
    base_mark: str
    segment_marks: tuple[str, ...]
    time_total_units: frozenset[str]
    time_total_min: int
    point_suffixes: tuple[str, ...]
    breakdown: Pattern[str]
    share_word: Pattern[str]
    point_word_at_end: Pattern[str]
    achieved: Pattern[str]
    undated_time: Pattern[str]
    governing_grains: frozenset[str]


def _by_word(groups: dict[str, list[str]]) -> dict[str, str]:
    return {word: name for name, words in groups.items() for word in words}


@lru_cache(maxsize=1)
def measure_cues() -> Cues:
    t = load_table("measures")
    change = _by_word(t["change_words"])
    change_nouns = _by_word(t["change_nouns"])
    bases = _by_word(t["bases"])
    return Cues(
        clause_breaks=frozenset(t["clause_breaks"]),
        list_joiner=re.compile(rf"(?:{alternation(t['list_joiners'])})$"),
        list_joiners=tuple(t["list_joiners"]),
        compared_change_at_end=re.compile(rf"(?:{alternation(_by_word(t['compared_change_words']))})$"),
        compared_change_direction=_by_word(t["compared_change_words"]),
        change_at_end=re.compile(rf"(?:{alternation(change)})$"),
        change_direction=change,
        to_level=re.compile(alternation(t["to_level"])),
        change_noun_at_end=re.compile(rf"(?:{alternation(change_nouns)})$"),
        change_noun_direction=change_nouns,
        point_units=frozenset(t["point_units"]),
        basis=re.compile(alternation(bases)),
        basis_at_end=re.compile(rf"(?:{alternation(bases)})$"),
        basis_of=bases,
        basis_names=frozenset(t["basis_names"]),
        comparison_marks=frozenset(t["comparison_marks"]),
        comparison=re.compile(rf"(?!{alternation(t['comparison_words_not'])})(?:{alternation(t['comparison_marks'])})"),
        dated_basis=t["dated_basis"],
        modifier_mark=t["modifier_mark"],
        target=re.compile(alternation(t["target_words"])),
        outcome=re.compile(alternation(t["outcome_words"])),
        link_at_end=re.compile(rf"(?:{alternation(t['link_words'])})$"),
        frame_at_start=re.compile(alternation(t["lead_frames"])),
        count_verb_at_start=re.compile(alternation(t["count_verbs"])),
        count_verb_at_end=re.compile(rf"(?:{alternation(t['count_verbs'])})$"),
        object_verb=re.compile(alternation(t["object_verbs"])),
        noun_stop=re.compile(alternation(t["noun_stops"])),
        attribute_noun=frozenset(t["attribute_nouns"]),
        compounds=t["coordinated_compounds"],
        coordination=re.compile(alternation(t["coordination_joiners"])),
        coordination_wide=re.compile(alternation([*t["coordination_joiners"], *t["coordination_joiners_wide"]])),
        compound=re.compile(alternation(t["coordinated_compounds"])),
        distribute_word=t["distribute_word"],
        no_measure_units=frozenset(t["no_measure_units"]),
        name_follower=re.compile(alternation(t["name_followers"])),
        bracket_pairs=pairs_opened_by(load_table("sentences")["unbroken_pairs"]),
        name_openers=frozenset(t["name_openers"]),
        place_words=t["place_words"],
        place_word=re.compile(alternation(t["place_words"])),
        country=t["country"],
        world=t["world"],
        until_now=re.compile(alternation(t["until_now_words"])),
        verb_nouns=frozenset(t["verb_nouns"]),
        parallel_modifiers=tuple(sorted(t["parallel_modifiers"], key=len, reverse=True)),
        past_years=re.compile(rf"(?:{alternation(t['past_years_prefixes'])})"
                              rf"(?P<n>[{re.escape(''.join(NUMERALS.digits))}0-9十]{{1,3}}){t['past_years_unit']}"),
        shared_heads=tuple(sorted({*t["shared_heads"], *t["attribute_nouns"]}, key=len, reverse=True)),
        base_mark=t["base_mark"],
        segment_marks=tuple(t["segment_marks"]),
        time_total_units=frozenset(t["time_total_units"]),
        time_total_min=int(t["time_total_min"]),
        point_suffixes=tuple(t["point_suffixes"]),
        breakdown=re.compile("|".join([alternation(t["breakdown_frames"]), *t["breakdown_patterns"]])),
        share_word=re.compile(alternation(t["share_words"])),
        point_word_at_end=re.compile(rf"(?:{alternation(t['point_words'])})$"),
        achieved=re.compile(alternation(t["achieved_words"])),
        undated_time=re.compile(alternation(t["undated_time_words"])),
        governing_grains=frozenset(t["governing_grains"]),
    )
