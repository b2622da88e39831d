"""The statistical name model: a character BiLSTM-CRF with lexicon features, run in numpy.

Each character is read with its features (pipeline/extract/names/features.py).
A bidirectional LSTM reads the sequence and a CRF picks the best BIOES tag
path.  The model is trained with PyTorch (training/names_train.py) and saved as
plain arrays (``names/model.npz``, lexicon in ``names/lexicon.tsv.gz``), so the
pipeline runs it with numpy alone: no PyTorch at run time.

A model trained with a CRF head per corpus (``heads: per_corpus``) carries the
other corpora's heads too (``head_<corpus>_*``).  The exported head decodes;
the recipe's ``add_from_heads`` (``{cluener: [ORG]}``) adds what another head
reads with those labels where the exported head read nothing that overlaps it:
each corpus's conventions where the exported one's are silent.  A model with a
gate (``gate_w``, ``gate_b``; training/names_gate.py) instead reads each text
with the head of the corpus the text is most like, chosen from the mean of its
hidden states: 1998 news by People's Daily's conventions, short web news about
companies and games by CLUENER's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy

from pipeline.extract.names.features import PAD, JoinedFeatures, Lexicon, Vocabulary, bits_to_matrix, joined_features

Entity = tuple[int, int, str]  # start char, end char, label

MODEL_FILE = "model.npz"
LEXICON_FILE = "lexicon.tsv.gz"
META_FILE = "meta.json"


def tag_names(labels: Sequence[str]) -> list[str]:
    """The BIOES tag set: O, then B/I/E/S of each label."""
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I", "E", "S")]


# ------------------------------------------------------------------- decoding


def allowed_transitions(tags: Sequence[str]) -> numpy.ndarray:
    """(from, to) -> may follow, for BIOES; row/column ``len(tags)`` is the sequence edge."""
    n = len(tags)
    allowed = numpy.zeros((n + 1, n + 1), dtype=bool)
    for i, before in enumerate(list(tags) + ["<edge>"]):
        for j, after in enumerate(list(tags) + ["<edge>"]):
            allowed[i, j] = _may_follow(before, after)
    return allowed


def _may_follow(before: str, after: str) -> bool:
    b_prefix, _, b_label = before.partition("-")
    a_prefix, _, a_label = after.partition("-")
    open_before = b_prefix in ("B", "I")
    if before == "<edge>":
        return a_prefix in ("O", "B", "S", "<edge>")
    if after == "<edge>":
        return not open_before
    if open_before:
        return a_prefix in ("I", "E") and a_label == b_label
    return a_prefix in ("O", "B", "S")


def spans_from_tags(tags: Sequence[str]) -> list[Entity]:
    """Entities of a BIOES tag path (a valid path: the CRF's constraints make it one)."""
    entities, start = [], None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "S":
            entities.append((i, i + 1, label))
            start = None
        elif prefix == "B":
            start = i
        elif prefix == "E" and start is not None:
            entities.append((start, i + 1, label))
            start = None
        elif prefix == "O":
            start = None
    return entities


# PyTorch stores an LSTM's gates as i, f, g, o; the forward pass wants the three
# sigmoid gates side by side (one call for all three), so g moves last.
_GATE_ORDER = (0, 1, 3, 2)
# Characters of one batch: its (longest text x texts) stays under this.  Small
# batches keep each step's gate arrays in the CPU's cache: on PD test sentences,
# one thread, 2,048 texts a call, 4,096 cells gave 94k chars/CPU s against 84k
# for 2,048, 90k for 8,192 and 78k for 16,384 (measured 2026-12-03, idle machine).
BATCH_CELLS = 4096


@dataclass
class Head:
    """A CRF head: the projection of the hidden states to tag scores and the tag transitions."""
    out_w: numpy.ndarray  # (2H, tags)
    out_b: numpy.ndarray
    transitions: numpy.ndarray  # blocked transitions included
    start: numpy.ndarray
    end: numpy.ndarray

    @classmethod
    def from_arrays(cls, arrays: dict[str, numpy.ndarray], prefix: str, blocked: numpy.ndarray) -> "Head":
        n = blocked.shape[0] - 1
        return cls(numpy.ascontiguousarray(arrays[f"{prefix}out_w"].astype("float32").T),
                   arrays[f"{prefix}out_b"].astype("float32"),
                   arrays[f"{prefix}transitions"].astype("float32") + blocked[:n, :n],
                   arrays[f"{prefix}start"].astype("float32") + blocked[n, :n],
                   arrays[f"{prefix}end"].astype("float32") + blocked[:n, n])


@dataclass
class Gate:
    """Picks a head per text: a linear read of the mean of its hidden states, one score per head."""
    w: numpy.ndarray  # (2H, heads)
    b: numpy.ndarray
    heads: list[Head]  # in the order of meta["heads"]: the exported head first

    @classmethod
    def from_arrays(cls, arrays: dict[str, numpy.ndarray], meta: dict, blocked: numpy.ndarray) -> "Gate":
        heads = [Head.from_arrays(arrays, "" if index == 0 else f"head_{name}_", blocked)
                 for index, name in enumerate(meta["heads"])]
        return cls(arrays["gate_w"].astype("float32"), arrays["gate_b"].astype("float32"), heads)

    def choose(self, hidden: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray], lengths: numpy.ndarray
               ) -> numpy.ndarray:
        return (mean_hidden(hidden, lengths) @ self.w + self.b).argmax(axis=1)


def mean_hidden(hidden: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray], lengths: numpy.ndarray
                ) -> numpy.ndarray:
    """(batch, 2H): each text's hidden states of both directions, averaged over its characters."""
    forward, backward, _ = hidden
    valid = (numpy.arange(forward.shape[0])[:, None] < lengths[None, :]).astype("float32")[:, :, None]
    both = numpy.concatenate([(forward * valid).sum(axis=0), (backward * valid).sum(axis=0)], axis=1)
    return both / lengths[:, None].astype("float32")


def _reordered_gates(matrix: numpy.ndarray, hidden: int) -> numpy.ndarray:
    blocks = [matrix[k * hidden:(k + 1) * hidden] for k in range(4)]
    return numpy.concatenate([blocks[k] for k in _GATE_ORDER], axis=0)


class NameModel:
    """The trained network's arrays and the numpy forward pass.

    Both directions run in one loop: their inputs are computed for all
    characters of a batch at once, and each step multiplies the two hidden
    states by their own recurrent weights in one stacked product.
    """

    def __init__(self, arrays: dict[str, numpy.ndarray], meta: dict, lexicon: Lexicon):
        self.meta = meta
        self.labels: list[str] = meta["labels"]
        self.tags = tag_names(self.labels)
        self.lexicon = lexicon
        self.vocabulary = Vocabulary(arrays["vocab_chars"], arrays["vocab_bigrams"])
        self.hidden = size = int(meta["hidden"])
        char_embed = arrays["char_embed"].astype("float32")
        self.bigram_embed = arrays["bigram_embed"].astype("float32")
        char_dim, bigram_dim = char_embed.shape[1], self.bigram_embed.shape[1]
        # sigmoid(x) = (tanh(x / 2) + 1) / 2: the three sigmoid gates' weights are halved here
        # so that the forward pass squashes all four gates with one tanh
        halve = numpy.concatenate([numpy.full(3 * size, 0.5), numpy.ones(size)]).astype("float32")
        w_ih = [_reordered_gates(arrays[f"{d}_w_ih"].astype("float32"), size).T * halve for d in ("forward", "backward")]
        bias = [_reordered_gates(arrays[f"{d}_b_ih"] + arrays[f"{d}_b_hh"], size).astype("float32") * halve
                for d in ("forward", "backward")]
        # a row gather replaces a product per character; the bias rides along in every row
        self.char_in = [char_embed @ w[:char_dim] + b for w, b in zip(w_ih, bias)]
        self.dense_in = [numpy.ascontiguousarray(w[char_dim:char_dim + 2 * bigram_dim + lexicon.n_features])
                         for w in w_ih]
        self.w_hh = numpy.stack([_reordered_gates(arrays[f"{d}_w_hh"].astype("float32"), size).T * halve
                                 for d in ("forward", "backward")])  # (2, H, 4H)
        blocked = numpy.where(allowed_transitions(self.tags), 0.0, -1e4).astype("float32")
        self.head = Head.from_arrays(arrays, "", blocked)
        added = (meta.get("recipe") or {}).get("add_from_heads") or {}
        # another head's labels, taken where the exported head found nothing overlapping
        self.added_heads: list[tuple[Head, frozenset[str]]] = [
            (Head.from_arrays(arrays, f"head_{name}_", blocked), frozenset(labels))
            for name, labels in sorted(added.items()) if f"head_{name}_out_w" in arrays]
        self.gate = Gate.from_arrays(arrays, meta, blocked) if "gate_w" in arrays else None

    @classmethod
    def load(cls, directory: Path) -> "NameModel":
        with numpy.load(directory / MODEL_FILE) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        return cls(arrays, meta, Lexicon.read(directory / LEXICON_FILE))

    def __call__(self, texts: Sequence[str]) -> list[list[Entity]]:
        """The entities of each text (character offsets into it)."""
        results: list[list[Entity]] = [[] for _ in texts]
        for chunk in _length_batches(texts):
            hidden, lengths = self.hidden_states([texts[i] for i in chunk])
            found = self._spans(hidden, lengths, self.head) if self.gate is None else \
                self._gated_spans(hidden, lengths, self.gate)
            for head, labels in self.added_heads:
                for entities, more in zip(found, self._spans(hidden, lengths, head)):
                    join_head_names(entities, more, labels)
            for i, entities in zip(chunk, found):
                results[i] = sorted(entities)
        return results

    def _spans(self, hidden: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray], lengths: numpy.ndarray,
               head: Head) -> list[list[Entity]]:
        paths = self._viterbi(self._scores(hidden, head), lengths, head)
        return [spans_from_tags([self.tags[t] for t in path]) for path in paths]

    def _gated_spans(self, hidden: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray], lengths: numpy.ndarray,
                     gate: "Gate") -> list[list[Entity]]:
        """Each text's names through the head its gate picks."""
        choice = gate.choose(hidden, lengths)
        found: list[list[Entity]] = [[] for _ in lengths]
        for index in numpy.unique(choice):
            rows = numpy.flatnonzero(choice == index)
            picked = tuple(part[:, rows] for part in hidden)
            for row, entities in zip(rows, self._spans(picked, lengths[rows], gate.heads[index])):
                found[row] = entities
        return found

    def tag_paths(self, texts: Sequence[str]) -> list[numpy.ndarray]:
        """The exported head's tag path of each text."""
        emissions, lengths = self.emissions(texts)
        return self._viterbi(emissions, lengths, self.head)

    def emissions(self, texts: Sequence[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The exported head's tag scores (batch, longest text, tags) of non-empty texts, and their lengths."""
        hidden, lengths = self.hidden_states(texts)
        return self._scores(hidden, self.head), lengths

    @staticmethod
    def _scores(hidden: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray], head: Head) -> numpy.ndarray:
        forward, backward, unreversed = hidden
        size = forward.shape[-1]
        scores = (forward @ head.out_w[:size] + (backward @ head.out_w[size:])[unreversed, numpy.arange(forward.shape[1])]
                  + head.out_b)
        return scores.transpose(1, 0, 2)

    def hidden_states(self, texts: Sequence[str]) -> tuple[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray],
                                                             numpy.ndarray]:
        """Both directions' hidden states of non-empty texts with the backward one's unreversing index,
        and the texts' lengths.

        The network runs time-major, each text padded at its end; the backward
        direction reads each text reversed within its own length, so padding
        never comes before a character in either direction (what follows a
        text's end is computed and ignored)."""
        features = joined_features(texts, self.vocabulary, self.lexicon)
        lengths = features.lengths
        steps = int(lengths.max())
        starts = numpy.cumsum(lengths) - lengths
        time = numpy.arange(steps)[:, None]
        valid = time < lengths[None, :]
        pad = int(lengths.sum())  # the index of an all-zero input row
        sources = (numpy.where(valid, starts + time, pad), numpy.where(valid, starts + lengths - 1 - time, pad))
        hidden = self._bilstm(self._gate_inputs(features, sources))
        unreversed = numpy.where(valid, lengths - 1 - time, 0)
        return (hidden[0], hidden[1], unreversed), lengths

    def _gate_inputs(self, features: JoinedFeatures, sources: tuple[numpy.ndarray, numpy.ndarray]
                     ) -> numpy.ndarray:
        """Each direction's gate inputs, (2, steps, batch, 4H): one product for the bigrams
        and the lexicon, plus the character's row (which carries the bias)."""
        at = features.positions()
        chars = numpy.append(features.chars[at], PAD)
        left = numpy.append(features.bigrams[at], PAD)
        right = numpy.append(features.bigrams[at + 1], PAD)
        bits = numpy.append(features.lexicon[at], numpy.uint64(0))
        dense = numpy.concatenate([self.bigram_embed[left], self.bigram_embed[right]], axis=1)
        # a batch holds few distinct lexicon patterns: each is multiplied once
        patterns, which = numpy.unique(bits, return_inverse=True)
        pattern_matrix = bits_to_matrix(patterns, self.lexicon.n_features)
        steps, batch = sources[0].shape
        gates_in = numpy.empty((2, steps * batch, 4 * self.hidden), dtype="float32")
        for direction, source in enumerate(sources):
            flat = source.reshape(-1)
            numpy.matmul(dense[flat], self.dense_in[direction][:dense.shape[1]], out=gates_in[direction])
            gates_in[direction] += self.char_in[direction][chars[flat]]
            lexicon_in = pattern_matrix @ self.dense_in[direction][dense.shape[1]:]
            gates_in[direction] += lexicon_in[which.reshape(-1)[flat]]
        return gates_in.reshape(2, steps, batch, 4 * self.hidden)

    def _bilstm(self, gates_in: numpy.ndarray) -> numpy.ndarray:
        """Both directions' hidden states, (2, steps, batch, H).

        The sigmoid gates' weights were halved at load, so one tanh over all
        gates gives tanh(x / 2) for them, and sigmoid(x) = (tanh(x / 2) + 1) / 2."""
        size = self.hidden
        _, steps, batch, _ = gates_in.shape
        c = numpy.zeros((2, batch, size), dtype="float32")
        out = numpy.empty((2, steps, batch, size), dtype="float32")
        gates = numpy.empty((2, batch, 4 * size), dtype="float32")
        h = numpy.zeros((2, batch, size), dtype="float32")
        for t in range(steps):
            numpy.matmul(h, self.w_hh, out=gates)
            gates += gates_in[:, t]
            numpy.tanh(gates, out=gates)
            sig = gates[:, :, :3 * size]
            sig += 1.0
            sig *= 0.5
            c *= gates[:, :, size:2 * size]
            gates[:, :, 3 * size:] *= gates[:, :, :size]
            c += gates[:, :, 3 * size:]
            h = out[:, t]
            numpy.tanh(c, out=h)
            h *= gates[:, :, 2 * size:3 * size]
        return out

    @staticmethod
    def _viterbi(emissions: numpy.ndarray, lengths: numpy.ndarray, head: Head) -> list[numpy.ndarray]:
        batch, steps, n_tags = emissions.shape
        score = head.start + emissions[:, 0]
        back = numpy.zeros((steps, batch, n_tags), dtype="int64")
        for t in range(1, steps):
            candidates = score[:, :, None] + head.transitions[None]
            best = candidates.argmax(axis=1)
            stepped = numpy.take_along_axis(candidates, best[:, None, :], axis=1)[:, 0] + emissions[:, t]
            running = (t < lengths)[:, None]
            score = numpy.where(running, stepped, score)
            back[t] = best
        paths = []
        for b, n in enumerate(lengths):
            tag = int((score[b] + head.end).argmax())
            path = [tag]
            for t in range(n - 1, 0, -1):
                tag = int(back[t, b, tag])
                path.append(tag)
            paths.append(numpy.asarray(path[::-1]))
        return paths


def join_head_names(entities: list[Entity], more: Sequence[Entity], labels: frozenset[str]) -> None:
    """Adds to ``entities`` another head's names of ``labels`` that overlap none of them."""
    entities += [e for e in more if e[2] in labels and not _overlaps_any(e, entities)]


def _overlaps_any(entity: Entity, others: list[Entity]) -> bool:
    return any(entity[0] < end and start < entity[1] for start, end, _ in others)


def _length_batches(texts: Sequence[str]) -> list[list[int]]:
    """Indices of the non-empty texts, by length, in batches of at most BATCH_CELLS padded characters."""
    order = sorted((i for i, text in enumerate(texts) if text), key=lambda i: len(texts[i]))
    batches, current = [], []
    for i in order:
        if current and len(texts[i]) * (len(current) + 1) > BATCH_CELLS:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
