"""The name model's numpy parts: lexicon matching, ids, the batched BiLSTM
against a one-text-at-a-time reference, and Viterbi against brute force."""
from __future__ import annotations

import itertools

import numpy
import pytest

from pipeline.extract.names.features import (POSITIONS, Lexicon, Vocabulary, batch_features, bits_to_matrix, code_points,
                                             window_hashes, word_hash)
from pipeline.extract.names.model import NameModel, allowed_transitions, mean_hidden, spans_from_tags, tag_names

CATEGORIES = ["word", "place", "surname"]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_words(CATEGORIES, {"阳泉": 0b011, "阳泉市": 0b010, "市民": 0b001, "李": 0b100,
                                           "民政局": 0b001})


def positions(lexicon: Lexicon, text: str) -> list[set[str]]:
    matrix = bits_to_matrix(lexicon.features(text), lexicon.n_features)
    return [{f"{CATEGORIES[j // 4]}-{POSITIONS[j % 4]}" for j in numpy.flatnonzero(row)} for row in matrix]


def test_window_hashes_agree_with_word_hashes():
    text = "中国人民银行在北京"
    for length in (1, 2, 3, 6):
        hashes = window_hashes(code_points(text), length)
        assert [int(h) for h in hashes] == [word_hash(text[i:i + length]) for i in range(len(text) - length + 1)]


def test_lexicon_marks_begin_middle_end_and_single(lexicon):
    marks = positions(lexicon, "李在阳泉市民政局")
    assert marks[0] == {"surname-S"}
    assert marks[1] == set()
    assert marks[2] == {"word-B", "place-B"}               # 阳泉, 阳泉市
    assert marks[3] == {"word-E", "place-E", "place-M"}    # 阳泉 ends, 阳泉市 goes on
    assert marks[4] == {"place-E", "word-B"}               # 阳泉市 ends, 市民 starts
    assert marks[5] == {"word-E", "word-B"}                # 市民 ends, 民政局 starts
    assert marks[7] == {"word-E"}


def test_batch_features_do_not_match_across_texts(lexicon):
    vocabulary = Vocabulary(numpy.asarray(sorted(map(ord, "阳泉市")), dtype="uint64"), numpy.zeros(0, dtype="uint64"))
    first, second = batch_features(["阳", "泉市"], vocabulary, lexicon)
    assert first.lexicon.tolist() == [0] and second.lexicon[0] == 0  # 阳|泉 is no word across the join
    assert first.chars.tolist() == [2 + sorted(map(ord, "阳泉市")).index(ord("阳"))]
    assert second.bigrams.tolist() == [1, 1, 1]  # no bigram known: all unknown
    assert len(second.bigrams) == len("泉市") + 1


def test_bioes_constraints_and_spans():
    tags = tag_names(["ORG", "PERSON"])
    allowed = allowed_transitions(tags)
    index = {t: i for i, t in enumerate(tags)}
    assert allowed[index["B-ORG"], index["I-ORG"]] and allowed[index["B-ORG"], index["E-ORG"]]
    assert not allowed[index["B-ORG"], index["E-PERSON"]] and not allowed[index["B-ORG"], index["O"]]
    assert not allowed[index["O"], index["I-ORG"]]
    edge = len(tags)
    assert not allowed[edge, index["E-ORG"]] and not allowed[index["B-ORG"], edge]
    assert spans_from_tags(["S-PERSON", "O", "B-ORG", "I-ORG", "E-ORG"]) == [(0, 1, "PERSON"), (2, 5, "ORG")]


def _random_model(lexicon: Lexicon, hidden: int = 5, seed: int = 0) -> tuple[NameModel, dict]:
    """A model with random weights, and those weights (as float32, which the model computes in)."""
    rng = numpy.random.default_rng(seed)
    chars = numpy.asarray(sorted(map(ord, "阳泉市民政局李在")), dtype="uint64")
    bigrams = numpy.asarray(sorted((ord(a) << 21) | ord(b) for a, b in ("阳泉", "泉市", "市民")), dtype="uint64")
    labels = ["ORG", "PERSON"]
    n_tags = len(tag_names(labels))
    char_dim, bigram_dim = 4, 3
    width = char_dim + 2 * bigram_dim + lexicon.n_features
    arrays = {"char_embed": rng.normal(size=(len(chars) + 2, char_dim)),
              "bigram_embed": rng.normal(size=(len(bigrams) + 2, bigram_dim)),
              "out_w": rng.normal(size=(n_tags, 2 * hidden)), "out_b": rng.normal(size=n_tags),
              "transitions": rng.normal(size=(n_tags, n_tags)), "start": rng.normal(size=n_tags),
              "end": rng.normal(size=n_tags)}
    for direction in ("forward", "backward"):
        arrays[f"{direction}_w_ih"] = rng.normal(size=(4 * hidden, width)) * 0.5
        arrays[f"{direction}_w_hh"] = rng.normal(size=(4 * hidden, hidden)) * 0.5
        arrays[f"{direction}_b_ih"] = rng.normal(size=4 * hidden) * 0.1
        arrays[f"{direction}_b_hh"] = rng.normal(size=4 * hidden) * 0.1
    arrays = {k: v.astype("float32") for k, v in arrays.items()}
    model = NameModel({**arrays, "vocab_chars": chars, "vocab_bigrams": bigrams},
                      {"labels": labels, "hidden": hidden}, lexicon)
    return model, {k: v.astype("float64") for k, v in arrays.items()}


def _reference_lstm(x: numpy.ndarray, w_ih, w_hh, b) -> numpy.ndarray:
    size = w_hh.shape[1]
    h, c, out = numpy.zeros(size), numpy.zeros(size), []
    sigmoid = lambda v: 1 / (1 + numpy.exp(-v))  # noqa: E731
    for row in x:
        gates = w_ih @ row + w_hh @ h + b
        i, f, g, o = (gates[k * size:(k + 1) * size] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * numpy.tanh(g)
        h = sigmoid(o) * numpy.tanh(c)
        out.append(h)
    return numpy.asarray(out)


def _reference_emissions(model: NameModel, weights: dict, text: str) -> numpy.ndarray:
    feat = batch_features([text], model.vocabulary, model.lexicon)[0]
    n = len(text)
    x = numpy.concatenate([weights["char_embed"][feat.chars], weights["bigram_embed"][feat.bigrams[:n]],
                           weights["bigram_embed"][feat.bigrams[1:]],
                           bits_to_matrix(feat.lexicon, model.lexicon.n_features)], axis=1)
    forward = _reference_lstm(x, weights["forward_w_ih"], weights["forward_w_hh"],
                              weights["forward_b_ih"] + weights["forward_b_hh"])
    backward = _reference_lstm(x[::-1], weights["backward_w_ih"], weights["backward_w_hh"],
                               weights["backward_b_ih"] + weights["backward_b_hh"])[::-1]
    return numpy.concatenate([forward, backward], axis=1) @ weights["out_w"].T + weights["out_b"]


def _best_path_by_brute_force(model: NameModel, emissions: numpy.ndarray) -> list[int]:
    best, best_path = -numpy.inf, None
    for path in itertools.product(range(len(model.tags)), repeat=len(emissions)):
        score = model.head.start[path[0]] + emissions[0, path[0]] + model.head.end[path[-1]]
        score += sum(model.head.transitions[a, b] + emissions[t + 1, b] for t, (a, b) in enumerate(zip(path, path[1:])))
        if score > best:
            best, best_path = score, list(path)
    return best_path


def test_batched_network_matches_one_text_at_a_time(lexicon):
    """The batch pads shorter texts and reverses each within its own length for
    the backward direction: each text's scores must be what it gets alone."""
    model, weights = _random_model(lexicon)
    texts = ["李在阳泉市民政局", "阳泉", "民政局李", "在"]
    emissions, lengths = model.emissions(texts)
    assert lengths.tolist() == [len(t) for t in texts]
    for b, text in enumerate(texts):
        expected = _reference_emissions(model, weights, text)
        numpy.testing.assert_allclose(emissions[b, :len(text)], expected, rtol=1e-4, atol=1e-4)


def test_viterbi_finds_the_best_valid_path(lexicon):
    model, _ = _random_model(lexicon, seed=3)
    rng = numpy.random.default_rng(4)
    for length in (1, 2, 3, 4):
        emissions = rng.normal(size=(1, length, len(model.tags))).astype("float32") * 3
        path = model._viterbi(emissions, numpy.asarray([length]), model.head)[0]
        assert path.tolist() == _best_path_by_brute_force(model, emissions[0])


def test_viterbi_of_a_padded_batch_equals_each_alone(lexicon):
    model, _ = _random_model(lexicon, seed=5)
    rng = numpy.random.default_rng(6)
    emissions = rng.normal(size=(3, 6, len(model.tags))).astype("float32") * 3
    lengths = numpy.asarray([6, 2, 4])
    together = model._viterbi(emissions, lengths, model.head)
    for b, n in enumerate(lengths):
        alone = model._viterbi(emissions[b:b + 1, :n], numpy.asarray([n]), model.head)[0]
        assert together[b].tolist() == alone.tolist()


def test_empty_texts_have_no_names_and_keep_their_place(lexicon):
    model, _ = _random_model(lexicon)
    found = model(["", "李在阳泉", "", "阳泉市民"])
    assert len(found) == 4 and found[0] == [] and found[2] == []
    assert found[1] == model(["李在阳泉"])[0] and found[3] == model(["阳泉市民"])[0]


def test_another_heads_labels_join_where_the_exported_head_found_nothing_overlapping(lexicon):
    model, weights = _random_model(lexicon)
    rng = numpy.random.default_rng(7)
    other = {f"head_cluener_{key}": (rng.normal(size=weights[key].shape) * 3).astype("float32")
             for key in ("out_w", "out_b", "transitions", "start", "end")}
    arrays = {**{k: v.astype("float32") for k, v in weights.items()},
              "vocab_chars": model.vocabulary.chars, "vocab_bigrams": model.vocabulary.bigrams}
    meta = {"labels": model.labels, "hidden": model.hidden}
    combined = NameModel({**arrays, **other}, {**meta, "recipe": {"add_from_heads": {"cluener": ["ORG"]}}}, lexicon)
    as_exported = NameModel({**arrays, **other}, meta, lexicon)  # extra heads unused without add_from_heads
    cluener_alone = NameModel({**arrays, **{k[len("head_cluener_"):]: v for k, v in other.items()}}, meta, lexicon)
    texts = ["阳泉市民政局李在", "李在阳泉市", "民政局", "市民政局局长李在泉"]
    assert as_exported(texts) == model(texts)
    added_any = False
    for found, main, extra in zip(combined(texts), model(texts), cluener_alone(texts)):
        added = [e for e in extra if e[2] == "ORG" and not any(e[0] < b and a < e[1] for a, b, _ in main)]
        assert found == sorted(main + added)
        added_any |= bool(added)
    assert added_any, "the random heads should disagree somewhere"


def test_a_gate_reads_each_text_with_the_head_it_scores_highest(lexicon):
    model, weights = _random_model(lexicon)
    rng = numpy.random.default_rng(8)
    other = {f"head_cluener_{key}": (rng.normal(size=weights[key].shape) * 3).astype("float32")
             for key in ("out_w", "out_b", "transitions", "start", "end")}
    arrays = {**{k: v.astype("float32") for k, v in weights.items()}, **other,
              "vocab_chars": model.vocabulary.chars, "vocab_bigrams": model.vocabulary.bigrams}
    meta = {"labels": model.labels, "hidden": model.hidden, "heads": ["pd", "cluener"]}
    cluener_alone = NameModel({**arrays, **{k[len("head_cluener_"):]: v for k, v in other.items()}}, meta, lexicon)
    texts = ["阳泉市民政局李在", "李在阳泉市", "民政局", "市民政局局长李在泉"]
    hidden, lengths = model.hidden_states(texts)
    pooled = mean_hidden(hidden, lengths)
    # a gate that sends the texts whose first pooled unit is above the median to the second head
    gate_w = numpy.zeros((2 * model.hidden, 2), dtype="float32")
    gate_w[0, 1] = 1.0
    gated = NameModel({**arrays, "gate_w": gate_w, "gate_b": numpy.asarray([numpy.median(pooled[:, 0]), 0.0],
                                                                             dtype="float32")}, meta, lexicon)
    to_second = pooled[:, 0] > numpy.median(pooled[:, 0])
    assert 0 < to_second.sum() < len(texts)
    expected = [alone if second else main for main, alone, second in zip(model(texts), cluener_alone(texts), to_second)]
    assert gated(texts) == expected
    assert model(texts) != cluener_alone(texts), "the random heads should disagree somewhere"
