"""Transformer blocks of opset 23 other than attention: RMSNormalization, RotaryEmbedding."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import floordiv, product
from onnxcost.types import Work

RMS_PER_ELEMENT = 4  # square, sum, × 1/rms, × scale
RMS_PER_ROW = 4  # ÷ n, + ε, sqrt, reciprocal
ROTARY_PER_ELEMENT = 3  # per pair: x1·cos − x2·sin, x2·cos + x1·sin = 4 multiplies + 2 adds


@rule("RMSNormalization", since=23)
def rms_normalization(view: NodeView) -> Work:
    """FLOPs = 4·elements + 4·rows: x / √(mean(x²) + ε) · scale (rows = ∏ dims before axis)."""
    x = view.in_shape(0)
    axis = int(view.attr("axis")) % len(x)
    return Work(flops=RMS_PER_ELEMENT * view.in_numel(0) + RMS_PER_ROW * product(x[:axis]))


@rule("RotaryEmbedding", since=23)
def rotary_embedding(view: NodeView) -> Work:
    """FLOPs = 3 × rotated elements (elements · rotary_dim / head_size): 4 multiplies + 2 adds per pair."""
    x = view.in_shape(0)
    head = x[3] if len(x) == 4 else floordiv(x[2], int(view.attr("num_heads")))
    rotary = int(view.attr("rotary_embedding_dim")) or head
    rotated = floordiv(view.in_numel(0) * rotary, head)
    return Work(flops=ROTARY_PER_ELEMENT * rotated)
