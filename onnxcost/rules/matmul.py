"""Matrix products: MatMul, Gemm and Einsum."""

from __future__ import annotations

from onnxcost.rules.kernels import einsum_macs, gemm_macs, matmul_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work


@rule("MatMul")
def matmul(view: NodeView) -> Work:
    """MACs = ∏batch·M·K·N (numpy broadcasting); FLOPs = 2·MACs."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(1))
    return Work(macs=macs, flops=2 * macs)


@rule("Gemm")
def gemm(view: NodeView) -> Work:
    """MACs = M·K·N; FLOPs = 2·MACs + M·N per α≠1 scale + M·N for C (β·C add)."""
    a = view.in_shape(0)
    m, k = (a[1], a[0]) if view.attr("transA", 0) else (a[0], a[1])
    n = view.out_shape(0)[1]
    macs = gemm_macs(m, k, n)
    extra = 0
    if float(view.attr("alpha", 1.0)) != 1.0:
        extra += m * n
    if view.has_input(2):
        extra += m * n * (2 if float(view.attr("beta", 1.0)) != 1.0 else 1)
    return Work(macs=macs, flops=2 * macs + extra)


@rule("Einsum")
def einsum(view: NodeView) -> Work:
    """MACs = ∏(every index size)·(operands − 1), FLOPs = 2·MACs; one operand: in − out adds."""
    shapes = [view.in_shape(i) for i in range(len(view.inputs))]
    if len(shapes) == 1:
        return Work(flops=view.in_numel(0) - view.out_numel(0))
    macs = einsum_macs(str(view.attr("equation")), shapes)
    return Work(macs=macs, flops=2 * macs)
