"""Cumulative product along an axis."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work


@rule("CumProd")
def cum_prod(view: NodeView) -> Work:
    """FLOPs = output elements (one multiply each into the running product)."""
    return Work(flops=view.out_numel(0))
