"""Gated linear units: SwiGLU."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work

# Swish_alpha(a) = a · sigmoid(alpha·a): mul, neg, exp, add, div, mul (as the Swish rule counts).
SWISH_FLOPS = 6


@rule("SwiGLU")
def swiglu(view: NodeView) -> Work:
    """FLOPs = 7 × output elements: Swish_alpha(A) (6) times B (1)."""
    return Work(flops=(SWISH_FLOPS + 1) * view.out_numel(0))
