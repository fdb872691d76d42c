"""Output shapes the data decides (NonZero, Unique, Compress, NMS, TopK with a run-time k, Range)
and those of random ops: a DataDim the shape stage names, with the bound the graph states."""

from __future__ import annotations

import numpy as np

from onnxcost.rules.shape_registry import DataDim, ints, shape_rule
from onnxcost.symbolic.formulas import ceildiv, normalize, product


@shape_rule("TopK")
def _topk(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None, None]
    k = ints(values[1]) if len(values) > 1 else [node.attrs.get("k")]
    axis = int(node.attrs.get("axis", -1)) % len(x)
    size = k[0] if k is not None else DataDim("k", "k, a run-time value", x[axis])
    out = tuple(size if i == axis else d for i, d in enumerate(x))
    return [out, out]


@shape_rule("NonZero")
def _non_zero(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    return [(len(x), DataDim("count", "the number of nonzero elements", product(x)))]


@shape_rule("Unique")
def _unique(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None] * 4
    axis = node.attrs.get("axis")
    if axis is None:
        count = DataDim("count", "the number of unique values", product(x))
        return [(count,), (count,), (product(x),), (count,)]
    axis = int(axis) % len(x)
    count = DataDim("count", f"the number of unique slices on axis {axis}", x[axis])
    return [tuple(count if i == axis else d for i, d in enumerate(x)), (count,), (x[axis],), (count,)]


@shape_rule("Compress")
def _compress(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    axis = node.attrs.get("axis")
    condition = values[1] if len(values) > 1 else None
    if condition is not None and condition.dtype != object:
        length = product(x) if axis is None else x[int(axis) % len(x)]
        if isinstance(length, int):
            kept = int(np.count_nonzero(condition.reshape(-1)[:length]))
            if axis is None:
                return [(kept,)]
            axis = int(axis) % len(x)
            return [tuple(kept if i == axis else d for i, d in enumerate(x))]
    if axis is None:
        return [(DataDim("count", "the number of elements kept", product(x)),)]
    axis = int(axis) % len(x)
    kept = DataDim("count", f"the number of slices kept on axis {axis}", x[axis])
    return [tuple(kept if i == axis else d for i, d in enumerate(x))]


@shape_rule("NonMaxSuppression")
def _non_max_suppression(node, shapes, values):
    boxes, scores = shapes[0], shapes[1]
    if boxes is None or scores is None or len(boxes) != 3 or len(scores) != 3:
        return [None]
    batch, count, classes = boxes[0], boxes[1], scores[1]
    limit = ints(values[2]) if len(values) > 2 and values[2] is not None else None
    per_class = count
    if limit and isinstance(limit[0], int) and isinstance(count, int):
        per_class = min(limit[0], count)
    elif limit and isinstance(limit[0], int):
        per_class = limit[0]
    if len(node.inputs) < 3 or not node.inputs[2]:
        per_class = 0  # no max_output_boxes_per_class: the spec selects nothing
    selected = DataDim("boxes", "the number of boxes selected", normalize(batch * classes * per_class))
    return [(selected, 3)]


@shape_rule("Range")
def _range(node, shapes, values):
    """⌈(limit − start) / delta⌉ values, over symbols too; a run-time operand makes it data."""
    operands = [ints(v) for v in values[:3]] if len(values) >= 3 else [None]
    if all(o is not None and len(o) == 1 for o in operands):
        start, limit, delta = (o[0] for o in operands)
        if isinstance(delta, int) and delta > 0:
            return [(normalize(ceildiv(limit - start, delta)),)]
    return [(DataDim("count", "the number of values, from run-time start, limit and delta"),)]


@shape_rule("RandomNormal", "RandomUniform")
def _random(node, shapes, values):
    return [tuple(int(d) for d in node.attrs["shape"])]


@shape_rule("Multinomial")
def _multinomial(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (x[0], int(node.attrs.get("sample_size", 1)))]
