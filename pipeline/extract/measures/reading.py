"""One number read in its clause: what it measures (the indicator), whether it
is a level or a change, which way, and against which base.

The words before the number in its clause (its *lead*) carry all of it in the
house style of Chinese statistics (国内生产总值 | 同比 | 增长 | 8.1%): the lead
is trimmed from its end of link words (达到, 约), change words and bases, and
from its start of frames (其中), dates and places, and what is left is the
indicator.  A count whose lead is empty or an action takes the noun after it
(惠及 | 200万名 | 农民工); a lead with nothing left takes the clause before's
indicator (增长8.1% after 国内生产总值达到114万亿元).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from pipeline.extract.measures.cues import Cues
from pipeline.types import Mention

MAX_NOUN_AFTER = 16  # the counted thing after a number is a short noun phrase
ACTOR_LABELS = ("ORG", "PERSON")  # who acts before the verb: 佛山市人社局 | 开展 | 招聘活动


@dataclass(frozen=True)
class Indicator:
    text: str
    start: Optional[int]  # None where composed (分别, an attribute of the clause before's)
    end: Optional[int]
    only_verb: bool = False  # 出口4302.8亿元: an action standing for its noun


@dataclass(frozen=True)
class Reading:
    indicator: Optional[Indicator]
    kind: str
    direction: Optional[str]
    basis: Optional[str]
    distributes: bool  # 分别: the indicator is split over a list of numbers
    carried: bool  # the indicator came from the clause before
    place: Optional[str]  # a place word or name at the head of the lead (全市, 郑州市)
    subject: Optional[Indicator] = None  # what a later subject-less clause measures
    root: Optional[Indicator] = None  # the chain's first subject (a new statement after ； goes back to it)


@dataclass
class _Lead:
    """The words before a number, trimmed step by step."""

    start: int
    end: int
    direction: Optional[str] = None
    change_to_level: bool = False
    basis: Optional[str] = None
    distributes: bool = False
    compared: bool = False  # 比一季度回落: a base of its own, even one that is no yoy/mom


def read_number(text: str, number: Mention, lead_start: int, clause_end: int, names: list[Mention],
                previous: Optional[Reading], cues: Cues) -> Reading:
    """The reading of ``number`` whose lead runs from ``lead_start``; ``names`` are
    the clause's DATE and place mentions, ``previous`` the clause before's reading."""
    lead = _Lead(lead_start, number.start)
    lead.distributes = cues.distribute_word in text[lead_start:number.start]  # 分别完成年度计划的62%和64%
    _trim_end(text, lead, names, cues)
    place = _trim_start(text, lead, names, cues)
    _base_phrase(text, lead, names, cues)
    kind, direction = _kind(lead, number, cues)
    share = lead.end > lead.start and cues.share_word.match(text, lead.start) is not None
    indicator = _indicator(text, lead, number, clause_end, names, cues)
    subject = previous.subject if previous is not None else None
    carried = False
    if indicator is None and subject is not None:
        indicator, carried = subject, True
    elif indicator is not None and subject is not None and (share or indicator.text in cues.attribute_noun):
        # 转移支付 + 规模, 税收收入 + 占一般公共预算收入 (a share is what later clauses go on about)
        indicator = Indicator(subject.text + indicator.text.removesuffix(cues.modifier_mark), None, None)
        if share:
            subject = indicator
    elif indicator is not None and indicator.only_verb and subject is not None and not subject.only_verb \
            and indicator.text not in cues.verb_nouns:
        # 今年新建2600个, 目前已开工38个: more of what the statement counted first
        indicator, carried = (previous.root or subject), True
    else:
        subject = indicator
    if indicator is not None and kind == "level":
        change_noun = cues.change_noun_at_end.search(indicator.text)
        if change_noun and len(indicator.text) > len(change_noun.group()):
            kind, direction = "change", cues.change_noun_direction[change_noun.group()]
    basis = lead.basis
    if basis is None and carried and kind == "change" and previous is not None and not lead.compared:
        basis = previous.basis
    return Reading(indicator, kind, direction if kind == "change" else None,
                   basis if kind == "change" else None, lead.distributes, carried,
                   place or (previous.place if carried and previous else None), subject,
                   previous.root if previous is not None and previous.root is not None and carried_root(
                       subject, previous) else subject)


def carried_root(subject: Optional[Indicator], previous: "Reading") -> bool:
    """The chain goes on while its subject is the previous one or grows out of it."""
    return subject is not None and previous.subject is not None and (
        subject is previous.subject or subject.text.startswith(previous.subject.text))


def _trim_end(text: str, lead: _Lead, names: list[Mention], cues: Cues) -> None:
    """Link words, change words, bases and dates off the end of the lead; an
    action at its end (发放, 新增) stays, since what follows the number is its object."""
    level_word_seen = False
    while lead.end > lead.start:
        words = text[lead.start:lead.end]
        basis = _basis_at_end(words, cues)
        if basis:
            lead.basis = lead.basis or _basis_name(basis, cues)
            lead.end -= len(basis)
            continue
        name = _name_ending_at(names, lead.end, lead.start)
        if name is not None and name.label == "DATE":
            lead.end = name.start
            point = cues.point_word_at_end.search(text, lead.start, lead.end)
            if point is not None:
                lead.end = point.start()  # 截至 | 6月底已完成: the date's word goes with it
            if lead.end > lead.start and text[lead.end - 1] in cues.comparison_marks:
                lead.compared = True
                if name.grain == "year":
                    lead.basis = lead.basis or cues.dated_basis  # 比2020年增长: a base year
                lead.end -= 1
            continue
        match = cues.link_at_end.search(words)
        if match:
            word = match.group()
            if lead.direction is None:  # 提高到 (a level) but 增长目标为 (a change)
                level_word_seen = cues.to_level.fullmatch(word) is not None
            lead.end -= len(word)
            continue
        if cues.count_verb_at_end.search(words):
            break
        compared = cues.compared_change_at_end.search(words)
        if compared and lead.direction is None and cues.comparison.search(words):
            lead.direction = cues.compared_change_direction[compared.group()]  # 比上月末低
            lead.end -= len(compared.group())
            continue
        match = cues.change_at_end.search(words)
        if match and lead.direction is None:
            lead.direction = cues.change_direction[match.group()]
            lead.change_to_level = level_word_seen
            lead.end -= len(match.group())
            continue
        break


def _base_phrase(text: str, lead: _Lead, names: list[Mention], cues: Cues) -> None:
    """比去年年初预算 | 增加2100亿元: words opening with 比 are the base, not the indicator."""
    if lead.end <= lead.start or text[lead.start] not in cues.comparison_marks:
        return
    found = cues.basis.search(text, lead.start - 1, lead.end)
    if found is not None:
        lead.basis = lead.basis or _basis_name(found.group(), cues)
    elif any(n.label == "DATE" and n.grain == "year" and lead.start < n.start < lead.end for n in names):
        lead.basis = lead.basis or cues.dated_basis
    lead.start = lead.end
    lead.compared = True


def _basis_name(word: str, cues: Cues) -> Optional[str]:
    """yoy or mom; None for a base that is neither (比年初)."""
    name = cues.basis_of[word]
    return name if name in cues.basis_names else None


def _basis_at_end(words: str, cues: Cues) -> Optional[str]:
    match = cues.basis_at_end.search(words)
    return match.group() if match else None


def _trim_start(text: str, lead: _Lead, names: list[Mention], cues: Cues) -> Optional[str]:
    """Frames, dates, places and punctuation off the start; the place, if one was there."""
    place: Optional[str] = None
    while lead.end > lead.start:
        words = text[lead.start:lead.end]
        if not _is_word_char(words[0]):
            lead.start += 1
            continue
        name = _name_starting_at(names, lead.start, lead.end) or _name_across(names, lead.start)
        if name is not None and name.label in ("DATE", "GPE"):
            if name.label == "GPE" and place is None:
                place = name.norm or name.text
            lead.start = name.end
            continue
        match = cues.place_word.match(words)
        if match:
            place = place or match.group()
            lead.start += len(match.group())
            continue
        match = cues.frame_at_start.match(words)
        if match:
            lead.start += len(match.group())
            continue
        break
    return place


def _kind(lead: _Lead, number: Mention, cues: Cues) -> tuple[str, Optional[str]]:
    if number.unit in cues.point_units:
        return "change", lead.direction
    if lead.direction is not None and not lead.change_to_level:
        return "change", lead.direction
    return "level", None


def _indicator(text: str, lead: _Lead, number: Mention, clause_end: int, names: list[Mention],
               cues: Cues) -> Optional[Indicator]:
    words = text[lead.start:lead.end]
    if words and (words.endswith(cues.modifier_mark) or cues.count_verb_at_end.search(words)):
        # 惠及 | 200万名 | 农民工, 来自…的 | 54名 | 负责人: the measured thing follows
        after = _noun_after(text, number.end, clause_end, cues)
        if after is not None:
            return after
        if words.endswith(cues.modifier_mark) and not cues.share_word.match(words):
            return None  # 为预算的 | 101.2%: a base; the clause before says what is measured
    actor_end = max((n.end for n in names if n.label in ACTOR_LABELS and lead.start <= n.start
                     and n.end < lead.end), default=None)
    if actor_end is not None:
        verb_after_actor = cues.count_verb_at_start.search(text, actor_end, lead.end)
        if verb_after_actor is not None and verb_after_actor.end() < lead.end - 1:
            lead.start = verb_after_actor.end()  # 佛山市人社局联合各区开展 | 招聘活动
            words = text[lead.start:lead.end]
    last_object_verb = None
    for last_object_verb in cues.object_verb.finditer(words):
        pass
    if last_object_verb is not None and 0 < last_object_verb.start() \
            and len(words) - last_object_verb.end() > 1 \
            and words[last_object_verb.end():] not in cues.shared_heads \
            and not cues.count_verb_at_start.match(words, last_object_verb.end()):
        lead.start += last_object_verb.end()  # 为高龄老人发放 | 普惠性津贴
        words = text[lead.start:lead.end]
    inner_date_end = max((n.end for n in names if n.label == "DATE" and lead.start < n.start and n.end < lead.end),
                         default=None)
    if inner_date_end is not None:
        lead.start = inner_date_end  # 新增的涉税市场主体去年 | 纳税: a time inside the words starts the measure
        words = text[lead.start:lead.end]
    verb = cues.count_verb_at_start.match(words)
    if verb and words.startswith(cues.list_joiners, len(verb.group())):
        verb = None  # 出口和进口: two nouns, not an action and its object
    if verb and len(verb.group()) < len(words) - 1:
        lead.start += len(verb.group())  # 建成 | 养老机构 | 45个
        words = text[lead.start:lead.end]
    elif verb and len(verb.group()) == len(words):
        after = _noun_after(text, number.end, clause_end, cues)
        # 出口4302.8亿元: with nothing after it, the verb is the noun
        return after if after is not None else Indicator(words, lead.start, lead.end, only_verb=True)
    if words.startswith(cues.modifier_mark) and len(words) > len(cues.modifier_mark):
        lead.start += len(cues.modifier_mark)  # 新增 | 的涉税市场主体: the modifier's mark goes with the verb
        words = text[lead.start:lead.end]
    if words:
        return Indicator(words, lead.start, lead.end)
    return _noun_after(text, number.end, clause_end, cues)


def _noun_after(text: str, start: int, clause_end: int, cues: Cues) -> Optional[Indicator]:
    """The counted thing written after the number: 300多万户 | 家庭 | 受益."""
    if text.startswith(cues.modifier_mark, start):
        start += len(cues.modifier_mark)  # 把70%以上 | 的 | 财力
    end = min(clause_end, start + MAX_NOUN_AFTER)
    words = text[start:end]
    for stops in (cues.noun_stop, cues.object_verb):
        stop = stops.search(words, 1)
        if stop is not None:
            words = words[:stop.start()]
    if cues.noun_stop.match(words):
        return None
    length = 0
    while length < len(words) and words[length].isalpha():
        length += 1
    if length == 0:
        return None
    return Indicator(text[start:start + length], start, start + length)


def distribute(indicator: Indicator, count: int, cues: Cues) -> list[Indicator]:
    """分别: one indicator per number of a list, where the indicator names as many."""
    match = cues.compound.search(indicator.text)
    if match:
        head, tail = indicator.text[:match.start()], indicator.text[match.end():]
        parts = [head + part + tail for part in cues.compounds[match.group()]]
        if len(parts) == count:
            return [Indicator(part, None, None) for part in parts]
    pieces = [piece for piece in cues.coordination.split(indicator.text) if piece]
    if len(pieces) != count:  # 燃气及水 is one sector's name unless the count says otherwise
        pieces = [piece for piece in cues.coordination_wide.split(indicator.text) if piece]
    if len(pieces) == count:
        composed = _with_shared_parts(pieces, cues)
        if composed is not None:
            return [Indicator(piece, None, None) for piece in composed]
        found, offset = [], indicator.start
        for piece in pieces:
            if offset is None:
                found.append(Indicator(piece, None, None))
                continue
            at = indicator.text.find(piece, offset - indicator.start) + indicator.start
            found.append(Indicator(piece, at, at + len(piece)))
            offset = at + len(piece)
        return found
    return [indicator] * count


def _with_shared_parts(pieces: list[str], cues: Cues) -> Optional[list[str]]:
    """第一、二、三产业增加值 -> 第一产业增加值 …; 教育、卫生健康支出 -> 教育支出 …; None
    where each piece is whole."""
    first, last = pieces[0], pieces[-1]
    middle = pieces[1:-1]
    modifier = next((m for m in cues.parallel_modifiers if last.startswith(m) and len(last) > len(m)), None)
    if modifier is not None and all(p in cues.parallel_modifiers for p in pieces[:-1]):
        tail = last[len(modifier):]  # 城镇和农村居民人均可支配收入
        return [p + tail for p in pieces[:-1]] + [last]
    first_head = next((h for h in cues.shared_heads if first.endswith(h) and len(first) > len(h)), None)
    if first_head is not None and all(p in cues.shared_heads for p in pieces[1:]):
        stem = first[:-len(first_head)]  # 政府性基金预算收入和支出
        return [first] + [stem + p for p in pieces[1:]]
    if len(first) == 2 and all(len(p) == 1 for p in middle) and len(last) > 1 and len(pieces) > 2:
        prefix, tail = first[0], last[1:]  # one shared head character, one variable each
        return [prefix + first[1] + tail] + [prefix + p + tail for p in middle] + [prefix + last]
    head = next((h for h in cues.shared_heads if last.endswith(h) and len(last) > len(h)), None)
    if head is None or any(p.endswith(head) for p in pieces[:-1]):
        return None
    return [p + head for p in pieces[:-1]] + [last]


def with_indicator(reading: Reading, indicator: Indicator) -> Reading:
    return replace(reading, indicator=indicator)


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _name_ending_at(names: list[Mention], end: int, floor: int) -> Optional[Mention]:
    for name in names:
        if name.end == end and name.start >= floor:
            return name
    return None


def _name_across(names: list[Mention], offset: int) -> Optional[Mention]:
    """A name the lead's start falls inside (截|至6月底 after a frame took 截至)."""
    for name in names:
        if name.start < offset < name.end:
            return name
    return None


def _name_starting_at(names: list[Mention], start: int, ceiling: int) -> Optional[Mention]:
    for name in names:
        if name.start == start and name.end <= ceiling:
            return name
    return None
