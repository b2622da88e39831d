import numpy
import pytest
from thinc.api import NumpyOps, get_current_ops

from pipeline.fast_ops import OpenBlasOps, openblas_ops


@pytest.mark.parametrize("trans1,trans2", [(False, False), (True, False), (False, True), (True, True)])
def test_products_match_thincs_own(trans1, trans2):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((7, 5) if not trans1 else (5, 7)).astype("float32")
    y = rng.standard_normal((5, 3) if not trans2 else (3, 5)).astype("float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = OpenBlasOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.dtype == numpy.float32 and got.shape == (7, 3)
    numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    out = numpy.zeros((7, 3), dtype="float32")
    assert OpenBlasOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    numpy.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_the_ops_apply_inside_the_block_only():
    before = type(get_current_ops())
    with openblas_ops():
        assert isinstance(get_current_ops(), OpenBlasOps)
    assert type(get_current_ops()) is before


def test_the_name_model_runs_on_them():
    from pipeline.config import MODELS_DIR
    from pipeline.names import load_name_model

    model = load_name_model(str(MODELS_DIR))
    # the character encoder and the parser's precomputed layer are the large products
    assert all(isinstance(node.ops, OpenBlasOps) for node in model.get_pipe("tok2vec").model.walk())
    lower = next(node for node in model.get_pipe("ner").model.walk() if node.name == "precomputable_affine")
    assert isinstance(lower.ops, OpenBlasOps)
