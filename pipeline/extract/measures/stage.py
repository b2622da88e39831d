"""The measures stage: every MONEY, PERCENT and measuring QUANTITY mention of a
batch's documents gets a :class:`pipeline.types.Measure` (docs/measures.md).

Runs after extraction on the entities it found, article by article and
sentence by sentence; a sentence printed twice (``duplicate_of``) is measured
once, where it first stands, so that sums over the table count a figure once.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Optional

from pipeline.config import Config, Home
from pipeline.extract.measures.clauses import SentenceParts, first_clause_start, split_sentence
from pipeline.extract.measures.context import (Period, PlaceResolver, date_in_clause, is_base, opening_date,
                                               past_years_period, period_of)
from pipeline.extract.measures.cues import Cues, measure_cues
from pipeline.extract.measures.reading import ACTOR_LABELS, Reading, distribute, read_number, with_indicator
from pipeline.types import Article, Document, Measure, Mention, Sentence

NUMBER_LABELS = ("MONEY", "PERCENT", "QUANTITY")
PLACE_LABELS = ("GPE",)


@dataclass
class ReadSoFar:
    """What an article's sentences hand on to the sentences after them."""

    governing: Optional[Period] = None  # the period that governs the figures after it
    previous_end: Optional[int] = None
    last_basis: Optional[str] = None  # yoy | mom of the last change read


# Per article id: a document measured a window of sentences at a time (pipeline/extract/windows.py)
# carries it from one window to the next.
Carried = dict[str, ReadSoFar]


def measure_documents(documents: list[Document], config: Config, carried: Optional[Carried] = None) -> None:
    """Fills ``document.measures`` for every document in the batch; 全市 and a figure with
    no place are the document's home place (its own, else the config's)."""
    cues = measure_cues()
    resolvers: dict[Home, PlaceResolver] = {}
    for document in documents:
        home = document.home or config.home
        places = resolvers.get(home) or resolvers.setdefault(home, PlaceResolver(home, cues))
        document.measures = measure_document(document, cues, places, carried)


def measure_document(document: Document, cues: Cues, places: PlaceResolver,
                     carried: Optional[Carried] = None) -> list[Measure]:
    by_sentence = _mentions_by_sentence(document)
    measures: list[Measure] = []
    for article, sentences in _articles_with_sentences(document):
        if not sentences:
            continue
        article_place = places.of_article(document.text, article.start, article.end,
                                          [m for s in sentences for m in by_sentence.get(s.sentence_id, ())])
        read = ReadSoFar() if carried is None else carried.setdefault(article.article_id, ReadSoFar())
        for sentence in sentences:
            if read.previous_end is not None and "\n" in document.text[read.previous_end:sentence.start] \
                    and read.governing is not None and read.governing.grain not in cues.governing_grains:
                read.governing = None  # a day governs its own paragraph only
            read.previous_end = sentence.end
            mentions = by_sentence.get(sentence.sentence_id, [])
            first_start = first_clause_start(document.text, sentence.start, sentence.end, cues)
            if sentence.duplicate_of is None and any(m.label in NUMBER_LABELS for m in mentions):
                # only a sentence with a number is cut into clauses: the cut is a loop over its characters
                parts = split_sentence(document.text, sentence.start, sentence.end, cues)
                found = _measure_sentence(document, sentence, parts, mentions, read.governing, article_place,
                                          read.last_basis, cues, places)
                read.last_basis = next((m.basis for m in found if m.basis), read.last_basis)  # the whole's, first
                measures += found
            read.governing = _governing_after(document, first_start, mentions, read.governing, cues)
    return measures


@dataclass
class _Numbered:
    number: Mention
    clause: int
    reading: Reading


def _measure_sentence(document: Document, sentence: Sentence, parts: SentenceParts, mentions: list[Mention],
                      governing: Optional[Period], article_place: Optional[str], basis_before: Optional[str],
                      cues: Cues, places: PlaceResolver) -> list[Measure]:
    text = document.text
    numbers = [m for m in mentions if m.label in NUMBER_LABELS]
    if not numbers:
        return []
    dates = [m for m in mentions if m.label == "DATE"]
    names = dates + [m for m in mentions if m.label in PLACE_LABELS + ACTOR_LABELS]
    dates = [d for d in dates if not is_base(text, d, cues)]
    read: list[_Numbered] = []
    previous: Optional[Reading] = None
    groups: list[list[int]] = []
    boundary = (-1, sentence.start)  # (clause, offset) where the next number's lead may start
    for number in numbers:
        clause_index = parts.clause_at(number.start)
        clause = parts.clauses[clause_index]
        lead_start = boundary[1] if boundary[0] == clause_index else clause.start
        if not _measures_something(text, number, parts, cues):
            if not parts.in_name(number.start, number.end):  # “15分钟便民生活圈”86个: the name stays whole
                boundary = (clause_index, number.end)
            continue
        earlier = read[-1] if read and read[-1].clause == clause_index else None
        if earlier is not None and lead_start == earlier.number.end \
                and _joins_list(text, lead_start, number.start, cues):
            reading = read[groups[-1][0]].reading
            groups[-1].append(len(read))
        else:
            clause_names = [n for n in names if clause.start <= n.start and n.end <= clause.end]
            if previous is not None and any(mark in text[boundary[1]:number.start] for mark in cues.segment_marks):
                previous = replace(previous, subject=previous.root)  # ；今年预期增长5%: the main subject again
            reading = read_number(text, number, lead_start, clause.end, clause_names, previous, cues)
            groups.append([len(read)])
        read.append(_Numbered(number, clause_index, reading))
        previous = reading
        boundary = (clause_index, _after_reading(number, reading))
    _distribute_lists(read, groups, cues)
    _inherit_breakdown_bases(text, sentence.start, read, basis_before, cues)
    return [_measure(document, sentence, parts, item, dates, governing, article_place, names, cues, places)
            for item in read]


def _after_reading(number: Mention, reading: Reading) -> int:
    """Where a number's words end: after the counted thing that follows it, if any."""
    indicator = reading.indicator
    if indicator is not None and indicator.start is not None and indicator.start >= number.end \
            and not reading.carried:
        return indicator.end
    return number.end


def _measure(document: Document, sentence: Sentence, parts: SentenceParts, item: _Numbered, dates: list[Mention],
             governing: Optional[Period], article_place: Optional[str], names: list[Mention], cues: Cues,
             places: PlaceResolver) -> Measure:
    text, number, reading = document.text, item.number, item.reading
    clause = parts.clauses[item.clause]
    period = _period(text, number, clause.start, clause.end, dates, governing, document, cues, sentence.start)
    place = places.canonical(reading.place) if reading.place else None
    place = place or places.in_text(text, clause.start, number.start, names) or article_place
    indicator = reading.indicator
    return Measure(
        number=number, sentence_id=sentence.sentence_id,
        indicator=indicator.text if indicator else None,
        indicator_start=indicator.start if indicator else None,
        indicator_end=indicator.end if indicator else None,
        kind=reading.kind, direction=reading.direction, basis=reading.basis,
        target=_is_target(text, sentence.start, clause.start, number.start, period, document, cues),
        period=period.label if period else None, period_start=period.start if period else None,
        period_end=period.end if period else None, place=place)


def _period(text: str, number: Mention, clause_start: int, clause_end: int, dates: list[Mention],
            governing: Optional[Period], document: Document, cues: Cues, sentence_start: int) -> Optional[Period]:
    own = date_in_clause(dates, clause_start, clause_end, number)
    if own is not None:
        return period_of(own, text, document.pub_date, cues)
    # 前8月，… heads the sentence; 市财政今年安排…，占…: a clause goes on in its sentence's time
    earlier = [d for d in dates if d.end <= number.start]
    since = earlier[-1].end if earlier else sentence_start
    if cues.undated_time.search(text, since, number.start):
        return None  # 目前，全市共建成…: now, not the year an earlier sentence named
    if earlier:
        return period_of(earlier[-1], text, document.pub_date, cues)
    return past_years_period(text, sentence_start, document.pub_date, cues) or governing


def _governing_after(document: Document, first_start: int, mentions: list[Mention],
                     governing: Optional[Period], cues: Cues) -> Optional[Period]:
    """A date at a sentence's head (``first_start``, its first clause) governs the sentences after it."""
    opening = opening_date(document.text, [m for m in mentions if m.label == "DATE"], first_start, cues)
    if opening is not None:
        return period_of(opening, document.text, document.pub_date, cues)
    past = past_years_period(document.text, first_start, document.pub_date, cues)
    if past is not None:
        return past
    if cues.undated_time.match(document.text, first_start):
        return None
    return governing


def _is_target(text: str, sentence_start: int, clause_start: int, number_start: int, period: Optional[Period],
               document: Document, cues: Cues) -> bool:
    """A target word before the number in its sentence, or a period that had barely
    begun at publication (今年 in a March report); never a figure said to be reached."""
    segment_start = max(sentence_start, *(text.rfind(mark, sentence_start, number_start) + 1
                                         for mark in cues.segment_marks))
    if cues.achieved.search(text, segment_start, number_start):
        return False
    cue = None
    for found in cues.target.finditer(text, sentence_start, number_start):
        if not text.startswith(cues.base_mark, found.end()):  # 完成年度计划的62%: the plan is the base
            cue = found
    if cue is not None:
        return cues.outcome.search(text, cue.end(), number_start) is None
    pub = document.pub_date
    if pub is None or period is None or period.start is None or period.end is None:
        return False
    return pub < period.start + (period.end - period.start) / 2


def _measures_something(text: str, number: Mention, parts: SentenceParts, cues: Cues) -> bool:
    """No row for a span of time, an age, or a number that is part of a name or slogan."""
    if number.label == "QUANTITY" and number.unit in cues.no_measure_units:
        large_total = number.unit in cues.time_total_units and number.value is not None \
            and number.value >= cues.time_total_min
        if not large_total:
            return False
    if parts.in_name(number.start, number.end):
        return False
    return number.label != "QUANTITY" or cues.name_follower.match(text, number.end) is None


def _joins_list(text: str, start: int, end: int, cues: Cues) -> bool:
    """Only a list joiner between two numbers: 1.2亿吨和1.1亿吨."""
    between = text[start:end]
    return bool(between) and cues.list_joiner.fullmatch(between) is not None


def _inherit_breakdown_bases(text: str, sentence_start: int, read: list[_Numbered], basis_before: Optional[str],
                             cues: Cues) -> None:
    """其中…增长6.1%: a part's change is against the base its whole was given."""
    for item in read:
        reading = item.reading
        if reading.kind == "change" and reading.basis is not None:
            basis_before = reading.basis
        elif reading.kind == "change" and basis_before is not None \
                and cues.breakdown.search(text, sentence_start, item.number.start):
            item.reading = replace(reading, basis=basis_before)


def _earlier_subjects(earlier: list[_Numbered], count: int) -> Optional[list]:
    """The indicators of the last ``count`` figures before a list, if they differ."""
    indicators = [item.reading.indicator for item in earlier[-count:]]
    if len(indicators) < count or any(i is None for i in indicators) \
            or len({i.text for i in indicators}) < count:
        return None
    return indicators


def _distribute_lists(read: list[_Numbered], groups: list[list[int]], cues: Cues) -> None:
    for group in groups:
        head = read[group[0]].reading
        if len(group) < 2 or not head.distributes or head.indicator is None:
            continue
        earlier = _earlier_subjects(read[:group[0]], len(group))
        if head.carried and earlier is not None:
            # 接待游客2860万人次，实现旅游收入312亿元，分别增长12.5%和10.8%
            for index, indicator in zip(group, earlier):
                read[index].reading = with_indicator(read[index].reading, indicator)
            continue
        for index, indicator in zip(group, distribute(head.indicator, len(group), cues)):
            read[index].reading = with_indicator(read[index].reading, indicator)


def _mentions_by_sentence(document: Document) -> dict[str, list[Mention]]:
    sentences = sorted(document.sentences, key=lambda s: s.start)
    starts = [s.start for s in sentences]
    found: dict[str, list[Mention]] = {}
    for mention in document.mentions:
        index = bisect_right(starts, mention.start) - 1
        if index >= 0 and mention.end <= sentences[index].end:
            found.setdefault(sentences[index].sentence_id, []).append(mention)
    for mentions in found.values():
        mentions.sort(key=lambda m: (m.start, m.end))
    return found


def _articles_with_sentences(document: Document) -> list[tuple[Article, list[Sentence]]]:
    sentences = sorted(document.sentences, key=lambda s: s.start)
    articles = sorted(document.articles, key=lambda a: a.start) or [
        Article(f"{document.doc_id}-a000", 0, None, 0, len(document.text))]
    grouped: dict[str, list[Sentence]] = {a.article_id: [] for a in articles}
    for sentence in sentences:
        grouped.get(sentence.article_id, grouped[articles[0].article_id]).append(sentence)
    return [(a, grouped[a.article_id]) for a in articles]
