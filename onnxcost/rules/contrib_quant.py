"""ONNX Runtime's quantized contrib ops (com.microsoft): the QLinear* family its QDQ fusions and
quantizer emit, integer and dynamically quantized matrix products, and the block-quantized
weight ops (MatMulNBits, MatMulBnb4, GatherBlockQuantized).

Counting follows rules/quant.py: integer products run in the quantized input's dtype (set as the
node's compute dtype so later stages use integer peaks); a zero point costs one subtract per
element of its operand; dequantizing is (x − zp)·scale, 1 FLOP + 1 with a zero point; quantizing
a real value is saturate(round(x / scale) + zp), 4 FLOPs + 1 with a zero point; requantizing an
int32 accumulator is 5 FLOPs (·scale, round, + zp, two clamps). An op defined as
Dequantize → f → Quantize counts exactly that: dequantize its inputs, f's own FLOPs (from the
element-wise, pooling and softmax tables), quantize its output.
"""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.dtypes import bits_of, nbytes_of
from onnxcost.rules.common import patch_kernel, spatial_kernel, tensor_bytes
from onnxcost.rules.contrib import SOFTMAX_FLOPS
from onnxcost.rules.contrib_norm import embedding_reads
from onnxcost.rules.elementwise import UNARY_FLOPS
from onnxcost.rules.kernels import conv_macs, matmul_macs, recurrent_macs, window_reads
from onnxcost.rules.norm import STATS_PER_ELEMENT, STATS_PER_GROUP
from onnxcost.rules.quant import (
    DYNAMIC_RANGE_FLOPS,
    DYNAMIC_SCALAR_FLOPS,
    QUANTIZE_FLOPS,
    REQUANTIZE_FLOPS,
)
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import (
    broadcast,
    dtype_rule,
    gemm_shape,
    matmul_shape,
    shape_rule,
    window_output,
)
from onnxcost.symbolic.formulas import ceildiv, normalize, product
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
DYNAMIC_QUANTIZE_FLOPS = DYNAMIC_RANGE_FLOPS + QUANTIZE_FLOPS + 1  # per element, with zp


def _has(view: NodeView, index: int) -> int:
    return int(view.has_input(index))


def _dequantize(view: NodeView, zero_point: int) -> int:
    """FLOPs per element to dequantize: (x − zp)·scale."""
    return 1 + _has(view, zero_point)


def _quantize(view: NodeView, zero_point: int) -> int:
    """FLOPs per element to quantize: saturate(round(x / scale) + zp)."""
    return QUANTIZE_FLOPS + _has(view, zero_point)


def _zero_point_subs(view: NodeView, pairs: Sequence[tuple[int, int]]) -> Dim:
    """Elements of each operand whose zero point is given: one subtract each."""
    return sum((view.in_numel(data) for data, zp in pairs if view.has_input(zp)), 0)


def _dtype(view: NodeView, index: int = 0) -> str | None:
    info = view.input(index)
    return info.dtype if info is not None and info.dtype else None


def _same_shape(node, shapes, values):
    return [shapes[0]]


def _int32(node, dtypes):
    return ["int32"]


# ------------------------------------------------------------------ block-quantized weights


@rule("MatMulNBits", domain=MS)
def matmul_n_bits(view: NodeView) -> Work:
    """MACs = M·K·N on dequantized weights; FLOPs = 2·MACs + 2·N·K ((q − zp)·scale) + M·N bias."""
    k, n = int(view.attr("K")), int(view.attr("N"))
    rows = product(view.in_shape(0)[:-1])
    macs = rows * k * n
    flops = 2 * macs + 2 * n * k + (rows * n if view.has_input(5) else 0)
    dtype = "int8" if int(view.attr("accuracy_level")) == 4 else _dtype(view)
    bits = int(view.attr("bits"))
    blocks = ceildiv(k, int(view.attr("block_size")))
    packed = {1: (n * k, f"uint{bits}")}  # B: N·K values in the [N, blocks, blob] uint8 blob
    if view.has_input(3) and _dtype(view, 3) == "uint8":
        packed[3] = (n * blocks, f"uint{bits}")  # zero points, packed like B
    return Work(macs=macs, flops=flops, dtype=dtype, packed=packed)


@shape_rule("MatMulNBits", domain=MS)
def _matmul_n_bits_shape(node, shapes, values):
    a = shapes[0]
    return [None if a is None else (*a[:-1], int(node.attrs["N"]))]


@rule("MatMulBnb4", domain=MS)
def matmul_bnb4(view: NodeView) -> Work:
    """MACs = M·K·N on dequantized FP4/NF4 weights; FLOPs = 2·MACs + N·K (code lookup · absmax)."""
    k, n = int(view.attr("K")), int(view.attr("N"))
    rows = product(view.in_shape(0)[:-1])
    macs = rows * k * n
    packed = {1: (n * k, "nf4" if int(view.attr("quant_type")) == 1 else "fp4")}  # two per byte
    return Work(macs=macs, flops=2 * macs + n * k, packed=packed)


@shape_rule("MatMulBnb4", domain=MS)
def _matmul_bnb4_shape(node, shapes, values):
    a = shapes[0]
    out = int(node.attrs["N"]) if int(node.attrs.get("transB", 1)) else int(node.attrs["K"])
    return [None if a is None else (*a[:-1], out)]


@rule("GatherBlockQuantized", domain=MS)
def gather_block_quantized(view: NodeView) -> Work:
    """FLOPs = gathered elements × (1 + zp) ((q − zp)·scale); reads only the gathered rows and scales."""
    out = view.out_numel(0)
    data = view.input(0)
    bits = bits_of(data.dtype) if data.dtype != "uint8" else int(view.attr("bits"))
    block = int(view.attr("block_size")) or view.out_shape(0)[-1]
    scales = view.input(2)
    rows = ceildiv(out * bits, 8) + nbytes_of(ceildiv(out, block), scales.dtype)
    if view.has_input(3):
        rows += ceildiv(ceildiv(out, block) * bits_of(view.input(3).dtype), 8)
    weights = rows if data.is_constant else 0
    activations = tensor_bytes(view, 1) + (0 if data.is_constant else rows)
    packed = None
    if data.dtype == "uint8" and bits < 8:
        packed = {0: (view.in_numel(0) * (8 // bits), f"uint{bits}")}  # 8/bits values per byte
    return Work(flops=out * _dequantize(view, 3), bytes_read_weights=weights,
                bytes_read_activations=activations, packed=packed)  # fmt: skip


@shape_rule("GatherBlockQuantized", domain=MS)
def _gather_block_shape(node, shapes, values):
    data, indices = shapes[0], shapes[1]
    if data is None or indices is None:
        return [None]
    axis = int(node.attrs.get("gather_axis", 0)) % len(data)
    dims = list(data)
    quantize_axis = int(node.attrs.get("quantize_axis", 1)) % len(data)
    per_byte = 8 // int(node.attrs.get("bits", 4))
    scales, block = shapes[2], int(node.attrs.get("block_size", 128))
    size = dims[quantize_axis]
    known = scales is not None and isinstance(size, int) and isinstance(scales[quantize_axis], int)
    if known and per_byte > 1 and block and scales[quantize_axis] * block >= size * per_byte:
        dims[quantize_axis] = size * per_byte  # uint8 data packs 8/bits values per byte
    return [(*dims[:axis], *indices, *dims[axis + 1 :])]


@dtype_rule("GatherBlockQuantized", domain=MS)
def _gather_block_dtype(node, dtypes):
    return [dtypes[2]]


# ------------------------------------------------------------------ integer matrix products


@rule("QGemm", domain=MS)
def q_gemm(view: NodeView) -> Work:
    """MACs = M·K·N (integer); FLOPs = 2·MACs + zp subtracts + M·N·(C add + 5 requantize | 1 scale)."""
    a, b = view.in_shape(0), view.in_shape(3)
    m, k = (a[1], a[0]) if view.attr("transA") else (a[0], a[1])
    n = b[0] if view.attr("transB") else b[1]
    macs = m * k * n
    subs = _zero_point_subs(view, ((0, 2), (3, 5)))
    per_output = _has(view, 6) + (REQUANTIZE_FLOPS if view.has_input(7) else 1)
    return Work(macs=macs, flops=2 * macs + subs + m * n * per_output, dtype=_dtype(view))


@shape_rule("QGemm", domain=MS)
def _q_gemm_shape(node, shapes, values):
    return gemm_shape(node, shapes[0], shapes[3])


@dtype_rule("QGemm", domain=MS)
def _q_gemm_dtype(node, dtypes):
    if len(dtypes) > 8 and dtypes[8]:
        return [dtypes[8]]
    return ["uint8" if len(dtypes) > 7 and dtypes[7] else dtypes[1]]


@rule("MatMulIntegerToFloat", domain=MS)
def matmul_integer_to_float(view: NodeView) -> Work:
    """MACs = ∏batch·M·K·N (integer); FLOPs = 2·MACs + zero-point subtracts + outputs·(1 scale + 1 bias)."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(1))
    subs = _zero_point_subs(view, ((0, 4), (1, 5)))
    per_output = 1 + _has(view, 6)
    return Work(macs=macs, flops=2 * macs + subs + view.out_numel(0) * per_output, dtype=_dtype(view))


@shape_rule("MatMulIntegerToFloat", "DynamicQuantizeMatMul", domain=MS)
def _matmul_shape(node, shapes, values):
    a, b = shapes[0], shapes[1]
    return [None if a is None or b is None else matmul_shape(a, b)]


@dtype_rule("MatMulIntegerToFloat", domain=MS)
def _to_float_dtype(node, dtypes):
    return [dtypes[2]]


@rule("DynamicQuantizeMatMul", domain=MS)
def dynamic_quantize_matmul(view: NodeView) -> Work:
    """A quantized to uint8 on the fly (7/elem + 9), then MACs = ∏batch·M·K·N (uint8); + zp, scale, bias."""
    a_elements = view.in_numel(0)
    macs = matmul_macs(view.in_shape(0), view.in_shape(1))
    quantize = DYNAMIC_QUANTIZE_FLOPS * a_elements + DYNAMIC_SCALAR_FLOPS
    subs = a_elements + (view.in_numel(1) if view.has_input(3) else 0)
    per_output = 1 + _has(view, 4)
    flops = quantize + 2 * macs + subs + view.out_numel(0) * per_output
    return Work(macs=macs, flops=flops, dtype="uint8")


# ------------------------------------------------------------------------------ QLinearConv


@rule("QLinearConv", domain=MS)
def qlinear_conv(view: NodeView) -> Work:
    """Integer conv (NHWC if channels_last): MACs = N·Cout·∏out·(Cin/g)·∏k; FLOPs = 2·MACs + zp + out·(5+b)"""
    group = int(view.attr("group"))
    last = int(view.attr("channels_last"))
    x = view.in_shape(0)
    macs = conv_macs(view.out_shape(0), spatial_kernel(view, 3), x[-1] if last else x[1], group)
    subs = _zero_point_subs(view, ((0, 2), (3, 5)))
    per_output = REQUANTIZE_FLOPS + _has(view, 8)
    flops = 2 * macs + subs + per_output * view.out_numel(0)
    return Work(macs=macs, flops=flops, dtype=_dtype(view), kernel=patch_kernel(view, 3))


@shape_rule("QLinearConv", domain=MS)
def _qlinear_conv_shape(node, shapes, values):
    x, w = shapes[0], shapes[3]
    if x is None or w is None:
        return [None]
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    if int(node.attrs.get("channels_last", 0)):
        return [(x[0], *window_output(node, x[1:-1], kernel), w[0])]
    return [(x[0], w[0], *window_output(node, x[2:], kernel))]


@dtype_rule("QLinearConv", domain=MS)
def _qlinear_conv_dtype(node, dtypes):
    return [dtypes[7] if len(dtypes) > 7 and dtypes[7] else dtypes[0]]


# ------------------------------------------------------------------- QLinear element-wise


def _qlinear_unary(view: NodeView, flops: int) -> Work:
    """Dequantize X, apply f (`flops` per element), quantize Y (inputs X, x_s, x_zp, y_s, y_zp)."""
    per_element = _dequantize(view, 2) + flops + _quantize(view, 4)
    return Work(flops=view.in_numel(0) * per_element, dtype=_dtype(view))


@rule("QLinearSigmoid", domain=MS)
def qlinear_sigmoid(view: NodeView) -> Work:
    """FLOPs = elements × (dequantize 1 + zp, sigmoid 4, quantize 4 + zp)."""
    return _qlinear_unary(view, UNARY_FLOPS["Sigmoid"][0])


@rule("QLinearLeakyRelu", domain=MS)
def qlinear_leaky_relu(view: NodeView) -> Work:
    """FLOPs = elements × (dequantize 1 + zp, leaky relu 2, quantize 4 + zp)."""
    return _qlinear_unary(view, UNARY_FLOPS["LeakyRelu"][0])


@rule("QLinearSoftmax", domain=MS)
def qlinear_softmax(view: NodeView) -> Work:
    """FLOPs = elements × (dequantize 1 + zp, softmax 5, quantize 4 + zp)."""
    return _qlinear_unary(view, SOFTMAX_FLOPS)


for _op in ("QLinearSigmoid", "QLinearLeakyRelu", "QLinearSoftmax"):
    shape_rule(_op, domain=MS)(_same_shape)


@rule("QLinearAdd", domain=MS)
def qlinear_add(view: NodeView) -> Work:
    """C = (As·(A − Az) + Bs·(B − Bz)) / Cs + Cz: FLOPs = outputs × (2 + zA + zB + 1 add + 4 + zC)."""
    per_output = _dequantize(view, 2) + _dequantize(view, 5) + 1 + _quantize(view, 7)
    return Work(flops=view.out_numel(0) * per_output, dtype=_dtype(view))


@rule("QLinearMul", domain=MS)
def qlinear_mul(view: NodeView) -> Work:
    """C = (A − Az)·(B − Bz)·(As·Bs/Cs) + Cz: FLOPs = outputs × (zA + zB + 1 multiply + 5 requantize)."""
    per_output = _has(view, 2) + _has(view, 5) + 1 + REQUANTIZE_FLOPS
    return Work(flops=view.out_numel(0) * per_output, dtype=_dtype(view))


@shape_rule("QLinearAdd", "QLinearMul", domain=MS)
def _qlinear_binary_shape(node, shapes, values):
    a, b = shapes[0], shapes[3]
    return [None if a is None or b is None else broadcast(a, b)]


@rule("QLinearWhere", domain=MS)
def qlinear_where(view: NodeView) -> Work:
    """FLOPs = outputs × (1 select + 2 dequantize + 5 quantize) (the chosen value moved to Z's scale)."""
    return Work(flops=view.out_numel(0) * (1 + 2 + QUANTIZE_FLOPS + 1), dtype=_dtype(view, 1))


@shape_rule("QLinearWhere", domain=MS)
def _qlinear_where_shape(node, shapes, values):
    c, x, y = shapes[0], shapes[1], shapes[4]
    return [None if c is None or x is None or y is None else broadcast(c, x, y)]


@dtype_rule("QLinearWhere", domain=MS)
def _qlinear_where_dtype(node, dtypes):
    return [dtypes[1]]


def _same_quantization(view: NodeView, scale: int, zero_point: int) -> bool:
    """True when an input's folded scale and zero point equal the output's (a plain copy)."""
    pairs = ((scale, 0), (zero_point, 1))
    for mine, out in pairs:
        a, b = view.value(mine), view.value(out)
        if a is None or b is None or a.shape != b.shape or (a != b).any():
            return False
    return True


@rule("QLinearConcat", domain=MS)
def qlinear_concat(view: NodeView) -> Work:
    """0 FLOPs for inputs already at Y's scale and zero point, else 7/elem (dequantize 2 + quantize 5)."""
    flops: Dim = 0
    for start in range(2, len(view.inputs) - 2, 3):
        if not _same_quantization(view, start + 1, start + 2):
            flops += view.in_numel(start) * (2 + QUANTIZE_FLOPS + 1)
    if flops == 0:
        return Work(status="zero", dtype=_dtype(view, 2))
    return Work(flops=flops, dtype=_dtype(view, 2))


@shape_rule("QLinearConcat", domain=MS)
def _qlinear_concat_shape(node, shapes, values):
    parts = [shapes[i] for i in range(2, len(shapes), 3)]
    if not parts or any(p is None for p in parts):
        return [None]
    axis = int(node.attrs["axis"]) % len(parts[0])
    out = list(parts[0])
    out[axis] = normalize(sum((p[axis] for p in parts[1:]), start=parts[0][axis]))
    return [tuple(out)]


@dtype_rule("QLinearConcat", domain=MS)
def _qlinear_concat_dtype(node, dtypes):
    return [dtypes[1] or dtypes[2]]


@rule("MulInteger", domain=MS)
def mul_integer(view: NodeView) -> Work:
    """C (int32) = (A − Az)·(B − Bz): FLOPs = outputs × (1 + zA + zB)."""
    per_output = 1 + _has(view, 1) + _has(view, 3)
    return Work(flops=view.out_numel(0) * per_output, dtype=_dtype(view))


@shape_rule("MulInteger", domain=MS)
def _mul_integer_shape(node, shapes, values):
    a, b = shapes[0], shapes[2]
    return [None if a is None or b is None else broadcast(a, b)]


dtype_rule("MulInteger", domain=MS)(_int32)


# ------------------------------------------------------------------ pools and reductions


def _channels_last_spatial(node, x: Sequence[Dim]) -> tuple[Sequence[Dim], bool]:
    last = bool(int(node.attrs.get("channels_last", 0)))
    return (x[1:-1] if last else x[2:]), last


@rule("QLinearGlobalAveragePool", domain=MS)
def qlinear_global_average_pool(view: NodeView) -> Work:
    """FLOPs = inputs·(1 + zp) dequantize + inputs + outputs (sum, divide) + outputs·(4 + zp) quantize."""
    inputs, outputs = view.in_numel(0), view.out_numel(0)
    flops = inputs * _dequantize(view, 2) + inputs + outputs + outputs * _quantize(view, 4)
    return Work(flops=flops, dtype=_dtype(view))


@shape_rule("QLinearGlobalAveragePool", domain=MS)
def _qlinear_global_pool_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    spatial, last = _channels_last_spatial(node, x)
    ones = [1] * len(spatial)
    return [(x[0], *ones, x[-1]) if last else (x[0], x[1], *ones)]


@rule("QLinearAveragePool", domain=MS)
def qlinear_average_pool(view: NodeView) -> Work:
    """FLOPs = inputs·(1 + zp) dequantize + outputs·(∏k + 1) (window sum, divide) + outputs·(4 + zp)."""
    outputs = view.out_numel(0)
    pool = window_reads(outputs, view.attr("kernel_shape")) + outputs
    flops = view.in_numel(0) * _dequantize(view, 2) + pool + outputs * _quantize(view, 4)
    return Work(flops=flops, dtype=_dtype(view))


@shape_rule("QLinearAveragePool", domain=MS)
def _qlinear_pool_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    spatial, last = _channels_last_spatial(node, x)
    out = window_output(node, spatial, node.attrs["kernel_shape"])
    return [(x[0], *out, x[-1]) if last else (x[0], x[1], *out)]


def _reduced_shape(node, x: Sequence[Dim]) -> tuple[Dim, ...]:
    axes = node.attrs.get("axes") or list(range(len(x)))
    drop = {int(a) % len(x) for a in axes}
    if int(node.attrs.get("keepdims", 1)):
        return tuple(1 if i in drop else d for i, d in enumerate(x))
    return tuple(d for i, d in enumerate(x) if i not in drop)


@rule("QLinearReduceMean", domain=MS)
def qlinear_reduce_mean(view: NodeView) -> Work:
    """FLOPs = inputs·(1 + zp) + (inputs − outputs) adds + outputs divides + outputs·(4 + zp)."""
    inputs, outputs = view.in_numel(0), view.out_numel(0)
    flops = inputs * _dequantize(view, 2) + inputs + outputs * _quantize(view, 4)
    return Work(flops=flops, dtype=_dtype(view))


@rule("ReduceSumInteger", domain=MS)
def reduce_sum_integer(view: NodeView) -> Work:
    """FLOPs = inputs − outputs (int32 adds)."""
    return Work(flops=view.in_numel(0) - view.out_numel(0), dtype=_dtype(view))


@shape_rule("QLinearReduceMean", "ReduceSumInteger", domain=MS)
def _reduce_shape(node, shapes, values):
    x = shapes[0]
    return [None if x is None else _reduced_shape(node, x)]


dtype_rule("ReduceSumInteger", domain=MS)(_int32)


# ------------------------------------------------------------------ (de)quantize, contrib


@rule("QuantizeLinear", domain=MS)
def quantize_linear(view: NodeView) -> Work:
    """FLOPs = elements × (4 + 1 with zero point): saturate(round(x / scale) + zero_point)."""
    return Work(flops=view.in_numel(0) * _quantize(view, 2))


@rule("DequantizeLinear", domain=MS)
def dequantize_linear(view: NodeView) -> Work:
    """FLOPs = elements × (1 + 1 with zero point): (x − zero_point) · scale."""
    return Work(flops=view.in_numel(0) * _dequantize(view, 2))


for _op in ("QuantizeLinear", "DequantizeLinear"):
    shape_rule(_op, domain=MS)(_same_shape)


@dtype_rule("QuantizeLinear", domain=MS)
def _quantize_dtype(node, dtypes):
    return [dtypes[2] if len(dtypes) > 2 and dtypes[2] else "uint8"]


@dtype_rule("DequantizeLinear", domain=MS)
def _dequantize_dtype(node, dtypes):
    return [dtypes[1]]


# ----------------------------------------------------------------- quantized embeddings


QEMBED_TABLES = (2, 3, 4)  # word, position, segment (quantized) embedding inputs


@rule("QEmbedLayerNormalization", domain=MS)
def q_embed_layer_normalization(view: NodeView) -> Work:
    """Gather and dequantize t tables (2/elem each), add, LayerNorm·γ+β: + 7/elem + 5/row + 4·H (γ, β)."""
    ids = view.in_shape(0)
    hidden = view.in_shape(2)[-1]
    tokens = product(ids)
    tables = [i for i in QEMBED_TABLES if view.has_input(i)]
    elements = tokens * hidden
    flops = (2 * len(tables) + len(tables) - 1) * elements
    flops += elements * (STATS_PER_ELEMENT + 2) + STATS_PER_GROUP * tokens + 4 * hidden
    return Work(flops=flops, **embedding_reads(view, tables, elements))


@shape_rule("QEmbedLayerNormalization", domain=MS)
def _qembed_shape(node, shapes, values):
    ids, table = shapes[0], shapes[2]
    if ids is None or table is None:
        return [None, None]
    return [(*ids, table[-1]), (ids[0],)]


@dtype_rule("QEmbedLayerNormalization", domain=MS)
def _qembed_dtype(node, dtypes):
    return [dtypes[8], "int32"]


# ------------------------------------------------------------------ DynamicQuantizeLSTM

LSTM_DEFAULT_ACTIVATIONS = ("Sigmoid", "Tanh", "Tanh")
LSTM_ACTIVATION_USES = (3, 1, 1)  # f on the i, o, f gates; g on the cell input; h on the cell


@rule("DynamicQuantizeLSTM", domain=MS)
def dynamic_quantize_lstm(view: NodeView) -> Work:
    """MACs = seq·batch·dirs·4H·(I+H) (uint8); FLOPs = 2·MACs + LSTM gates + 7/elem quantize x, h + 8H."""
    x = view.in_shape(0)
    seq, batch, size = x[0], x[1], x[2]
    hidden = view.attr("hidden_size") or view.in_shape(2)[1]
    directions = 2 if view.attr("direction") == "bidirectional" else 1
    names = list(view.attr("activations") or LSTM_DEFAULT_ACTIVATIONS * directions)
    activations = 0
    for index, name in enumerate(names[: 3 * directions]):
        activations += LSTM_ACTIVATION_USES[index % 3] * UNARY_FLOPS.get(name, (1, ""))[0]
    per_unit = 4 + 8 * _has(view, 3) + 6 * _has(view, 7) + (8 if view.attr("clip") is not None else 0)
    macs = recurrent_macs(seq, batch, size, hidden, directions, 4)
    steps = seq * batch * hidden
    quantize = DYNAMIC_QUANTIZE_FLOPS * (view.in_numel(0) + steps * directions)
    flops = 2 * macs + steps * (activations + directions * (per_unit + 8)) + quantize
    return Work(macs=macs, flops=flops, dtype="uint8")


@shape_rule("DynamicQuantizeLSTM", domain=MS)
def _dq_lstm_shape(node, shapes, values):
    x, r = shapes[0], shapes[2]
    if x is None:
        return [None, None, None]
    hidden = node.attrs.get("hidden_size") or (None if r is None else r[1])
    if hidden is None:
        return [None, None, None]
    directions = 2 if node.attrs.get("direction") == "bidirectional" else 1
    state = (directions, x[1], hidden)
    return [(x[0], directions, x[1], hidden), state, state]
