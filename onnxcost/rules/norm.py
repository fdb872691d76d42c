"""Normalizations and softmax: per-element and per-group FLOPs from their formulas."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import floordiv, product
from onnxcost.types import Dim, Work

# Mean/variance normalization of n elements: per element mean-add, subtract, square,
# variance-add, scale by 1/σ (5); per group two divides, add ε, sqrt, reciprocal (5).
STATS_PER_ELEMENT = 5
STATS_PER_GROUP = 5


def _normalize_flops(elements: Dim, groups: Dim, affine_terms: int) -> Dim:
    """FLOPs = elements·(5 + affine terms) + 5·groups."""
    return elements * (STATS_PER_ELEMENT + affine_terms) + STATS_PER_GROUP * groups


@rule("BatchNormalization")
def batch_normalization(view: NodeView) -> Work:
    """Inference: y = x·a + b, a = γ/√(var+ε), b = β − mean·a: 2/elem + 5/channel; training adds 5/elem."""
    x = view.in_shape(0)
    channels = x[1] if len(x) > 1 else 1
    flops = 2 * view.in_numel(0) + 5 * channels
    if int(view.attr("training_mode", 0)) and view.opset >= 14:
        flops += STATS_PER_ELEMENT * view.in_numel(0)
    return Work(flops=flops)


@rule("InstanceNormalization")
def instance_normalization(view: NodeView) -> Work:
    """FLOPs = 7·elements + 5·N·C (stats over spatial dims, then scale and shift)."""
    x = view.in_shape(0)
    return Work(flops=_normalize_flops(view.in_numel(0), x[0] * x[1], 2))


@rule("LayerNormalization")
def layer_normalization(view: NodeView) -> Work:
    """FLOPs = (5 + 1 scale + 1 if bias)·elements + 5·rows (rows = ∏ dims before axis)."""
    x = view.in_shape(0)
    axis = int(view.attr("axis", -1)) % len(x)
    rows = product(x[:axis])
    return Work(flops=_normalize_flops(view.in_numel(0), rows, 1 + int(view.has_input(2))))


@rule("GroupNormalization")
def group_normalization(view: NodeView) -> Work:
    """FLOPs = 7·elements + 5·N·groups (stats per group, then per-channel scale and shift)."""
    x = view.in_shape(0)
    groups = int(view.attr("num_groups"))
    return Work(flops=_normalize_flops(view.in_numel(0), x[0] * groups, 2))


@rule("LRN")
def lrn(view: NodeView) -> Work:
    """FLOPs = elements × (2·size + 3): size squares and adds, then (bias + α/size·Σ)^β and a divide."""
    size = int(view.attr("size"))
    return Work(flops=view.in_numel(0) * (2 * size + 3))


def softmax_kernel(view: NodeView) -> str:
    """The kernel of a (Log)Softmax of opset 13 on another axis than the last: "axis" (onnxruntime
    moves that axis last, normalizes and moves it back: a YOLO distribution-focal head of 16 bins
    on axis 1 took 1,013 µs on 134,400 elements here, 45 predicted by the last-axis table)."""
    if view.opset < 13:  # earlier opsets flatten to 2-D at the axis: rows of the trailing dims
        return ""
    rank = len(view.in_shape(0))
    return "axis" if rank > 1 and int(view.attr("axis", -1)) % rank != rank - 1 else ""


@rule("Softmax")
def softmax(view: NodeView) -> Work:
    """FLOPs = 5 × elements: max, subtract, exp, sum, divide."""
    return Work(flops=5 * view.in_numel(0), kernel=softmax_kernel(view))


@rule("LogSoftmax")
def log_softmax(view: NodeView) -> Work:
    """FLOPs = 5 × elements + rows: max, subtract, exp, sum, subtract; one log per row."""
    x = view.in_shape(0)
    axis = int(view.attr("axis", -1 if view.opset >= 13 else 1)) % len(x)
    rows = floordiv(view.in_numel(0), x[axis]) if view.opset >= 13 else product(x[:axis])
    return Work(flops=5 * view.in_numel(0) + rows, kernel=softmax_kernel(view))


@rule("Hardmax")
def hardmax(view: NodeView) -> Work:
    """FLOPs = elements (one compare each)."""
    return Work(flops=view.in_numel(0))


@rule("MeanVarianceNormalization")
def mean_variance_normalization(view: NodeView) -> Work:
    """FLOPs = 5·elements + 5·groups (groups = elements ÷ ∏ normalized dims)."""
    x = view.in_shape(0)
    axes = view.attr("axes") or [0, 2, 3]
    reduced = product(x[a % len(x)] for a in axes)
    return Work(flops=_normalize_flops(view.in_numel(0), floordiv(view.in_numel(0), reduced), 0))


@rule("LpNormalization")
def lp_normalization(view: NodeView) -> Work:
    """FLOPs = 3 × elements: |x|^p and add for the norm, one divide per element."""
    return Work(flops=3 * view.in_numel(0))
