"""What the name model reads for each character: its id, its two character
bigrams and its lexicon bits.

For every category of the model's lexicon (general words by length, the
dictionary's person, place and organisation names, the project's place table,
surnames, the words that end an organisation or a place, titles ...), whether
a word of that category begins, continues, ends or is the character there
(SoftLexicon's B/M/E/S sets, without word embeddings).  A name the training
data never showed still lights the lexicon's columns, which is what carries
the model past the names it was trained on.  The features are computed here
for training (training/names_train.py) and for running alike, so the two
cannot drift.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy

POSITIONS = ("B", "M", "E", "S")
MAX_WORD = 10  # longest lexicon word matched
PAD, UNKNOWN = 0, 1  # reserved ids in the character and bigram vocabularies
_CODE_BITS = numpy.uint64(21)  # a code point fits in 21 bits
# Any odd 64-bit multiplier will do; arithmetic wraps modulo 2**64 by design.
_HASH_BASE = numpy.uint64(0x9E3779B97F4A7C15)
_HASH_BASE_INVERSE = numpy.uint64(pow(int(_HASH_BASE), -1, 1 << 64))


# ----------------------------------------------------------------------- codes


def code_points(text: str) -> numpy.ndarray:
    return numpy.frombuffer(text.encode("utf-32-le"), dtype="uint32").astype("uint64")


def _powers(base: numpy.uint64, count: int) -> numpy.ndarray:
    powers = numpy.full(count, base, dtype="uint64")
    powers[0] = 1
    return numpy.cumprod(powers, dtype="uint64")


def window_hashes(codes: numpy.ndarray, length: int) -> numpy.ndarray:
    """The hash of every window of ``length`` characters: sum of c[i+k] * BASE**k mod 2**64."""
    n = len(codes)
    if n < length:
        return numpy.zeros(0, dtype="uint64")
    weighted = codes * _powers(_HASH_BASE, n)
    prefix = numpy.concatenate([[numpy.uint64(0)], numpy.cumsum(weighted, dtype="uint64")])
    count = n - length + 1
    return (prefix[length:length + count] - prefix[:count]) * _powers(_HASH_BASE_INVERSE, count)


def word_hash(word: str) -> int:
    return int(window_hashes(code_points(word), len(word))[0])


# --------------------------------------------------------------------- lexicon


@dataclass
class Lexicon:
    """Words in categories, matched all at once over a whole batch of text.

    ``masks`` holds, per word, one bit per category; a text's matches become
    per-character B/M/E/S bits for every category.
    """
    categories: list[str]
    hashes: dict[int, numpy.ndarray]  # word length -> sorted word hashes
    masks: dict[int, numpy.ndarray]   # word length -> category bits, parallel to hashes

    @property
    def n_features(self) -> int:
        return len(self.categories) * len(POSITIONS)

    @classmethod
    def from_words(cls, categories: list[str], words: dict[str, int]) -> "Lexicon":
        by_length: dict[int, list[str]] = {}
        for word, mask in words.items():
            if 1 <= len(word) <= MAX_WORD and mask:
                by_length.setdefault(len(word), []).append(word)
        hashes, masks = {}, {}
        for length, group in by_length.items():
            codes = code_points("".join(group)).reshape(len(group), length)
            keys = (codes * _powers(_HASH_BASE, length)).sum(axis=1, dtype="uint64")
            bits = numpy.asarray([words[w] for w in group], dtype="uint64")
            order = numpy.argsort(keys, kind="stable")
            keys, bits = keys[order], bits[order]
            unique, first = numpy.unique(keys, return_index=True)
            merged = numpy.bitwise_or.reduceat(bits, first) if len(bits) else bits
            hashes[length], masks[length] = unique, merged
        return cls(categories, hashes, masks)

    @classmethod
    def read(cls, path: Path) -> "Lexicon":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            categories = header[1:]
            words: dict[str, int] = {}
            for line in handle:
                word, _, bits = line.rstrip("\n").partition("\t")
                words[word] = int(bits, 16)
        return cls.from_words(categories, words)

    def features(self, text: str) -> numpy.ndarray:
        """Per character, the B/M/E/S bits of every category: (len(text),) uint64,
        bit ``category * 4 + position``."""
        codes = code_points(text)
        n = len(codes)
        bits = numpy.zeros(n, dtype="uint64")
        spread = _spread_table(len(self.categories))
        for length, keys in self.hashes.items():
            if length > n:
                continue
            windows = window_hashes(codes, length)
            index = numpy.minimum(numpy.searchsorted(keys, windows), len(keys) - 1)
            starts = numpy.flatnonzero(keys[index] == windows)
            if len(starts) == 0:
                continue
            spread_masks = _spread(self.masks[length][index[starts]], spread)
            if length == 1:
                bits[starts] |= spread_masks << numpy.uint64(3)
                continue
            bits[starts] |= spread_masks
            bits[starts + length - 1] |= spread_masks << numpy.uint64(2)
            for k in range(1, length - 1):
                bits[starts + k] |= spread_masks << numpy.uint64(1)
        return bits


def _spread_table(n_categories: int) -> numpy.ndarray:
    return numpy.asarray([1 << (4 * c) for c in range(n_categories)], dtype="uint64")


def _spread(masks: numpy.ndarray, spread: numpy.ndarray) -> numpy.ndarray:
    """Category bits (bit c) -> position-B bits (bit 4c) of the same categories."""
    out = numpy.zeros(len(masks), dtype="uint64")
    for category, bit in enumerate(spread):
        out |= ((masks >> numpy.uint64(category)) & numpy.uint64(1)) * bit
    return out


def bits_to_matrix(bits: numpy.ndarray, n_features: int) -> numpy.ndarray:
    shifts = numpy.arange(n_features, dtype="uint64")
    return ((bits[:, None] >> shifts) & numpy.uint64(1)).astype("float32")


# ------------------------------------------------------------------ vocabulary


@dataclass
class Vocabulary:
    """Character and bigram ids: sorted keys, searched in one call per batch.

    id 0 pads, id 1 is unknown, known keys start at 2 in sorted order.
    """
    chars: numpy.ndarray    # sorted code points
    bigrams: numpy.ndarray  # sorted (left << 21 | right) keys; 0 stands for a text edge

    @staticmethod
    def _ids(keys: numpy.ndarray, table: numpy.ndarray) -> numpy.ndarray:
        if len(table) == 0:
            return numpy.full(len(keys), UNKNOWN, dtype="int64")
        index = numpy.minimum(numpy.searchsorted(table, keys), len(table) - 1)
        return numpy.where(table[index] == keys, index + 2, UNKNOWN).astype("int64")

    def char_ids(self, codes: numpy.ndarray) -> numpy.ndarray:
        return self._ids(codes, self.chars)

    def bigram_ids(self, codes: numpy.ndarray) -> numpy.ndarray:
        """Ids of the n + 1 bigrams around n characters: (edge, c0), (c0, c1) ... (c_last, edge)."""
        padded = numpy.concatenate([[numpy.uint64(0)], codes, [numpy.uint64(0)]])
        return self._ids(bigram_keys(padded), self.bigrams)


def bigram_keys(padded_codes: numpy.ndarray) -> numpy.ndarray:
    return (padded_codes[:-1] << _CODE_BITS) | padded_codes[1:]


@dataclass
class CharFeatures:
    """What the network reads for one text."""
    chars: numpy.ndarray    # (n,) char ids
    bigrams: numpy.ndarray  # (n + 1,) bigram ids: character i has bigram i on its left, i + 1 on its right
    lexicon: numpy.ndarray  # (n,) uint64 lexicon bits


@dataclass
class JoinedFeatures:
    """What the network reads for a batch of texts, as one run of characters.

    ``chars``, ``bigrams`` and ``lexicon`` cover the texts joined with NUL between
    them (no lexicon word holds one, and NUL's bigrams are the text-edge bigrams);
    ``starts`` is where each text begins in that run.
    """
    chars: numpy.ndarray    # (N,) char ids
    bigrams: numpy.ndarray  # (N + 1,) bigram ids
    lexicon: numpy.ndarray  # (N,) lexicon bits
    starts: numpy.ndarray   # (texts,)
    lengths: numpy.ndarray  # (texts,)

    def positions(self) -> numpy.ndarray:
        """Where each text's characters are in the run, text after text."""
        within = numpy.arange(int(self.lengths.sum())) - numpy.repeat(numpy.cumsum(self.lengths) - self.lengths,
                                                                       self.lengths)
        return numpy.repeat(self.starts, self.lengths) + within

    def of_text(self, index: int) -> CharFeatures:
        start, n = int(self.starts[index]), int(self.lengths[index])
        return CharFeatures(self.chars[start:start + n], self.bigrams[start:start + n + 1],
                            self.lexicon[start:start + n])


def joined_features(texts: Sequence[str], vocabulary: Vocabulary, lexicon: Lexicon) -> JoinedFeatures:
    """The features of a batch, each table searched once for the whole batch."""
    joined = "\0".join(texts)
    codes = code_points(joined)
    lengths = numpy.asarray([len(text) for text in texts], dtype="int64")
    starts = numpy.cumsum(lengths + 1) - (lengths + 1)
    return JoinedFeatures(vocabulary.char_ids(codes), vocabulary.bigram_ids(codes), lexicon.features(joined),
                          starts, lengths)


def batch_features(texts: Sequence[str], vocabulary: Vocabulary, lexicon: Lexicon) -> list[CharFeatures]:
    """The features of each text of a batch (what training reads)."""
    joined = joined_features(texts, vocabulary, lexicon)
    return [joined.of_text(i) for i in range(len(texts))]
