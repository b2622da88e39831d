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
from typing import Callable, List, Tuple

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

_lexicon_cache: dict[int, frozenset[str]] = {}


def _lexicon_of(model: Model) -> frozenset[str]:
    raw: str = model.attrs["lexicon"]
    key = id(raw)
    if key not in _lexicon_cache:
        _lexicon_cache[key] = frozenset(raw.split("\n")) - {""}
    return _lexicon_cache[key]


def lexicon_codes(text: str, lexicon: frozenset[str]) -> numpy.ndarray:
    """Per character: longest known word starting here, ending here, covering it."""
    n = len(text)
    starts = [0] * n
    ends = [0] * n
    inside = [0] * n
    for i in range(n):
        for length in range(2, MAX_WORD + 1):
            j = i + length
            if j > n:
                break
            if text[i:j] in lexicon:
                starts[i] = length
                if ends[j - 1] < length:
                    ends[j - 1] = length
                for k in range(i + 1, j - 1):
                    inside[k] = 1
    codes = numpy.asarray(starts, dtype="uint64") * 10 + numpy.asarray(ends, dtype="uint64") * 2
    return codes + numpy.asarray(inside, dtype="uint64") + numpy.uint64(1)


def char_feature_columns(doc: Doc, lexicon: frozenset[str]) -> numpy.ndarray:
    orth = doc.to_array(ORTH).astype("uint64")
    if len(orth) == 0:
        return numpy.zeros((0, N_COLUMNS), dtype="uint64")
    previous = numpy.concatenate([[_EDGE], orth[:-1]]).astype("uint64")
    following = numpy.concatenate([orth[1:], [_EDGE]]).astype("uint64")
    with numpy.errstate(over="ignore"):
        left_bigram = previous * _LEFT_MULT + orth
        right_bigram = orth * _RIGHT_MULT + following
    # doc.text is rebuilt from the tokens on every access (slow); the name
    # component hands the text over in user_data.
    text = doc.user_data.get(TEXT_KEY) or doc.text
    if len(text) == len(orth):
        lexical = lexicon_codes(text, lexicon)
    else:  # not character tokens (never the case in this pipeline): no lexicon evidence
        lexical = numpy.ones(len(orth), dtype="uint64")
    return numpy.stack([orth, left_bigram, right_bigram, lexical], axis=1)


def make_char_doc(nlp, text: str) -> Doc:
    """The model's doc for a text: one token per character, as its tokenizer
    makes it, built directly when there is no whitespace to attach."""
    if any(ch.isspace() for ch in text):
        doc = nlp.make_doc(text)
    else:
        doc = Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
    doc.user_data[TEXT_KEY] = text
    return doc


def _extract_forward(model: Model, docs: List[Doc], is_train: bool) -> Tuple[List[Ints2d], Callable]:
    lexicon = _lexicon_of(model)
    features = [model.ops.asarray2i(char_feature_columns(doc, lexicon), dtype="uint64") for doc in docs]
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
