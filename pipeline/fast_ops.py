"""thinc operations whose matrix products go through numpy's OpenBLAS.

thinc's CPU backend multiplies matrices with its bundled BLIS, which on this
machine (AMD EPYC, 2 cores) runs a float32 product of the name model's shape
at 25 GFLOP/s against OpenBLAS's 93 (measured: 100 ms vs 26 ms for 20000x320
by 320x192).  The products are most of the model's time, so the name model is
loaded with these operations; everything else is thinc's NumpyOps unchanged.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

import numpy
from thinc.api import NumpyOps, get_current_ops, set_current_ops
from thinc.types import Floats2d


class OpenBlasOps(NumpyOps):
    name = "numpy"  # serialises and deserialises like NumpyOps

    def gemm(self, x: Floats2d, y: Floats2d, out: Optional[Floats2d] = None,
             trans1: bool = False, trans2: bool = False) -> Floats2d:
        left = x.T if trans1 else x
        right = y.T if trans2 else y
        if out is None:
            return numpy.matmul(left, right)
        numpy.matmul(left, right, out=out)
        return out


@contextmanager
def openblas_ops() -> Iterator[None]:
    """Models created inside use OpenBlasOps (a thinc layer keeps the ops it was made with)."""
    previous = get_current_ops()
    set_current_ops(OpenBlasOps())
    try:
        yield
    finally:
        set_current_ops(previous)
