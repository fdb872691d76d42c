"""ONNX Runtime's matrix-product contrib ops (com.microsoft) beyond contrib.py and contrib_quant.py:
float8 Gemm, int16 MatMul, 4-bit and FP4/FP8 block-quantized weights, the MatMulNBits fusions
(gate/up MLP, QKV with RMSNorm, QLoRA adapters), packed-format weights, and sparse × dense.

Weight-only quantized products count as MatMulNBits does: MACs on the dequantized weights, 2 FLOPs
per weight element to dequantize ((q − zp)·scale; two scale multiplies for NVFP4), in the
activation's dtype, or int8 when accuracy_level is 4.
"""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.dtypes import dtype_name, nbytes_of
from onnxcost.rules.common import tensor_bytes
from onnxcost.rules.contrib import (
    FAST_GELU_FLOPS,
    GELU_FLOPS,
    QUICK_GELU_FLOPS,
    SILU_FLOPS,
    activation_flops,
    fused_matmul_operands,
)
from onnxcost.rules.contrib_llm import rms_flops
from onnxcost.rules.indexing import split_reads
from onnxcost.rules.kernels import matmul_macs
from onnxcost.rules.quant import QUANTIZE_FLOPS
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, matmul_shape, shape_rule
from onnxcost.symbolic.formulas import product
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
DEQUANTIZE_FLOPS = 2  # (q − zero point) · scale, or code · two scales (NVFP4)
# Gate activations named by the MatMulNBitsMlp `activation` attribute, FLOPs per element.
GATE_ACTIVATION_FLOPS = {
    "silu": SILU_FLOPS, "swish": SILU_FLOPS, "gelu": GELU_FLOPS, "gelu_tanh": FAST_GELU_FLOPS,
    "fastgelu": FAST_GELU_FLOPS, "quickgelu": QUICK_GELU_FLOPS, "quick_gelu": QUICK_GELU_FLOPS,
    "relu": 1, "sigmoid": 4, "relu2": 2,
}  # fmt: skip
GEMM_FLOAT8_ACTIVATIONS = {"RELU": 1, "GELU": GELU_FLOPS}


def _rows(view: NodeView) -> Dim:
    """Rows of A: ∏ of every dim but the last."""
    return product(view.in_shape(0)[:-1])


def _weight_only_dtype(view: NodeView) -> str | None:
    """int8 when accuracy_level 4 lets A be quantized, else A's dtype."""
    if int(view.attr("accuracy_level") or 0) == 4:
        return "int8"
    info = view.input(0)
    return info.dtype if info is not None else None


def _n_last(node, shapes, n: Dim) -> list:
    a = shapes[0]
    return [None if a is None else (*a[:-1], n)]


# ------------------------------------------------------------------------- float products


@rule("FusedMatMulActivation", domain=MS)
def fused_matmul_activation(view: NodeView) -> Work:
    """FusedMatMul + activation: MACs = ∏batch·M·K·N; FLOPs = 2·MACs + outputs·(α ≠ 1 + activation)."""
    a, b = fused_matmul_operands(view.node.attrs, view.in_shape(0), view.in_shape(1))
    macs = matmul_macs(a, b)
    per_output, note = activation_flops(view.attr("activation"))
    per_output += int(float(view.attr("alpha")) != 1.0)
    return Work(macs=macs, flops=2 * macs + view.out_numel(0) * per_output,
                status="estimated" if note else "ok", note=note)  # fmt: skip


@shape_rule("FusedMatMulActivation", domain=MS)
def _fused_matmul_activation_shape(node, shapes, values):
    if shapes[0] is None or shapes[1] is None:
        return [None]
    a, b = fused_matmul_operands(node.attrs, shapes[0], shapes[1])
    return [matmul_shape(tuple(a), tuple(b))]


def _gemm_dims(attrs, a: Sequence[Dim], b: Sequence[Dim]) -> tuple[Dim, Dim, Dim]:
    m, k = (a[1], a[0]) if int(attrs.get("transA") or 0) else (a[0], a[1])
    n = b[0] if int(attrs.get("transB") or 0) else b[1]
    return m, k, n


@rule("GemmFloat8", domain=MS)
def gemm_float8(view: NodeView) -> Work:
    """MACs = M·K·N (in A's dtype); FLOPs = 2·MACs + M·N·(α·scales + β·C + act + 4 if float8 out)."""
    m, k, n = _gemm_dims(view.node.attrs, view.in_shape(0), view.in_shape(1))
    macs = m * k * n
    scaled = view.has_input(3) or view.has_input(4)
    per_output = int(float(view.attr("alpha")) != 1.0 or scaled)
    beta = float(view.attr("beta"))
    if view.has_input(2) and beta != 0.0:
        per_output += 1 + int(beta != 1.0)
    per_output += GEMM_FLOAT8_ACTIVATIONS.get(str(view.attr("activation") or "NONE").upper(), 0)
    if dtype_name(int(view.attr("dtype"))).startswith("float8"):
        per_output += QUANTIZE_FLOPS  # ÷ scaleY, round, saturate
    return Work(macs=macs, flops=2 * macs + m * n * per_output)


@shape_rule("GemmFloat8", domain=MS)
def _gemm_float8_shape(node, shapes, values):
    if shapes[0] is None or shapes[1] is None:
        return [None]
    m, _, n = _gemm_dims(node.attrs, shapes[0], shapes[1])
    return [(m, n)]


@dtype_rule("GemmFloat8", domain=MS)
def _gemm_float8_dtype(node, dtypes):
    return [dtype_name(int(node.attrs.get("dtype", 1)))]


@rule("MatMulInteger16", domain=MS)
def matmul_integer16(view: NodeView) -> Work:
    """MACs = ∏batch·M·K·N in int16 (int32 accumulate); FLOPs = 2·MACs."""
    macs = matmul_macs(view.in_shape(0), view.in_shape(1))
    return Work(macs=macs, flops=2 * macs)


@shape_rule("MatMulInteger16", "SparseToDenseMatMul", domain=MS)
def _matmul_shape(node, shapes, values):
    a, b = shapes[0], shapes[1]
    if a is None or b is None:
        return [None]
    if node.op_type == "SparseToDenseMatMul":
        a, b = _transposed(node.attrs, a, b)
    return [matmul_shape(tuple(a), tuple(b))]


@dtype_rule("MatMulInteger16", domain=MS)
def _matmul_integer16_dtype(node, dtypes):
    return ["uint32" if dtypes[0] == "uint16" and dtypes[1] == "uint16" else "int32"]


def _transposed(attrs, a: Sequence[Dim], b: Sequence[Dim]) -> tuple[list, list]:
    a, b = list(a), list(b)
    if int(attrs.get("transA") or 0):
        a[-2], a[-1] = a[-1], a[-2]
    if int(attrs.get("transB") or 0):
        b[-2], b[-1] = b[-1], b[-2]
    return a, b


@rule("SparseToDenseMatMul", domain=MS)
def sparse_to_dense_matmul(view: NodeView) -> Work:
    """MACs ≤ M·K·N (nnz(A)·N; the non-zero count is not in the graph): FLOPs = 2·MACs + M·N if α ≠ 1."""
    a, b = _transposed(view.node.attrs, view.in_shape(0), view.in_shape(1))
    macs = matmul_macs(a, b)
    scale = view.out_numel(0) if float(view.attr("alpha")) != 1.0 else 0
    return Work(macs=macs, flops=2 * macs + scale, status="estimated",
                note="sparse A counted dense (upper bound: nnz·N MACs)")  # fmt: skip


# ------------------------------------------------------------ block-quantized weights


@rule("MatMulFpQ4", domain=MS)
def matmul_fp_q4(view: NodeView) -> Work:
    """MACs = rows·K·N on dequantized 4-bit blocks (B_shape = [K, N]); FLOPs = 2·MACs + 2·K·N."""
    shape = view.value(2)
    if shape is not None:
        k, n = int(shape.reshape(-1)[0]), int(shape.reshape(-1)[1])
    else:
        k, n = view.in_shape(0)[-1], view.out_shape(0)[-1]
    macs = _rows(view) * k * n
    return Work(macs=macs, flops=2 * macs + DEQUANTIZE_FLOPS * k * n)


@shape_rule("MatMulFpQ4", domain=MS)
def _matmul_fp_q4_shape(node, shapes, values):
    shape = values[2]
    return [None] if shape is None else _n_last(node, shapes, int(shape.reshape(-1)[1]))


@rule("MatMulBlockQuantizedFp4Weight", domain=MS)
def matmul_fp4_weight(view: NodeView) -> Work:
    """NVFP4 weight [N, K/2]: MACs = rows·K·N; FLOPs = 2·MACs + 2·N·K (e2m1 · scale · global scale) + bias."""
    b = view.in_shape(1)
    n, k = b[0], 2 * b[1]
    rows = _rows(view)
    macs = rows * k * n
    bias = rows * n if view.has_input(5) else 0
    return Work(macs=macs, flops=2 * macs + DEQUANTIZE_FLOPS * n * k + bias)


@shape_rule("MatMulBlockQuantizedFp4Weight", "MatMulBlockQuantizedFp8Weight", domain=MS)
def _block_weight_shape(node, shapes, values):
    b = shapes[1]
    return [None] if b is None else _n_last(node, shapes, b[0])


@rule("MatMulBlockQuantizedFp8Weight", domain=MS)
def matmul_fp8_weight(view: NodeView) -> Work:
    """FP8 weight [N, K]: MACs = rows·K·N; FLOPs = 2·MACs + N·K (·scale) + 5·rows·K if A quantized + bias."""
    n, k = view.in_shape(1)
    rows = _rows(view)
    macs = rows * k * n
    flops = 2 * macs + n * k
    if view.has_input(3):  # A → fp8(A / a_scale) · a_scale
        flops += (QUANTIZE_FLOPS + 1) * rows * k
    if view.has_input(4):
        flops += rows * n
    return Work(macs=macs, flops=flops)


@rule("MatMulPacked", domain=MS)
def matmul_packed(view: NodeView) -> Work:
    """MACs = rows·K·N on packed-format weights; FLOPs = 2·MACs + 2·N·K dequantize + rows·N·(scale + act)."""
    k, n = int(view.attr("K")), int(view.attr("N"))
    rows = _rows(view)
    macs = rows * k * n
    per_output = int(view.has_input(2)) + {"relu2": 2, "relu_squared": 2, "silu": SILU_FLOPS}.get(
        str(view.attr("activation_type")), 0)  # fmt: skip
    return Work(macs=macs, flops=2 * macs + DEQUANTIZE_FLOPS * n * k + rows * n * per_output,
                status="estimated", note="packed weight format: dequantize counted 2 FLOPs per weight")


@shape_rule("MatMulPacked", domain=MS)
def _matmul_packed_shape(node, shapes, values):
    return _n_last(node, shapes, int(node.attrs["N"]))


@rule("GatherPacked", domain=MS)
def gather_packed(view: NodeView) -> Work:
    """FLOPs = 2 × output elements (dequantize each gathered value); reads only the gathered rows."""
    data = view.input(0)
    rows = view.in_numel(1)
    gathered = rows * view.in_shape(0)[1]
    reads = [(0, nbytes_of(gathered, data.dtype)), (1, tensor_bytes(view, 1))]
    activations, weights = split_reads(view, reads)
    return Work(flops=DEQUANTIZE_FLOPS * view.out_numel(0), status="estimated",
                note="packed format: dequantize counted 2 FLOPs per value",
                bytes_read_activations=activations, bytes_read_weights=weights)  # fmt: skip


@shape_rule("GatherPacked", domain=MS)
def _gather_packed_shape(node, shapes, values):
    indices = shapes[1]
    return [None if indices is None else (*indices, int(node.attrs["K"]))]


@dtype_rule("GatherPacked", domain=MS)
def _gather_packed_dtype(node, dtypes):
    return [dtype_name(int(node.attrs.get("output_dtype", 16)))]


# --------------------------------------------------------------- MatMulNBits fusions


def _gate_activation(name: str) -> tuple[int, str]:
    flops = GATE_ACTIVATION_FLOPS.get(name.lower())
    if flops is None:
        return 1, f"activation {name!r} not in the table: 1 FLOP per element"
    return flops, ""


def _norm_prologue(view: NodeView, rows: Dim, k: Dim, skip: int, scale: int) -> Dim:
    """Optional (Skip)SimplifiedLayerNormalization before the projections: RMS + skip adds."""
    flops: Dim = 0
    if view.has_input(scale):
        flops += rms_flops(rows * k, rows)
    if view.has_input(skip):
        flops += rows * k
    return flops


@rule("MatMulNBitsMlp", domain=MS)
def matmul_n_bits_mlp(view: NodeView) -> Work:
    """MACs = rows·K·2N (gate, up); FLOPs = 2·MACs + 4·N·K dequantize + rows·N·(biases + act + 1) + norm."""
    k, n = int(view.attr("K")), int(view.attr("N"))
    rows = _rows(view)
    macs = rows * k * 2 * n
    per_output, note = _gate_activation(str(view.attr("activation")))
    per_output += 1 + int(view.has_input(5)) + int(view.has_input(8))
    flops = 2 * macs + 2 * DEQUANTIZE_FLOPS * n * k + rows * n * per_output
    flops += _norm_prologue(view, rows, k, 1, 2)
    return Work(macs=macs, flops=flops, dtype=_weight_only_dtype(view),
                status="estimated" if note else "ok", note=note)  # fmt: skip


@shape_rule("MatMulNBitsMlp", domain=MS)
def _nbits_mlp_shape(node, shapes, values):
    a = shapes[0]
    if a is None:
        return [None, None]
    return [(*a[:-1], int(node.attrs["N"])), a]


@rule("MatMulNBitsQkv", domain=MS)
def matmul_n_bits_qkv(view: NodeView) -> Work:
    """MACs = rows·K·(Nq + 2·Nkv); FLOPs = 2·MACs + 2·K·(Nq + 2·Nkv) dequantize + biases + RMSNorm, skip."""
    k, nq, nkv = int(view.attr("K")), int(view.attr("Nq")), int(view.attr("Nkv"))
    rows = _rows(view)
    width = nq + 2 * nkv
    macs = rows * k * width
    biases = rows * (nq * int(view.has_input(5)) + nkv * (int(view.has_input(8)) + int(view.has_input(11))))
    flops = 2 * macs + DEQUANTIZE_FLOPS * k * width + biases + _norm_prologue(view, rows, k, 1, 2)
    return Work(macs=macs, flops=flops, dtype=_weight_only_dtype(view))


@shape_rule("MatMulNBitsQkv", domain=MS)
def _nbits_qkv_shape(node, shapes, values):
    a = shapes[0]
    if a is None:
        return [None] * 4
    lead = a[:-1]
    nq, nkv = int(node.attrs["Nq"]), int(node.attrs["Nkv"])
    return [(*lead, nq), (*lead, nkv), (*lead, nkv), a]


@rule("MatMulNBitsQLoRA", domain=MS)
def matmul_n_bits_qlora(view: NodeView) -> Work:
    """MACs = rows·(K·N + K·R + R·N) (base + down + up); FLOPs = 2·MACs + 2·(N·K + R·K + N·R) + rows·N."""
    k, n = int(view.attr("K")), int(view.attr("N"))
    rows = _rows(view)
    rank = view.in_shape(4)[0]
    down = view.in_shape(3)[0]  # R, or 0 for an empty adapter
    up = rank if view.in_shape(5)[1] != 0 else 0
    weights = n * k + down * k + n * up
    macs = rows * weights
    flops = 2 * macs + DEQUANTIZE_FLOPS * weights + (rows * n if up != 0 else 0)
    return Work(macs=macs, flops=flops, dtype=_weight_only_dtype(view))


@shape_rule("MatMulNBitsQLoRA", domain=MS)
def _nbits_qlora_shape(node, shapes, values):
    return _n_last(node, shapes, int(node.attrs["N"]))
