"""People: bylines (…实现。（薄红贞）), a name alone on its line (a photo
credit), credits (记者王行增王君超), a name after a role (网格员|周文靖|与),
a surname before a form of address (江|主席),
and what tells a model's PERSON from no name (张 in 88张现金, 王家)."""
from __future__ import annotations

import re
from typing import Iterator, Optional

from pipeline.extract.names.spans import sits_on_word_boundaries
from pipeline.extract.names.tables import HAN, HAN_CHAR, NUMBER_CHARACTERS, NameTables
from pipeline.words import word_model


def _name_ends(text: str, pos: int, tables: NameTables) -> list[int]:
    """Possible ends of a personal name (surname + 1-2 given characters) at pos, longest first."""
    ends = []
    for surname_len in range(tables.max_surname, 0, -1):
        if text[pos:pos + surname_len] not in tables.surnames:
            continue
        for given in (2, 1):
            end = pos + surname_len + given
            given_part = text[pos + surname_len:end]
            if end <= len(text) and re.fullmatch(f"[{HAN}]+", given_part) and not (
                set(given_part) & tables.not_in_given_name
            ):
                ends.append(end)
    return ends


def names_sequence(text: str, start: int, end: int, tables: NameTables) -> Optional[list[tuple[int, int]]]:
    """text[start:end] read as names, separated by separators or written
    back to back as bylines print them (王行增王君超), or None.  Longer names
    are tried first: 朱建安汤民 is 朱建安 + 汤民."""
    dead_ends: set[int] = set()  # positions from which no reading reaches the end: each is tried once

    def names_from(pos: int) -> Optional[list[tuple[int, int]]]:
        if pos >= end or pos in dead_ends:
            return None
        for name_end in _name_ends(text, pos, tables):
            if name_end > end:
                continue
            if name_end == end:
                return [(pos, name_end)]
            following = name_end
            while following < end and text[following] in tables.name_separators:
                following += 1
            rest = names_from(following)
            if rest:
                return [(pos, name_end)] + rest
        dead_ends.add(pos)
        return None

    return names_from(start)


_MAX_CREDIT_RUN = 9  # three names of three characters
_BYLINE = re.compile(r"[（(]([^（）()]{2,20})[）)]\s*$")


def find_people(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    """Bylines (…实现。（薄红贞）), a name alone on its line (photo credit), credits."""
    byline = _BYLINE.search(text)
    if byline:
        start, end = byline.span(1)
        # （李舸摄）: the names before a credit word, if they read as names
        names = names_sequence(text, start, _before_credit_word(text, start, end, tables), tables)
        names = names or names_sequence(text, start, end, tables)
        if names:
            yield from names
    stripped = text.strip()
    if stripped and len(stripped) <= 4:
        offset = text.index(stripped)
        names = names_sequence(text, offset, offset + len(stripped), tables)
        if names and len(names) == 1:
            yield names[0]
    yield from _credit_names(text, tables)
    yield from _names_after_roles(text, tables)
    yield from _addressed_surnames(text, tables)


def _names_after_roles(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    """社区网格员|周文靖|与…: a name right after a role, closed by a word that
    follows names (与, 说, 表示); the longest name so closed."""
    words = word_model()
    for match in tables.role_pattern.finditer(text):
        pos = match.end()
        if text[pos:pos + 1] in tables.function_words_before_names:
            continue
        for end in _name_ends(text, pos, tables):
            if _is_courtesy_form(text, pos, end, tables) or (words is not None and text[pos:end] in words.logp):
                continue
            if text.startswith(tables.name_after_role, end):
                yield pos, end
                break


def _is_courtesy_form(text: str, pos: int, end: int, tables: NameTables) -> bool:
    """王大妈, 李女士: a surname and how one addresses its bearer."""
    return any(text.startswith(form, pos + surname_len) and pos + surname_len + len(form) >= end
               for surname_len in range(1, tables.max_surname + 1) if text[pos:pos + surname_len] in tables.surnames
               for form in tables.surname_courtesy_forms)


def _addressed_surnames(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    """A surname alone before a form of address: 江|主席, 单|教授 (not 驻华|大使)."""
    for match in tables.addressed_surname_pattern.finditer(text):
        start = match.start()
        ends_a_word = start > 0 and HAN_CHAR.match(text[start - 1]) \
            and not sits_on_word_boundaries(text, start, start + 1, tables)
        if not ends_a_word:
            yield start, start + 1


def _before_credit_word(text: str, start: int, end: int, tables: NameTables) -> int:
    for word in tables.credit_after:
        if text.endswith(word, start, end) and end - len(word) - start >= 2:
            return end - len(word)
    return end


def _credit_names(text: str, tables: NameTables) -> Iterator[tuple[int, int]]:
    for marker, pattern in tables.credit_before_patterns:
        for match in pattern.finditer(text):
            if len(marker) == 1 and match.end() == match.start() + 1:
                continue  # 文/图/摄 alone are credits only with a separator after them
            pos = match.end()
            run = _credit_run(text, pos, tables)
            if run is not None:
                yield from run
                continue
            ends = _name_ends(text, pos, tables)
            # 记者徐烨摄: the end a credit word follows, before the longest that fits
            credited = [end for end in ends if any(text.startswith(w, end) for w in tables.credit_after)]
            bounded = [end for end in ends if text[end:end + 1] in tables.credit_name_boundary]
            for end in (credited or bounded)[:1]:
                yield pos, end
    for marker, pattern in tables.credit_after_patterns:
        for match in pattern.finditer(text):
            pos = match.end()
            for end in _name_ends(text, pos, tables):
                rest = text[end:].lstrip(" \u3000")
                if rest.startswith(marker):
                    yield pos, end
                    break


def _credit_run(text: str, pos: int, tables: NameTables) -> Optional[list[tuple[int, int]]]:
    """Two or three names printed back to back after a credit word, up to the
    end of the credit (记者王行增王君超), or None."""
    end = pos
    while (end < len(text) and end - pos <= _MAX_CREDIT_RUN and text[end] not in tables.credit_name_boundary
           and not any(text.startswith(word, end) for word in tables.credit_after)):
        end += 1
    if end - pos > _MAX_CREDIT_RUN or end - pos < 4:
        return None
    names = names_sequence(text, pos, end, tables)
    return names if names and len(names) > 1 else None


def back_to_back_names(start: int, end: int, text: str, tables: NameTables) -> list[tuple[int, int]]:
    """A model PERSON of five or more characters that reads as names printed
    back to back (郑保山李发斌 under a photo) is those names."""
    if end - start >= 5 and not set(text[start:end]) & tables.transliteration_characters:
        names = names_sequence(text, start, end, tables)
        if names and len(names) > 1:
            return names
    return [(start, end)]


def names_a_household(name: str, tables: NameTables) -> bool:
    return len(name) == 2 and name[0] in tables.surnames and name[1] in tables.household_characters


def counted_by_classifier(start: int, text: str, tables: NameTables) -> bool:
    """张 in 88张现金 is the classifier of the number before it, not a surname."""
    return start > 0 and text[start] in tables.classifier_surnames and text[start - 1] in NUMBER_CHARACTERS


def with_cut_surname(start: int, end: int, text: str, tables: NameTables) -> int:
    """The start of a person's name whose surname the model left out (以习|近平 -> 习近平).

    Only a two-character span that does not itself start with a surname, right
    after a surname that is not a function word there (向|桥本), and that the
    word model does not know as a word: the People's Daily word list holds
    names that stand alone (桥本, 启功), while a given name alone is the tail
    of a name cut off.
    """
    if end - start != 2 or start == 0 or text[start] in tables.surnames:
        return start
    before = text[start - 1]
    if before not in tables.surnames or before in tables.function_words_before_names:
        return start
    words = word_model()
    if words is not None and text[start:end] in words.logp:
        return start
    return start - 1
