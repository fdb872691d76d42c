"""Cumulative sum along an axis."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import floordiv
from onnxcost.types import Dim, Work


def _scan_flops(view: NodeView) -> Work:
    """elements − lines: a line of length L takes L − 1 operations (inclusive or exclusive)."""
    x = view.in_shape(0)
    axis = view.value(1)
    elements: Dim = view.in_numel(0)
    if axis is None or not x:
        return Work(flops=elements, status="estimated", note="axis unknown: one operation per element")
    length = x[int(axis.reshape(-1)[0]) % len(x)]
    return Work(flops=elements - floordiv(elements, length))


@rule("CumSum")
def cum_sum(view: NodeView) -> Work:
    """FLOPs = elements − elements/L (L − 1 adds per line of length L along the axis)."""
    return _scan_flops(view)
