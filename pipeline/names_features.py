"""Character features for the statistical name model (``zh_statistical_names``).

The NER runs on character tokens (no entity is ever lost to a segmentation
boundary), but a lone character says little in Chinese.  So each character is
embedded together with its left and right character bigrams and a lexicon
feature (is it the start / middle / end of a known word, and how long is that
word) - the word-boundary evidence a segmenter would give, at a fraction of
its cost.  The architecture is registered with spaCy so the packaged model in
data/models/ loads with this module imported; the lexicon travels inside the
model's weights file (``attrs``), so no extra file has to be found at run time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional, Tuple

import numpy
from spacy.attrs import ORTH
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d

# Any fixed odd multipliers do: HashEmbed re-hashes every id with its own seed.
_LEFT_MULT = numpy.uint64(0x9E3779B97F4A7C15)
_RIGHT_MULT = numpy.uint64(0xC2B2AE3D27D4EB4F)
_EDGE = numpy.uint64(0x5F3759DF)  # stands for the text boundary
MAX_WORD = 4  # longest lexicon word looked up at each position
N_COLUMNS = 4
TEXT_KEY = "zh_names_text"

_CODE_BITS = numpy.uint64(21)  # a Unicode code point fits in 21 bits: three fit in one key


class Lexicon:
    """The model's word list, as sorted integer keys for batch lookups.

    Words of 2 and 3 characters are looked up by their code points packed into
    one uint64; a 4-character word by its first three, then checked as text.
    """

    def __init__(self, words: frozenset[str]):
        self.words = words
        self.keys = {
            length: numpy.unique(numpy.asarray(
                [_packed(word[:3]) for word in words if len(word) == length], dtype="uint64"))
            for length in range(2, MAX_WORD + 1)
        }


def _packed(chars: str) -> int:
    key = 0
    for char in chars:
        key = (key << int(_CODE_BITS)) | ord(char)
    return key


def _window_keys(codes: numpy.ndarray, width: int) -> numpy.ndarray:
    count = len(codes) - width + 1
    keys = codes[:count].copy()
    for k in range(1, width):
        keys <<= _CODE_BITS
        keys |= codes[k:k + count]
    return keys


def _known(keys: numpy.ndarray, sorted_keys: numpy.ndarray) -> numpy.ndarray:
    if len(sorted_keys) == 0 or len(keys) == 0:
        return numpy.zeros(len(keys), dtype=bool)
    index = numpy.minimum(numpy.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[index] == keys


_lexicon_cache: dict[int, Lexicon] = {}


def _lexicon_of(model: Model) -> Lexicon:
    raw: str = model.attrs["lexicon"]
    key = id(raw)
    if key not in _lexicon_cache:
        _lexicon_cache[key] = Lexicon(frozenset(raw.split("\n")) - {""})
    return _lexicon_cache[key]


def lexicon_codes(text: str, lexicon: Lexicon) -> numpy.ndarray:
    """Per character: longest known word starting here, ending here, covering it.

    Texts of a batch may be joined with NUL between them: no word holds one.
    """
    n = len(text)
    codes = numpy.frombuffer(text.encode("utf-32-le"), dtype="uint32").astype("uint64")
    starts = numpy.zeros(n, dtype="uint64")
    ends = numpy.zeros(n, dtype="uint64")
    inside = numpy.zeros(n, dtype="uint64")
    for length in range(2, min(MAX_WORD, n) + 1):
        count = n - length + 1
        known = _known(_window_keys(codes, min(length, 3)), lexicon.keys[length])[:count]
        if length > 3:  # the first three characters matched; check the whole word
            for i in numpy.flatnonzero(known):
                known[i] = text[i:i + length] in lexicon.words
        if not known.any():
            continue
        starts[:count][known] = length  # lengths ascend: the longest word wins
        ends[length - 1:][known] = length
        for k in range(1, length - 1):
            inside[k:k + count][known] = 1
    return starts * numpy.uint64(10) + ends * numpy.uint64(2) + inside + numpy.uint64(1)


def batch_lexicon_codes(texts: List[str], lexicon: Lexicon) -> List[numpy.ndarray]:
    """lexicon_codes of each text, computed in one pass over the batch."""
    codes = lexicon_codes("\0".join(texts), lexicon)
    bounds = numpy.cumsum([len(text) + 1 for text in texts])
    return [codes[end - len(text) - 1:end - 1] for end, text in zip(bounds, texts)]


def char_feature_columns(doc: Doc, lexical: Optional[numpy.ndarray]) -> numpy.ndarray:
    """Per character token: itself, its left and right bigrams, its lexicon code.

    ``lexical`` is None when the tokens are not single characters (never the
    case in this pipeline): then there is no lexicon evidence.
    """
    orth = doc.to_array(ORTH).astype("uint64")
    if len(orth) == 0:
        return numpy.zeros((0, N_COLUMNS), dtype="uint64")
    previous = numpy.concatenate([[_EDGE], orth[:-1]]).astype("uint64")
    following = numpy.concatenate([orth[1:], [_EDGE]]).astype("uint64")
    with numpy.errstate(over="ignore"):
        left_bigram = previous * _LEFT_MULT + orth
        right_bigram = orth * _RIGHT_MULT + following
    if lexical is None:
        lexical = numpy.ones(len(orth), dtype="uint64")
    return numpy.stack([orth, left_bigram, right_bigram, lexical], axis=1)


def doc_text(doc: Doc) -> str:
    """doc.text, computed once per doc: spaCy rebuilds it from the tokens on
    every access, which costs more than some components themselves."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


def make_char_doc(nlp, text: str) -> Doc:
    """The model's doc for a text: one token per character, as its tokenizer
    makes it, built directly when there is no whitespace to attach."""
    if any(ch.isspace() for ch in text):
        doc = nlp.make_doc(text)
    else:
        doc = Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
    doc.user_data[TEXT_KEY] = text
    return doc


def model_doc_for(nlp, doc: Doc, text: str) -> Doc:
    """The model's doc for a pipeline doc: the doc itself when it already has
    one token per character (the char segmenter, text without whitespace);
    the features read only the token strings, which do not depend on the vocab."""
    if len(doc) == len(text) and not any(ch.isspace() for ch in text):
        doc.user_data[TEXT_KEY] = text
        return doc
    return make_char_doc(nlp, text)


def _extract_forward(model: Model, docs: List[Doc], is_train: bool) -> Tuple[List[Ints2d], Callable]:
    texts = [doc_text(doc) for doc in docs]
    char_texts = [text for doc, text in zip(docs, texts) if len(text) == len(doc)]
    lexical = iter(batch_lexicon_codes(char_texts, _lexicon_of(model)))
    features = [
        model.ops.asarray2i(char_feature_columns(doc, next(lexical) if len(text) == len(doc) else None), dtype="uint64")
        for doc, text in zip(docs, texts)
    ]
    return features, lambda d_features: []


def read_lexicon(path: str) -> str:
    """The lexicon file's words; empty when the file is absent (then the words
    come back from the serialized model when it is loaded)."""
    file = Path(path) if path else None
    if file is None or not file.exists():
        return ""
    return "\n".join(w.strip() for w in file.read_text(encoding="utf-8").splitlines() if w.strip())


@registry.architectures("zh_names.CharNgramEmbed.v1")
def char_ngram_embed(
    width: int, unigram_rows: int, bigram_rows: int, lexicon_path: str = ""
) -> Model[List[Doc], List[Floats2d]]:
    extractor: Model = Model("zh_char_features", _extract_forward, attrs={"lexicon": read_lexicon(lexicon_path)})
    rows = [unigram_rows, bigram_rows, bigram_rows, 64]
    embeddings = [HashEmbed(width, n_rows, column=i, seed=11 + i, dropout=0.0) for i, n_rows in enumerate(rows)]
    return chain(
        extractor,
        list2ragged(),
        with_array(concatenate(*embeddings)),
        with_array(Maxout(width, width * len(embeddings), nP=3, dropout=0.0, normalize=True)),
        ragged2list(),
    )
