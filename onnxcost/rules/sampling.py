"""Sampling and scattering on spatial grids: DeformConv, GridSample, AffineGrid, Col2Im, MaxUnpool.

Interpolation cost, per sampled value: taps multiplies and taps − 1 adds (kernels.
interpolation_flops); per sample location: the coordinate arithmetic and the corner weights
(kernels.linear_weight_flops / cubic_weight_flops), shared by every channel at that location.
"""

from __future__ import annotations

from onnxcost.rules.common import data_movement, spatial_kernel
from onnxcost.rules.kernels import (
    conv_macs,
    cubic_weight_flops,
    interpolation_flops,
    linear_weight_flops,
)
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule, window_output
from onnxcost.symbolic.formulas import floordiv, product
from onnxcost.types import Dim, Work

# GridSample padding, per location: zeros checks both bounds of every tap coordinate, border
# clamps the point (min, max per dim), reflection folds it (abs, compare, subtract, min per dim).
PADDING_PER_DIM = {"border": 2, "reflection": 4}
UNNORMALIZE_FLOPS = 2  # grid value → pixel coordinate: multiply, add (per dim)


@rule("DeformConv")
def deform_conv(view: NodeView) -> Work:
    """MACs = conv MACs; FLOPs = 2·MACs + N·C·∏out·∏k bilinear samples + their weights + mask, bias."""
    x = view.in_shape(0)
    rank = len(x) - 2
    kernel = spatial_kernel(view, 1)
    out = view.out_shape(0)
    group = int(view.attr("group"))
    macs = conv_macs(out, kernel, x[1], group)
    taps_per_output = product(out[2:]) * product(kernel)
    values = x[0] * x[1] * taps_per_output
    locations = x[0] * int(view.attr("offset_group")) * taps_per_output
    flops = 2 * macs + interpolation_flops(values, 2**rank)
    flops += locations * (rank + linear_weight_flops(rank))  # p + Δp, then the corner weights
    if view.has_input(4):
        flops += values
    if view.has_input(3):
        flops += product(out)
    return Work(macs=macs, flops=flops)


@shape_rule("DeformConv")
def _deform_conv_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None]
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    return [(x[0], w[0], *window_output(node, x[2:], kernel))]


def _grid_mode(mode: str) -> str:
    """Opset 16 names (bilinear, bicubic) as opset 20 names (linear, cubic)."""
    return {"bilinear": "linear", "bicubic": "cubic"}.get(mode, mode)


@rule("GridSample")
def grid_sample(view: NodeView) -> Work:
    """FLOPs = N·C·∏out·(2·taps − 1) + N·∏out·(2r + weights + padding); taps 2^r, 4^r, 1 (nearest)."""
    x = view.in_shape(0)
    rank = len(x) - 2
    mode = _grid_mode(str(view.attr("mode")))
    out = view.out_shape(0)
    locations = out[0] * product(out[2:])
    per_location = UNNORMALIZE_FLOPS * rank
    if mode == "nearest":
        taps, values_flops = 1, 0
        per_location += rank  # round
    else:
        taps = 2**rank if mode == "linear" else 4**rank
        values_flops = interpolation_flops(product(out), taps)
        per_location += linear_weight_flops(rank) if mode == "linear" else cubic_weight_flops(rank)
    padding = str(view.attr("padding_mode"))
    per_location += PADDING_PER_DIM.get(padding, 2 * taps) * rank
    return Work(flops=values_flops + locations * per_location)


@shape_rule("GridSample")
def _grid_sample_shape(node, shapes, values):
    x, grid = shapes[0], shapes[1]
    if x is None or grid is None:
        return [None]
    return [(x[0], x[1], *grid[1:-1])]


@rule("AffineGrid")
def affine_grid(view: NodeView) -> Work:
    """MACs = N·∏spatial·r·r (θ·[x, 1] per point); FLOPs = 2·MACs + N·∏spatial·r (translation adds)."""
    rank = view.in_shape(0)[1]
    points = product(view.out_shape(0)[:-1])
    macs = points * rank * rank
    return Work(macs=macs, flops=2 * macs + points * rank)


@rule("Col2Im")
def col2im(view: NodeView) -> Work:
    """FLOPs = input elements: every column entry is added into its image position."""
    return Work(flops=view.in_numel(0))


@shape_rule("Col2Im")
def _col2im_shape(node, shapes, values):
    x, image, block = shapes[0], values[1], values[2]
    if x is None or image is None or block is None:
        return [None]
    channels: Dim = floordiv(x[1], product(int(b) for b in block.reshape(-1)))
    return [(x[0], channels, *(int(d) for d in image.reshape(-1)))]


@rule("MaxUnpool")
def max_unpool(view: NodeView) -> Work:
    """FLOPs = 0: zero-fill the output and scatter each input value to its index (data movement)."""
    return data_movement("scatter into a zero-filled output")
