"""Convolutions: Conv and ConvTranspose (bias adds counted as one FLOP per output)."""

from __future__ import annotations

from onnxcost.rules.common import conv_kernel, spatial_kernel
from onnxcost.rules.kernels import conv_macs, conv_transpose_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work


@rule("Conv")
def conv(view: NodeView) -> Work:
    """MACs = N·Cout·∏out · (Cin/group)·∏k; FLOPs = 2·MACs + N·Cout·∏out if bias."""
    group = int(view.attr("group", 1))
    out = view.out_shape(0)
    macs = conv_macs(out, spatial_kernel(view), view.in_shape(0)[1], group)
    bias = view.out_numel(0) if view.has_input(2) else 0
    return Work(macs=macs, flops=2 * macs + bias, kernel=conv_kernel(view, group))


@rule("ConvTranspose")
def conv_transpose(view: NodeView) -> Work:
    """MACs = N·Cin·∏in · (Cout/group)·∏k (W is Cin × Cout/group × k); bias adds 1 FLOP/output."""
    group = int(view.attr("group", 1))
    w = view.in_shape(1)
    macs = conv_transpose_macs(view.in_shape(0), spatial_kernel(view), w[1] * group, group)
    bias = view.out_numel(0) if view.has_input(2) else 0
    return Work(macs=macs, flops=2 * macs + bias)
