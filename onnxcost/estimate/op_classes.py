"""Op classes: the groups of ops a runtime runs at one rate, which a calibrated profile times
by size (hardware_profiles: `op_classes`), and what a node's size is for its class.

MAC classes (dense, depthwise, int8, int8-raw, recurrent) are timed by operations (2 per MAC);
the others (elementwise, transcendental, normalization, pooling, movement) by elements: the
largest activation a node reads or writes (a pooling node: its window operations).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from onnxcost.dtypes import INTEGER_DTYPES
from onnxcost.types import Dim, NodeCost, TensorInfo

MAC_CLASSES = ("dense", "depthwise", "int8", "int8-raw", "recurrent")
ELEMENT_CLASSES = ("elementwise", "transcendental", "normalization", "pooling", "movement")
CLASSES = (*MAC_CLASSES, *ELEMENT_CLASSES)

_CONVS = frozenset({"Conv", "ConvTranspose", "FusedConv", "QLinearConv", "ConvInteger", "NhwcConv",
                    "QLinearConvTranspose"})  # fmt: skip
_TRANSPOSED_CONVS = frozenset({"ConvTranspose", "QLinearConvTranspose"})
_RAW_INTEGER = frozenset({"ConvInteger", "MatMulInteger"})
_RECURRENT = frozenset({"LSTM", "GRU", "RNN", "DynamicQuantizeLSTM", "AttnLSTM"})
# Float recurrent ops whose input projection onnxruntime runs as one GEMM over every step before
# the steps (W·x for all steps at once; R·h and the gates step by step), so that a step takes
# less the longer the sequence: measured here, an LSTM 2×128→64 bidirectional 2.62 µs a step
# over 32 steps and 2.38 over 100, without its projection 1.43 and 1.47 (".steps", projection_ops).
_PROJECTED = frozenset({"LSTM", "GRU", "RNN"})
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
# MatMulIntegerToFloat is not MatMulInteger's: it scales each output to float as it writes it
# (measured here, 256×64×64: 7–8 µs, against 3 µs for MatMulInteger's integer output).
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
# An NCHWc convolution of fewer output or input channels per group than this (but not a stem)
# fills its register block of output channels partly: on AVX-512, MLAS's NCHWc kernel computes
# up to four 16-channel blocks at once, and a 16→16 convolution runs at 70% of a 64→64 one of
# the same FLOPs. (The generic kernel is not benchmarked by channels: no mark.)
NARROW_CHANNELS = 32
# A depthwise kernel of more taps than this (5×5, 20×1) loads each output's inputs once for
# more multiply-adds: measured here (NCHWc, one thread), a 5×5 one runs at 1.5–1.7× the rate of
# the 3×3 one on the same channels and map (192 channels on 40×40: 81 GFLOP/s against 47;
# 480 on 14×14: 68 against 40): ".wide".
WIDE_DEPTHWISE_TAPS = 9
# An integer convolution (QLinearConv, ConvInteger) of fewer output channels per group than this
# fills MLAS's integer GEMM's 16-column block partly and pays its per-pixel cost over few
# MACs: measured here, a uint8 QLinearConv 16→8 1×1 on 112×112 runs at 40 GOPS, 16→16 at 132,
# 32→64 at 295 (one thread).
INTEGER_NARROW_OUTPUTS = 16
# An integer matrix product whose weight [K, N] is shallower or narrower than this pays its
# per-output work (quantizing, scaling to float) over few MACs (measured here, dynamically
# quantized 256 rows × K × N, one thread: 64×256 at 289 GOPS, 256×64 at 300, 128×256 at 524,
# 256×256 at 737): ".narrow".
INTEGER_NARROW_PRODUCT = 128
_INTEGER_MATRIX = frozenset(
    {"QLinearMatMul", "MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QGemm"}
)
# Every matrix product, float and integer (not the convolutions).
MATRIX_PRODUCTS = _MATRIX | _INTEGER_MATRIX
# An integer convolution of fewer input channels (per group) than this is a GEMM too shallow to
# fill MLAS's integer kernel (measured here, one thread: uint8 QLinearConv →96 1×1 on 56×56, 8
# input channels 117 GOPS, 16: 207, 24: 283, 32: 332, 64: 488; 3×3 ones of 14.6 MOPs, 16→16 on
# 56×56 226 GOPS, 32→32 on 28×28 365, 64→64 on 14×14 535): a pointwise one is keyed with the
# stems (".1x1.stem"), another QLinearConv ".shallow" (an RGB stem's 3 channels run at 37–80 GOPS:
# ".stem"). ConvInteger's rate hardly depends on depth (16→16 3×3 on 56×56 28 GOPS, 64→64 on
# 28×28 33): no mark.
INTEGER_SHALLOW_CHANNELS = 32
# An integer depthwise convolution of fewer channels than this fills the vector its kernel
# computes across channels partly (measured here, uint8 QLinearConv 3×3 on 112×112, one thread:
# 8 channels 8.9 GOPS, 16: 22, 32: 34, 96 on 56×56: 46): ".narrow".
INTEGER_NARROW_DEPTHWISE = 32
_INTEGER_CONVS = frozenset({"QLinearConv", "ConvInteger"})
# exp(x) of float32 underflows below log(smallest normal float) = −87.34: a Softmax entry that far
# under its row's maximum takes onnxruntime's slow path (measured here: 4.3 ns more an entry).
UNDERFLOW = math.log(float(np.finfo(np.float32).tiny))
# What carries an additive attention mask from where it is made to the Add before a Softmax.
_MASK_PLUMBING = frozenset({"Reshape", "Expand", "Unsqueeze", "Squeeze", "Cast", "Transpose", "Tile",
                            "Concat", "Slice", "Where", "Add", "Mul", "Identity"})  # fmt: skip
_MASK_HOPS = 12


def op_key(cost: NodeCost, tensors: Mapping[str, TensorInfo], masked: bool = False) -> str:
    """The name a calibrated profile's op_types table knows a node's kernel by: its op type, after the
    last part of its domain where that is a runtime's own layout domain ("nchwc.Conv"), with ".1d" for a
    one-dimensional convolution, ".dw" for a depthwise one, ".1x1" for a pointwise one, ".stem" for one of
    few input channels (an image's first layer; an integer pointwise one of fewer than 32; ".stem.narrow"
    an NCHWc one, not pointwise, of few outputs too), ".shallow" for another QLinearConv of fewer than 32,
    ".wide" for a depthwise one of more than 9 taps (5×5), ".narrow" for one of few channels otherwise
    (NCHWc and integer kernels, an integer depthwise one of fewer than 32, an integer matrix product of a
    weight under 128 deep or wide), ".gemv" for a matrix product of one row, ".scalar" for a two-operand
    element-wise op with a one-element operand, ".broadcast" for one that broadcasts another, ".masked"
    for a Softmax behind an additive mask (`masked`, see masked_softmaxes), ".steps" for a float LSTM, GRU
    or RNN (its steps, timed apart from its input projection: projection_ops), the kernel its cost rule
    names where attributes choose one (".generic": a Transpose of several axes moved; ".patch": an integer
    convolution of windows that neither overlap nor pad, which takes no channel marks), and for an integer
    kernel the signedness of activations and weights other than uint8 × int8 (".s8s8", ".u8u8"): each runs
    another kernel."""
    op = _SAME_KERNEL.get(cost.op_type, cost.op_type)
    key = op if cost.domain in _PLAIN_DOMAINS else f"{cost.domain.rsplit('.', 1)[-1]}.{op}"
    if op in _CONVS:
        weight = _weight(cost, tensors)
        if weight is not None and weight.shape is not None and len(weight.shape) == 3:
            key += ".1d"
        if _is_depthwise(cost, tensors):
            key += ".dw"
            if op in _INTEGER_CONVS and _channels_below(weight, 0, INTEGER_NARROW_DEPTHWISE):
                key += ".narrow"
            if weight is not None and weight.shape is not None and _taps(weight.shape) > WIDE_DEPTHWISE_TAPS:
                key += ".wide"
        elif cost.kernel != "patch" and op not in _TRANSPOSED_CONVS:
            # a patch embedding is one GEMM over C·k·k, a transposed one a GEMM and a scatter of
            # its columns (col2im): no channel marks
            pointwise = _is_pointwise(cost, tensors)
            if pointwise:
                key += ".1x1"
            if _channels_below(weight, 1, STEM_CHANNELS):
                key += ".stem"
                if not pointwise and _is_narrow_stem(op, cost.domain, weight):
                    key += ".narrow"
            elif _is_narrow(op, cost.domain, weight):
                key += ".narrow"
            elif pointwise and op in _INTEGER_CONVS and _channels_below(weight, 1, INTEGER_SHALLOW_CHANNELS):
                key += ".stem"
            elif op == "QLinearConv" and _channels_below(weight, 1, INTEGER_SHALLOW_CHANNELS):
                key += ".shallow"
    if masked and op == "Softmax":
        key += ".masked"
    if op in _PROJECTED and projection_ops(cost, tensors) != 0:
        key += ".steps"
    if cost.kernel:
        key += f".{cost.kernel}"
    if op in _MATRIX and _rows(cost, tensors) == 1:
        key += ".gemv"
    elif op in _INTEGER_MATRIX and _is_shallow_product(_weight(cost, tensors)):
        key += ".narrow"
    if op in _BINARY and len(cost.inputs) == 2 and any(_numel(tensors, name) == 1 for name in cost.inputs):
        key += ".scalar"
    elif op in _BINARY and broadcast_span(cost, tensors) is not None:
        key += ".broadcast"
    if op in _INTEGER_WEIGHT and len(cost.inputs) > _INTEGER_WEIGHT[op]:
        activation = "uint8" if op == "DynamicQuantizeMatMul" else _dtype(tensors, cost.inputs[0])
        signs = [activation, _dtype(tensors, cost.inputs[_INTEGER_WEIGHT[op]])]
        if signs != ["uint8", "int8"] and all(sign in _SIGN for sign in signs):
            key += "." + "".join(_SIGN[sign] for sign in signs)
    return key


# The op_types keys of a fused activation's own pass over a node's output (NodeCost.epilogue):
# "epilogue.Clip". Only a profile with that very table times it (a calibrated one, from pairs of
# convolutions with and without the activation); any other leaves it in the node's own time.
EPILOGUE = "epilogue."


def epilogue(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> tuple[str, Dim]:
    """(op_types key, output elements) of the node's separate activation pass; ("", 0) for none."""
    if not cost.epilogue or not cost.outputs:
        return "", 0
    elements = _numel(tensors, cost.outputs[0])
    return (f"{EPILOGUE}{cost.epilogue}", elements) if elements is not None else ("", 0)


def broadcast_span(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> int | None:
    """For a two-operand element-wise op that broadcasts an operand of more than one element
    ([n, 128, 1] × [n, 128, 3], an outer product [n, 128, 1] × [n, 1, 3], a bias [768] to
    [128, 768]), the elements of the innermost run onnxruntime's broadcast loop takes in one step:
    the output's trailing dims that broadcast as its last one does (3, 3 and 768 there). None for
    equal shapes, a one-element operand, any other node, or unknown shapes."""
    if len(cost.inputs) != 2:
        return None
    shapes = [tensors.get(name).shape if tensors.get(name) is not None else None for name in cost.inputs]
    if any(shape is None or not all(isinstance(d, int) for d in shape) for shape in shapes):
        return None
    rank = max(len(shape) for shape in shapes)
    first, second = ((1,) * (rank - len(shape)) + tuple(shape) for shape in shapes)
    axes = [(a, b) for a, b in zip(first, second, strict=True) if max(a, b) > 1]
    one_element = all(a == 1 for a, _ in axes) or all(b == 1 for _, b in axes)
    if not axes or one_element or all(a == b for a, b in axes):
        return None
    pattern = (axes[-1][0] == 1, axes[-1][1] == 1)
    span = 1
    for a, b in reversed(axes):
        if (a == 1, b == 1) != pattern:
            break
        span *= max(a, b)
    return span


def block_span(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> int | None:
    """The elements of each contiguous block a Transpose that keeps its last axis in place copies
    (kernel "blocks"): the product of the trailing dims its input and output share ([2, 128, 4,
    16] → [2, 4, 128, 16]: 16). None for unknown shapes."""
    if not cost.inputs or not cost.outputs:
        return None
    shapes = [tensors[name].shape if name in tensors else None for name in (cost.inputs[0], cost.outputs[0])]
    if any(shape is None or not all(isinstance(d, int) for d in shape) for shape in shapes):
        return None
    span = 1
    for before, after in zip(reversed(shapes[0]), reversed(shapes[1]), strict=False):
        if before != after:
            break
        span *= before
    return span


def _is_shallow_product(weight: TensorInfo | None) -> bool:
    """Whether a matrix product's weight [..., K, N] has K or N under INTEGER_NARROW_PRODUCT."""
    if weight is None or weight.shape is None or len(weight.shape) < 2:
        return False
    return any(isinstance(d, int) and d < INTEGER_NARROW_PRODUCT for d in weight.shape[-2:])


def _channels_below(weight: TensorInfo | None, axis: int, limit: int) -> bool:
    """Whether a convolution's weight [M, C/group, k...] has fewer than `limit` along `axis`."""
    if weight is None or weight.shape is None or len(weight.shape) <= axis:
        return False
    size = weight.shape[axis]
    return isinstance(size, int) and size < limit


def _is_narrow(op: str, domain: str, weight: TensorInfo | None) -> bool:
    """An NCHWc convolution whose weight [M, C/group, k...] has fewer than NARROW_CHANNELS outputs
    or inputs, or an integer one of fewer than INTEGER_NARROW_OUTPUTS outputs."""
    if weight is None or weight.shape is None or len(weight.shape) < 3:
        return False
    outputs, inputs = weight.shape[0], weight.shape[1]
    if op == "Conv" and domain.endswith("nchwc"):
        return any(isinstance(d, int) and d < NARROW_CHANNELS for d in (outputs, inputs))
    return op in _INTEGER_CONVS and isinstance(outputs, int) and outputs < INTEGER_NARROW_OUTPUTS


def _is_narrow_stem(op: str, domain: str, weight: TensorInfo | None) -> bool:
    """An NCHWc convolution whose weight [M, C, k...] has fewer than NARROW_CHANNELS outputs (of a
    stem that is not pointwise, the caller's test): it fills the kernel's register block of output
    channels partly, as a narrow convolution does (measured here, one thread: 3→16 7×7 of stride
    2 on 224×224 at 140 GFLOP/s, 3→64 at 206)."""
    return op == "Conv" and domain.endswith("nchwc") and _channels_below(weight, 0, NARROW_CHANNELS)


def masked_softmaxes(costs: Sequence[NodeCost], tensors: Mapping[str, TensorInfo]) -> frozenset[str]:
    """The Softmax nodes behind a causal attention mask: their input is an Add (or a Where) one of
    whose operands comes, through reshapes, casts, expands and Where, from a constant with entries whose
    exp underflows (−inf, finfo.min, −1e4: UNDERFLOW), selected by the graph's shapes alone (a
    Range/Trilu triangle), not by an input's data. Half of each row is masked then, on average;
    a padding mask's share is in the data, and is taken as none (one unpadded sequence)."""
    producer = {name: cost for cost in costs for name in cost.outputs if name}
    from_data = _data_dependent(costs, producer, tensors)
    found = set()
    for cost in costs:
        if cost.op_type != "Softmax" or not cost.inputs:
            continue
        head = producer.get(cost.inputs[0])
        if head is None:
            continue
        if head.op_type == "Add" and _carries_mask(head.inputs, producer, tensors, from_data):
            found.add(cost.name)
        elif (
            head.op_type == "Where"
            and len(head.inputs) == 3
            and head.inputs[0] not in from_data
            and any(_very_negative(tensors.get(name)) for name in head.inputs[1:])
        ):
            found.add(cost.name)  # scores kept where a constant condition says, else −inf
    return frozenset(found)


def _data_dependent(
    costs: Sequence[NodeCost], producer: Mapping[str, NodeCost], tensors: Mapping[str, TensorInfo]
) -> frozenset[str]:
    """The graph's inputs and the values computed from their data (not only from their shapes):
    every output of a node with such an input, except Shape's and Size's."""
    found: set[str] = set()
    for cost in costs:
        for name in cost.inputs:
            info = tensors.get(name)
            if (
                name
                and name not in producer
                and info is not None
                and info.value is None
                and not (info.is_weight or info.is_constant)
            ):
                found.add(name)
        if cost.op_type not in ("Shape", "Size") and any(name in found for name in cost.inputs):
            found.update(name for name in cost.outputs if name)
    return frozenset(found)


def _carries_mask(
    names: Sequence[str],
    producer: Mapping[str, NodeCost],
    tensors: Mapping[str, TensorInfo],
    from_data: frozenset[str],
) -> bool:
    """Whether one of `names` is made, within _MASK_HOPS mask-carrying nodes, from a constant
    holding a value under UNDERFLOW by a node none of whose other inputs depends on data."""
    if any(_very_negative(tensors.get(name)) for name in names):
        return True  # the mask is a constant itself
    frontier, seen = list(names), set()
    for _ in range(_MASK_HOPS):
        following = []
        for name in frontier:
            node = producer.get(name) if name and name not in seen else None
            seen.add(name)
            if node is None or node.op_type not in _MASK_PLUMBING:
                continue
            if any(_very_negative(tensors.get(i)) for i in node.inputs):
                if not any(i in from_data for i in node.inputs):
                    return True
                continue
            following.extend(node.inputs)
        frontier = following
    return False


def _very_negative(info: TensorInfo | None) -> bool:
    """A floating-point constant with an entry under UNDERFLOW."""
    value = info.value if info is not None else None
    if value is None or value.dtype.kind != "f" or value.size == 0:
        return False
    return float(np.min(value)) < UNDERFLOW


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


def node_class(
    cost: NodeCost, tensors: Mapping[str, TensorInfo], masked: bool = False
) -> tuple[str, str, Dim, Dim, Dim]:
    """(class, table key, amount, kernel calls on several threads, kernel calls on one) of a node;
    a node whose shapes its op does not allow (a convolution with a rank-1 weight) is timed as its
    generic class by its FLOPs."""
    try:
        kind = op_class(cost, tensors)
        key = op_key(cost, tensors, masked)
        several, one = kernel_calls(cost, tensors, SEVERAL_THREADS), kernel_calls(cost, tensors, 1)
        return kind, key, class_amount(cost, kind, tensors), several, one
    except (IndexError, TypeError, ValueError, ZeroDivisionError):
        return ("dense" if cost.macs != 0 else "elementwise"), cost.op_type, cost.flops, 1, 1


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


def _taps(shape: tuple[Dim, ...]) -> int:
    """The kernel's spatial size (its taps) from a convolution's weight shape [M, C, k...]; 0 when
    a dim is unknown."""
    taps = 1
    for dim in shape[2:]:
        if not isinstance(dim, int):
            return 0
        taps *= dim
    return taps


def _is_depthwise(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> bool:
    """A convolution of one input channel per group (weights [M, 1, k...]) over several groups
    (an input of several channels: one of one channel is an ordinary convolution). A transposed
    one's weights are [C, M/group, k...]: one output channel a group, as many as it has inputs
    (one of 24 channels to 1 is an ordinary one)."""
    weight = _weight(cost, tensors)
    data = tensors.get(cost.inputs[0]) if cost.inputs else None
    if weight is None or weight.shape is None or len(weight.shape) < 3:
        return False
    channels = _channels(data)
    if cost.op_type in _TRANSPOSED_CONVS:
        out = _channels(tensors.get(cost.outputs[0])) if cost.outputs else None
        return weight.shape[1] == 1 and channels == out and channels not in (None, 1)
    return weight.shape[1] == 1 and weight.shape[0] != 1 and channels != 1


def _channels(info: TensorInfo | None) -> Dim | None:
    """Axis 1 of a tensor of known shape and rank 2 or more (its channels), else None."""
    return info.shape[1] if info is not None and info.shape is not None and len(info.shape) > 1 else None


# Ops that copy rows picked from a table: their work is their output, however large the table.
_GATHERS = frozenset({"Gather", "GatherElements", "GatherND"})


def class_amount(cost: NodeCost, kind: str, tensors: Mapping[str, TensorInfo]) -> Dim:
    """What a node's class is timed by: operations (2 per MAC, plus its other FLOPs) for a MAC
    class; window operations for pooling; the output's elements for a gather; else the elements
    of its largest input or output (constants included: a node that runs reads them, e.g.
    DequantizeLinear of a weight). With unbound dims, the first output's formula (comparing
    formulas is costly and rarely decides)."""
    if kind in MAC_CLASSES or kind == "pooling":
        return cost.flops
    out = tensors.get(cost.outputs[0]) if cost.op_type in _GATHERS and cost.outputs else None
    if out is not None and out.numel is not None:
        return out.numel  # the rows it copies, not the table it picks them from
    sizes = [info.numel for name in (*cost.inputs, *cost.outputs)
             if name and (info := tensors.get(name)) is not None and info.numel is not None]  # fmt: skip
    if all(isinstance(size, int) for size in sizes):
        return max(sizes, default=0)
    first = tensors.get(cost.outputs[0]) if cost.outputs and cost.outputs[0] else None
    return (
        first.numel
        if first is not None and first.numel is not None
        else next(size for size in sizes if not isinstance(size, int))
    )


# onnxruntime's generic convolution (no NCHWc kernel) runs one GEMM per image and group; its
# NCHWc convolution one image at a time (its rate is that of one image's channels and size).
_PER_CALL = frozenset({"Conv", "ConvInteger"})
# Its QLinearConv, on one thread, runs one image at a time, all groups in one call (a depthwise
# kernel, or one GEMM): measured here, batch 2 takes 1.8–2.1× batch 1 (64→64 3×3 on 56² 669 µs
# against 333, 16→8 1×1 on 112² 208 against 101, 96-channel depthwise on 56² 272 against 133). On
# more threads the images share them (2 threads: batch 2 takes 1.2–1.9× batch 1, 64→64 3×3 on 56²
# 425 µs against 344): the batch is one call there.
_PER_IMAGE = frozenset({"QLinearConv"})
_TIMED_BY_CALLS = _PER_CALL | _PER_IMAGE
# Any thread count above one, where the call counts of several threads apply.
SEVERAL_THREADS = 2


def per_image(cost: NodeCost) -> bool:
    """Whether onnxruntime runs the node one image at a time on one thread (its QLinearConv)."""
    return _SAME_KERNEL.get(cost.op_type, cost.op_type) in _PER_IMAGE


def _steps(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> Dim:
    """The sequential steps of a recurrent node: time steps (its input's first dim, [seq, batch,
    input] as exporters write it) × directions (its weight's first dim); 1 where unknown."""
    data, weight = (tensors.get(cost.inputs[0]) if cost.inputs else None), _weight(cost, tensors)
    if data is None or weight is None or data.shape is None or weight.shape is None:
        return 1
    if len(data.shape) != 3 or len(weight.shape) != 3:
        return 1
    steps, directions = data.shape[0], weight.shape[0]
    if not isinstance(steps, int) or not isinstance(directions, int) or steps < 1 or directions < 1:
        return 1
    return steps * directions


def projection_ops(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> Dim:
    """Operations of a float LSTM, GRU or RNN node's input projection, which onnxruntime runs as
    one GEMM before its steps: 2·seq·batch·directions·gates·hidden·input, from its input [seq,
    batch, input] (or [batch, seq, input]) and W [directions, gates·hidden, input]; 0 for any
    other node or unknown ranks."""
    if cost.op_type not in _PROJECTED or cost.domain not in ("", "ai.onnx") or cost.macs == 0:
        return 0
    data, weight = (tensors.get(cost.inputs[0]) if cost.inputs else None), _weight(cost, tensors)
    if data is None or weight is None or data.shape is None or weight.shape is None:
        return 0
    if len(data.shape) != 3 or len(weight.shape) != 3:
        return 0
    return 2 * data.shape[0] * data.shape[1] * weight.shape[0] * weight.shape[1] * weight.shape[2]


def kernel_calls(cost: NodeCost, tensors: Mapping[str, TensorInfo], threads: int = 1) -> Dim:
    """How many kernel calls a node's work is split into on `threads` threads: batch × groups for a
    generic convolution, batch for a blocked-layout one (nchwc.Conv) and for QLinearConv on one
    thread (on several, their threads share out the images with the rest: measured here, two
    images of a 16→16 to 128→128 NCHWc 3×3 on 2 threads took 0.83–0.94 × twice one's time), the
    spans of a broadcast (broadcast_span), the blocks a Transpose copies (block_span), the steps
    of a recurrent node (one after another: a step's size sets its rate), which a calibrated table
    times per call; else 1."""
    op = _SAME_KERNEL.get(cost.op_type, cost.op_type)
    if op in _RECURRENT and cost.macs != 0:
        return _steps(cost, tensors)
    span_of = broadcast_span if op in _BINARY else block_span if cost.kernel == "blocks" else None
    if span_of is not None:
        span = span_of(cost, tensors)
        output = _numel(tensors, cost.outputs[0]) if cost.outputs else None
        return output // span if span and isinstance(output, int) and output >= span else 1
    if op not in _TIMED_BY_CALLS:
        return 1
    data, weight = (tensors.get(cost.inputs[0]) if cost.inputs else None), _weight(cost, tensors)
    if data is None or weight is None or data.shape is None or weight.shape is None or len(data.shape) < 3:
        return 1
    if op in _PER_IMAGE:
        batch = data.shape[0]
        return batch if threads == 1 and not (isinstance(batch, int) and batch < 1) else 1
    if cost.domain not in _PLAIN_DOMAINS:
        batch = data.shape[0]
        one_at_a_time = cost.domain.endswith("nchwc") and threads == 1
        return batch if one_at_a_time and isinstance(batch, int) and batch > 0 else 1
    if len(weight.shape) < 2:  # not a convolution's weight: one call
        return 1
    channels, per_group = data.shape[1], weight.shape[1]
    if not isinstance(channels, int) or not isinstance(per_group, int) or per_group == 0:
        return data.shape[0]
    return data.shape[0] * max(channels // per_group, 1)
