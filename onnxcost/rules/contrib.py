"""ONNX Runtime's contrib ops (com.microsoft) that its graph optimizers emit: fused convolutions
and matrix products, fused activations, rotary embeddings and small helpers.

A fused op costs what its unfused pieces cost, counted by the same tables (element-wise FLOPs,
the 5-per-element + 5-per-row statistics of a layer norm), so an optimized graph has the MACs
and, up to the fusions' own shortcuts, the FLOPs of its original. ONNX shape inference knows
nothing of this domain: each op registers its output shapes (and dtypes where they differ from
the first input's) here. Fused normalizations live in contrib_norm, attention ops in
contrib_attention, quantized ops in contrib_quant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from onnxcost.rules.common import conv_kernel, data_movement, spatial_kernel, tensor_bytes, view_op
from onnxcost.rules.elementwise import UNARY_FLOPS
from onnxcost.rules.kernels import conv_macs, gemm_macs, matmul_macs, window_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, gemm_shape, matmul_shape, shape_rule, window_output
from onnxcost.symbolic.formulas import floordiv, normalize, product
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN

# GELU, erf form: 0.5·x·(1 + erf(x/√2)) = divide, erf, add, multiply, multiply.
GELU_FLOPS = 5
# FastGelu, tanh form: 0.5·x·(1 + tanh(0.797885·x + 0.035677·x³)) = x², x³, two scalings, add,
# tanh, add, multiply by x, multiply by 0.5 (the default-domain Gelu's tanh count).
FAST_GELU_FLOPS = 9
# QuickGelu: x·sigmoid(α·x) = scale, sigmoid (neg, exp, add, div), multiply.
QUICK_GELU_FLOPS = 6
SILU_FLOPS = 5  # x·sigmoid(x)
SOFTMAX_FLOPS = 5  # max, subtract, exp, sum, divide
# Rotary embedding: each rotated pair (x1, x2) → (x1·cos − x2·sin, x1·sin + x2·cos): 6 FLOPs.
ROTARY_FLOPS_PER_ELEMENT = 3
# Activations fused into FusedConv / FusedGemm that the element-wise table names differently.
EXTRA_ACTIVATION_FLOPS = {"Clip": 2, "QuickGelu": QUICK_GELU_FLOPS, "Gelu": GELU_FLOPS}


def activation_flops(name: str | None) -> tuple[int, str]:
    """FLOPs per element of a fused activation named by attribute, and a note when unknown (1)."""
    if not name:
        return 0, ""
    if name in UNARY_FLOPS:
        return UNARY_FLOPS[name][0], ""
    if name in EXTRA_ACTIVATION_FLOPS:
        return EXTRA_ACTIVATION_FLOPS[name], ""
    return 1, f"activation {name!r} not in the table: 1 FLOP per element"


def separate_activation(name: str | None, in_kernel: frozenset[str] = frozenset()) -> str:
    """The fused activation a kernel runs as a pass of its own over its output (Work.epilogue):
    `name`, unless the kernel applies it as it writes (`in_kernel`); "" for none."""
    return name if name and name not in in_kernel else ""


def _with_activation(macs: Dim, extra: Dim, outputs: Dim, activation: str | None) -> Work:
    """MACs, FLOPs = 2·MACs + extra + outputs × activation FLOPs (estimated if unknown)."""
    per_output, note = activation_flops(activation)
    flops = 2 * macs + extra + outputs * per_output
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


def _same_shape(node, shapes, values):
    return [shapes[0]]


# ----------------------------------------------------------------------------- convolutions


@rule("FusedConv", domain=MS)
def fused_conv(view: NodeView) -> Work:
    """Conv MACs = N·Cout·∏out·(Cin/group)·∏k; FLOPs = 2·MACs + outputs·(bias + Z add + activation)."""
    group = int(view.attr("group"))
    macs = conv_macs(view.out_shape(0), spatial_kernel(view), view.in_shape(0)[1], group)
    out = view.out_numel(0)
    extra = out * (int(view.has_input(2)) + int(view.has_input(3)))
    activation = view.attr("activation")
    work = _with_activation(macs, extra, out, activation)
    # onnxruntime's generic convolution applies every fused activation after its GEMM (measured
    # here: Relu 0.19 ns an output element, Sigmoid 0.41, on a 64→128 Conv1d over 2,000 steps)
    return replace(work, kernel=conv_kernel(view, group), epilogue=separate_activation(activation))


@shape_rule("FusedConv", domain=MS)
def _fused_conv_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None]
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    return [(x[0], w[0], *window_output(node, x[2:], kernel))]


@rule("NhwcConv", "NhwcFusedConv", domain=MS)
def nhwc_conv(view: NodeView) -> Work:
    """Channels-last Conv: MACs = N·∏out·Cout·(Cin/group)·∏k; FLOPs = 2·MACs + outputs·(bias + Z + act)."""
    group = int(view.attr("group"))
    macs = conv_macs(view.out_shape(0), spatial_kernel(view), view.in_shape(0)[-1], group)
    out = view.out_numel(0)
    extra = out * (int(view.has_input(2)) + int(view.has_input(3)))
    return _with_activation(macs, extra, out, view.attr("activation"))


@shape_rule("NhwcConv", "NhwcFusedConv", domain=MS)
def _nhwc_conv_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None]
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    return [(x[0], *window_output(node, x[1:-1], kernel), w[0])]


@rule("NhwcMaxPool", domain=MS)
def nhwc_max_pool(view: NodeView) -> Work:
    """Channels-last MaxPool: FLOPs = output elements × ∏kernel (one compare per window element)."""
    return Work(flops=window_reads(view.out_numel(0), view.attr("kernel_shape")))


@shape_rule("NhwcMaxPool", domain=MS)
def _nhwc_pool_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    return [(x[0], *window_output(node, x[1:-1], node.attrs["kernel_shape"]), x[-1])]


# ------------------------------------------------------------------------- matrix products


def fused_matmul_operands(attrs, a: Sequence[Dim], b: Sequence[Dim]) -> tuple[list, list]:
    """A and B as multiplied: transBatch moves dim 0 next to the matrix dims, trans swaps them."""

    def arrange(shape: Sequence[Dim], trans_batch: int, trans: int) -> list:
        dims = list(shape)
        if trans_batch and len(dims) > 2:
            dims = [*dims[1:-1], dims[0], dims[-1]]
        if trans and len(dims) >= 2:
            dims[-2], dims[-1] = dims[-1], dims[-2]
        return dims

    return (
        arrange(a, int(attrs.get("transBatchA") or 0), int(attrs.get("transA") or 0)),
        arrange(b, int(attrs.get("transBatchB") or 0), int(attrs.get("transB") or 0)),
    )


@rule("FusedMatMul", "TransposeMatMul", domain=MS)
def fused_matmul(view: NodeView) -> Work:
    """MatMul of the (batch-)transposed operands: MACs = ∏batch·M·K·N; FLOPs = 2·MACs + outputs if α ≠ 1."""
    a, b = fused_matmul_operands(view.node.attrs, view.in_shape(0), view.in_shape(1))
    macs = matmul_macs(a, b)
    scale = view.out_numel(0) if float(view.attr("alpha", 1.0)) != 1.0 else 0
    return Work(macs=macs, flops=2 * macs + scale)


@shape_rule("FusedMatMul", "TransposeMatMul", domain=MS)
def _fused_matmul_shape(node, shapes, values):
    if shapes[0] is None or shapes[1] is None:
        return [None]
    a, b = fused_matmul_operands(node.attrs, shapes[0], shapes[1])
    return [matmul_shape(tuple(a), tuple(b))]


def _gemm_mkn(view: NodeView) -> tuple[Dim, Dim, Dim]:
    a, b = view.in_shape(0), view.in_shape(1)
    m, k = (a[1], a[0]) if view.attr("transA") else (a[0], a[1])
    n = b[0] if view.attr("transB") else b[1]
    return m, k, n


@rule("FusedGemm", domain=MS)
def fused_gemm(view: NodeView) -> Work:
    """Gemm MACs = M·K·N; FLOPs = 2·MACs + M·N·(α≠1 + C add + β≠1 + activation)."""
    m, k, n = _gemm_mkn(view)
    macs = gemm_macs(m, k, n)
    per_output = int(float(view.attr("alpha")) != 1.0)
    if view.has_input(2):
        per_output += 1 + int(float(view.attr("beta")) != 1.0)
    return _with_activation(macs, m * n * per_output, m * n, view.attr("activation"))


@shape_rule("FusedGemm", domain=MS)
def _fused_gemm_shape(node, shapes, values):
    return gemm_shape(node, shapes[0], shapes[1])


@rule("GemmFastGelu", domain=MS)
def gemm_fast_gelu(view: NodeView) -> Work:
    """MatMul + bias + FastGelu: MACs = ∏batch·M·K·N; FLOPs = 2·MACs + outputs·(bias + 9)."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(1))
    out = view.out_numel(0)
    return Work(macs=macs, flops=2 * macs + out * (int(view.has_input(2)) + FAST_GELU_FLOPS))


@shape_rule("GemmFastGelu", domain=MS)
def _matmul_shape(node, shapes, values):
    a, b = shapes[0], shapes[1]
    return [None if a is None or b is None else matmul_shape(a, b)]


# ------------------------------------------------------------------------------ activations


@rule("Gelu", domain=MS)
def gelu(view: NodeView) -> Work:
    """FLOPs = 5 × elements: 0.5·x·(1 + erf(x/√2))."""
    return Work(flops=GELU_FLOPS * view.out_numel(0))


@rule("BiasGelu", domain=MS)
def bias_gelu(view: NodeView) -> Work:
    """FLOPs = (1 + 5) × elements: bias add, then 0.5·x·(1 + erf(x/√2))."""
    return Work(flops=(1 + GELU_FLOPS) * view.out_numel(0))


@rule("FastGelu", domain=MS)
def fast_gelu(view: NodeView) -> Work:
    """FLOPs = (9 + 1 if bias) × elements: 0.5·x·(1 + tanh(0.797885·x + 0.035677·x³))."""
    return Work(flops=(FAST_GELU_FLOPS + int(view.has_input(1))) * view.out_numel(0))


@rule("QuickGelu", domain=MS)
def quick_gelu(view: NodeView) -> Work:
    """FLOPs = 6 × elements: x·sigmoid(α·x) (scale, neg, exp, add, divide, multiply)."""
    return Work(flops=QUICK_GELU_FLOPS * view.out_numel(0))


@rule("BiasSplitGelu", domain=MS)
def bias_split_gelu(view: NodeView) -> Work:
    """FLOPs = N·S·D (bias add) + N·S·D/2 × (5 GELU + 1 multiply): left half · gelu(right half)."""
    return Work(flops=view.in_numel(0) + view.out_numel(0) * (GELU_FLOPS + 1))


@shape_rule("BiasSplitGelu", domain=MS)
def _bias_split_gelu_shape(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (*x[:-1], floordiv(x[-1], 2))]


@rule("BiasAdd", domain=MS)
def bias_add(view: NodeView) -> Work:
    """FLOPs = 2 × elements: X + bias + skip."""
    return Work(flops=2 * view.out_numel(0))


@rule("BiasSoftmax", domain=MS)
def bias_softmax(view: NodeView) -> Work:
    """FLOPs = (1 + 5) × elements: add the broadcast bias, then softmax (max, sub, exp, sum, div)."""
    return Work(flops=(1 + SOFTMAX_FLOPS) * view.in_numel(0))


@rule("BiasDropout", domain=MS)
def bias_dropout(view: NodeView) -> Work:
    """FLOPs = elements × (1 bias + 1 if residual + 2 if training: mask compare and scale)."""
    training = view.value(4)
    per_element = 1 + int(view.has_input(2))
    if view.has_input(4) and (training is None or bool(training.reshape(-1)[0])):
        per_element += 2
    return Work(flops=per_element * view.in_numel(0))


@shape_rule("BiasDropout", domain=MS)
def _dropout_shape(node, shapes, values):
    return [shapes[0], shapes[0]]


@dtype_rule("BiasDropout", domain=MS)
def _dropout_dtype(node, dtypes):
    return [dtypes[0], "bool"]


for _op in ("Gelu", "BiasGelu", "FastGelu", "QuickGelu", "BiasAdd", "BiasSoftmax"):
    shape_rule(_op, domain=MS)(_same_shape)


# ---------------------------------------------------------------------------------- rotary


def rotary_elements(view: NodeView) -> Dim:
    """Elements the rotation touches: all of each head, or its first rotary_embedding_dim."""
    x = view.in_shape(0)
    rotary_dim = int(view.attr("rotary_embedding_dim") or 0)
    if not rotary_dim:
        return view.in_numel(0)
    if len(x) == 4:
        head_size = x[-1]
    else:
        heads = int(view.attr("num_heads") or 0)
        head_size = floordiv(x[-1], heads) if heads else 2 * view.in_shape(2)[-1]
    return floordiv(view.in_numel(0), head_size) * rotary_dim


@rule("RotaryEmbedding", domain=MS)
def rotary_embedding(view: NodeView) -> Work:
    """FLOPs = 3 × rotated elements: (x1·cos − x2·sin, x1·sin + x2·cos) per pair; the rest is copied."""
    return Work(flops=ROTARY_FLOPS_PER_ELEMENT * rotary_elements(view))


shape_rule("RotaryEmbedding", domain=MS)(_same_shape)


# -------------------------------------------------------------------- movement and helpers


@rule("GatherND", domain=MS)
def gather_nd(view: NodeView) -> Work:
    """0 FLOPs; reads the indices and the gathered elements (= output bytes), writes the output."""
    gathered = view.output(0).nbytes
    data = view.input(0)
    indices = tensor_bytes(view, 1)
    if data.is_constant:
        return Work(status="zero", bytes_read_weights=gathered, bytes_read_activations=indices)
    return Work(status="zero", bytes_read_activations=gathered + indices, bytes_read_weights=0)


@shape_rule("GatherND", domain=MS)
def _gather_nd_shape(node, shapes, values):
    data, indices = shapes[0], shapes[1]
    if data is None or indices is None or not isinstance(indices[-1], int):
        return [None]
    return [(*indices[:-1], *data[indices[-1] :])]


@rule("Trilu", domain=MS)
def trilu(view: NodeView) -> Work:
    """FLOPs = output elements: one select each (keep x on the kept side of diagonal k, else 0)."""
    return Work(flops=view.out_numel(0))


shape_rule("Trilu", domain=MS)(_same_shape)


@rule("Range", domain=MS)
def range_op(view: NodeView) -> Work:
    """FLOPs = output elements (a running add of delta)."""
    return Work(flops=view.out_numel(0))


@shape_rule("Range", domain=MS)
def _range_shape(node, shapes, values):
    start, limit = values[0], values[1]
    delta = values[2] if len(values) > 2 and node.inputs[2] else None
    if start is None or limit is None or (len(node.inputs) > 2 and node.inputs[2] and delta is None):
        return [None]
    step = float(delta.reshape(-1)[0]) if delta is not None else 1.0
    span = float(limit.reshape(-1)[0]) - float(start.reshape(-1)[0])
    count = -(-span // step)
    return [(max(int(count), 0),)]


@rule("Inverse", domain=MS)
def inverse(view: NodeView) -> Work:
    """Batched n×n inverse by LU: MACs ≈ batch·n³ (2n³ FLOPs, leading order)."""
    x = view.in_shape(0)
    n = x[-1]
    macs = product(x[:-2]) * n * n * n
    return Work(macs=macs, flops=2 * macs, status="estimated",
                note="LU-based inverse, leading-order 2n³ FLOPs")  # fmt: skip


shape_rule("Inverse", domain=MS)(_same_shape)


@rule("Tokenizer", domain=MS)
def tokenizer(view: NodeView) -> Work:
    """FLOPs ≈ input strings (one regex scan each, length unknown): an estimate."""
    return Work(flops=view.in_numel(0), status="estimated",
                note="string scan; characters per string unknown statically")  # fmt: skip


@rule("ExpandDims", domain=MS)
def expand_dims(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: a new axis of size 1 is metadata only."""
    return view_op()


@shape_rule("ExpandDims", domain=MS)
def _expand_dims_shape(node, shapes, values):
    x, axis = shapes[0], values[1]
    if x is None or axis is None:
        return [None]
    position = int(axis.reshape(-1)[0]) % (len(x) + 1)
    return [(*x[:position], 1, *x[position:])]


@rule("Pad", domain=MS)
def pad(view: NodeView) -> Work:
    """0 FLOPs; the input read once and the padded output written once."""
    return data_movement()


@shape_rule("Pad", domain=MS)
def _pad_shape(node, shapes, values):
    x, pads = shapes[0], values[1]
    if x is None or pads is None:
        return [None]
    flat = [int(p) for p in pads.reshape(-1)]
    rank = len(x)
    return [tuple(normalize(x[i] + flat[i] + flat[i + rank]) for i in range(rank))]
