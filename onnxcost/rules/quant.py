"""Quantization: (de)quantize ops and the integer convolutions and matrix products.

Integer products run in the dtype of their quantized input (int8, uint8...), set as the
node's compute dtype. Zero points are subtracted once per element of the operand they belong
to; requantizing an int32 accumulator costs a multiply by the combined scale, a round, the
zero-point add and a two-sided clamp: 5 FLOPs per output. Per-axis and block scales change
which scale an element uses, not how many operations it needs.
"""

from __future__ import annotations

from onnxcost.rules.common import patch_kernel, spatial_kernel
from onnxcost.rules.kernels import conv_macs, matmul_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import matmul_shape, shape_rule
from onnxcost.types import Dim, Work

REQUANTIZE_FLOPS = 5  # ·scale, round, + zero point, clamp low, clamp high
QUANTIZE_FLOPS = 4  # x / scale, round, clamp low, clamp high (+1 with a zero point)
DYNAMIC_RANGE_FLOPS = 2  # running min and max per element
DYNAMIC_SCALAR_FLOPS = 9  # min(x_min,0), max(x_max,0), range, /255, x_min/scale, qmin −, round, clamp 2


def _zero_point_subs(view: NodeView, pairs: tuple[tuple[int, int], ...]) -> Dim:
    """Elements of each operand whose zero point is given: one subtract each."""
    return sum((view.in_numel(data) for data, zp in pairs if view.has_input(zp)), 0)


def _dtype(view: NodeView, index: int = 0) -> str | None:
    info = view.input(index)
    return info.dtype if info is not None and info.dtype else None


@rule("QuantizeLinear")
def quantize_linear(view: NodeView) -> Work:
    """FLOPs = elements × (4 + 1 with zero point): saturate(round(x / scale) + zero_point)."""
    per_element = QUANTIZE_FLOPS + int(view.has_input(2))
    return Work(flops=view.in_numel(0) * per_element)


@rule("DequantizeLinear")
def dequantize_linear(view: NodeView) -> Work:
    """FLOPs = elements × (1 + 1 with zero point): (x − zero_point) · scale."""
    return Work(flops=view.in_numel(0) * (1 + int(view.has_input(2))))


@rule("DynamicQuantizeLinear")
def dynamic_quantize_linear(view: NodeView) -> Work:
    """FLOPs = 7 × elements + 9: min and max, then saturate(round(x / scale) + zp); scale and zp once."""
    per_element = DYNAMIC_RANGE_FLOPS + QUANTIZE_FLOPS + 1
    return Work(flops=view.in_numel(0) * per_element + DYNAMIC_SCALAR_FLOPS)


@rule("MatMulInteger")
def matmul_integer(view: NodeView) -> Work:
    """MACs = ∏batch·M·K·N in the input's integer dtype; FLOPs = 2·MACs + zero-point subtracts."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(1))
    subs = _zero_point_subs(view, ((0, 2), (1, 3)))
    return Work(macs=macs, flops=2 * macs + subs, dtype=_dtype(view))


@rule("ConvInteger")
def conv_integer(view: NodeView) -> Work:
    """MACs = N·Cout·∏out·(Cin/group)·∏k (integer dtype); FLOPs = 2·MACs + zero-point subtracts."""
    group = int(view.attr("group"))
    macs = conv_macs(view.out_shape(0), spatial_kernel(view, 1), view.in_shape(0)[1], group)
    subs = _zero_point_subs(view, ((0, 2), (1, 3)))
    return Work(macs=macs, flops=2 * macs + subs, dtype=_dtype(view), kernel=patch_kernel(view, 1))


@rule("QLinearConv")
def qlinear_conv(view: NodeView) -> Work:
    """MACs = conv MACs (integer); FLOPs = 2·MACs + x, w zero-point subtracts + outputs·(5 + 1 bias)."""
    group = int(view.attr("group"))
    macs = conv_macs(view.out_shape(0), spatial_kernel(view, 3), view.in_shape(0)[1], group)
    subs = _zero_point_subs(view, ((0, 2), (3, 5)))
    per_output = REQUANTIZE_FLOPS + int(view.has_input(8))
    flops = 2 * macs + subs + per_output * view.out_numel(0)
    return Work(macs=macs, flops=flops, dtype=_dtype(view), kernel=patch_kernel(view, 3))


@rule("QLinearMatMul")
def qlinear_matmul(view: NodeView) -> Work:
    """MACs = ∏batch·M·K·N (integer); FLOPs = 2·MACs + a, b zero-point subtracts + 5·outputs (requantize)."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(3))
    subs = _zero_point_subs(view, ((0, 2), (3, 5)))
    flops = 2 * macs + subs + REQUANTIZE_FLOPS * view.out_numel(0)
    return Work(macs=macs, flops=flops, dtype=_dtype(view))


@shape_rule("QLinearMatMul")
def _qlinear_matmul_shape(node, shapes, values):
    a, b = shapes[0], shapes[3]
    return [None if a is None or b is None else matmul_shape(a, b)]
