"""A sentence cut into clauses: the unit inside which a number's indicator,
change word, base and date are looked for.  Breaks inside brackets and quotes
do not cut (a quoted slogan or a bracketed aside stays whole), and the spans
of quotes and titles are kept, since a number inside one names rather than
measures."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.measures.cues import Cues


@dataclass(frozen=True)
class Clause:
    start: int  # document offsets; the break character is not part of the clause
    end: int


@dataclass(frozen=True)
class SentenceParts:
    clauses: list[Clause]
    named: list[tuple[int, int]]  # inside quotes and titles, document offsets

    def clause_at(self, offset: int) -> int:
        for index, clause in enumerate(self.clauses):
            if clause.start <= offset < clause.end:
                return index
        return len(self.clauses) - 1

    def in_name(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.named)


def first_clause_start(text: str, start: int, end: int, cues: Cues) -> int:
    """Where the first clause of ``text[start:end]`` starts, as split_sentence would put it."""
    while start < end and text[start] in cues.clause_breaks:
        start += 1
    return start


def split_sentence(text: str, start: int, end: int, cues: Cues) -> SentenceParts:
    """Clauses of ``text[start:end]`` (a sentence) and its quoted stretches."""
    clauses: list[Clause] = []
    named: list[tuple[int, int]] = []
    open_marks: list[tuple[str, int]] = []  # (closing mark expected, where it opened)
    clause_start = start
    for index in range(start, end):
        char = text[index]
        if open_marks and char == open_marks[-1][0]:
            closer, opened = open_marks.pop()
            if text[opened] in cues.name_openers:
                named.append((opened + 1, index))
        elif char in cues.bracket_pairs:
            open_marks.append((cues.bracket_pairs[char], index))
        elif char in cues.clause_breaks and not open_marks:
            if index > clause_start:
                clauses.append(Clause(clause_start, index))
            clause_start = index + 1
    if end > clause_start:
        clauses.append(Clause(clause_start, end))
    return SentenceParts(clauses or [Clause(start, end)], named)
