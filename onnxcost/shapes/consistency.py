"""Shapes that cannot run: a node whose inputs contradict its weights, each other or its op.

Each check reads only dims that are numbers (a symbolic dim can still take a fitting value) and
returns one line naming the node and the values, or None. The shape stage raises the first one
of the nodes that surely run (the main graph, Loop and Scan bodies, an If branch taken) as a
ShapeError; in an If branch of unknown condition it means that branch is not the one taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from onnxcost.rules.shape_rules import window_output
from onnxcost.symbolic.formulas import product
from onnxcost.types import Dim, NodeInfo, TensorInfo

Shapes = Sequence[tuple[Dim, ...] | None]
Check = Callable[[NodeInfo, Shapes, Sequence[str], Shapes], "str | None"]
CHECKS: dict[str, Check] = {}

# Default-domain ops whose data input cannot have a 0 dim (an empty image, sequence or matrix).
NEEDS_POSITIVE = frozenset({
    "Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool",
    "GlobalAveragePool", "GlobalMaxPool", "MatMul", "MatMulInteger", "QLinearMatMul", "Gemm",
    "LSTM", "GRU", "RNN", "BatchNormalization", "InstanceNormalization", "LayerNormalization",
    "GroupNormalization", "Softmax", "LogSoftmax", "Resize", "Einsum",
})  # fmt: skip
BROADCAST_OPS = frozenset({
    "Add", "Sub", "Mul", "Div", "Pow", "Mod", "And", "Or", "Xor", "Equal", "Greater", "Less",
    "GreaterOrEqual", "LessOrEqual", "Max", "Min", "Mean", "Sum", "Where", "PRelu",
    "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitShift",
})  # fmt: skip


def check(*op_types: str) -> Callable[[Check], Check]:
    """Register a contradiction check for default-domain ops."""

    def register(fn: Check) -> Check:
        for op_type in op_types:
            CHECKS[op_type] = fn
        return fn

    return register


def contradiction(
    node: NodeInfo, inputs: Sequence[TensorInfo | None], outputs: Sequence[TensorInfo | None]
) -> str | None:
    """Why `node` cannot run on these input shapes (giving these outputs), as one line, or None."""
    if node.op_type not in CHECKED_OPS or node.domain not in ("", "ai.onnx"):
        return None
    if node.op_type in BROADCAST_OPS and len({info.shape for info in inputs if info is not None}) < 2:
        return None  # the common case: operands of one shape
    shapes = [info.shape if info is not None else None for info in inputs]
    names = [info.name if info is not None else "" for info in inputs]
    if node.op_type in NEEDS_POSITIVE and shapes and shapes[0] is not None and 0 in shapes[0]:
        return (f"node {node.name!r} ({node.op_type}): input {names[0]!r} has a 0 dim "
                f"{_text(shapes[0])}; {node.op_type} needs every dim positive")  # fmt: skip
    fn = CHECKS.get(node.op_type)
    if fn is None and node.op_type in BROADCAST_OPS:
        fn = _broadcast
    if fn is None:
        return None
    try:
        outs = [info.shape if info is not None else None for info in outputs]
        return fn(node, shapes, names, outs)
    except (IndexError, KeyError, TypeError, ValueError, ZeroDivisionError):
        return None  # malformed attributes: the rules and their warnings deal with those


def _text(shape: tuple[Dim, ...] | None) -> str:
    return "[" + ", ".join(str(d) for d in shape or ()) + "]"


def _known(*dims: Dim) -> bool:
    return all(isinstance(d, int) for d in dims)


def _where(node: NodeInfo) -> str:
    return f"node {node.name!r} ({node.op_type})"


@check("Conv", "ConvInteger", "QLinearConv")
def _conv(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """Cin = W[1] × group; ranks equal; every spatial output ≥ 1."""
    w_index = 3 if node.op_type == "QLinearConv" else 1
    x, w = shapes[0], shapes[w_index]
    if x is None or w is None:
        return None
    if len(x) != len(w):
        return (f"{_where(node)}: input {names[0]!r} {_text(x)} and weight {names[w_index]!r} "
                f"{_text(w)} differ in rank")  # fmt: skip
    group = int(node.attrs.get("group", 1))
    if _known(x[1], w[1]) and x[1] != w[1] * group:
        return (f"{_where(node)}: input {names[0]!r} has {x[1]} channels {_text(x)}, but weight "
                f"{names[w_index]!r} {_text(w)} takes {w[1] * group} ({w[1]} × group {group})")  # fmt: skip
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    return _window(node, x, kernel, names[0])


@check("ConvTranspose")
def _conv_transpose(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """Cin = W[0]."""
    x, w = shapes[0], shapes[1]
    if x is None or w is None or len(x) < 2 or not w:
        return None
    if _known(x[1], w[0]) and x[1] != w[0]:
        return (f"{_where(node)}: input {names[0]!r} has {x[1]} channels {_text(x)}, but weight "
                f"{names[1]!r} {_text(w)} takes {w[0]}")  # fmt: skip
    return None


@check("MaxPool", "AveragePool", "LpPool")
def _pool(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    x = shapes[0]
    return None if x is None else _window(node, x, node.attrs["kernel_shape"], names[0])


def _window(node: NodeInfo, x: tuple[Dim, ...], kernel: Sequence[int], name: str) -> str | None:
    """Every spatial output of a window op is at least 1."""
    spatial = x[2:]
    if not _known(*spatial) or len(kernel) != len(spatial):
        return None
    out = window_output(node, spatial, kernel)
    if all(isinstance(d, int) and d >= 1 for d in out):
        return None
    return (f"{_where(node)}: input {name!r} {_text(x)} is too small for a window of "
            f"{'x'.join(map(str, kernel))}: the output would be {_text(tuple(out))}")  # fmt: skip


@check("MatMul", "MatMulInteger", "QLinearMatMul")
def _matmul(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """A[..., K] · B[..., K, N]: the Ks agree and the batch dims broadcast."""
    b_index = 3 if node.op_type == "QLinearMatMul" else 1
    a, b = shapes[0], shapes[b_index]
    if a is None or b is None or not a or not b:
        return None
    k_a = a[-1]
    k_b = b[0] if len(b) == 1 else b[-2]
    if _known(k_a, k_b) and k_a != k_b:
        return (f"{_where(node)}: {names[0]!r} {_text(a)} has {k_a} columns, but {names[b_index]!r} "
                f"{_text(b)} has {k_b} rows")  # fmt: skip
    if len(a) > 2 and len(b) > 2:
        return _broadcast_dims(node, [a[:-2], b[:-2]], [names[0], names[b_index]])
    return None


@check("Gemm")
def _gemm(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    a, b = shapes[0], shapes[1]
    if a is None or b is None or len(a) != 2 or len(b) != 2:
        return None
    k_a = a[0] if node.attrs.get("transA", 0) else a[1]
    k_b = b[1] if node.attrs.get("transB", 0) else b[0]
    if _known(k_a, k_b) and k_a != k_b:
        return (f"{_where(node)}: {names[0]!r} {_text(a)} gives K = {k_a}, but {names[1]!r} {_text(b)} "
                f"gives K = {k_b}")  # fmt: skip
    return None


def _broadcast(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    present = [(s, n) for s, n in zip(shapes, names, strict=False) if s is not None and n]
    return _broadcast_dims(node, [s for s, _ in present], [n for _, n in present])


def _broadcast_dims(node: NodeInfo, shapes: Sequence[tuple[Dim, ...]], names: Sequence[str]) -> str | None:
    """Numpy broadcasting: per axis (aligned right), the dims other than 1 agree."""
    rank = max((len(s) for s in shapes), default=0)
    for axis in range(1, rank + 1):
        fixed = None
        for shape in shapes:
            size = shape[-axis] if len(shape) >= axis else 1
            if type(size) is not int or size == 1 or size == fixed:
                continue
            if fixed is not None:
                parts = ", ".join(f"{n!r} {_text(s)}" for s, n in zip(shapes, names, strict=True))
                return f"{_where(node)}: cannot broadcast {parts} (axis -{axis}: {sorted((fixed, size))})"
            fixed = size
    return None


@check("Concat")
def _concat(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """Equal ranks; every dim off the axis equal."""
    present = [(s, n) for s, n in zip(shapes, names, strict=False) if n and s is not None]
    if len(present) < 2:
        return None
    rank = len(present[0][0])
    if any(len(s) != rank for s, _ in present):
        parts = ", ".join(f"{n!r} {_text(s)}" for s, n in present)
        return f"{_where(node)}: inputs of different ranks {parts}"
    axis = int(node.attrs["axis"]) % rank if rank else 0
    for position in range(rank):
        if position == axis:
            continue
        fixed = {s[position] for s, _ in present if isinstance(s[position], int)}
        if len(fixed) > 1:
            parts = ", ".join(f"{n!r} {_text(s)}" for s, n in present)
            return f"{_where(node)}: inputs disagree off the concat axis {axis}: {parts}"
    return None


@check("Reshape")
def _reshape(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """The input's elements fill the target: equal counts (a -1 must divide them)."""
    x = shapes[0]
    out = outs[0] if outs else None
    if x is None or out is None or not _known(*x, *out):
        return None
    if product(x) != product(out):
        return (f"{_where(node)}: cannot reshape {names[0]!r} {_text(x)} ({product(x)} elements) to "
                f"{_text(out)} ({product(out)} elements)")  # fmt: skip
    return None


@check("BatchNormalization", "InstanceNormalization")
def _channel_norm(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """The scale has one value per channel."""
    x, scale = shapes[0], shapes[1]
    if x is None or scale is None or len(x) < 2 or len(scale) != 1:
        return None
    if _known(x[1], scale[0]) and x[1] != scale[0]:
        return (f"{_where(node)}: input {names[0]!r} has {x[1]} channels {_text(x)}, but {names[1]!r} "
                f"holds {scale[0]} values")  # fmt: skip
    return None


@check("LayerNormalization")
def _layer_norm(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """The scale broadcasts over the normalized dims x[axis:]."""
    x, scale = shapes[0], shapes[1]
    if x is None or scale is None:
        return None
    axis = int(node.attrs.get("axis", -1)) % len(x)
    return _broadcast_dims(node, [tuple(x[axis:]), scale], [names[0], names[1]])


@check("LSTM", "GRU", "RNN")
def _recurrent(node: NodeInfo, shapes: Shapes, names: Sequence[str], outs: Shapes) -> str | None:
    """X is [seq, batch, input] (or batch first) and W [dirs, gates·hidden, input]."""
    x, w = shapes[0], shapes[1]
    if x is None:
        return None
    if len(x) != 3:
        return f"{_where(node)}: input {names[0]!r} {_text(x)} has rank {len(x)}, {node.op_type} takes rank 3"
    if w is not None and len(w) == 3 and _known(x[2], w[2]) and x[2] != w[2]:
        return (f"{_where(node)}: input {names[0]!r} {_text(x)} has {x[2]} features, but weight "
                f"{names[1]!r} {_text(w)} takes {w[2]}")  # fmt: skip
    return None


# Every op some check reads: the shape stage asks about no other.
CHECKED_OPS = frozenset(CHECKS) | BROADCAST_OPS | NEEDS_POSITIVE
