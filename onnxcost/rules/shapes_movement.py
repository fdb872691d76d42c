"""Output shapes of the default domain's data-movement ops: reshapes, transposes, concatenation,
splits, gathers, slices, pads, resizes and shapes given as values."""

from __future__ import annotations

from onnxcost.rules.shape_registry import (
    DataDim,
    broadcast,
    ints,
    ints_float,
    operand,
    rank_guard,
    rational,
    shape_operand,
    shape_rule,
)
from onnxcost.symbolic.formulas import ceildiv, floordiv, normalize, product, total
from onnxcost.types import Dim


@shape_rule("Reshape")
def _reshape(node, shapes, values):
    x = shapes[0]
    target = shape_operand(node, values[1]) if len(values) > 1 else node.attrs.get("shape")
    if target is None:
        return [None]
    allowzero = int(node.attrs.get("allowzero", 0))
    dims: list[Dim] = []
    for i, d in enumerate(target):
        if d == 0 and not allowzero:
            if x is None:
                return [None]
            dims.append(x[i])
        else:
            dims.append(d)
    if any(d == -1 for d in dims):
        if x is None:
            return [None]
        known = product(d for d in dims if d != -1)
        dims = [floordiv(product(x), known) if d == -1 else d for d in dims]
    return [tuple(dims)]


@shape_rule("Flatten")
def _flatten(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    axis = int(node.attrs.get("axis", 1))
    axis = axis + len(x) if axis < 0 else axis
    return [(product(x[:axis]), product(x[axis:]))]


@shape_rule("Transpose")
def _transpose(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    perm = node.attrs.get("perm") or list(reversed(range(len(x))))
    return [tuple(x[p] for p in perm)]


@shape_rule("Concat")
def _concat(node, shapes, values):
    present = [s for s, name in zip(shapes, node.inputs, strict=False) if name]
    if any(s is None for s in present) or not present:
        return [None]
    axis = int(node.attrs["axis"]) % len(present[0])
    out = list(present[0])
    out[axis] = normalize(total(s[axis] for s in present))
    return [tuple(out)]


@shape_rule("Split")
def _split(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None] * len(node.outputs)
    axis = int(node.attrs.get("axis", 0)) % len(x)
    sizes = operand(node, values, 1, "split")
    count = len(node.outputs)
    if not sizes:
        chunk = ceildiv(x[axis], count)
        last = x[axis] - chunk * (count - 1)
        sizes = [chunk] * (count - 1) + [normalize(last)]
    return [(*tuple(x[:axis]), s, *tuple(x[axis + 1 :])) for s in sizes]


@shape_rule("Squeeze")
def _squeeze(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    axes = operand(node, values, 1, "axes")
    if axes is None:
        return [tuple(d for d in x if d != 1)]
    drop = {a % len(x) for a in axes}
    return [tuple(d for i, d in enumerate(x) if i not in drop)]


@shape_rule("Unsqueeze")
def _unsqueeze(node, shapes, values):
    x = shapes[0]
    axes = operand(node, values, 1, "axes")
    if x is None or axes is None:
        return [None]
    rank = len(x) + len(axes)
    out = list(x)
    for axis in sorted(a % rank for a in axes):
        out.insert(axis, 1)
    return [tuple(out)]


@shape_rule("Gather")
def _gather(node, shapes, values):
    data, indices = shapes[0], shapes[1]
    if data is None or indices is None:
        return [None]
    axis = int(node.attrs.get("axis", 0)) % len(data)
    return [tuple(data[:axis]) + tuple(indices) + tuple(data[axis + 1 :])]


@shape_rule("GatherElements", "ScatterElements", "Scatter", "ScatterND", "TensorScatter")
def _gather_elements(node, shapes, values):
    # GatherElements: the output has the indices' shape; the scatters: the data's
    position = 1 if node.op_type == "GatherElements" else 0
    return [shapes[position] if len(shapes) > position else None]


@shape_rule("Expand")
def _expand(node, shapes, values):
    target = shape_operand(node, values[1]) if len(values) > 1 else None
    if shapes[0] is None or target is None:
        return [None]
    return [broadcast(shapes[0], tuple(target))]


@shape_rule("Tile")
def _tile(node, shapes, values):
    repeats = ints(values[1]) if len(values) > 1 else None
    if shapes[0] is None or repeats is None:
        return [None]
    return [tuple(normalize(d * r) for d, r in zip(shapes[0], repeats, strict=True))]


@shape_rule("Pad")
def _pad(node, shapes, values):
    x = shapes[0]
    pads = operand(node, values, 1, "pads")
    if x is None or pads is None:
        return [None]
    axes = operand(node, values, 3, "axes") if node.opset >= 18 else None
    axes = [a % len(x) for a in axes] if axes else list(range(len(x)))
    out = list(x)
    for i, axis in enumerate(axes):
        out[axis] = normalize(out[axis] + pads[i] + pads[i + len(axes)])
    return [tuple(out)]


@shape_rule("Slice")
def _slice(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    if node.opset < 10:
        starts, ends = node.attrs.get("starts"), node.attrs.get("ends")
        axes, steps = node.attrs.get("axes"), None
    else:
        starts, ends = ints(values[1]), ints(values[2])
        axes = operand(node, values, 3, "")
        steps = operand(node, values, 4, "")
    if starts is None or ends is None:
        return [None]
    axes = list(axes) if axes else list(range(len(starts)))
    steps = list(steps) if steps else [1] * len(starts)
    out = list(x)
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=False):
        axis %= len(x)
        out[axis] = _slice_length(x[axis], start, end, step)
    return [tuple(out)]


def _slice_length(size: Dim, start: Dim, end: Dim, step: int) -> Dim:
    """Elements kept by start:end:step on an axis of `size` (clamped as numpy does)."""
    if all(isinstance(v, int) for v in (size, start, end)):
        return len(range(*slice(start, end, step).indices(size)))
    big = 2**31 - 1  # an end of INT32_MAX (tf2onnx) or INT64_MAX (torch) means "to the end"
    if step > 0 and isinstance(start, int) and start >= 0 and isinstance(end, int) and end >= big:
        return normalize(ceildiv(size - start, step))
    if step > 0 and isinstance(start, int) and start >= 0 and not isinstance(end, int):
        return normalize(ceildiv(end - start, step))
    if step == 1 and isinstance(start, int) and start >= 0 and isinstance(end, int) and end < 0:
        return normalize(size + end - start)
    raise ValueError("slice bounds over unbound dims")


@shape_rule("Shape")
def _shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    start = int(node.attrs.get("start", 0))
    end = node.attrs.get("end")
    return [(len(x[start : None if end is None else int(end)]),)]


@shape_rule("Resize", "Upsample")
def _resize(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    if node.op_type == "Upsample" and node.opset < 9:
        scales = node.attrs.get("scales")
        sizes = None
    elif node.op_type == "Upsample":
        scales, sizes = ints_float(values[1]), None
    else:
        scales = ints_float(values[2]) if len(values) > 2 and node.inputs[2] else None
        sizes = ints(values[3]) if len(values) > 3 and node.inputs[3] else None
        if node.opset == 10:
            scales = ints_float(values[1])
    if sizes:
        return [tuple(sizes)]
    if not scales:
        return [None]
    return [tuple(floordiv(normalize(d * rational(s)), 1) for d, s in zip(x, scales, strict=True))]


@shape_rule("ConstantOfShape")
def _constant_of_shape(node, shapes, values):
    """The shape operand's values when known (symbols included), else its length in unknown dims."""
    dims = shape_operand(node, values[0]) if values and values[0] is not None else None
    if dims is not None:
        return [tuple(dims)]
    operand = shapes[0] if shapes else None
    if operand is None or len(operand) != 1 or not isinstance(operand[0], int):
        return [None]
    rank_guard(node, operand[0])
    return [tuple(DataDim(f"d{axis}", f"dim {axis}, a run-time value") for axis in range(operand[0]))]


@shape_rule("GatherND")
def _gather_nd(node, shapes, values):
    """indices[:-1] + data[batch_dims + k:], k = indices[-1]."""
    data, indices = shapes[0], shapes[1]
    if data is None or indices is None or not isinstance(indices[-1], int):
        return [None]
    batch = int(node.attrs.get("batch_dims", 0))
    return [(*indices[:-1], *data[batch + indices[-1] :])]


@shape_rule("DepthToSpace")
def _depth_to_space(node, shapes, values):
    x, block = shapes[0], int(node.attrs["blocksize"])
    if x is None:
        return [None]
    return [(x[0], floordiv(x[1], block * block), x[2] * block, x[3] * block)]


@shape_rule("SpaceToDepth")
def _space_to_depth(node, shapes, values):
    x, block = shapes[0], int(node.attrs["blocksize"])
    if x is None:
        return [None]
    return [(x[0], x[1] * block * block, floordiv(x[2], block), floordiv(x[3], block))]


@shape_rule("OneHot")
def _one_hot(node, shapes, values):
    """The indices' shape with `depth` inserted at `axis`."""
    indices, depth = shapes[0], ints(values[1]) if len(values) > 1 else None
    if indices is None or depth is None:
        return [None]
    rank = len(indices) + 1
    axis = int(node.attrs.get("axis", -1)) % rank
    out = list(indices)
    out.insert(axis, depth[0])
    return [tuple(out)]


@shape_rule("Size")
def _size(node, shapes, values):
    return [()]
