"""ONNX Runtime's older fused attention ops (com.microsoft): DecoderAttention (BART-style, with
runtime self/cross switches), DecoderMaskedSelfAttention (one-token GPT decoding),
LongformerAttention (sliding window + global tokens) and the T5 / DeBERTa position biases.

Counting follows contrib_attention: the projections the op holds the weights of, scores Q·Kᵀ and
the weighted sum P·V (kernels.sdpa_macs), per score one scale, 5 softmax FLOPs and one per mask
or bias added; scores dense over the keys each query may see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from onnxcost.rules.contrib import ROTARY_FLOPS_PER_ELEMENT, SOFTMAX_FLOPS
from onnxcost.rules.contrib_attention import SCALE_FLOPS
from onnxcost.rules.kernels import sdpa_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule
from onnxcost.symbolic.formulas import floordiv, normalize, product
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
SIGMOID_FLOPS = 4
# T5 relative-position bucket of one (query, key) pair: distance (1), |·| and direction offset
# (2), small-distance compare (1), log bucket: divide, log, multiply, add, min (5), select (1).
BUCKET_FLOPS = 10
# GatedRelativePositionBias gate per (batch, head, position): gate_u·(gate_r·eco_a − 1) + 2.
GATE_COMBINE_FLOPS = 4


def attention_flops(macs: Dim, scores: Dim, masks: int, extra: Dim = 0) -> Dim:
    """FLOPs = 2·MACs + scores·(1 scale + 5 softmax + masks) + extra."""
    return 2 * macs + scores * (SCALE_FLOPS + SOFTMAX_FLOPS + masks) + extra


def _flag(values: Sequence[np.ndarray | None], index: int) -> bool | None:
    """A folded boolean input, None when absent or unknown."""
    value = values[index] if index < len(values) else None
    return None if value is None or value.size == 0 else bool(value.reshape(-1)[0])


# ------------------------------------------------------------------------ DecoderAttention


def _decoder_lengths(
    query: Sequence[Dim], key: Sequence[Dim], cache: Sequence[Dim] | None,
    values: Sequence[np.ndarray | None],
) -> tuple[Dim, Dim, str]:
    """(tokens projected to K and V, keys attended, note) from static_kv, use_past and the cache."""
    static, use_past = _flag(values, 8), _flag(values, 9)
    note = ""
    if static is None or use_past is None:
        note = "static_kv / use_past not constant: self attention assumed, cache used if given"
        static, use_past = False, cache is not None
    if static:
        if use_past and cache is not None:
            return 0, cache[2], note
        return key[0], key[0], note
    if use_past and cache is not None:
        return query[0], normalize(cache[2] + query[0]), note
    return query[0], query[0], note


@rule("DecoderAttention", domain=MS)
def decoder_attention(view: NodeView) -> Work:
    """MACs = S·B·D² (Q) + L·B·2D² (K, V of L keys) + B·H·S·T·2hd; FLOPs = 2·MACs + bias + (6+mask)/score."""
    query = view.in_shape(0)
    seq, batch, hidden = query
    heads = int(view.attr("num_heads"))
    cache = view.in_shape(6) if view.has_input(6) else None
    values = [view.value(i) for i in range(len(view.inputs))]
    projected, total, note = _decoder_lengths(query, view.in_shape(1), cache, values)
    head = floordiv(hidden, heads)
    macs = seq * batch * hidden * hidden + projected * batch * hidden * 2 * hidden
    macs += sdpa_macs(batch * heads, seq, total, head, head)
    bias = seq * batch * hidden + projected * batch * 2 * hidden
    flops = attention_flops(macs, batch * heads * seq * total, int(view.has_input(5)), bias)
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@shape_rule("DecoderAttention", domain=MS)
def _decoder_attention_shape(node, shapes, values):
    query, key = shapes[0], shapes[1]
    if query is None or key is None:
        return [None] * 3
    heads = int(node.attrs["num_heads"])
    cache = shapes[6] if len(shapes) > 6 and node.inputs[6] else None
    _, total, _ = _decoder_lengths(query, key, cache, values)
    cache = (query[1], heads, total, floordiv(query[2], heads))
    return [query, cache, cache]


# -------------------------------------------------------------- DecoderMaskedSelfAttention


def _qkv_split(sizes: Sequence[int] | None, columns: Dim) -> tuple[Dim, Dim, Dim]:
    """Q, K, V widths: qkv_hidden_sizes, else the weight's columns in three."""
    if sizes:
        return int(sizes[0]), int(sizes[1]), int(sizes[2])
    third = floordiv(columns, 3)
    return third, third, third


def _masked_self_total(
    past: tuple[Dim, ...], seq: Dim, shared: bool, past_length: np.ndarray | None
) -> tuple[Dim, str]:
    """Keys attended: past + new; a shared buffer holds max length, the true past is an input."""
    if not shared:
        return normalize(past[3] + seq), ""
    if past_length is not None:
        return int(past_length.reshape(-1)[0]) + seq, ""
    return past[3], "shared past buffer: T taken as its maximum length"


@rule("DecoderMaskedSelfAttention", domain=MS)
def decoder_masked_self_attention(view: NodeView) -> Work:
    """MACs = B·Din·(Dq+Dk+Dv) + B·H·T·(dk+dv); FLOPs = 2·MACs + bias + B·H·T·(6 + masks) (+ rotary)."""
    x, w = view.in_shape(0), view.in_shape(1)
    batch, seq = x[0], x[1]
    heads = int(view.attr("num_heads"))
    q_size, k_size, v_size = _qkv_split(view.attr("qkv_hidden_sizes"), w[1])
    shared = bool(int(view.attr("past_present_share_buffer") or 0))
    total, note = _masked_self_total(view.in_shape(4), seq, shared, view.value(6))
    projection = batch * seq * x[2] * w[1]
    macs = projection + sdpa_macs(batch * heads, seq, total, floordiv(q_size, heads),
                                  floordiv(v_size, heads))  # fmt: skip
    extra = batch * seq * w[1] if view.has_input(2) else 0
    if int(view.attr("do_rotary") or 0):
        extra += ROTARY_FLOPS_PER_ELEMENT * batch * seq * (q_size + k_size)
    masks = int(view.has_input(3)) + int(view.has_input(5))
    flops = attention_flops(macs, batch * heads * seq * total, masks, extra)
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@shape_rule("DecoderMaskedSelfAttention", domain=MS)
def _masked_self_shape(node, shapes, values):
    x, w, past = shapes[0], shapes[1], shapes[4]
    if x is None or w is None or past is None:
        return [None, None]
    heads = int(node.attrs["num_heads"])
    q_size, _, v_size = _qkv_split(node.attrs.get("qkv_hidden_sizes"), w[1])
    shared = bool(int(node.attrs.get("past_present_share_buffer") or 0))
    total = past[3] if shared else normalize(past[3] + x[1])
    return [(x[0], x[1], v_size), (2, x[0], heads, total, floordiv(q_size, heads))]


# ----------------------------------------------------------------------- LongformerAttention


def global_tokens(flags: np.ndarray | None) -> int | None:
    """Tokens flagged global across the batch (None when the flags are not constant)."""
    return None if flags is None else int(np.count_nonzero(flags))


def longformer_counts(
    batch: Dim, seq: Dim, heads: int, head: Dim, window: int, flags: np.ndarray | None
) -> tuple[Dim, Dim, str]:
    """(attention MACs, scores, note): 2W + 1 local keys per query, + global rows and columns."""
    local: Dim = 2 * window + 1
    if isinstance(seq, int):
        local = min(local, seq)
    scores = batch * heads * seq * local
    count = global_tokens(flags)
    note = "" if count is not None else "global tokens data-dependent: only the local window counted"
    if count:
        scores += 2 * heads * count * seq  # global queries see every key; every query sees them
    return scores * 2 * head, scores, note


@rule("LongformerAttention", domain=MS)
def longformer_attention(view: NodeView) -> Work:
    """MACs = 6·B·S·D² (two QKV) + B·H·S·(2W+1)·2hd + 4·H·G·S·hd; FLOPs = 2·MACs + bias + 7 per score."""
    x = view.in_shape(0)
    batch, seq, hidden = x
    heads = int(view.attr("num_heads"))
    head = floordiv(hidden, heads)
    projections = 2 * batch * seq * hidden * 3 * hidden
    attention, scores, note = longformer_counts(batch, seq, heads, head, int(view.attr("window")),
                                                view.value(6))  # fmt: skip
    flops = attention_flops(projections + attention, scores, 1, 2 * batch * seq * 3 * hidden)
    notes = "; ".join(n for n in ("window clipped at the sequence edges counted full", note) if n)
    return Work(macs=projections + attention, flops=flops, status="estimated", note=notes)


shape_rule("LongformerAttention", domain=MS)(lambda node, shapes, values: [shapes[0]])


# ------------------------------------------------------------------------ position biases


@rule("RelativePositionBias", domain=MS)
def relative_position_bias(view: NodeView) -> Work:
    """FLOPs = Sq·Sk·10 (T5 bucket of each pair); the bias of each head gathered: (1, H, Sq, Sk) written."""
    out = view.out_shape(0)
    return Work(flops=BUCKET_FLOPS * out[2] * out[3])


@shape_rule("RelativePositionBias", domain=MS)
def _relative_position_bias_shape(node, shapes, values):
    table = shapes[0]
    if table is None:
        return [None]
    lengths = [None if v is None else int(v.reshape(-1)[0]) for v in values[1:3]]
    return [(1, table[1], *lengths)]


@rule("GatedRelativePositionBias", domain=MS)
def gated_relative_position_bias(view: NodeView) -> Work:
    """MACs = N·H·hd·D (gate linear, N tokens); FLOPs = 2·MACs + N·(D·H·1.5 + Hd + 12·H) + B·H·S·S."""
    query = view.in_shape(0)
    weight = view.in_shape(3)
    heads = int(view.attr("num_heads"))
    tokens = product(query[:-1])
    head, width = weight[0], weight[1]
    out = view.out_numel(0)
    macs = tokens * heads * head * width
    per_token = query[-1] + heads * width + heads * floordiv(width, 2)
    per_token += heads * (2 * SIGMOID_FLOPS + GATE_COMBINE_FLOPS)
    return Work(macs=macs, flops=2 * macs + tokens * per_token + out)


@shape_rule("GatedRelativePositionBias", domain=MS)
def _gated_bias_shape(node, shapes, values):
    query, rel = shapes[0], shapes[2]
    if query is None or rel is None:
        return [None]
    heads = int(node.attrs["num_heads"])
    offsets = shapes[6] if len(shapes) > 6 and node.inputs[6] else None
    batch = query[0] if len(query) == 3 else (None if offsets is None else offsets[0])
    return [(batch, heads, rel[2], rel[3])]
