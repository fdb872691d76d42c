"""Attention (opset 23+: MHA, GQA, MQA with a kv cache) and LinearAttention (opset 27 recurrences).

Scores are counted dense: a causal, windowed or padded mask selects scores, it does not remove
their MACs (the cost of a plain kernel; a block-sparse flash kernel skips up to half).
"""

from __future__ import annotations

from onnxcost.rules.kernels import recurrence, sdpa_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule
from onnxcost.symbolic.formulas import floordiv, normalize
from onnxcost.types import Dim, Work

SOFTMAX_FLOPS = 5  # max, subtract, exp, sum, divide (as the Softmax rule)
SCALE_FLOPS = 1  # one multiply per score
SOFTCAP_FLOPS = 3  # softcap · tanh(score / softcap)


def _heads_and_dim(shape: tuple[Dim, ...], heads: int | None) -> tuple[Dim, Dim, Dim]:
    """(heads, sequence length, head size) of a 4-D [B, H, L, d] or 3-D [B, L, H·d] tensor."""
    if len(shape) == 4:
        return shape[1], shape[2], shape[3]
    if not heads:
        raise ValueError("3-D Attention inputs need q_num_heads and kv_num_heads")
    return heads, shape[1], floordiv(shape[2], heads)


@rule("Attention", since=23)
def attention(view: NodeView) -> Work:
    """MACs = B·Hq·Lq·(past + Lkv)·(dk + dv); FLOPs = 2·MACs + scores·(6 + 1 per mask + 3 softcap)."""
    q = view.in_shape(0)
    heads_q, q_len, head_dim = _heads_and_dim(q, view.attr("q_num_heads"))
    _, kv_len, _ = _heads_and_dim(view.in_shape(1), view.attr("kv_num_heads"))
    _, _, v_dim = _heads_and_dim(view.in_shape(2), view.attr("kv_num_heads"))
    if view.has_input(4):
        kv_len = kv_len + view.in_shape(4)[2]
    macs = sdpa_macs(q[0] * heads_q, q_len, kv_len, head_dim, v_dim)
    per_score = SCALE_FLOPS + SOFTMAX_FLOPS
    masks = (
        view.has_input(3),
        bool(view.attr("is_causal")),
        view.has_input(6),
        any(int(view.attr(w, -1)) >= 0 for w in ("left_window_size", "right_window_size")),
    )
    per_score += sum(masks)
    if float(view.attr("softcap") or 0.0) > 0.0:
        per_score += SOFTCAP_FLOPS
    scores = q[0] * heads_q * q_len * kv_len
    return Work(macs=macs, flops=2 * macs + per_score * scores)


@shape_rule("Attention")
def _attention_shapes(node, shapes, values):
    q, k, v = shapes[0], shapes[1], shapes[2]
    if q is None or k is None or v is None:
        return [None] * 4
    heads_q, q_len, _ = _heads_and_dim(q, node.attrs.get("q_num_heads"))
    heads_kv, kv_len, key_dim = _heads_and_dim(k, node.attrs.get("kv_num_heads"))
    _, _, value_dim = _heads_and_dim(v, node.attrs.get("kv_num_heads"))
    past = shapes[4] if len(shapes) > 4 and node.inputs[4] else None
    total = normalize(kv_len + past[2]) if past is not None else kv_len
    out = (q[0], heads_q, q_len, value_dim) if len(q) == 4 else (q[0], q_len, normalize(heads_q * value_dim))
    return [out, (k[0], heads_kv, total, key_dim), (k[0], heads_kv, total, value_dim),
            (q[0], heads_q, q_len, total)]  # fmt: skip


@rule("LinearAttention")
def linear_attention(view: NodeView) -> Work:
    """MACs/token = Hkv·dk·dv (k⊗v; ×2 with delta's Sᵀk) + Hq·dk·dv (qᵀS); gated: + Hkv·dk·dv FLOPs."""
    q, v = view.in_shape(0), view.in_shape(2)
    heads_q, heads_kv = int(view.attr("q_num_heads")), int(view.attr("kv_num_heads"))
    key_dim, value_dim = floordiv(q[2], heads_q), floordiv(v[2], heads_kv)
    tokens = q[0] * q[1]
    rule_name = str(view.attr("update_rule"))
    gated = rule_name in ("gated", "gated_delta")
    macs, extra = recurrence(tokens, heads_q, heads_kv, key_dim, value_dim, rule_name)
    flops = 2 * macs + extra
    if gated and view.has_input(4):
        flops += view.in_numel(4)  # exp of the log-space decay
    return Work(macs=macs, flops=flops)
