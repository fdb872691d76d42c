"""ONNX Runtime's int8 ops with cublasLt memory orders (com.microsoft QOrdered*, QuantizeWithOrder,
DequantizeWithOrder) and the block floating point converters (QuantizeBFP, DequantizeBFP).

As in contrib_quant: int8 products run in int8 (the node's compute dtype), requantizing an int32
accumulator costs 5 FLOPs, quantizing a real value 4 (no zero points here: the orders are
symmetric), dequantizing 1. A layout change (ROW ↔ COL32 …) moves data, it adds no arithmetic.
"""

from __future__ import annotations

from onnxcost.dtypes import dtype_name
from onnxcost.rules.contrib import GELU_FLOPS
from onnxcost.rules.contrib_attention_more import attention_flops, longformer_counts
from onnxcost.rules.kernels import matmul_macs, sdpa_macs
from onnxcost.rules.norm import STATS_PER_ELEMENT, STATS_PER_GROUP
from onnxcost.rules.quant import QUANTIZE_FLOPS, REQUANTIZE_FLOPS
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, matmul_shape, shape_rule
from onnxcost.symbolic.formulas import floordiv, product
from onnxcost.types import MS_DOMAIN, Work

MS = MS_DOMAIN
DEQUANTIZE_FLOPS = 1  # q · scale
# Block floating point, per element: |x|, block max (2); mantissa = round(x · 2^-e), clamp (3);
# per element back: mantissa · 2^e (2).
BFP_QUANTIZE_FLOPS = 5
BFP_DEQUANTIZE_FLOPS = 2
BFP_NOTE = "BFP layout (block size, mantissa bits) depends on bfp_type"


def _same_shape(node, shapes, values):
    return [shapes[0]]


# ------------------------------------------------------------------------- products


@rule("QOrderedMatMul", domain=MS)
def qordered_matmul(view: NodeView) -> Work:
    """MACs = batch·M·K·N (int8); FLOPs = 2·MACs + outputs·(5 requantize + 1 bias + 2 β·C)."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(2))
    per_output = REQUANTIZE_FLOPS + int(view.has_input(5)) + 2 * int(view.has_input(6))
    return Work(macs=macs, flops=2 * macs + view.out_numel(0) * per_output)


@shape_rule("QOrderedMatMul", domain=MS)
def _qordered_matmul_shape(node, shapes, values):
    a, b = shapes[0], shapes[2]
    return [None if a is None or b is None else matmul_shape(a, b)]


@rule("QOrderedAttention", domain=MS)
def qordered_attention(view: NodeView) -> Work:
    """MACs = B·S·Din·(Dq+Dk+Dv) + B·H·S·S·2hd, int8; FLOPs = 2·MACs + requantize, bias + (15+mask)/score."""
    x = view.in_shape(0)
    batch, seq = x[0], x[1]
    heads = int(view.attr("num_heads"))
    widths = [view.in_shape(i)[1] for i in (5, 6, 7)]
    projection = batch * seq * x[2] * sum(widths)
    head = floordiv(widths[0], heads)
    scores = batch * heads * seq * seq
    macs = projection + sdpa_macs(batch * heads, seq, seq, head, floordiv(widths[2], heads))
    extra = batch * seq * sum(widths) * (1 + REQUANTIZE_FLOPS)  # bias, QKV back to int8
    extra += scores * (REQUANTIZE_FLOPS + QUANTIZE_FLOPS)  # QKᵀ to float, softmax back to int8
    extra += batch * seq * widths[2] * REQUANTIZE_FLOPS  # context to int8
    masks = int(view.has_input(17)) + int(view.attr("unidirectional") or 0)
    return Work(macs=macs, flops=attention_flops(macs, scores, masks, extra))


@shape_rule("QOrderedAttention", domain=MS)
def _qordered_attention_shape(node, shapes, values):
    x, v = shapes[0], shapes[7]
    return [None if x is None or v is None else (x[0], x[1], v[1])]


@rule("QOrderedLongformerAttention", domain=MS)
def qordered_longformer_attention(view: NodeView) -> Work:
    """As LongformerAttention: MACs = 6·B·S·D² (int8) + B·H·S·(2W+1)·2hd + globals; + requantize, 7/score."""
    x = view.in_shape(0)
    batch, seq, hidden = x
    heads = int(view.attr("num_heads"))
    projections = 2 * batch * seq * hidden * 3 * hidden
    attention, scores, note = longformer_counts(batch, seq, heads, floordiv(hidden, heads),
                                                int(view.attr("window")), view.value(12))  # fmt: skip
    extra = 2 * batch * seq * 3 * hidden * (1 + REQUANTIZE_FLOPS)  # biases, QKV to int8
    extra += batch * seq * hidden * (DEQUANTIZE_FLOPS + QUANTIZE_FLOPS)  # float attention, int8 out
    notes = "; ".join(n for n in ("window clipped at the sequence edges counted full", note) if n)
    by_dtype = {"int8": projections, "float16": attention}  # QKV in int8, attention on fp16
    return Work(macs=projections + attention, status="estimated", note=notes, macs_by_dtype=by_dtype,
                flops=attention_flops(projections + attention, scores, 1, extra))  # fmt: skip


shape_rule("QOrderedLongformerAttention", domain=MS)(_same_shape)


# ------------------------------------------------------------------ element-wise, norms


@rule("QOrderedGelu", domain=MS)
def qordered_gelu(view: NodeView) -> Work:
    """FLOPs = elements × (1 dequantize + 5 GELU + 4 quantize)."""
    return Work(flops=view.in_numel(0) * (DEQUANTIZE_FLOPS + GELU_FLOPS + QUANTIZE_FLOPS))


@rule("QOrderedLayerNormalization", domain=MS)
def qordered_layer_normalization(view: NodeView) -> Work:
    """FLOPs = elements·(1 + 5 + γ + β + 4) + 5·rows: dequantize, LayerNorm stats and affine, quantize."""
    x = view.in_shape(0)
    axis = int(view.attr("axis")) % len(x)
    per_element = DEQUANTIZE_FLOPS + STATS_PER_ELEMENT + 1 + int(view.has_input(3)) + QUANTIZE_FLOPS
    return Work(flops=view.in_numel(0) * per_element + STATS_PER_GROUP * product(x[:axis]))


for _op in ("QOrderedGelu", "QOrderedLayerNormalization"):
    shape_rule(_op, domain=MS)(_same_shape)


# ------------------------------------------------------------------- (de)quantization


@rule("QuantizeWithOrder", domain=MS)
def quantize_with_order(view: NodeView) -> Work:
    """FLOPs = 4 × elements: saturate(round(x / scale)) to int8; the reorder is data movement."""
    return Work(flops=QUANTIZE_FLOPS * view.in_numel(0))


@rule("DequantizeWithOrder", domain=MS)
def dequantize_with_order(view: NodeView) -> Work:
    """FLOPs = elements: q · scale; the reorder is data movement."""
    return Work(flops=DEQUANTIZE_FLOPS * view.in_numel(0))


for _op in ("QuantizeWithOrder", "DequantizeWithOrder"):
    shape_rule(_op, domain=MS)(_same_shape)


@dtype_rule("QuantizeWithOrder", domain=MS)
def _quantize_with_order_dtype(node, dtypes):
    return ["int8"]


@dtype_rule("DequantizeWithOrder", domain=MS)
def _dequantize_with_order_dtype(node, dtypes):
    return [dtype_name(int(node.attrs["to"]))]


@rule("QuantizeBFP", domain=MS)
def quantize_bfp(view: NodeView) -> Work:
    """FLOPs ≈ 5 × elements: |x| and the block's max exponent, then round(x·2^−e) and clamp the mantissa."""
    return Work(flops=BFP_QUANTIZE_FLOPS * view.in_numel(0), status="estimated", note=BFP_NOTE)


@shape_rule("QuantizeBFP", domain=MS)
def _quantize_bfp_shape(node, shapes, values):
    x = shapes[0]
    rank = None if x is None else (len(x),)
    return [(None,), rank, rank]


@dtype_rule("QuantizeBFP", domain=MS)
def _quantize_bfp_dtype(node, dtypes):
    return ["uint8", "int64", "int64"]


@rule("DequantizeBFP", domain=MS)
def dequantize_bfp(view: NodeView) -> Work:
    """FLOPs ≈ 2 × output elements (mantissa · 2^shared exponent); output shape from the shape input."""
    return Work(flops=BFP_DEQUANTIZE_FLOPS * view.out_numel(0), status="estimated", note=BFP_NOTE)


@shape_rule("DequantizeBFP", domain=MS)
def _dequantize_bfp_shape(node, shapes, values):
    shape = values[1]
    if shape is not None:
        return [tuple(int(d) for d in shape.reshape(-1))]
    rank = shapes[1]
    return [None if rank is None or not isinstance(rank[0], int) else (None,) * rank[0]]


@dtype_rule("DequantizeBFP", domain=MS)
def _dequantize_bfp_dtype(node, dtypes):
    return [dtype_name(int(node.attrs.get("dtype", 1)))]
