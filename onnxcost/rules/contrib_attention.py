"""ONNX Runtime's fused attention ops (com.microsoft): Attention, MultiHeadAttention,
GroupQueryAttention, DecoderMaskedMultiHeadAttention, SparseAttention, the packed variants and
QAttention.

Each costs what the unfused graph it replaces costs: the Q/K/V projection where the op has its
weights (Attention, PackedAttention, QAttention), scores Q·Kᵀ and the weighted sum P·V
(kernels.sdpa_macs), and per score one scale, 5 softmax FLOPs and one add per mask or bias
applied. Scores are counted dense over the whole S × T matrix (a causal mask is applied, not
skipped), as the unfused MatMul–Softmax–MatMul graph counts them. The output projection is a
separate MatMul in every ORT fusion and is not part of these ops.
"""

from __future__ import annotations

from onnxcost.rules.contrib import ROTARY_FLOPS_PER_ELEMENT, SOFTMAX_FLOPS
from onnxcost.rules.kernels import sdpa_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import ceildiv, floordiv, normalize
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
SCALE_FLOPS = 1  # scores · 1/√d
SOFTCAP_FLOPS = 3  # softcap · tanh(score / softcap)


def _scalar(view: NodeView, index: int) -> int | None:
    """The folded value of a scalar int input (None when absent or unknown)."""
    value = view.value(index)
    return None if value is None or value.size == 0 else int(value.reshape(-1)[0])


def _attention_flops(macs: Dim, scores: Dim, masks: int, extra: Dim = 0) -> Dim:
    """FLOPs = 2·MACs + scores·(1 scale + 5 softmax + masks) + extra."""
    return 2 * macs + scores * (SCALE_FLOPS + SOFTMAX_FLOPS + masks) + extra


def _qkv_sizes(view: NodeView, columns: Dim) -> tuple[Dim, Dim, Dim]:
    """Hidden sizes of Q, K, V: qkv_hidden_sizes, else the weight's columns split in three."""
    sizes = view.attr("qkv_hidden_sizes")
    if sizes:
        return int(sizes[0]), int(sizes[1]), int(sizes[2])
    third = floordiv(columns, 3)
    return third, third, third


# ------------------------------------------------------------------------------- Attention


def _attention_lengths(view: NodeView, seq: Dim, past_index: int) -> tuple[Dim, str]:
    """Total key length T = past + new; with a shared past buffer its length is the maximum."""
    if not view.has_input(past_index):
        return seq, ""
    past_len = view.in_shape(past_index)[3]
    if not int(view.attr("past_present_share_buffer") or 0):
        return past_len + seq, ""
    known = _scalar(view, 6)
    if known is not None:
        return known + seq, ""
    return past_len, "shared past buffer: T taken as its maximum length"


@rule("Attention", domain=MS)
def attention(view: NodeView) -> Work:
    """MACs = B·S·Din·(Dq+Dk+Dv) + B·H·S·T·(dk+dv); FLOPs = 2·MACs + B·S·bias + B·H·S·T·(6 + masks)."""
    x, w = view.in_shape(0), view.in_shape(1)
    batch, seq = x[0], x[1]
    heads = int(view.attr("num_heads"))
    q_size, k_size, v_size = _qkv_sizes(view, w[1])
    total, note = _attention_lengths(view, seq, 4)
    projection = batch * seq * x[2] * w[1]
    macs = projection + sdpa_macs(batch * heads, seq, total, floordiv(q_size, heads),
                                  floordiv(v_size, heads))  # fmt: skip
    masks = int(view.has_input(3)) + int(view.has_input(5)) + int(view.attr("unidirectional") or 0)
    extra = batch * seq * w[1] if view.has_input(2) else 0
    if int(view.attr("do_rotary") or 0):
        extra += ROTARY_FLOPS_PER_ELEMENT * batch * seq * (q_size + k_size)
    flops = _attention_flops(macs, batch * heads * seq * total, masks, extra)
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@shape_rule("Attention", domain=MS)
def _attention_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None, None]
    heads = int(node.attrs["num_heads"])
    sizes = node.attrs.get("qkv_hidden_sizes")
    q_size, v_size = (int(sizes[0]), int(sizes[2])) if sizes else (floordiv(w[1], 3),) * 2
    past = shapes[4] if len(shapes) > 4 and node.inputs[4] else None
    total = x[1] if past is None else normalize(past[3] + x[1])
    if past is not None and node.attrs.get("past_present_share_buffer"):
        total = past[3]
    return [(x[0], x[1], v_size), (2, x[0], heads, total, floordiv(q_size, heads))]


# ---------------------------------------------------------------------- MultiHeadAttention


def _mha_dims(view: NodeView, heads: int) -> dict[str, Dim]:
    """B, S, L (new keys), head sizes dk, dv and whether keys are already per head (BNSH)."""
    q = view.in_shape(0)
    if len(q) == 5:  # packed QKV (B, S, H, 3, hd)
        return {"B": q[0], "S": q[1], "L": q[1], "dk": q[4], "dv": q[4], "bnsh": False}
    dims = {"B": q[0], "S": q[1], "dk": floordiv(q[2], heads), "bnsh": False}
    k = view.in_shape(1) if view.has_input(1) else None
    if k is None:
        dims.update(L=q[1], dv=dims["dk"])
    elif len(k) == 5:  # packed KV (B, L, H, 2, hd)
        dims.update(L=k[1], dk=k[4], dv=k[4])
    elif len(k) == 4:  # past key/value given as key/value (B, H, L, hd): cross attention
        dims.update(L=k[2], dk=k[3], dv=view.in_shape(2)[3], bnsh=True)
    else:
        dims.update(L=k[1], dv=floordiv(view.in_shape(2)[2], heads))
    return dims


@rule("MultiHeadAttention", domain=MS)
def multi_head_attention(view: NodeView) -> Work:
    """MACs = B·H·S·T·(dk+dv), T = past + L; FLOPs = 2·MACs + bias adds + B·H·S·T·(6 + masks)."""
    heads = int(view.attr("num_heads"))
    d = _mha_dims(view, heads)
    total, note = d["L"], ""
    if view.has_input(6) and not d["bnsh"]:
        total = view.in_shape(6)[2] + d["L"]
        if int(view.attr("past_present_share_buffer") or 0):
            known = _scalar(view, 8)
            total = view.in_shape(6)[2] if known is None else known + d["L"]
            note = "" if known is not None else "shared past buffer: T taken as its maximum length"
    macs = sdpa_macs(d["B"] * heads, d["S"], total, d["dk"], d["dv"])
    extra: Dim = 0
    if view.has_input(3):  # bias of the Q, K, V projections
        extra = d["B"] * heads * (d["S"] * d["dk"] + d["L"] * (d["dk"] + d["dv"]))
    masks = int(view.has_input(4)) + int(view.has_input(5)) + int(view.attr("unidirectional") or 0)
    flops = _attention_flops(macs, d["B"] * heads * d["S"] * total, masks, extra)
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@shape_rule("MultiHeadAttention", domain=MS)
def _mha_shape(node, shapes, values):
    q = shapes[0]
    if q is None:
        return [None] * 4
    heads = int(node.attrs["num_heads"])
    k = shapes[1] if len(shapes) > 1 and node.inputs[1] else None
    v = shapes[2] if len(shapes) > 2 and node.inputs[2] else None
    if len(q) == 5:
        seq_kv, dk, dv = q[1], q[4], q[4]
    elif k is None:
        seq_kv, dk, dv = q[1], floordiv(q[2], heads), floordiv(q[2], heads)
    elif len(k) == 5:
        seq_kv, dk, dv = k[1], k[4], k[4]
    elif len(k) == 4:
        seq_kv, dk, dv = k[2], k[3], None if v is None else v[3]
    else:
        seq_kv, dk, dv = k[1], floordiv(k[2], heads), None if v is None else floordiv(v[2], heads)
    if dv is None:
        return [None] * 4
    past = shapes[6] if len(shapes) > 6 and node.inputs[6] else None
    total = seq_kv if past is None or (k is not None and len(k) == 4) else normalize(past[2] + seq_kv)
    batch, seq = q[0], q[1]
    return [(batch, seq, heads * dv), (batch, heads, total, dk), (batch, heads, total, dv),
            (batch, heads, seq, total)]  # fmt: skip


@dtype_rule("MultiHeadAttention", "DecoderMaskedMultiHeadAttention", domain=MS)
def _mha_dtype(node, dtypes):
    return [dtypes[0], dtypes[0], dtypes[0], "float32"]


# --------------------------------------------------------------------- GroupQueryAttention


def _gqa_dims(view: NodeView) -> tuple[Dim, Dim, int, int, Dim]:
    """B, S, H, Hkv and head size (packed QKV when key is absent)."""
    q = view.in_shape(0)
    heads, kv_heads = int(view.attr("num_heads")), int(view.attr("kv_num_heads"))
    parts = heads if view.has_input(1) else heads + 2 * kv_heads
    return q[0], q[1], heads, kv_heads, floordiv(q[2], parts)


@rule("GroupQueryAttention", domain=MS)
def group_query_attention(view: NodeView) -> Work:
    """MACs = B·H·S·T·2hd (T ≤ window + 1); FLOPs = 2·MACs + B·H·S·T·(6 + causal) + rotary, softcap."""
    batch, seq, heads, kv_heads, head_size = _gqa_dims(view)
    total, note = seq, ""
    known = _scalar(view, 6)
    if known is not None:
        total = known
    elif view.has_input(3):
        total = view.in_shape(3)[2] + seq
        note = "total length taken as past + new (less when the KV buffer is shared)"
    # Older onnxruntime schemas lack `local_window_size` and `causal`: the spec's defaults then.
    window = int(view.attr("local_window_size", -1))
    if window >= 0 and isinstance(total, int):
        total = min(total, window + 1)
    macs = sdpa_macs(batch * heads, seq, total, head_size, head_size)
    scores = batch * heads * seq * total
    masks = int(view.attr("causal", 1)) + int(view.has_input(10))
    rotated = batch * seq * (heads + kv_heads) * head_size
    extra: Dim = 0
    if int(view.attr("do_rotary") or 0):
        extra += ROTARY_FLOPS_PER_ELEMENT * rotated
    if float(view.attr("softcap") or 0.0) > 0:
        extra += SOFTCAP_FLOPS * scores
    if view.has_input(14):  # per-head RMS norm of Q and K: 4/element + 4/row
        extra += 4 * rotated + 4 * batch * seq * (heads + kv_heads)
    flops = _attention_flops(macs, scores, masks, extra)
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@shape_rule("GroupQueryAttention", domain=MS)
def _gqa_shape(node, shapes, values):
    q = shapes[0]
    if q is None:
        return [None] * 4
    heads, kv_heads = int(node.attrs["num_heads"]), int(node.attrs["kv_num_heads"])
    packed = not (len(node.inputs) > 1 and node.inputs[1])
    head_size = floordiv(q[2], heads + 2 * kv_heads if packed else heads)
    past = shapes[3] if len(shapes) > 3 and node.inputs[3] else None
    total = values[6] if len(values) > 6 else None
    if total is not None:
        length: Dim = int(total.reshape(-1)[0])
    else:
        length = q[1] if past is None else normalize(past[2] + q[1])
    cache = (q[0], kv_heads, length, head_size)
    return [(q[0], q[1], heads * head_size), cache, cache, (q[0], heads, q[1], length)]


@dtype_rule("GroupQueryAttention", "SparseAttention", domain=MS)
def _gqa_dtype(node, dtypes):
    cache = dtypes[3] if len(dtypes) > 3 and dtypes[3] else dtypes[0]
    return [dtypes[0], cache, cache, dtypes[0]]


# ---------------------------------------------------------- DecoderMaskedMultiHeadAttention


@rule("DecoderMaskedMultiHeadAttention", domain=MS)
def decoder_masked_mha(view: NodeView) -> Work:
    """One new token: MACs = B·H·T·(dk+dv); FLOPs = 2·MACs + bias adds + B·H·T·(6 + masks)."""
    q = view.in_shape(0)
    heads = int(view.attr("num_heads"))
    batch, seq = q[0], q[1]
    key = view.in_shape(1) if view.has_input(1) else None
    note = ""
    if key is not None and len(key) == 4:  # cross attention over the encoder's keys
        total, head_size, v_size = key[2], key[3], view.in_shape(2)[3]
    else:
        hidden = q[2] if key is not None else floordiv(q[2], 3)
        head_size = v_size = floordiv(hidden, heads)
        total = seq
        if view.has_input(5):
            past = view.in_shape(5)[2]
            total = past + seq
            if int(view.attr("past_present_share_buffer") or 0):
                known = _scalar(view, 7)
                total = past if known is None else known + seq
                note = "" if known is not None else "shared past buffer: T taken as its maximum length"
    macs = sdpa_macs(batch * heads, seq, total, head_size, v_size)
    masks = int(view.has_input(3)) + int(view.has_input(4))
    extra = batch * seq * heads * (2 * head_size + v_size) if view.has_input(10) else 0
    flops = _attention_flops(macs, batch * heads * seq * total, masks, extra)
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@shape_rule("DecoderMaskedMultiHeadAttention", domain=MS)
def _dmmha_shape(node, shapes, values):
    q = shapes[0]
    if q is None:
        return [None] * 4
    heads = int(node.attrs["num_heads"])
    key = shapes[1] if len(shapes) > 1 and node.inputs[1] else None
    if key is not None and len(key) == 4:
        value = shapes[2]
        return [(q[0], q[1], heads * value[3]), None, None, (q[0], heads, q[1], key[2])]
    hidden = q[2] if key is not None else floordiv(q[2], 3)
    past = shapes[5] if len(shapes) > 5 and node.inputs[5] else None
    total = q[1] if past is None else past[2]
    if past is not None and not node.attrs.get("past_present_share_buffer"):
        total = normalize(past[2] + q[1])
    head_size = floordiv(hidden, heads)
    cache = (q[0], heads, total, head_size)
    return [(q[0], q[1], hidden), cache, cache, (q[0], heads, q[1], total)]


# ------------------------------------------------------------------------- SparseAttention


def _sparse_keys_per_query(view: NodeView, seq: Dim, total: Dim) -> Dim:
    """Key positions each query row reads, averaged: exact from the block layout when folded."""
    block = int(view.attr("sparse_block_size"))
    rows = view.value(5)
    if rows is not None and isinstance(seq, int) and isinstance(total, int):
        layouts = rows.reshape(rows.shape[0], -1).astype("int64")
        counts = layouts[:, 1:] - layouts[:, :-1]
        positions = range(total - seq, total)
        summed = sum(int(counts[:, p // block].sum()) for p in positions if p // block < counts.shape[1])
        return ceildiv(summed * block, layouts.shape[0] * seq)
    max_blocks = view.in_shape(5)[1] - 1
    nnz = view.in_shape(6)[1]
    per_row = ceildiv(nnz, max_blocks) * block
    if isinstance(per_row, int) and isinstance(total, int):
        return min(per_row, total)
    return per_row


@rule("SparseAttention", domain=MS)
def sparse_attention(view: NodeView) -> Work:
    """MACs = B·H·S·k·2hd, k = keys per query from the block layout; FLOPs = 2·MACs + B·H·S·k·6 (+ rotary)."""
    q = view.in_shape(0)
    heads, kv_heads = int(view.attr("num_heads")), int(view.attr("kv_num_heads"))
    batch, seq = q[0], q[1]
    head_size = floordiv(q[2], heads if view.has_input(1) else heads + 2 * kv_heads)
    total = _scalar(view, 7)
    total = seq if total is None else total
    keys = _sparse_keys_per_query(view, seq, total)
    macs = sdpa_macs(batch * heads, seq, keys, head_size, head_size)
    extra: Dim = 0
    if int(view.attr("do_rotary") or 0):
        extra = ROTARY_FLOPS_PER_ELEMENT * batch * seq * (heads + kv_heads) * head_size
    flops = _attention_flops(macs, batch * heads * seq * keys, 1, extra)
    return Work(macs=macs, flops=flops, status="estimated",
                note="block-sparse: keys per query from the block layout, whole blocks counted")  # fmt: skip


@shape_rule("SparseAttention", domain=MS)
def _sparse_shape(node, shapes, values):
    q, past = shapes[0], shapes[3]
    if q is None:
        return [None, past, shapes[4]]
    heads, kv_heads = int(node.attrs["num_heads"]), int(node.attrs["kv_num_heads"])
    packed = not (len(node.inputs) > 1 and node.inputs[1])
    head_size = floordiv(q[2], heads + 2 * kv_heads if packed else heads)
    return [(q[0], q[1], heads * head_size), past, shapes[4]]


# ------------------------------------------------------------------- packed (unpadded) ops


PACKED_NOTE = "packed tokens: each attends over the padded length S (exact without padding)"


@rule("PackedAttention", domain=MS)
def packed_attention(view: NodeView) -> Work:
    """MACs = tokens·Din·(Dq+Dk+Dv) + tokens·H·S·(dk+dv); FLOPs = 2·MACs + bias + tokens·H·S·(6 + bias)."""
    x, w = view.in_shape(0), view.in_shape(1)
    tokens, seq = x[0], view.in_shape(3)[1]
    heads = int(view.attr("num_heads"))
    q_size, _k_size, v_size = _qkv_sizes(view, w[1])
    macs = tokens * x[1] * w[1] + sdpa_macs(tokens * heads, 1, seq, floordiv(q_size, heads),
                                            floordiv(v_size, heads))  # fmt: skip
    flops = _attention_flops(macs, tokens * heads * seq, int(view.has_input(5)), tokens * w[1])
    return Work(macs=macs, flops=flops, status="estimated", note=PACKED_NOTE)


@shape_rule("PackedAttention", domain=MS)
def _packed_attention_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None]
    sizes = node.attrs.get("qkv_hidden_sizes")
    return [(x[0], int(sizes[2]) if sizes else floordiv(w[1], 3))]


@rule("PackedMultiHeadAttention", domain=MS)
def packed_multi_head_attention(view: NodeView) -> Work:
    """MACs = tokens·H·S·(dk+dv); FLOPs = 2·MACs + bias adds + tokens·H·S·(6 + bias)."""
    q = view.in_shape(0)
    heads = int(view.attr("num_heads"))
    tokens, seq = q[0], view.in_shape(4)[1]
    head_size = q[3] if len(q) == 4 else floordiv(q[1], heads)
    v_size = head_size if len(q) == 4 or not view.has_input(2) else floordiv(view.in_shape(2)[1], heads)
    macs = sdpa_macs(tokens * heads, 1, seq, head_size, v_size)
    extra = tokens * heads * (2 * head_size + v_size) if view.has_input(3) else 0
    flops = _attention_flops(macs, tokens * heads * seq, int(view.has_input(6)), extra)
    return Work(macs=macs, flops=flops, status="estimated", note=PACKED_NOTE)


@shape_rule("PackedMultiHeadAttention", domain=MS)
def _packed_mha_shape(node, shapes, values):
    q = shapes[0]
    if q is None:
        return [None]
    heads = int(node.attrs["num_heads"])
    if len(q) == 4:
        return [(q[0], heads * q[3])]
    v = shapes[2] if len(shapes) > 2 and node.inputs[2] else None
    return [(q[0], q[1] if v is None else v[1])]


# ------------------------------------------------------------------------------ QAttention


@rule("QAttention", domain=MS)
def q_attention(view: NodeView) -> Work:
    """MACs = B·S·Din·3D (int) + B·H·S·T·2hd (float); FLOPs = 2·MACs + zp + 2·B·S·3D + B·H·S·T·(6+mask)."""
    x, w = view.in_shape(0), view.in_shape(1)
    batch, seq = x[0], x[1]
    heads = int(view.attr("num_heads"))
    head_size = floordiv(floordiv(w[1], 3), heads)
    total = seq + (view.in_shape(8)[3] if view.has_input(8) else 0)
    projection = batch * seq * x[2] * w[1]
    scores_macs = sdpa_macs(batch * heads, seq, total, head_size, head_size)
    subs = (view.in_numel(0) if view.has_input(6) else 0) + (view.in_numel(1) if view.has_input(7) else 0)
    dequantize = 2 * batch * seq * w[1]  # accumulator · (input_scale·weight_scale), + bias
    masks = int(view.has_input(5)) + int(view.attr("unidirectional") or 0)
    macs = projection + scores_macs
    flops = _attention_flops(macs, batch * heads * seq * total, masks, subs + dequantize)
    integer = view.input(0).dtype
    real = view.input(3).dtype
    by_dtype = {integer: projection}
    by_dtype[real] = by_dtype.get(real, 0) + scores_macs
    return Work(macs=macs, flops=flops, dtype=integer, macs_by_dtype=by_dtype)


@shape_rule("QAttention", domain=MS)
def _q_attention_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None, None]
    heads = int(node.attrs["num_heads"])
    hidden = floordiv(w[1], 3)
    past = shapes[8] if len(shapes) > 8 and node.inputs[8] else None
    total = x[1] if past is None else normalize(past[3] + x[1])
    return [(x[0], x[1], hidden), (2, x[0], heads, total, floordiv(hidden, heads))]


@dtype_rule("QAttention", domain=MS)
def _q_attention_dtype(node, dtypes):
    return [dtypes[3], dtypes[3]]
