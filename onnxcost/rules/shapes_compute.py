"""Output shapes of the default domain's compute ops: element-wise and broadcasting ops,
convolution and pooling windows, matrix products, reductions, recurrent cells, einsum."""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.rules.shape_registry import Shape, broadcast, operand, shape_rule
from onnxcost.symbolic.formulas import ceildiv, floordiv
from onnxcost.types import Dim, NodeInfo

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
            if (
                ceil_mode
                and isinstance(found, int)
                and isinstance(size, int)
                and ((found - 1) * strides[i] >= size + pads[i])
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


def _reduce_shape(node, shapes, values, axes_input: int) -> list[Shape | None]:
    x = shapes[0]
    if x is None:
        return [None]
    try:
        axes = operand(node, values, axes_input, "axes") if axes_input else node.attrs.get("axes")
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


@shape_rule("Einsum")
def _einsum(node, shapes, values):
    if any(s is None for s in shapes):
        return [None]
    sizes, output = einsum_letters(node.attrs["equation"], shapes)
    return [tuple(sizes[c] for c in output)]


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


@shape_rule("GridSample")
def _grid_sample(node, shapes, values):
    """[N, C] + the grid's spatial dims (grid [N, H_out, W_out, 2])."""
    x, grid = shapes[0], shapes[1]
    if x is None or grid is None:
        return [None]
    return [(x[0], x[1], *grid[1:-1])]


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


@shape_rule("Det")
def _det(node, shapes, values):
    x = shapes[0]
    return [None if x is None else tuple(x[:-2])]


def einsum_letters(equation: str, shapes: Sequence[Sequence[Dim]]) -> tuple[dict[str, Dim], str]:
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
