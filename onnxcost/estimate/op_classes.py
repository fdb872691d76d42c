"""Op classes: the groups of ops a runtime runs at one rate, which a calibrated profile times
by size (hardware_profiles: `op_classes`), and what a node's size is for its class.

MAC classes (dense, depthwise, int8, int8-raw, recurrent) are timed by operations (2 per MAC);
the others (elementwise, transcendental, normalization, pooling, movement) by elements: the
largest activation a node reads or writes (a pooling node: its window operations).
"""

from __future__ import annotations

from collections.abc import Mapping

from onnxcost.dtypes import INTEGER_DTYPES
from onnxcost.types import Dim, NodeCost, TensorInfo

MAC_CLASSES = ("dense", "depthwise", "int8", "int8-raw", "recurrent")
ELEMENT_CLASSES = ("elementwise", "transcendental", "normalization", "pooling", "movement")
CLASSES = (*MAC_CLASSES, *ELEMENT_CLASSES)

_CONVS = frozenset({"Conv", "ConvTranspose", "FusedConv", "QLinearConv", "ConvInteger", "NhwcConv",
                    "QLinearConvTranspose"})  # fmt: skip
_RAW_INTEGER = frozenset({"ConvInteger", "MatMulInteger"})
_RECURRENT = frozenset({"LSTM", "GRU", "RNN", "DynamicQuantizeLSTM", "AttnLSTM"})
_TRANSCENDENTAL = frozenset({
    "Exp", "Log", "Erf", "Tanh", "Sigmoid", "Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Softplus",
    "Softsign", "Mish", "Elu", "Selu", "Celu", "Pow", "Sqrt", "Reciprocal", "Sin", "Cos", "Tan",
    "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "HardSwish", "HardSigmoid",
    "Swish", "SiLU", "LogSoftmax", "QLinearSigmoid",
})  # fmt: skip
_NORMALIZATION = frozenset({
    "Softmax", "LayerNormalization", "SkipLayerNormalization", "SimplifiedLayerNormalization",
    "SkipSimplifiedLayerNormalization", "BatchNormalization", "InstanceNormalization",
    "GroupNormalization", "LpNormalization", "MeanVarianceNormalization", "EmbedLayerNormalization",
    "RMSNormalization", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
    "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin",
    "QLinearSoftmax",
})  # fmt: skip
_POOLING = frozenset({"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool",
                      "QLinearAveragePool", "QLinearGlobalAveragePool", "MaxRoiPool"})  # fmt: skip
_MOVEMENT = frozenset({
    "Transpose", "Concat", "Split", "Slice", "Gather", "GatherElements", "GatherND", "Pad", "Tile",
    "Expand", "Resize", "Upsample", "ScatterND", "ScatterElements", "DepthToSpace", "SpaceToDepth",
    "ReorderInput", "ReorderOutput", "Cast", "Where", "OneHot", "CumSum", "NonZero", "TopK",
    "QLinearConcat", "Trilu", "ConstantOfShape", "Range",
})  # fmt: skip


_PLAIN_DOMAINS = frozenset({"", "ai.onnx", "ai.onnx.ml", "com.microsoft"})


# Kernels that are the same kernel under another name (FusedConv: Conv with its activation).
_SAME_KERNEL = {"FusedConv": "Conv"}
# Integer kernels and the index of their weight input: onnxruntime runs another kernel for each
# pair of activation and weight signedness (uint8 × int8 is the common one).
_INTEGER_WEIGHT = {"QLinearConv": 3, "QLinearMatMul": 3, "QGemm": 3, "MatMulInteger": 1, "ConvInteger": 1,
                   "DynamicQuantizeMatMul": 1}  # fmt: skip
_SIGN = {"uint8": "u8", "int8": "s8"}
# Element-wise ops of two operands: one operand of one element runs another loop.
_BINARY = frozenset(
    {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Equal", "Less", "Greater", "And", "Or"}
)
# Matrix products: one of a single row (a matrix-vector product) runs another kernel.
_MATRIX = frozenset({"MatMul", "Gemm", "FusedMatMul", "FusedGemm", "QLinearMatMul", "MatMulInteger",
                     "DynamicQuantizeMatMul", "QGemm", "MatMulNBits"})  # fmt: skip
# A convolution of fewer input channels per group than this (RGB, grey, a narrow bottleneck)
# fills a GEMM or an AVX-512 channel block (16 floats) poorly.
STEM_CHANNELS = 16


def op_key(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> str:
    """The name a calibrated profile's op_types table knows a node's kernel by: its op type, after
    the last part of its domain where that is a runtime's own layout domain ("nchwc.Conv"), with
    ".1d" for a one-dimensional convolution, ".dw" for a depthwise one, ".1x1" for a pointwise one,
    ".stem" for one of few input channels (an image's first layer), ".gemv" for a matrix product
    of one row, ".scalar" for a two-operand element-wise op with a one-element operand, and for an
    integer kernel the
    signedness of activations and weights other than uint8 × int8 (".s8s8", ".u8u8"): each runs
    another kernel."""
    op = _SAME_KERNEL.get(cost.op_type, cost.op_type)
    key = op if cost.domain in _PLAIN_DOMAINS else f"{cost.domain.rsplit('.', 1)[-1]}.{op}"
    if op in _CONVS:
        weight = _weight(cost, tensors)
        if weight is not None and weight.shape is not None and len(weight.shape) == 3:
            key += ".1d"
        if _is_depthwise(cost, tensors):
            key += ".dw"
        else:
            if _is_pointwise(cost, tensors):
                key += ".1x1"
            if (
                weight is not None
                and weight.shape is not None
                and len(weight.shape) > 1
                and isinstance(weight.shape[1], int)
                and (weight.shape[1] < STEM_CHANNELS)
            ):
                key += ".stem"
    if op in _MATRIX and _rows(cost, tensors) == 1:
        key += ".gemv"
    if op in _BINARY and len(cost.inputs) == 2 and any(_numel(tensors, name) == 1 for name in cost.inputs):
        key += ".scalar"
    if op in _INTEGER_WEIGHT and len(cost.inputs) > _INTEGER_WEIGHT[op]:
        activation = "uint8" if op == "DynamicQuantizeMatMul" else _dtype(tensors, cost.inputs[0])
        signs = [activation, _dtype(tensors, cost.inputs[_INTEGER_WEIGHT[op]])]
        if signs != ["uint8", "int8"] and all(sign in _SIGN for sign in signs):
            key += "." + "".join(_SIGN[sign] for sign in signs)
    return key


def _rows(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> Dim | None:
    """The rows of a matrix product's output: its first input's elements ÷ its last dim."""
    first = tensors.get(cost.inputs[0]) if cost.inputs else None
    if first is None or first.shape is None or not first.shape:
        return None
    rows: Dim = 1
    for dim in first.shape[:-1]:
        if not isinstance(dim, int):
            return None
        rows *= dim
    return rows


def _numel(tensors: Mapping[str, TensorInfo], name: str) -> Dim | None:
    info = tensors.get(name)
    return info.numel if info is not None else None


def _dtype(tensors: Mapping[str, TensorInfo], name: str) -> str:
    info = tensors.get(name)
    return info.dtype if info is not None else ""


def _weight(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> TensorInfo | None:
    index = 3 if cost.op_type.startswith("QLinear") else 1
    return tensors.get(cost.inputs[index]) if len(cost.inputs) > index else None


def _is_pointwise(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> bool:
    """A convolution whose kernel is 1 in every spatial dim."""
    weight = _weight(cost, tensors)
    return weight is not None and weight.shape is not None and all(d == 1 for d in weight.shape[2:])


def node_class(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> tuple[str, str, Dim, Dim]:
    """(class, table key, amount, kernel calls) of a node; a node whose shapes its op does not
    allow (a convolution with a rank-1 weight) is timed as its generic class by its FLOPs."""
    try:
        kind = op_class(cost, tensors)
        return kind, op_key(cost, tensors), class_amount(cost, kind, tensors), kernel_calls(cost, tensors)
    except (IndexError, TypeError, ValueError, ZeroDivisionError):
        return ("dense" if cost.macs != 0 else "elementwise"), cost.op_type, cost.flops, 1


def op_class(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> str:
    """The class of a node: by its MACs and their dtype first, else by its op type."""
    op = cost.op_type
    if cost.macs != 0:
        if op in _RECURRENT:
            return "recurrent"
        if any(dtype in INTEGER_DTYPES for dtype in cost.macs_by_dtype):
            return "int8-raw" if op in _RAW_INTEGER else "int8"
        if op in _CONVS and _is_depthwise(cost, tensors):
            return "depthwise"
        return "dense"
    if op in _TRANSCENDENTAL:
        return "transcendental"
    if op in _NORMALIZATION:
        return "normalization"
    if op in _POOLING:
        return "pooling"
    if op in _MOVEMENT:
        return "movement"
    return "elementwise"


def _is_depthwise(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> bool:
    """A convolution of one input channel per group (weights [M, 1, k...]) over several groups
    (an input of several channels: one of one channel is an ordinary convolution)."""
    weight = _weight(cost, tensors)
    data = tensors.get(cost.inputs[0]) if cost.inputs else None
    if weight is None or weight.shape is None or len(weight.shape) < 3:
        return False
    channels = data.shape[1] if data is not None and data.shape is not None and len(data.shape) > 1 else None
    return weight.shape[1] == 1 and weight.shape[0] != 1 and channels != 1


def class_amount(cost: NodeCost, kind: str, tensors: Mapping[str, TensorInfo]) -> Dim:
    """What a node's class is timed by: operations (2 per MAC, plus its other FLOPs) for a MAC
    class; window operations for pooling; else the elements of its largest input or output
    (constants included: a node that runs reads them, e.g. DequantizeLinear of a weight). With
    unbound dims, the first output's formula (comparing formulas is costly and rarely decides)."""
    if kind in MAC_CLASSES or kind == "pooling":
        return cost.flops
    sizes = [info.numel for name in (*cost.inputs, *cost.outputs)
             if name and (info := tensors.get(name)) is not None and info.numel is not None]  # fmt: skip
    if all(isinstance(size, int) for size in sizes):
        return max(sizes, default=0)
    first = tensors.get(cost.outputs[0]) if cost.outputs and cost.outputs[0] else None
    return first.numel if first is not None and first.numel is not None else next(
        size for size in sizes if not isinstance(size, int)
    )


# onnxruntime's generic convolution (no NCHWc kernel) runs one GEMM per image and group.
_PER_CALL = frozenset({"Conv", "ConvInteger"})


def kernel_calls(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> Dim:
    """How many kernel calls a node's work is split into: batch × groups for a generic
    convolution, which a calibrated table times per call; else 1."""
    op = _SAME_KERNEL.get(cost.op_type, cost.op_type)
    if op not in _PER_CALL or cost.domain not in _PLAIN_DOMAINS:
        return 1
    data, weight = (tensors.get(cost.inputs[0]) if cost.inputs else None), _weight(cost, tensors)
    if data is None or weight is None or data.shape is None or weight.shape is None or len(data.shape) < 3:
        return 1
    if len(weight.shape) < 2:  # not a convolution's weight: one call
        return 1
    channels, per_group = data.shape[1], weight.shape[1]
    if not isinstance(channels, int) or not isinstance(per_group, int) or per_group == 0:
        return data.shape[0]
    return data.shape[0] * max(channels // per_group, 1)
