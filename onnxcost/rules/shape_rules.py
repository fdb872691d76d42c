"""Output shapes of common ops over symbolic dims, for what ONNX's own inference leaves unknown.

ONNX shape inference keeps a named dim only through ops that pass it unchanged; a Conv over
`height` or a Reshape whose target comes from a Shape chain loses it. These rules keep the
exact expression (with floor where the op floors), so figures stay formulas in the user's dims.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from onnxcost.errors import ShapeError
from onnxcost.symbolic.formulas import ceildiv, dim_max, floordiv, normalize, product, total
from onnxcost.types import Dim, NodeInfo

Shape = tuple[Dim, ...]


@dataclass(frozen=True)
class DataDim:
    """An output dim the input data decides (NonZero's count), not the input shapes: the shape
    stage names it `<node>_<key>`; `bound` is the largest value the graph allows (None: none)."""

    key: str
    what: str
    bound: Dim | None = None

ShapeFn = Callable[[NodeInfo, Sequence[Shape | None], Sequence[np.ndarray | None]], list]
SHAPE_RULES: dict[str, ShapeFn] = {}
DOMAIN_SHAPE_RULES: dict[tuple[str, str], ShapeFn] = {}


def shape_rule(*op_types: str, domain: str = "") -> Callable[[ShapeFn], ShapeFn]:
    """Register an output-shape function for ops of `domain` (default: ai.onnx)."""

    def register(fn: ShapeFn) -> ShapeFn:
        for op_type in op_types:
            if domain:
                DOMAIN_SHAPE_RULES[(domain, op_type)] = fn
            else:
                SHAPE_RULES[op_type] = fn
        return fn

    return register


DtypeFn = Callable[[NodeInfo, Sequence[str]], list]
DOMAIN_DTYPE_RULES: dict[tuple[str, str], DtypeFn] = {}


def dtype_rule(*op_types: str, domain: str = "") -> Callable[[DtypeFn], DtypeFn]:
    """Register the output dtypes of ops ONNX type inference does not know (contrib domains)."""

    def register(fn: DtypeFn) -> DtypeFn:
        for op_type in op_types:
            DOMAIN_DTYPE_RULES[(domain, op_type)] = fn
        return fn

    return register


def infer_output_dtypes(node: NodeInfo, dtypes: Sequence[str]) -> list[str | None]:
    """Output dtypes from the op's semantics (input dtypes by position, '' when absent)."""
    import onnxcost.rules  # noqa: F401  (rule modules register dtype rules of their own ops)

    fn = DOMAIN_DTYPE_RULES.get((node.domain, node.op_type))
    if fn is None and node.domain in ("", "ai.onnx.ml"):
        from onnxcost.model.schema_dtypes import schema_dtypes

        fn = schema_dtypes
    if fn is None:
        return [None] * len(node.outputs)
    try:
        result = list(fn(node, dtypes))
    except (ValueError, TypeError, IndexError, KeyError):
        return [None] * len(node.outputs)
    return result + [None] * (len(node.outputs) - len(result))


def infer_output_shapes(
    node: NodeInfo, shapes: Sequence[Shape | None], values: Sequence[np.ndarray | None]
) -> list[Shape | None]:
    """Output shapes from the op's semantics, None where they cannot be derived."""
    import onnxcost.rules  # noqa: F401  (rule modules register shape rules of their own ops)

    fn = SHAPE_RULES.get(node.op_type) if node.domain == "" else None
    fn = fn or DOMAIN_SHAPE_RULES.get((node.domain, node.op_type))
    if fn is None:
        return [None] * len(node.outputs)
    try:
        result = list(fn(node, shapes, values))
    except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError):
        return [None] * len(node.outputs)
    return result + [None] * (len(node.outputs) - len(result))


def broadcast(*shapes: Shape) -> Shape:
    """Numpy-style broadcast of dims (ints or symbols)."""
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    out = []
    for dims in zip(*padded, strict=True):
        result: Dim = 1
        for d in dims:
            result = dim_max(result, d)
        out.append(result)
    return tuple(out)


def _ints(value: np.ndarray | None) -> list[Dim] | None:
    if value is None:
        return None
    return [int(v) if isinstance(v, np.integer | int) else normalize(v) for v in value.reshape(-1)]


def _shape_operand(node: NodeInfo, value: np.ndarray | None) -> list[Dim] | None:
    """A shape given as a value (Reshape, Expand, ConstantOfShape), refused past MAX_RANK dims."""
    if value is not None:
        _rank_guard(node, value.size)
    return _ints(value)


def _rank_guard(node: NodeInfo, rank: int) -> None:
    check_rank(f"node {node.name!r} ({node.op_type}): its output", rank)


def check_rank(what: str, rank: int) -> None:
    """A ShapeError when `what` would have more dims than any runtime holds."""
    if rank > MAX_RANK:
        raise ShapeError(f"{what} would have {rank:,} dims; a tensor has at most {MAX_RANK} "
                         "(numpy's limit; onnxruntime's kernels take far fewer)")  # fmt: skip


def _operand(node: NodeInfo, values: Sequence[np.ndarray | None], index: int, attr: str):
    """Input `index` as ints (the attribute `attr` in older opsets); None when absent.

    An input the node has but whose value is unknown makes the output unknown (ValueError),
    never the default an absent input means.
    """
    if len(node.inputs) > index and node.inputs[index]:
        found = _ints(values[index]) if index < len(values) else None
        if found is None:
            raise ValueError(f"input {index} of {node.op_type} is not known before run time")
        return found
    return node.attrs.get(attr)


MAX_RANK = 64  # numpy's NPY_MAXDIMS
SAME_SHAPE_OPS = [
    "Abs",
    "Acos",
    "Acosh",
    "Asin",
    "Asinh",
    "Atan",
    "Atanh",
    "Ceil",
    "Celu",
    "Cos",
    "Cosh",
    "Elu",
    "Erf",
    "Exp",
    "Floor",
    "Gelu",
    "HardSigmoid",
    "HardSwish",
    "Hardmax",
    "Identity",
    "IsInf",
    "IsNaN",
    "LeakyRelu",
    "Log",
    "LogSoftmax",
    "LpNormalization",
    "Mish",
    "Neg",
    "Not",
    "Reciprocal",
    "Relu",
    "Round",
    "Selu",
    "Shrink",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Softmax",
    "Softplus",
    "Softsign",
    "Sqrt",
    "Tan",
    "Tanh",
    "ThresholdedRelu",
    "Cast",
    "CastLike",
    "Clip",
    "BatchNormalization",
    "InstanceNormalization",
    "GroupNormalization",
    "LRN",
    "MeanVarianceNormalization",
    "Dropout",
    "Swish",
    "RMSNormalization",
    "CumSum",
    "CumProd",
    "Trilu",
    "ReverseSequence",
    "EyeLike",
    "RandomNormalLike",
    "RandomUniformLike",
    "Bernoulli",
    "RotaryEmbedding",
    "BitwiseNot",
    "QuantizeLinear",
    "DequantizeLinear",
    "PRelu",
]


@shape_rule(*SAME_SHAPE_OPS)
def _same(node, shapes, values):
    return [shapes[0], shapes[0]] if node.op_type == "Dropout" else [shapes[0]]


@shape_rule("LayerNormalization")
def _layer_normalization(node, shapes, values):
    """Y like X; Mean and InvStdDev keep X's dims before `axis` and 1 for each normalized one."""
    x = shapes[0]
    if x is None:
        return [None, None, None]
    axis = int(node.attrs.get("axis", -1)) % len(x)
    stats = (*x[:axis], *([1] * (len(x) - axis)))
    return [x, stats, stats]


BROADCAST_OPS = [
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Pow",
    "Mod",
    "And",
    "Or",
    "Xor",
    "Equal",
    "Greater",
    "Less",
    "GreaterOrEqual",
    "LessOrEqual",
    "Max",
    "Min",
    "Mean",
    "Sum",
    "BitShift",
    "BitwiseAnd",
    "BitwiseOr",
    "BitwiseXor",
    "Where",
]


@shape_rule(*BROADCAST_OPS)
def _broadcast(node, shapes, values):
    present = [s for s, name in zip(shapes, node.inputs, strict=False) if name]
    if any(s is None for s in present):
        return [None]
    return [broadcast(*present)]


def _spatial_out(size: Dim, kernel: int, stride: int, dilation: int, pad_total: int, ceil_mode: bool) -> Dim:
    """out = floor((size + pads − dilation·(k−1) − 1) / stride) + 1 (ceil with ceil_mode)."""
    span = size + pad_total - dilation * (kernel - 1) - 1
    return (ceildiv(span, stride) if ceil_mode else floordiv(span, stride)) + 1


def window_output(node: NodeInfo, spatial: Sequence[Dim], kernel: Sequence[int]) -> list[Dim]:
    """Spatial output dims of a Conv or pooling window (auto_pad and ceil_mode included)."""
    rank = len(spatial)
    strides = list(node.attrs.get("strides") or [1] * rank)
    dilations = list(node.attrs.get("dilations") or [1] * rank)
    pads = list(node.attrs.get("pads") or [0] * (2 * rank))
    auto_pad = node.attrs.get("auto_pad", "NOTSET")
    ceil_mode = bool(node.attrs.get("ceil_mode", 0))
    out = []
    for i, size in enumerate(spatial):
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            out.append(ceildiv(size, strides[i]))
        elif auto_pad == "VALID":
            out.append(ceildiv(size - dilations[i] * (kernel[i] - 1), strides[i]))
        else:
            total = pads[i] + pads[i + rank]
            found = _spatial_out(size, kernel[i], strides[i], dilations[i], total, ceil_mode)
            if ceil_mode and isinstance(found, int) and isinstance(size, int) and (
                (found - 1) * strides[i] >= size + pads[i]
            ):
                found -= 1  # ceil mode drops a last window that would start in the end padding
            out.append(found)
    return out


@shape_rule("Conv", "ConvInteger", "QLinearConv", "DeformConv")
def _conv(node, shapes, values):
    x_index, w_index = (0, 3) if node.op_type == "QLinearConv" else (0, 1)
    x, w = shapes[x_index], shapes[w_index]
    if x is None or w is None:
        return [None]
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    return [(x[0], w[0], *window_output(node, x[2:], kernel))]


@shape_rule("ConvTranspose")
def _conv_transpose(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None]
    group = int(node.attrs.get("group", 1))
    if node.attrs.get("output_shape"):
        return [(x[0], w[1] * group, *node.attrs["output_shape"])]
    rank = len(x) - 2
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    strides = list(node.attrs.get("strides") or [1] * rank)
    dilations = list(node.attrs.get("dilations") or [1] * rank)
    pads = list(node.attrs.get("pads") or [0] * (2 * rank))
    extra = list(node.attrs.get("output_padding") or [0] * rank)
    auto_pad = node.attrs.get("auto_pad", "NOTSET")
    spatial = []
    for i in range(rank):
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            spatial.append(x[2 + i] * strides[i])
            continue
        full = strides[i] * (x[2 + i] - 1) + extra[i] + (kernel[i] - 1) * dilations[i] + 1
        spatial.append(full - pads[i] - pads[i + rank])
    return [(x[0], w[1] * group, *spatial)]


@shape_rule("MaxPool", "AveragePool", "LpPool")
def _pool(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None, None]
    out = (x[0], x[1], *window_output(node, x[2:], node.attrs["kernel_shape"]))
    return [out, out]


@shape_rule("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")
def _global_pool(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (x[0], x[1], *([1] * (len(x) - 2)))]


def matmul_shape(a: Shape, b: Shape) -> Shape:
    """Output shape of numpy-style matmul (1-D operands promoted and dropped)."""
    a_dims, b_dims = list(a), list(b)
    if len(a_dims) == 1:
        a_dims = [1, *a_dims]
    if len(b_dims) == 1:
        b_dims = [*b_dims, 1]
    batch = broadcast(tuple(a_dims[:-2]), tuple(b_dims[:-2])) if (a_dims[:-2] or b_dims[:-2]) else ()
    out = [*batch, a_dims[-2], b_dims[-1]]
    if len(a) == 1:
        out.pop(-2)
    if len(b) == 1:
        out.pop(-1)
    return tuple(out)


@shape_rule("MatMul", "MatMulInteger", "QLinearMatMul")
def _matmul(node, shapes, values):
    a, b = (shapes[0], shapes[3]) if node.op_type == "QLinearMatMul" else (shapes[0], shapes[1])
    return [None if a is None or b is None else matmul_shape(a, b)]


def gemm_shape(node: NodeInfo, a: Shape | None, b: Shape | None) -> list[Shape | None]:
    """[M, N] of a Gemm-like op from A, B and transA/transB."""
    if a is None or b is None:
        return [None]
    m = a[1] if node.attrs.get("transA", 0) else a[0]
    n = b[0] if node.attrs.get("transB", 0) else b[1]
    return [(m, n)]


@shape_rule("Gemm")
def _gemm(node, shapes, values):
    return gemm_shape(node, shapes[0], shapes[1])


@shape_rule("Reshape")
def _reshape(node, shapes, values):
    x = shapes[0]
    target = _shape_operand(node, values[1]) if len(values) > 1 else node.attrs.get("shape")
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
    sizes = _operand(node, values, 1, "split")
    count = len(node.outputs)
    if not sizes:
        chunk = ceildiv(x[axis], count)
        last = x[axis] - chunk * (count - 1)
        sizes = [chunk] * (count - 1) + [normalize(last)]
    return [(*tuple(x[:axis]), s, *tuple(x[axis + 1:])) for s in sizes]


@shape_rule("Squeeze")
def _squeeze(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    axes = _operand(node, values, 1, "axes")
    if axes is None:
        return [tuple(d for d in x if d != 1)]
    drop = {a % len(x) for a in axes}
    return [tuple(d for i, d in enumerate(x) if i not in drop)]


@shape_rule("Unsqueeze")
def _unsqueeze(node, shapes, values):
    x = shapes[0]
    axes = _operand(node, values, 1, "axes")
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
    target = _shape_operand(node, values[1]) if len(values) > 1 else None
    if shapes[0] is None or target is None:
        return [None]
    return [broadcast(shapes[0], tuple(target))]


@shape_rule("Tile")
def _tile(node, shapes, values):
    repeats = _ints(values[1]) if len(values) > 1 else None
    if shapes[0] is None or repeats is None:
        return [None]
    return [tuple(normalize(d * r) for d, r in zip(shapes[0], repeats, strict=True))]


@shape_rule("Pad")
def _pad(node, shapes, values):
    x = shapes[0]
    pads = _operand(node, values, 1, "pads")
    if x is None or pads is None:
        return [None]
    axes = _operand(node, values, 3, "axes") if node.opset >= 18 else None
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
        starts, ends = _ints(values[1]), _ints(values[2])
        axes = _operand(node, values, 3, "")
        steps = _operand(node, values, 4, "")
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


def _reduce_shape(node, shapes, values, axes_input: int) -> list[Shape | None]:
    x = shapes[0]
    if x is None:
        return [None]
    try:
        axes = _operand(node, values, axes_input, "axes") if axes_input else node.attrs.get("axes")
    except ValueError:
        axes = None  # an axes input of unknown value: known by count at best (below)
    keepdims = bool(node.attrs.get("keepdims", 1))
    if axes is None and axes_input and len(node.inputs) > axes_input and node.inputs[axes_input]:
        # axes known only by count: the rank is known, the dims are not
        count = shapes[axes_input][0] if shapes[axes_input] else None
        if not isinstance(count, int) or count < 0 or count > len(x):
            return [None]
        if count:
            return [(None,) * (len(x) if keepdims else len(x) - count)]
        axes = []  # an empty axes tensor: reduce all (or nothing, with noop_with_empty_axes)
    if not axes:
        if int(node.attrs.get("noop_with_empty_axes", 0)):
            return [x]
        axes = list(range(len(x)))
    drop = {a % len(x) for a in axes}
    if keepdims:
        return [tuple(1 if i in drop else d for i, d in enumerate(x))]
    return [tuple(d for i, d in enumerate(x) if i not in drop)]


REDUCE_OPS = [
    "ReduceSum",
    "ReduceMean",
    "ReduceMax",
    "ReduceMin",
    "ReduceProd",
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "ReduceSumSquare",
]


@shape_rule(*REDUCE_OPS)
def _reduce(node, shapes, values):
    axes_as_input = node.opset >= 18 or (node.op_type == "ReduceSum" and node.opset >= 13)
    return _reduce_shape(node, shapes, values, 1 if axes_as_input else 0)


@shape_rule("ArgMax", "ArgMin")
def _arg(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    axis = int(node.attrs.get("axis", 0)) % len(x)
    if node.attrs.get("keepdims", 1):
        return [tuple(1 if i == axis else d for i, d in enumerate(x))]
    return [tuple(d for i, d in enumerate(x) if i != axis)]


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
        scales, sizes = _ints_float(values[1]), None
    else:
        scales = _ints_float(values[2]) if len(values) > 2 and node.inputs[2] else None
        sizes = _ints(values[3]) if len(values) > 3 and node.inputs[3] else None
        if node.opset == 10:
            scales = _ints_float(values[1])
    if sizes:
        return [tuple(sizes)]
    if not scales:
        return [None]
    return [tuple(floordiv(normalize(d * _rational(s)), 1) for d, s in zip(x, scales, strict=True))]


def _ints_float(value: np.ndarray | None) -> list[float] | None:
    return None if value is None or value.size == 0 else [float(v) for v in value.reshape(-1)]


def _rational(scale: float):
    import sympy

    return int(scale) if float(scale).is_integer() else sympy.Rational(str(scale))


@shape_rule("TopK")
def _topk(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None, None]
    k = _ints(values[1]) if len(values) > 1 else [node.attrs.get("k")]
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
    limit = _ints(values[2]) if len(values) > 2 and values[2] is not None else None
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
    operands = [_ints(v) for v in values[:3]] if len(values) >= 3 else [None]
    if all(o is not None and len(o) == 1 for o in operands):
        start, limit, delta = (o[0] for o in operands)
        if isinstance(delta, int) and delta > 0:
            return [(normalize(ceildiv(limit - start, delta)),)]
    return [(DataDim("count", "the number of values, from run-time start, limit and delta"),)]


@shape_rule("Einsum")
def _einsum(node, shapes, values):
    if any(s is None for s in shapes):
        return [None]
    sizes, output = einsum_letters(node.attrs["equation"], shapes)
    return [tuple(sizes[c] for c in output)]


@shape_rule("ConstantOfShape")
def _constant_of_shape(node, shapes, values):
    """The shape operand's values when known (symbols included), else its length in unknown dims."""
    dims = _shape_operand(node, values[0]) if values and values[0] is not None else None
    if dims is not None:
        return [tuple(dims)]
    operand = shapes[0] if shapes else None
    if operand is None or len(operand) != 1 or not isinstance(operand[0], int):
        return [None]
    _rank_guard(node, operand[0])
    return [tuple(DataDim(f"d{axis}", f"dim {axis}, a run-time value") for axis in range(operand[0]))]


@shape_rule("LSTM", "GRU", "RNN")
def _recurrent(node, shapes, values):
    """Y [seq, dirs, batch, hidden] and Y_h (Y_c) [dirs, batch, hidden]; batch first when layout 1."""
    x = shapes[0]
    if x is None or len(x) != 3:
        return [None] * len(node.outputs)
    hidden = int(node.attrs["hidden_size"])
    dirs = 2 if node.attrs.get("direction", "forward") == "bidirectional" else 1
    if int(node.attrs.get("layout", 0)):
        batch, seq = x[0], x[1]
        return [(batch, seq, dirs, hidden), (batch, dirs, hidden), (batch, dirs, hidden)]
    seq, batch = x[0], x[1]
    return [(seq, dirs, batch, hidden), (dirs, batch, hidden), (dirs, batch, hidden)]


@shape_rule("DynamicQuantizeLinear")
def _dynamic_quantize(node, shapes, values):
    return [shapes[0], (), ()]


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


@shape_rule("GridSample")
def _grid_sample(node, shapes, values):
    """[N, C] + the grid's spatial dims (grid [N, H_out, W_out, 2])."""
    x, grid = shapes[0], shapes[1]
    if x is None or grid is None:
        return [None]
    return [(x[0], x[1], *grid[1:-1])]


@shape_rule("OneHot")
def _one_hot(node, shapes, values):
    """The indices' shape with `depth` inserted at `axis`."""
    indices, depth = shapes[0], _ints(values[1]) if len(values) > 1 else None
    if indices is None or depth is None:
        return [None]
    rank = len(indices) + 1
    axis = int(node.attrs.get("axis", -1)) % rank
    out = list(indices)
    out.insert(axis, depth[0])
    return [tuple(out)]


@shape_rule("RoiAlign", "MaxRoiPool")
def _roi_pool(node, shapes, values):
    """[rois, C, output_height, output_width]."""
    x, rois = shapes[0], shapes[1]
    if x is None or rois is None:
        return [None]
    if node.op_type == "MaxRoiPool":
        height, width = node.attrs["pooled_shape"]
    else:
        height, width = node.attrs.get("output_height", 1), node.attrs.get("output_width", 1)
    return [(rois[0], x[1], int(height), int(width))]


@shape_rule("Size")
def _size(node, shapes, values):
    return [()]


@shape_rule("RandomNormal", "RandomUniform")
def _random(node, shapes, values):
    return [tuple(int(d) for d in node.attrs["shape"])]


@shape_rule("Multinomial")
def _multinomial(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (x[0], int(node.attrs.get("sample_size", 1)))]


@shape_rule("Det")
def _det(node, shapes, values):
    x = shapes[0]
    return [None if x is None else tuple(x[:-2])]


def einsum_letters(
    equation: str, shapes: Sequence[Sequence[Dim]]
) -> tuple[dict[str, Dim], str]:
    """Size of each index letter and the output subscripts of an einsum equation."""
    equation = equation.replace(" ", "")
    lhs, _, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum {equation!r} has {len(terms)} operands, got {len(shapes)}")
    sizes: dict[str, Dim] = {}
    ellipsis_dims: tuple[Dim, ...] = ()
    for term, shape in zip(terms, shapes, strict=True):
        if "..." in term:
            head, tail = term.split("...")
            extra = len(shape) - len(head) - len(tail)
            ell = tuple(shape[len(head) : len(head) + extra])
            ellipsis_dims = broadcast(ellipsis_dims, ell) if ellipsis_dims else ell
            letters = head + tail
            dims = list(shape[: len(head)]) + list(shape[len(head) + extra :])
        else:
            letters, dims = term, list(shape)
        for letter, dim in zip(letters, dims, strict=True):
            if letter not in sizes or sizes[letter] == 1:
                sizes[letter] = dim
    for i, dim in enumerate(ellipsis_dims):
        sizes[f"\x00{i}"] = dim
    ell_letters = "".join(f"\x00{i}" for i in range(len(ellipsis_dims)))
    if "->" in equation:
        output = rhs.replace("...", ell_letters)
    else:
        seen = [c for c in lhs.replace(",", "").replace("...", "") if c.isalpha()]
        output = ell_letters + "".join(sorted(c for c in set(seen) if seen.count(c) == 1))
    return sizes, output
