"""Readers for the two public corpora, folded like the pipeline's run-time text.

People's Daily 1998 (PKU tagging) gives words with POS tags; MSRA gives
character BIO tags.  Both use full-width digits and Latin letters, while the
pipeline hands components normalized text with those folded to ASCII, so the
same folding is applied here (`fold_width`) — otherwise a model would never see
an ASCII digit in training and every run-time date would look foreign to it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pipeline.text import Coverage, Span, bracket_pairs, resolve_overlaps

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("PIPELINE_CORPORA", PROJECT_ROOT.parent / "shared" / "data"))
PD_FILE = CORPORA / "peoples-daily-1998" / "199801.utf8.txt"
MSRA_FILE = CORPORA / "msra-ner" / "msra_train_bio"
WORK = PROJECT_ROOT / "training" / "work"

# Full-width ASCII block: U+FF01..U+FF5E map to U+0021..U+007E.  Only digits and
# Latin letters are folded (the pipeline keeps Chinese punctuation full-width).
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HAN = r"[\u3400-\u9fff]"
_PUNCT_NEAR_HAN = re.compile(rf"(?<={_HAN})[,;:?!()]|[,;:?!()](?={_HAN})")


def _local_fold(text: str) -> str:
    text = text.translate(_FOLD)
    return _PUNCT_NEAR_HAN.sub(lambda m: _HALF_PUNCT[m.group(0)], text)


def _pipeline_fold():
    """The pipeline's own folding when it is there (it is one character for one,
    so offsets survive); the local copy above otherwise."""
    try:
        from pipeline.read.normalize import fold_width as fold, widen_cjk_punctuation as widen
    except ImportError:
        return _local_fold
    return lambda text: widen(fold(text))


_fold = _pipeline_fold()


def fold_width(text: str) -> str:
    """Length-preserving folding as the pipeline's normalize applies it."""
    folded = _fold(text)
    if len(folded) != len(text):  # never expected; offsets would be off
        raise ValueError(f"folding changed the length of {text!r}")
    return folded


# ---------------------------------------------------------------- People's Daily

# Internal NER labels.  Places are learnt as one label and split into GPE/LOC
# afterwards from the tables in configs/names/ (PD and MSRA do not make the split).
PD_LABELS = {"nt": "ORG", "nr": "PERSON", "ns": "PLACE"}


@dataclass
class PDParagraph:
    para_id: str
    day: int
    words: list[str]
    tags: list[str]
    entities: list[tuple[int, int, str]] = field(default_factory=list)  # char offsets

    @property
    def text(self) -> str:
        return "".join(self.words)


def _split_word(token: str) -> tuple[str, str]:
    word, _, tag = token.rpartition("/")
    return word, tag


def parse_pd_line(line: str) -> PDParagraph | None:
    tokens = line.split()
    if not tokens:
        return None
    para_id = tokens[0].rpartition("/")[0]
    words: list[str] = []
    tags: list[str] = []
    entities: list[tuple[int, int, str]] = []
    offset = 0
    bracket_start: int | None = None
    person_run: list[tuple[int, int]] = []  # consecutive nr words outside brackets
    for token in tokens[1:]:
        opens = token.startswith("[") and len(token) > 1
        if opens:
            token = token[1:]
            bracket_start = offset
        closing_tag = None
        match = re.match(r"^(.*/[A-Za-z]+)\](\w+)$", token)
        if match:
            token, closing_tag = match.group(1), match.group(2)
        word, tag = _split_word(token)
        word = fold_width(word)
        inside = bracket_start is not None
        if person_run and (tag != "nr" or inside):
            entities.extend(people_in_run(person_run))
            person_run = []
        if not inside:
            if tag == "nr":
                person_run.append((offset, offset + len(word)))
            elif tag in PD_LABELS:
                entities.append((offset, offset + len(word), PD_LABELS[tag]))
        words.append(word)
        tags.append(tag)
        offset += len(word)
        if closing_tag is not None:
            if closing_tag in PD_LABELS and bracket_start is not None:
                entities.append((bracket_start, offset, PD_LABELS[closing_tag]))
            bracket_start = None
    if person_run:
        entities.extend(people_in_run(person_run))
    day = int(para_id[6:8])
    return PDParagraph(para_id, day, words, tags, sorted(entities))


def people_in_run(words: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The people in a run of nr words.  PD writes a Chinese or Japanese name as
    surname + given name (江/nr 泽民/nr, 桥本/nr 龙太郎/nr) and a transliterated
    one as one word (谢尔盖耶夫/nr); bylines and lists of leaders run several
    names together (崔/nr 军强/nr 宗/nr 焕平/nr).  A word of one or two
    characters is a surname that takes the next word as its given name."""
    people, i = [], 0
    while i < len(words):
        start, end = words[i]
        if end - start <= 2 and i + 1 < len(words):
            i += 1
            end = words[i][1]
        people.append((start, end, "PERSON"))
        i += 1
    return people


def read_pd(path: Path = PD_FILE) -> Iterator[PDParagraph]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            paragraph = parse_pd_line(line)
            if paragraph is not None and paragraph.words:
                yield paragraph


@lru_cache(maxsize=1)
def _abbreviated_bodies() -> frozenset[str]:
    from pipeline.config import read_yaml

    return frozenset(read_yaml(PROJECT_ROOT / "configs" / "names" / "orgs.yaml")["abbreviated_bodies"])


def abbreviated_bodies(paragraph: PDParagraph) -> list[tuple[int, int, str]]:
    """ORG spans for the body abbreviations People's Daily tags j (政协/j, 欧盟/j), where
    they are words of their own outside any marked name (configs/names/orgs.yaml)."""
    bodies = _abbreviated_bodies()
    spans, offset = [], 0
    for word, tag in zip(paragraph.words, paragraph.tags):
        if tag == "j" and word in bodies:
            spans.append((offset, offset + len(word), "ORG"))
        offset += len(word)
    return [s for s in spans if all(s[1] <= e[0] or s[0] >= e[1] for e in paragraph.entities)]


# Days held out: day 27 selects checkpoints, days 28-31 are the test set.
PD_DEV_DAYS = {27}
PD_TEST_DAYS = {28, 29, 30, 31}


def pd_split(paragraph: PDParagraph) -> str:
    if paragraph.day in PD_TEST_DAYS:
        return "test"
    if paragraph.day in PD_DEV_DAYS:
        return "dev"
    return "train"


# ------------------------------------------------------------------------- MSRA

MSRA_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}


@dataclass
class CharSentence:
    text: str
    entities: list[tuple[int, int, str]]


def read_msra(path: Path = MSRA_FILE) -> Iterator[CharSentence]:
    """MSRA sentences; those with leftover XML (empty-tag lines) are dropped."""
    chars: list[str] = []
    tags: list[str] = []
    broken = False
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip():
                if chars and not broken:
                    yield _bio_to_sentence(chars, tags)
                chars, tags, broken = [], [], False
                continue
            char, _, tag = line.partition("\t")
            if not tag or len(char) != 1:
                broken = True  # the SOURCE.md quirk: `0<TAB>` inside XML debris
            chars.append(char)
            tags.append(tag)
    if chars and not broken:
        yield _bio_to_sentence(chars, tags)


def _bio_to_sentence(chars: list[str], tags: list[str]) -> CharSentence:
    entities = []
    start = label = None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            entities.append((start, i, MSRA_LABELS[label]))
            start = label = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return CharSentence(fold_width("".join(chars)), entities)


def without_one_char_places(entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """MSRA's marks without its one-character place abbreviations (中 and 美 in 中美,
    华 in 华人: 6,008 of its 36,828 places): People's Daily never marks them and
    docs/entities.md names places, so the model's data teach one convention."""
    return [(start, end, label) for start, end, label in entities if not (label == "PLACE" and end - start == 1)]


@lru_cache(maxsize=1)
def _doctrine_suffixes() -> tuple[str, ...]:
    from pipeline.config import read_yaml

    return tuple(read_yaml(PROJECT_ROOT / "configs" / "names" / "people.yaml")["doctrine_suffixes"])


def without_doctrine_people(text: str, entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """MSRA's marks without the people inside a doctrine's name (邓小平 in 邓小平理论,
    马 and 列 in 马列主义): configs/names/people.yaml doctrine_suffixes."""
    suffixes = _doctrine_suffixes()
    person_end = {s: e for s, e, label in entities if label == "PERSON"}

    def names_a_doctrine(end: int) -> bool:
        while end in person_end:  # 马 + 列 + 主义: a run of people ending in the suffix
            end = person_end[end]
        return text.startswith(suffixes, end)

    return [(s, e, label) for s, e, label in entities if not (label == "PERSON" and names_a_doctrine(e))]


# MSRA has no dev split: carve contiguous blocks (sentences run on within an
# article, so a random split would leak) - last 10% test, the 2% before it dev.
def msra_split(index: int, total: int) -> str:
    if index >= total * 0.90:
        return "test"
    if index >= total * 0.88:
        return "dev"
    return "train"


# -------------------------------------------------------------------- CLUENER2020

CLUENER_FILE = CORPORA / "cluener2020" / "train.jsonl"
# docs/entities.md's labels for CLUENER's types (its SOURCE.md); book, game, movie and
# position are no names here (a position is a title: docs/entities.md keeps titles out).
CLUENER_LABELS = {"name": "PERSON", "company": "ORG", "government": "ORG", "organization": "ORG",
                  "address": "PLACE", "scene": "PLACE"}
# CLUENER sometimes takes a quote or bracket into a span (“星展中国”南宁分行 is a
# name, but （charles is not): marks at either edge are trimmed, paired ones inside kept.
_EDGE_PUNCTUATION = "\"'，。、；：！？,.;:!? "


def _edge_marks() -> str:
    return "".join(mark for pair in bracket_pairs().items() for mark in pair) + _EDGE_PUNCTUATION


def read_cluener(path: Path = CLUENER_FILE) -> Iterator[CharSentence]:
    """CLUENER texts with docs/entities.md's labels; overlapping spans keep the longer.

    CLUENER often marks a name once where the text repeats it (叶老桂 … 叶老桂认为:
    535 of its 23,971 marks' repeats are unmarked); every repeat of a marked name
    of two or more characters gets its label, where it overlaps no marked span."""
    import json

    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = record["text"]
            spans = []
            for kind, mentions in record.get("label", {}).items():
                label = CLUENER_LABELS.get(kind)
                if label is None:
                    continue
                for mention, places in mentions.items():
                    for start, last in places:
                        if text[start:last + 1] != mention:
                            continue
                        spans.append(_trim_marks(text, start, last + 1, label))
            marked = resolve_overlaps(Span(*span) for span in set(spans))
            repeats = resolve_overlaps(Span(*repeat) for repeat in set(_repeats(text, *marked)))
            taken = Coverage(marked)
            free = [repeat for repeat in repeats if taken.is_free(repeat.start, repeat.end)]
            yield CharSentence(fold_width(text), sorted(marked + free))


def _repeats(text: str, *marked: Span) -> Iterator[Span]:
    for start, end, label in marked:
        if end - start < 2:
            continue
        mention = text[start:end]
        pos = text.find(mention)
        while pos >= 0:
            if pos != start:
                yield Span(pos, pos + len(mention), label)
            pos = text.find(mention, pos + 1)


def _trim_marks(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    marks = _edge_marks()
    while start < end and text[start] in marks and not _closed_inside(text[start:end]):
        start += 1
    while end > start and text[end - 1] in marks and not _closed_inside(text[start:end]):
        end -= 1
    return start, end, label


def _closed_inside(span: str) -> bool:
    """The span's edge mark is closed or opened by a partner inside it (“星展中国”南宁分行)."""
    pairs = bracket_pairs()
    first, last = span[0], span[-1]
    if first in pairs and pairs[first] in span[1:]:
        return True
    return last in pairs.values() and any(o in span[:-1] for o, c in pairs.items() if c == last)


# CLUENER ships only its training split: the last 10% is the held-out test, the
# 10% before it dev (its lines are independent short texts, so blocks do not leak).
def cluener_split(index: int, total: int) -> str:
    if index >= total * 0.90:
        return "test"
    if index >= total * 0.80:
        return "dev"
    return "train"
