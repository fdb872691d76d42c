"""Dense linear algebra: the determinant (by LU factorization)."""

from __future__ import annotations

from onnxcost.rules.kernels import lu_det_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import floordiv, product
from onnxcost.types import Work


@rule("Det")
def det(view: NodeView) -> Work:
    """Per m×m matrix (LU): MACs = (m−1)m(2m−1)/6; FLOPs = 2·MACs + m(m−1)/2 divides + m − 1 (diagonal)."""
    x = view.in_shape(0)
    m = x[-1]
    matrices = product(x[:-2])
    macs = matrices * lu_det_macs(m)
    flops = 2 * macs + matrices * (floordiv(m * (m - 1), 2) + m - 1)
    return Work(macs=macs, flops=flops, note="partial-pivoting compares not counted")
