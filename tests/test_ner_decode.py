import json

import numpy
import pytest

from pipeline.config import MODELS_DIR, PROJECT_ROOT
from pipeline.names_features import MAX_WORD, Lexicon, batch_lexicon_codes, lexicon_codes

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "names_heldout.jsonl"
needs_model = pytest.mark.skipif(not (MODELS_DIR / "ner" / "config.cfg").exists(),
                                 reason="no trained model in data/models/ner")


def _codes_one_by_one(text: str, words: frozenset[str]) -> list[int]:
    """The lexicon feature spelled out position by position, as the model was trained on it."""
    n = len(text)
    starts, ends, inside = [0] * n, [0] * n, [0] * n
    for i in range(n):
        for length in range(2, MAX_WORD + 1):
            j = i + length
            if j <= n and text[i:j] in words:
                starts[i] = length
                ends[j - 1] = max(ends[j - 1], length)
                for k in range(i + 1, j - 1):
                    inside[k] = 1
    return [s * 10 + e * 2 + c + 1 for s, e, c in zip(starts, ends, inside)]


WORDS = frozenset({"中国", "人民", "共和国", "中华人民", "人民共和", "国务院", "院长", "𠀋𠀋"})


@pytest.mark.parametrize("text", ["", "中", "中国", "中华人民共和国国务院院长", "人民人民共和国", "a中国b", "𠀋𠀋中国"])
def test_lexicon_codes_match_the_position_by_position_definition(text):
    assert lexicon_codes(text, Lexicon(WORDS)).tolist() == _codes_one_by_one(text, WORDS)


def test_batch_codes_do_not_join_words_across_texts():
    texts = ["我们中", "国人民", "", "共和国"]
    codes = batch_lexicon_codes(texts, Lexicon(WORDS))
    assert [c.tolist() for c in codes] == [_codes_one_by_one(t, WORDS) for t in texts]


@needs_model
def test_decoder_finds_exactly_what_spacys_ner_component_finds():
    from pipeline.names import load_name_model
    from pipeline.names_features import make_char_doc
    from pipeline.ner_decode import GreedyEntityDecoder

    model = load_name_model(str(MODELS_DIR))
    texts = [json.loads(line)["text"] for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    texts += ["", "新华社北京 1月 28日电 记者 李 四", "人", "习近平"]  # empty, whitespace tokens, one character
    by_spacy = [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in model.pipe([make_char_doc(model, t) for t in texts], batch_size=64)]
    decoder = GreedyEntityDecoder(model)
    for size in (1, 7, 64, len(texts)):  # results do not depend on how the docs are batched
        found = [ents for i in range(0, len(texts), size)
                 for ents in decoder([make_char_doc(model, t) for t in texts[i:i + size]])]
        assert found == by_spacy
    assert sum(map(len, by_spacy)) > 200


@needs_model
def test_decoder_respects_sentence_starts_and_whitespace():
    from pipeline.names import load_name_model
    from pipeline.ner_decode import GreedyEntityDecoder

    model = load_name_model(str(MODELS_DIR))
    text = "国务院总理李 鹏会见了日本客人。新华社记者王小明报道"
    cut = {text.index("鹏"), text.index("明")}  # sentence starts inside two names

    def doc():
        made = model.make_doc(text)
        for token in made:
            token.is_sent_start = token.i == 0 or token.idx in cut
        return made

    expected = [(e.start_char, e.end_char, e.label_) for e in model(doc()).ents]
    assert GreedyEntityDecoder(model)([doc()]) == [expected]
    assert not any(start < position < end for start, end, _ in expected for position in cut)


def test_validity_table_allows_only_biluo_sequences():
    from pipeline.ner_decode import BEGIN, IN, LAST, OUT, UNIT, _Moves, _validity_table

    moves = _Moves(numpy.asarray([BEGIN, IN, LAST, UNIT, OUT]), numpy.asarray([0, 0, 0, 0, -1]), ["ORG"])
    table = _validity_table(moves).reshape(2, 2, 2, 2, 5) == 0
    assert table[0, 0, 0, 0].tolist() == [True, False, False, True, True]  # nothing open
    assert table[1, 0, 0, 0].tolist() == [False, True, True, False, False]  # ORG open
    assert table[1, 1, 0, 0].tolist() == [False, False, True, False, False]  # ORG open at the last token
    assert table[0, 0, 1, 0].tolist() == [False, False, False, False, True]  # whitespace never starts a name
    assert table[0, 0, 0, 1].tolist() == [False, False, False, True, True]  # no name across a sentence start
