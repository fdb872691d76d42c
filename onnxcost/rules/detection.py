"""Detection heads: NonMaxSuppression, RoiAlign and MaxRoiPool (data-dependent: estimates)."""

from __future__ import annotations

import math

import sympy

from onnxcost.rules.kernels import box_pairs, interpolation_flops, linear_weight_flops
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import normalize
from onnxcost.types import Dim, Work

IOU_FLOPS = 13  # 2 max + 2 min corners, 2 sides, 2 clamps, product, a1 + a2 − inter, divide, compare
BOX_AREA_FLOPS = 3  # (x2 − x1)·(y2 − y1)
CENTER_TO_CORNER_FLOPS = 4  # x ± w/2, y ± h/2 (half sizes shared)
ROI_SETUP_FLOPS = 8  # 4 coordinates × spatial_scale, 2 extents, 2 bin sizes
ROI_SAMPLE_FLOPS = 4  # sample position in the bin: multiply-add per dim
ASSUMED_SAMPLING = 2  # samples per bin per dim when sampling_ratio = 0 (adaptive, data dependent)


def _log2_ceil(n: Dim) -> Dim:
    """⌈log2 n⌉ compares per element of a comparison sort (1 for n ≤ 2)."""
    if isinstance(n, int):
        return max(math.ceil(math.log2(n)), 1) if n > 1 else 1
    return normalize(sympy.ceiling(sympy.log(n, 2)))


@rule("NonMaxSuppression")
def non_max_suppression(view: NodeView) -> Work:
    """Per batch·class: n·⌈log2 n⌉ sort + 13 per IoU pair (≤ n(n−1)/2, ≤ n·max_out) + n compares."""
    batch, boxes = view.in_shape(0)[0], view.in_shape(0)[1]
    classes = view.in_shape(1)[1]
    limit = view.value(2)
    kept = int(limit.reshape(-1)[0]) if limit is not None and limit.size else None
    if not view.has_input(2):
        kept = 0  # the spec's default: no box is selected
    per_class = IOU_FLOPS * box_pairs(boxes, kept) + boxes * _log2_ceil(boxes)
    if view.has_input(4):
        per_class += boxes
    per_box = BOX_AREA_FLOPS + CENTER_TO_CORNER_FLOPS * int(view.attr("center_point_box"))
    flops = batch * classes * per_class + batch * boxes * per_box
    return Work(flops=flops, status="estimated", note="worst case: each box compared with every kept one")


@rule("RoiAlign")
def roi_align(view: NodeView) -> Work:
    """FLOPs = outputs·s²·(7 bilinear + 1 pool) + R·oh·ow·s²·14 (weights); s = sampling_ratio or 2."""
    rois, channels, height, width = view.out_shape(0)
    ratio = int(view.attr("sampling_ratio"))
    samples = ratio if ratio > 0 else ASSUMED_SAMPLING
    outputs = rois * channels * height * width
    per_bin = samples * samples
    flops = interpolation_flops(outputs * per_bin, 4)
    flops += outputs * (per_bin if view.attr("mode") == "avg" else per_bin - 1)
    flops += rois * height * width * per_bin * (ROI_SAMPLE_FLOPS + linear_weight_flops(2))
    flops += rois * ROI_SETUP_FLOPS
    if ratio > 0:
        return Work(flops=flops)
    note = f"sampling_ratio 0 (adaptive): {ASSUMED_SAMPLING}×{ASSUMED_SAMPLING} samples per bin assumed"
    return Work(flops=flops, status="estimated", note=note)


@rule("MaxRoiPool")
def max_roi_pool(view: NodeView) -> Work:
    """FLOPs ≈ R·C·H·W compares (each ROI assumed to span the whole feature map: upper bound) + 8 per ROI."""
    x = view.in_shape(0)
    rois = view.in_shape(1)[0]
    flops = rois * x[1] * x[2] * x[3] + ROI_SETUP_FLOPS * rois
    return Work(flops=flops, status="estimated", note="ROI extents are data: whole feature map assumed")
