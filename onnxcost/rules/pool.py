"""Pooling: windowed and global max, average and Lp pools."""

from __future__ import annotations

from onnxcost.rules.common import spatial_kernel
from onnxcost.rules.kernels import window_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work


@rule("MaxPool")
def max_pool(view: NodeView) -> Work:
    """FLOPs = output elements × ∏kernel (one compare per window element)."""
    return Work(flops=window_reads(view.out_numel(0), spatial_kernel(view)))


@rule("AveragePool")
def average_pool(view: NodeView) -> Work:
    """FLOPs = output elements × (∏kernel + 1) (window adds and one divide)."""
    out = view.out_numel(0)
    return Work(flops=window_reads(out, spatial_kernel(view)) + out)


@rule("LpPool")
def lp_pool(view: NodeView) -> Work:
    """FLOPs = output elements × (2·∏kernel + 1) (|x|^p and add per element, one root)."""
    out = view.out_numel(0)
    return Work(flops=2 * window_reads(out, spatial_kernel(view)) + out)


@rule("GlobalMaxPool")
def global_max_pool(view: NodeView) -> Work:
    """FLOPs = input elements (one compare each)."""
    return Work(flops=view.in_numel(0))


@rule("GlobalAveragePool")
def global_average_pool(view: NodeView) -> Work:
    """FLOPs = input elements + output elements (adds, then one divide per channel)."""
    return Work(flops=view.in_numel(0) + view.out_numel(0))


@rule("GlobalLpPool")
def global_lp_pool(view: NodeView) -> Work:
    """FLOPs = 2 × input elements + output elements (|x|^p and add, one root per channel)."""
    return Work(flops=2 * view.in_numel(0) + view.out_numel(0))
