"""spaCy's greedy NER decoding, run for a whole batch at once in numpy.

spaCy's ``ner`` component predicts one BILUO move per token, and for each
state at each step it asks every move whether it is valid, one C call per
move: on this machine that bookkeeping took a third of the name model's time,
more than the network's last layers.  A batch of sentences, though, moves in
lockstep - every state takes exactly one move per token - so the same
decisions can be made for all sentences of a batch with a few array
operations per step.

:class:`GreedyEntityDecoder` reads the trained component's own weights and
reproduces its decoding: the same three state features (the next token, the
first token of the open entity, the token before the next), the same maxout
hidden layer and output layer, the same validity rules
(``spacy/pipeline/_parser_internals/ner.pyx`` without preset entities: docs
handed to it carry none) and the same tie-breaking (the first best move).
Only the order of additions inside the output layer's matrix product may
differ from spaCy's BLAS, so a near-tie can in principle go the other way;
tests/test_ner_decode.py holds it to spaCy's own output on held-out text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

# move kinds, as spaCy's BiluoPushDown names them (get_class_name: "B-ORG", "O", "U-")
BEGIN, IN, LAST, UNIT, OUT, BLOCKED = range(6)
_KIND_OF_PREFIX = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT, "O": OUT}

Entity = tuple[int, int, str]  # start char, end char, label


@dataclass(frozen=True)
class _Moves:
    kinds: numpy.ndarray   # (n_moves,) move kind
    labels: numpy.ndarray  # (n_moves,) label index into names, -1 for O and the blocked U-
    names: list[str]


def _read_moves(ner) -> _Moves:
    kinds, labels, names = [], [], []
    for move in range(ner.moves.n_moves):
        prefix, _, label = ner.moves.get_class_name(move).partition("-")
        kind = _KIND_OF_PREFIX[prefix]
        if kind == UNIT and not label:
            kind = BLOCKED  # "U-": only valid on a preset blocked token
        if label and label not in names:
            names.append(label)
        kinds.append(kind)
        labels.append(names.index(label) if label else -1)
    return _Moves(numpy.asarray(kinds), numpy.asarray(labels), names)


def _validity_table(moves: _Moves) -> numpy.ndarray:
    """Additive mask per state code: 0 where a move is valid, -inf where not.

    A state code packs what validity depends on: the open entity's label
    (0 = none, else index + 1), whether the next token is the doc's last,
    whether it is whitespace, and whether the token after it starts a sentence.
    """
    n_labels = len(moves.names)
    table = numpy.full((n_labels + 1, 2, 2, 2, len(moves.kinds)), -numpy.inf, dtype="float32")
    for open_code in range(n_labels + 1):
        for is_last in (0, 1):
            for is_space in (0, 1):
                for next_starts_sentence in (0, 1):
                    for move, (kind, label) in enumerate(zip(moves.kinds, moves.labels)):
                        is_open = open_code > 0
                        same_label = is_open and label == open_code - 1
                        if kind == BEGIN:
                            valid = not is_open and not is_last and not next_starts_sentence and not is_space
                        elif kind == IN:
                            valid = same_label and not is_last and not next_starts_sentence
                        elif kind == LAST:
                            valid = same_label
                        elif kind == UNIT:
                            valid = not is_open and not is_space
                        elif kind == OUT:
                            valid = not is_open
                        else:
                            valid = False
                        if valid:
                            table[open_code, is_last, is_space, next_starts_sentence, move] = 0.0
    return table.reshape(-1, len(moves.kinds))


def _max_over_pieces(pieces: numpy.ndarray) -> numpy.ndarray:
    """Maxout over the last (short) axis: elementwise maxima beat a reduction over 2-3 values."""
    best = pieces[..., 0].copy()
    for piece in range(1, pieces.shape[-1]):
        numpy.maximum(best, pieces[..., piece], out=best)
    return best


class GreedyEntityDecoder:
    """Entities of char-token docs, as the loaded model's ``ner`` component finds them.

    ``tok2vec`` (the shared encoder) runs as spaCy runs it; this replaces the
    ``ner`` component's prediction for docs without preset entities.
    """

    def __init__(self, nlp: Language, ner_name: str = "ner"):
        self.nlp = nlp
        ner = nlp.get_pipe(ner_name)
        model = ner.model
        if model.attrs.get("unseen_classes"):
            raise ValueError("the name model has unseen classes; decode it with spaCy's own ner component")
        self.ner_tok2vec = model.get_ref("tok2vec")
        self.lower = model.get_ref("lower")
        upper = model.get_ref("upper") if model.attrs["has_upper"] else None
        self.upper_W = None if upper is None else upper.get_param("W").T.copy()
        self.upper_b = None if upper is None else upper.get_param("b")
        self.n_pieces = self.lower.get_dim("nP")
        self.lower_bias = self.lower.get_param("b").reshape(-1)
        self.moves = _read_moves(ner)
        self.validity = _validity_table(self.moves)
        self.encoders = [proc for name, proc in nlp.pipeline if name != ner_name]

    def __call__(self, docs: Sequence[Doc]) -> list[list[Entity]]:
        if not docs:
            return []
        for encoder in self.encoders:  # the shared tok2vec sets doc.tensor, which ner's listener reads
            docs = list(encoder.pipe(docs))
        lengths = numpy.asarray([len(doc) for doc in docs])
        moves = self._decode(docs, lengths)
        return [self._entities(doc, doc_moves[: len(doc)]) for doc, doc_moves in zip(docs, moves)]

    def _features(self, docs: Sequence[Doc]) -> numpy.ndarray:
        """Per token and state feature, the lower layer's pre-activation; row 0 is padding."""
        token_vectors = self.ner_tok2vec.predict(docs)
        precomputed = self.lower.predict(token_vectors)  # (tokens + 1, nF, nO, nP)
        return precomputed.reshape(precomputed.shape[0], precomputed.shape[1], -1)

    def _decode(self, docs: Sequence[Doc], lengths: numpy.ndarray) -> numpy.ndarray:
        """The chosen move per doc and token: (docs, longest doc) array."""
        features = self._features(docs)
        n_docs = len(docs)
        chosen = numpy.full((n_docs, int(lengths.max(initial=0))), -1, dtype="int16")
        # Longest first, so the docs still going at step t are a prefix.
        order = numpy.argsort(-lengths, kind="stable")
        sorted_lengths = lengths[order]
        descending = -sorted_lengths  # ascending, for searchsorted
        # +1: row 0 of the features is the padding row
        offsets = (numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]]) + 1)[order]
        token_codes = self._token_codes(docs)
        code_at = numpy.concatenate([[0], token_codes])  # indexed like the features
        open_label = numpy.zeros(n_docs, dtype="int64")  # 0 = no entity open, else label + 1
        open_start = numpy.zeros(n_docs, dtype="int64")
        move_kinds = self.moves.kinds
        move_labels = self.moves.labels + 1
        for step in range(int(sorted_lengths[0])):
            active = int(numpy.searchsorted(descending, -step, side="left"))  # docs longer than step
            next_token = offsets[:active] + step
            is_open = open_label[:active] > 0
            entity_first = numpy.where(is_open, offsets[:active] + open_start[:active], 0)
            before_next = numpy.where(is_open, next_token - 1, 0)
            hidden = features[next_token, 0] + features[entity_first, 1] + features[before_next, 2]
            hidden += self.lower_bias
            hidden = _max_over_pieces(hidden.reshape(active, -1, self.n_pieces))
            if self.upper_W is not None:
                scores = hidden @ self.upper_W + self.upper_b
            else:
                scores = hidden
            is_last = (sorted_lengths[:active] - 1 == step).astype("int64")
            state_code = ((open_label[:active] * 2 + is_last) * 4) + code_at[next_token]
            scores = scores + self.validity[state_code]
            move = scores.argmax(axis=1)
            chosen[order[:active], step] = move
            kind = move_kinds[move]
            opens = kind == BEGIN
            closes = (kind == LAST) | (kind == UNIT)
            open_start[:active][opens] = step
            labels_now = open_label[:active]
            labels_now[opens] = move_labels[move[opens]]
            labels_now[closes] = 0
        return chosen

    @staticmethod
    def _token_codes(docs: Sequence[Doc]) -> numpy.ndarray:
        """Per token: 2 if it is whitespace, + 1 if the token after it starts a sentence."""
        codes = []
        for doc in docs:
            attrs = doc.to_array([IS_SPACE, SENT_START]).astype("int64")
            if len(doc) == 0:
                continue
            next_starts = numpy.zeros(len(doc), dtype="int64")
            next_starts[:-1] = attrs[1:, 1] == 1
            codes.append(attrs[:, 0] * 2 + next_starts)
        return numpy.concatenate(codes) if codes else numpy.zeros(0, dtype="int64")

    def _entities(self, doc: Doc, moves: numpy.ndarray) -> list[Entity]:
        kinds = self.moves.kinds[moves]
        entities: list[Entity] = []
        start = 0
        for position in numpy.flatnonzero((kinds == BEGIN) | (kinds == LAST) | (kinds == UNIT)):
            kind = kinds[position]
            if kind == BEGIN:
                start = position
                continue
            first = start if kind == LAST else position
            label = self.moves.names[self.moves.labels[moves[position]]]
            span = doc[first: position + 1]
            entities.append((span.start_char, span.end_char, label))
        return entities
