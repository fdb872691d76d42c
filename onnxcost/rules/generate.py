"""Tensors generated from a few scalars or from a shape: Range, EyeLike, Multinomial samples."""

from __future__ import annotations

import math

from onnxcost.rules.indexing import ceil_log2
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule
from onnxcost.symbolic.formulas import ceildiv, normalize
from onnxcost.types import Work


@rule("Range")
def range_op(view: NodeView) -> Work:
    """FLOPs = output elements (a running add of delta); reads the three scalars."""
    return Work(flops=view.out_numel(0))


@rule("EyeLike")
def eye_like(view: NodeView) -> Work:
    """0 FLOPs; reads only the input's shape, writes the output (a fill and a diagonal of ones)."""
    return Work(status="zero", bytes_read_activations=0, bytes_read_weights=0)


@rule("Multinomial")
def multinomial(view: NodeView) -> Work:
    """FLOPs ≈ N·2C (exp and running sum of C logits) + N·samples·(1 + ⌈log2 C⌉) (draw, binary search)."""
    batch, classes = view.in_shape(0)
    samples = int(view.attr("sample_size", 1))
    flops = batch * 2 * classes + batch * samples * (1 + ceil_log2(classes))
    return Work(flops=flops, status="estimated", note="inverse-CDF sampling; RNG cost as 1 FLOP")


@shape_rule("Range")
def _range_shape(node, shapes, values):
    """Length = max(⌈(limit − start) / delta⌉, 0); over symbols (a Shape chain) the max is dropped."""
    if len(values) < 3 or any(v is None or v.size != 1 for v in values[:3]):
        return [None]
    start, limit, delta = (normalize(v.reshape(-1)[0].item() if v.dtype != object
                                     else v.reshape(-1)[0]) for v in values[:3])  # fmt: skip
    if all(isinstance(v, int | float) for v in (start, limit, delta)):
        return [(max(math.ceil((limit - start) / delta), 0),)]
    if not isinstance(delta, int) or delta == 0:
        return [None]
    return [(normalize(ceildiv(limit - start, delta)),)]
