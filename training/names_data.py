"""The name model's examples: People's Daily 1998, MSRA and CLUENER2020 as
character texts with ORG / PERSON / PLACE spans, in one convention.

Conventions reconciled to docs/entities.md before the corpora are mixed:
- PD's bracketed compounds (``[中央/n 人民/n 广播/vn 电台/n]nt``) are one name,
  and a run of ``nr`` words is split into people (training/corpora.py);
- PD's abbreviations of bodies (政协/j, 欧盟/j, 人大/j) stay unmarked as PD tags
  them: the contract gold counts them ORG (training/evaluate.py), but the shipped
  model was trained without them and a run with them (run6) was not finished;
- MSRA's one-character place abbreviations (中 and 美 in 中美) are not names,
  as in PD and the pipeline (training/corpora.py:without_one_char_places);
- MSRA's people inside a doctrine's name (邓小平 in 邓小平理论, 马 and 列 in
  马列主义) are not names, as in PD (邓小平理论/n, 马克思主义/n);
- CLUENER's company, government and organization are ORG, address and scene
  PLACE, name PERSON; position (a title), book, game and movie are no names.

The pipeline hands the model one sentence at a time, so PD paragraphs are cut
into sentences at 。！？ (never inside a name), and every text longer than
``MAX_CHARS`` is cut at the last comma or semicolon before that length that
no name crosses.

Splits: PD days 1-26 train, day 27 dev, days 28-31 test; MSRA 88 / 2 / 10 and
CLUENER 80 / 10 / 10 in contiguous blocks (training/corpora.py).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .corpora import (WORK, cluener_split, msra_split, pd_split, read_cluener, read_msra, read_pd,
                      without_doctrine_people, without_one_char_places)

NAMES_WORK = WORK / "names"
MAX_CHARS = 200
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_SOFT_BREAK = "，；、："


@dataclass(frozen=True)
class Example:
    corpus: str
    split: str
    text: str
    entities: tuple[tuple[int, int, str], ...]

    def to_json(self) -> str:
        return json.dumps({"corpus": self.corpus, "split": self.split, "text": self.text,
                           "entities": [list(e) for e in self.entities]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> "Example":
        record = json.loads(line)
        return cls(record["corpus"], record["split"], record["text"],
                   tuple((s, e, label) for s, e, label in record["entities"]))


def pieces(text: str, entities: list[tuple[int, int, str]], max_chars: int = MAX_CHARS
           ) -> Iterator[tuple[str, tuple[tuple[int, int, str], ...]]]:
    """The text cut at sentence ends (and long sentences at soft breaks), each with its names."""
    cuts = [m.start() for m in _SENTENCE_END.finditer(text) if 0 < m.start() < len(text)]
    bounds = [0] + [c for c in cuts if not _inside_name(c, entities)] + [len(text)]
    for start, end in zip(bounds, bounds[1:]):
        yield from _soft_pieces(text, start, end, entities, max_chars)


def _inside_name(cut: int, entities: list[tuple[int, int, str]]) -> bool:
    return any(s < cut < e for s, e, _ in entities)


def _soft_pieces(text: str, start: int, end: int, entities: list[tuple[int, int, str]], max_chars: int
                 ) -> Iterator[tuple[str, tuple[tuple[int, int, str], ...]]]:
    while end - start > max_chars:
        cut = next((pos + 1 for pos in range(start + max_chars - 1, start, -1)
                    if text[pos] in _SOFT_BREAK and not _inside_name(pos + 1, entities)), None)
        if cut is None:
            break
        yield _piece(text, start, cut, entities)
        start = cut
    if end > start:
        yield _piece(text, start, end, entities)


def _piece(text: str, start: int, end: int, entities: list[tuple[int, int, str]]
           ) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    inside = tuple((s - start, e - start, label) for s, e, label in entities if start <= s and e <= end)
    return text[start:end], inside


def all_examples() -> Iterator[Example]:
    for paragraph in read_pd():
        for text, entities in pieces(paragraph.text, paragraph.entities):
            yield Example("pd", pd_split(paragraph), text, entities)
    msra = list(read_msra())
    for index, sentence in enumerate(msra):
        entities = without_doctrine_people(sentence.text, without_one_char_places(sentence.entities))
        for text, piece_entities in pieces(sentence.text, entities):
            yield Example("msra", msra_split(index, len(msra)), text, piece_entities)
    cluener = list(read_cluener())
    for index, sentence in enumerate(cluener):
        for text, entities in pieces(sentence.text, sentence.entities):
            yield Example("cluener", cluener_split(index, len(cluener)), text, entities)


def write_examples(target: Path = NAMES_WORK) -> dict:
    target.mkdir(parents=True, exist_ok=True)
    counts: Counter = Counter()
    with (target / "examples.jsonl").open("w", encoding="utf-8") as handle:
        for example in all_examples():
            if not example.text.strip():
                continue
            handle.write(example.to_json() + "\n")
            key = f"{example.corpus}/{example.split}"
            counts[key + "/texts"] += 1
            counts[key + "/chars"] += len(example.text)
            for _, _, label in example.entities:
                counts[f"{key}/{label}"] += 1
    return dict(sorted(counts.items()))


def read_examples(path: Path = NAMES_WORK / "examples.jsonl") -> list[Example]:
    with path.open(encoding="utf-8") as handle:
        return [Example.from_json(line) for line in handle]


def held_out_sets() -> dict[str, list[tuple[str, set]]]:
    """The test parts, as (text, gold) pairs: pd, msra, cluener as trained, and
    msra_raw, MSRA's block with its own marks (one-character places included)."""
    sets: dict[str, list[tuple[str, set]]] = {"pd": [], "msra": [], "msra_raw": [], "cluener": []}
    for example in all_examples():
        if example.split == "test" and example.text.strip():
            sets[example.corpus].append((example.text, set(example.entities)))
    msra = list(read_msra())
    for index, sentence in enumerate(msra):
        if msra_split(index, len(msra)) == "test":
            sets["msra_raw"] += [(text, set(entities)) for text, entities in pieces(sentence.text, sentence.entities)
                                 if text.strip()]
    return sets


if __name__ == "__main__":
    print(json.dumps(write_examples(), ensure_ascii=False, indent=1))
