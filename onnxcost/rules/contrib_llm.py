"""ONNX Runtime's small LLM building blocks (com.microsoft): gated and per-branch RMS norms, fused
norm + rotary, multimodal and Gemma rotary embeddings, hyper-connection stream mixers, the Engram
gate and n-gram hashing, and the decode-loop helpers (n-gram blocking, speculative commits).

Norms count as contrib.py's RMSNorm (4 per element, 4 per row), rotations as its RotaryEmbedding
(3 per rotated element), activations as the element-wise table (sigmoid 4, SiLU 5).
"""

from __future__ import annotations

from onnxcost.rules.contrib import ROTARY_FLOPS_PER_ELEMENT, SILU_FLOPS, rotary_elements
from onnxcost.rules.contrib_moe import SIGMOID_FLOPS
from onnxcost.rules.contrib_norm import RMS_PER_ELEMENT, RMS_PER_ROW
from onnxcost.rules.glu import SWISH_FLOPS
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import floordiv, normalize, product
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
GATE_ACTIVATIONS = {"silu": SILU_FLOPS, "swish": SILU_FLOPS, "sigmoid": SIGMOID_FLOPS}
# EngramGate per row: /√H, sign·√max(|dot|, ε) (sign, abs, max, sqrt, multiply), sigmoid.
ENGRAM_ROW_FLOPS = 1 + 5 + SIGMOID_FLOPS
POST_GATE_FLOPS = 1 + SIGMOID_FLOPS + 1  # sigmoid(inject / gate_div) · gate_mul


def _same_shape(node, shapes, values):
    return [shapes[0]]


def rms_flops(elements: Dim, rows: Dim, scaled: bool = True) -> Dim:
    """RMS norm FLOPs: (3, + 1 with a scale) per element + 4 per row."""
    return elements * (RMS_PER_ELEMENT - 1 + int(scaled)) + RMS_PER_ROW * rows


# ---------------------------------------------------------------------------- norms


@rule("GatedRMSNorm", domain=MS)
def gated_rms_norm(view: NodeView) -> Work:
    """FLOPs = n·(4 RMS + act + 1) + 4·n/C: x·rsqrt(mean(x²) + ε)·γ·act(gate), rows of C = len(scale)."""
    elements = view.in_numel(0)
    rows = floordiv(elements, view.in_shape(1)[0])
    per_element = GATE_ACTIVATIONS.get(str(view.attr("activation")), SILU_FLOPS) + 1
    return Work(flops=rms_flops(elements, rows) + per_element * elements)


shape_rule("GatedRMSNorm", domain=MS)(_same_shape)


@rule("BranchwiseRMSNorm", domain=MS)
def branchwise_rms_norm(view: NodeView) -> Work:
    """FLOPs = n·(3 + 1 with scale) + 4·rows, one row per branch (H = last dim, or last / num_branches)."""
    x = view.in_shape(0)
    branches = int(view.attr("num_branches") or 0)
    width = floordiv(x[-1], branches) if branches else x[-1]
    elements = view.in_numel(0)
    return Work(flops=rms_flops(elements, floordiv(elements, width), view.has_input(1)))


shape_rule("BranchwiseRMSNorm", domain=MS)(_same_shape)


def _norm_rotary_width(attrs, stride: Dim) -> Dim:
    """Normalized width: input_width, else the rest of the last axis after input_start."""
    return int(attrs.get("input_width") or 0) or normalize(stride - int(attrs.get("input_start") or 0))


@rule("RMSNormRotary", domain=MS)
def rms_norm_rotary(view: NodeView) -> Work:
    """FLOPs = 4·B·S·heads·width + 4·B·S·heads (RMS of a slice) + 3·B·S·heads·rotary_dim (partial RoPE)."""
    x = view.in_shape(0)
    rows = product(x[:-1])
    width = _norm_rotary_width(view.node.attrs, x[-1])
    rotated = rows * int(view.attr("rotary_embedding_dim"))
    return Work(flops=rms_flops(rows * width, rows) + ROTARY_FLOPS_PER_ELEMENT * rotated)


@shape_rule("RMSNormRotary", domain=MS)
def _rms_norm_rotary_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None, None]
    width = _norm_rotary_width(node.attrs, x[-1])
    flat = normalize(x[2] * width)
    flatten = int(node.attrs.get("flatten_batch") or 0)
    out = (1, normalize(x[0] * x[1]), flat) if flatten else (x[0], x[1], flat)
    return [out, (*x[:-1], width)]


@dtype_rule("RMSNormRotary", domain=MS)
def _rms_norm_rotary_dtype(node, dtypes):
    return ["float16" if int(node.attrs.get("output_fp16") or 0) else "bfloat16", "float32"]


# ---------------------------------------------------------------------------- rotary


@rule("MRotaryEmbedding", domain=MS)
def m_rotary_embedding(view: NodeView) -> Work:
    """FLOPs = 3 × rotated elements (as RotaryEmbedding); the T/H/W cos/sin sections are gathered (0)."""
    return Work(flops=ROTARY_FLOPS_PER_ELEMENT * rotary_elements(view))


shape_rule("MRotaryEmbedding", domain=MS)(_same_shape)


@rule("GemmaRotaryEmbedding", domain=MS)
def gemma_rotary_embedding(view: NodeView) -> Work:
    """FLOPs = 2·|emb| (sin, cos) + 3·|q| + 3·|k|: q·cos + q_rot·sin and the same for k."""
    flops = 2 * view.in_numel(0) + ROTARY_FLOPS_PER_ELEMENT * (view.in_numel(1) + view.in_numel(3))
    return Work(flops=flops)


@shape_rule("GemmaRotaryEmbedding", domain=MS)
def _gemma_rotary_shape(node, shapes, values):
    return [shapes[1], shapes[3]]


@dtype_rule("GemmaRotaryEmbedding", domain=MS)
def _gemma_rotary_dtype(node, dtypes):
    return [dtypes[1], dtypes[3]]


# ------------------------------------------------------------------- stream mixing


@rule("GatedAdd", domain=MS)
def gated_add(view: NodeView) -> Work:
    """FLOPs = 2 × elements (X + Y·gate); with gate_weight + rows·(2·K + 4) (projected sigmoid gate)."""
    elements = view.out_numel(0)
    if not view.has_input(3):
        return Work(flops=2 * elements)
    gate = view.in_shape(2)
    rows = product(gate[:-1])
    macs = rows * gate[-1]
    return Work(macs=macs, flops=2 * macs + SIGMOID_FLOPS * rows + 2 * elements)


shape_rule("GatedAdd", domain=MS)(_same_shape)


def _branches(node_attrs, streams: tuple[Dim, ...]) -> tuple[tuple[Dim, ...], Dim, Dim]:
    """(leading dims, C, H) of grouped (..., C, H) or flattened (..., C·H) streams."""
    count = int(node_attrs.get("num_branches") or 0)
    if count:
        return tuple(streams[:-1]), count, floordiv(streams[-1], count)
    return tuple(streams[:-2]), streams[-2], streams[-1]


@rule("HyperConnectionPreMix", domain=MS)
def hyper_connection_pre_mix(view: NodeView) -> Work:
    """MACs = rows·C·H (Σ_c X·pre_mix); FLOPs = 2·MACs + rows·H if reduction_scale ≠ 1."""
    lead, branches, width = _branches(view.node.attrs, view.in_shape(0))
    rows = product(lead)
    macs = rows * branches * width
    scale = rows * width if float(view.attr("reduction_scale")) != 1.0 else 0
    return Work(macs=macs, flops=2 * macs + scale)


@shape_rule("HyperConnectionPreMix", domain=MS)
def _pre_mix_shape(node, shapes, values):
    streams = shapes[0]
    if streams is None:
        return [None]
    lead, _, width = _branches(node.attrs, streams)
    return [(*lead, width)]


@rule("HyperConnectionPostMix", domain=MS)
def hyper_connection_post_mix(view: NodeView) -> Work:
    """MACs = rows·C·H·(1 + C with stream_mix): Σ_c mix[c,k]·streams[c] + post[k]·block; FLOPs = 2·MACs."""
    lead, branches, width = _branches(view.node.attrs, view.in_shape(0))
    mixes = 1 + (branches if view.has_input(3) else 0)
    macs = product(lead) * branches * width * mixes
    return Work(macs=macs, flops=2 * macs)


shape_rule("HyperConnectionPostMix", domain=MS)(_same_shape)


@rule("HyperConnectionLowRankMix", domain=MS)
def hyper_connection_low_rank_mix(view: NodeView) -> Work:
    """MACs/row = CH·(2R + 1 + C) (+ CH prologue); FLOPs = 2·MACs + RMS 4CH + 4C, SiLU 6R, σ 4CH + 6C, H."""
    streams = view.in_shape(0)
    lead, branches, width = _branches(view.node.attrs, streams)
    rows = product(lead)
    total = streams[-1]
    rank = view.in_shape(2)[1]
    per_row = total * (2 * rank + 1 + branches) + (total if view.has_input(5) else 0)
    macs = rows * per_row
    extra = rms_flops(total, branches) + SWISH_FLOPS * rank + SIGMOID_FLOPS * total
    extra += POST_GATE_FLOPS * branches + width  # post gate; reduction_scale
    return Work(macs=macs, flops=2 * macs + rows * extra)


@shape_rule("HyperConnectionLowRankMix", domain=MS)
def _low_rank_mix_shape(node, shapes, values):
    streams = shapes[0]
    if streams is None:
        return [None] * 3
    lead, branches, width = _branches(node.attrs, streams)
    return [(*lead, width), (*lead, branches), streams]


@rule("EngramGate", domain=MS)
def engram_gate(view: NodeView) -> Work:
    """MACs = n (Σ RMS(k)·RMS(q)); FLOPs = 2·MACs + 2 RMS (8n + 8r) + 10/row gate + n (gate·value) [+ RMS]."""
    elements = view.in_numel(0)
    rows = floordiv(elements, view.in_shape(0)[-1])
    flops = 2 * elements + 2 * rms_flops(elements, rows) + ENGRAM_ROW_FLOPS * rows + elements
    if len(view.node.outputs) > 1 and view.node.outputs[1]:
        flops += rms_flops(elements, rows)
    return Work(macs=elements, flops=flops)


@shape_rule("EngramGate", domain=MS)
def _engram_shape(node, shapes, values):
    return [shapes[0], shapes[0]]


# ------------------------------------------------------------------------- n-grams


def _ngram_flops(tokens: Dim, attrs, offsets: bool) -> Dim:
    """Per token: N multiplies and N − 1 xors (mixes built incrementally), a modulo per head (+ offset)."""
    order, heads = int(attrs["max_ngram_size"]), int(attrs["n_head_per_ngram"])
    return tokens * (2 * order - 1 + heads * (order - 1) * (1 + int(offsets)))


@rule("NGramHashMapping", domain=MS)
def ngram_hash_mapping(view: NodeView) -> Work:
    """Integer FLOPs = tokens·(2N − 1 + heads·(N − 1)·(1 + offset)): shifted ids × multipliers, xor, mod."""
    return Work(flops=_ngram_flops(view.in_numel(0), view.node.attrs, view.has_input(4)))


@shape_rule("NGramHashMapping", domain=MS)
def _ngram_shape(node, shapes, values):
    ids = shapes[0]
    if ids is None:
        return [None, None]
    order, heads = int(node.attrs["max_ngram_size"]), int(node.attrs["n_head_per_ngram"])
    return [(*ids, (order - 1) * heads), (ids[0], order - 1)]


@rule("VarlenNGramHashMapping", domain=MS)
def varlen_ngram_hash_mapping(view: NodeView) -> Work:
    """As NGramHashMapping over packed tokens: tokens·(2N − 1 + heads·(N − 1)·(1 + offset))."""
    return Work(flops=_ngram_flops(view.in_numel(0), view.node.attrs, view.has_input(5)))


@shape_rule("VarlenNGramHashMapping", domain=MS)
def _varlen_ngram_shape(node, shapes, values):
    ids, cu = shapes[0], shapes[3]
    if ids is None:
        return [None] * 4
    order, heads = int(node.attrs["max_ngram_size"]), int(node.attrs["n_head_per_ngram"])
    batch = None if cu is None else normalize(cu[0] - 1)
    history = (batch, order - 1)
    capacity = int(node.attrs.get("state_update_capacity") or 0)
    return [(ids[0], (order - 1) * heads), history, history, (batch, capacity, order - 1)]


@dtype_rule("VarlenNGramHashMapping", domain=MS)
def _varlen_ngram_dtype(node, dtypes):
    return [dtypes[0], dtypes[0], "int32", dtypes[0]]


@rule("NGramRepeatBlock", domain=MS)
def ngram_repeat_block(view: NodeView) -> Work:
    """Integer FLOPs = B·(S − n + 1)·(n − 1): every earlier n-gram prefix compared with the last n − 1 ids."""
    batch, seq = view.in_shape(0)
    size = int(view.attr("ngram_size"))
    starts = seq - size + 1
    if isinstance(starts, int):
        starts = max(starts, 0)
    return Work(flops=batch * starts * (size - 1))


@shape_rule("NGramRepeatBlock", domain=MS)
def _ngram_repeat_shape(node, shapes, values):
    return [shapes[1]]


@dtype_rule("NGramRepeatBlock", domain=MS)
def _ngram_repeat_dtype(node, dtypes):
    return [dtypes[1]]


# ---------------------------------------------------------------- speculative decoding


@rule("BifurcationDetector", domain=MS)
def bifurcation_detector(view: NodeView) -> Work:
    """Integer FLOPs ≈ P (predicted vs source) + Σ_n src·n (suffix n-gram search, n = min..max ngram size)."""
    source = view.in_numel(0)
    predicted = view.in_numel(3) if view.has_input(3) else 0
    sizes = range(int(view.attr("min_ngram_size")), int(view.attr("max_ngram_size")) + 1)
    flops = predicted + source * sum(sizes)
    return Work(flops=flops, status="estimated", note="every n-gram size scanned over the whole source")


@shape_rule("BifurcationDetector", domain=MS)
def _bifurcation_shape(node, shapes, values):
    return [(None,), ()]


@rule("SpeculativePrefixCommit", domain=MS)
def speculative_prefix_commit(view: NodeView) -> Work:
    """Integer FLOPs = B·head_rows: each draft token compared with the verifier's prediction; state copied."""
    tokens = view.in_shape(0)
    batch = tokens[0] if len(tokens) == 2 else 1
    return Work(flops=batch * int(view.attr("head_rows")))


@shape_rule("SpeculativePrefixCommit", domain=MS)
def _prefix_commit_shape(node, shapes, values):
    tokens = shapes[0]
    batch = None if tokens is None else (tokens[0] if len(tokens) == 2 else 1)
    return [(batch,), shapes[3], shapes[4]]


@dtype_rule("SpeculativePrefixCommit", domain=MS)
def _prefix_commit_dtype(node, dtypes):
    return ["int32", "int64", "int64"]
