"""ONNX Runtime's recurrent contrib ops (com.microsoft): linear-attention recurrences
(GatedDeltaNet, LinearAttention and its gate), the stateful causal convolutions, the fused Mamba2
verification step, the WebGPU state-replay helpers, and the attention-wrapped LSTM (AttnLSTM).

A linear-attention step per token and value head updates a dk × dv state: k ⊗ update (dk·dv
MACs), the delta rules' retrieval Sᵀk (dk·dv MACs), the gated rules' decay exp(g)·S (dk·dv
FLOPs), and the readout qᵀS (dk·dv MACs per output head), as the opset-27 LinearAttention rule
counts them. Chunk-parallel prefill algorithms reorder this work; they do not remove it.
"""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.dtypes import nbytes_of
from onnxcost.rules.common import data_movement, tensor_bytes
from onnxcost.rules.indexing import split_reads
from onnxcost.rules.kernels import recurrence
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.rnn import DEFAULT_ACTIVATIONS, SWISH_FLOPS, activation_flops
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import floordiv, normalize, product
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
SIGMOID_FLOPS = 4
SOFTPLUS_FLOPS = 3  # log(1 + exp(x))
# GatedDeltaNet gate activations per decay value: softplus: + dt_bias, softplus, · −exp(a_log)
# (5); sigmoid (KDA): + dt_bias, · exp(a_log), sigmoid, · lower bound (7). Plain: exp(g) only.
GATE_ACTIVATION_FLOPS = {"softplus": 2 + SOFTPLUS_FLOPS, "qwen": 2 + SOFTPLUS_FLOPS,
                         "sigmoid": 3 + SIGMOID_FLOPS, "kda": 3 + SIGMOID_FLOPS}  # fmt: skip
L2_NORM_PER_ELEMENT, L2_NORM_PER_ROW = 3, 2  # x², Σ, ·1/‖x‖; √, 1/x
RMS_PER_ELEMENT, RMS_PER_ROW = 4, 4
LSTM_STATE_FLOPS = 4  # f·C + i·c (3), o·h(C) (1)
MAMBA_CONV_TAPS = 4
MAMBA_DT_FLOPS = 5 + 2  # + dt_bias, softplus, max with the floor; exp(A·dt)


def _max_heads(a: Dim, b: Dim) -> Dim:
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    return b


# ------------------------------------------------------------------------- GatedDeltaNet


def _delta_net_dims(view: NodeView) -> tuple[Dim, Dim, Dim, Dim, Dim]:
    """(tokens, Hq, dk, Hv, dv): separate Q, K, V ([N | B, S], H, d), or packed QKV + state."""
    q = view.in_shape(0)
    if view.has_input(2):
        v = view.in_shape(2)
        return product(q[:-2]), q[-2], q[-1], v[-2], v[-1]
    state = view.in_shape(6)
    heads_v, value_dim, key_dim = state[1], state[2], state[3]
    heads_q = floordiv(q[-1] - heads_v * value_dim, 2 * key_dim)
    return product(q[:-1]), heads_q, key_dim, heads_v, value_dim


@rule("GatedDeltaNet", domain=MS)
def gated_delta_net(view: NodeView) -> Work:
    """MACs/token = Hv·dk·dv·(1 + delta) + Hv·dk·dv readout; FLOPs = 2·MACs + decay, Δ, scale, gates, L2."""
    tokens, heads_q, key_dim, heads_v, value_dim = _delta_net_dims(view)
    update_rule = str(view.attr("update_rule"))
    out_heads = _max_heads(heads_q, heads_v)
    macs, extra = recurrence(tokens, out_heads, heads_v, key_dim, value_dim, update_rule)
    if view.has_input(4) and update_rule in ("gated", "gated_delta"):
        per_decay = 1 + GATE_ACTIVATION_FLOPS.get(str(view.attr("gate_activation")), 0)
        extra += per_decay * view.in_numel(4)
    if view.has_input(5) and str(view.attr("beta_activation")) == "sigmoid":
        extra += SIGMOID_FLOPS * view.in_numel(5)
    if int(view.attr("qk_l2_norm") or 0):
        extra += tokens * 2 * heads_q * (L2_NORM_PER_ELEMENT * key_dim + L2_NORM_PER_ROW)
    return Work(macs=macs, flops=2 * macs + extra)


@shape_rule("GatedDeltaNet", domain=MS)
def _gated_delta_net_shape(node, shapes, values):
    q = shapes[0]
    if q is None:
        return [None] * 3
    state = shapes[6] if len(shapes) > 6 and node.inputs[6] else None
    if len(node.inputs) > 2 and node.inputs[2] and shapes[2] is not None:
        v = shapes[2]
        lead, heads_q, key_dim, heads_v, value_dim = q[:-2], q[-2], q[-1], v[-2], v[-1]
    elif state is not None:
        lead, heads_v, value_dim, key_dim = q[:-1], state[1], state[2], state[3]
        heads_q = floordiv(q[-1] - heads_v * value_dim, 2 * key_dim)
    else:
        return [None] * 3
    cu = shapes[3] if len(shapes) > 3 and node.inputs[3] else None
    batch = state[0] if state is not None else (None if cu is None else normalize(cu[0] - 1))
    final = (batch, heads_v, value_dim, key_dim)
    decay = shapes[4] if len(shapes) > 4 and node.inputs[4] else None
    width = heads_v if decay is None or len(decay) == len(lead) + 1 else heads_v * key_dim
    capacity = int(node.attrs.get("state_update_capacity") or 0)
    update = (batch, normalize(capacity * (width + heads_q * key_dim + heads_v * value_dim)))
    return [(*lead, _max_heads(heads_q, heads_v), value_dim), final, update]


@dtype_rule("GatedDeltaNet", domain=MS)
def _gated_delta_net_dtype(node, dtypes):
    return [dtypes[0], "float32", "float32"]


@rule("GatedDeltaNetStateReplay", domain=MS)
def gated_delta_net_state_replay(view: NodeView) -> Work:
    """Per kept transition and state element s = s·decay + key·delta: MACs = kept·Hv·Dv·Dk; FLOPs = 3·MACs."""
    meta = view.value(3)
    if meta is None or meta.size < 11:
        elements = view.in_numel(2)
        return Work(macs=elements, flops=3 * elements, status="estimated",
                    note="metadata not constant: one transition per destination element assumed")  # fmt: skip
    _, _, decay_at, key_at, _, heads_v, dv, dk, heads_k, capacity, kept = (int(v) for v in meta[:11])
    elements = heads_v * dv * dk
    macs = kept * elements
    decay_width = heads_v * dk if key_at - decay_at == capacity * heads_v * dk else heads_v
    capsule = kept * (decay_width + heads_k * dk + heads_v * dv)
    reads = [(0, nbytes_of(elements, "float32")), (1, nbytes_of(capsule, "float32")),
             (3, tensor_bytes(view, 3))]  # fmt: skip
    activations, weights = split_reads(view, reads)
    return Work(macs=macs, flops=3 * macs, bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=nbytes_of(elements, "float32"))  # fmt: skip


@rule("ConvStateReplay", domain=MS)
def conv_state_replay(view: NodeView) -> Work:
    """0 FLOPs; copies B·C·W history values (shifted state and captured inputs) into the destination row."""
    meta = view.value(3)
    if meta is None or meta.size < 8:
        return data_movement("metadata not constant: the backing tensors counted")
    batch, channels, width = (int(v) for v in meta[3:6])
    size = nbytes_of(batch * channels * width, view.input(0).dtype)
    activations, weights = split_reads(view, [(0, size), (3, tensor_bytes(view, 3))])
    return Work(status="zero", bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=size)  # fmt: skip


@shape_rule("GatedDeltaNetStateReplay", "ConvStateReplay", domain=MS)
def _replay_shape(node, shapes, values):
    return [shapes[2]]


# ----------------------------------------------------------------------- LinearAttention


@rule("LinearAttention", domain=MS)
def linear_attention(view: NodeView) -> Work:
    """MACs/token = Hkv·dk·dv·(1 + delta) + max(Hq, Hkv)·dk·dv; FLOPs = 2·MACs + decay, Δ, scale, exp(g)."""
    q, v = view.in_shape(0), view.in_shape(2)
    heads_q, heads_kv = int(view.attr("q_num_heads")), int(view.attr("kv_num_heads"))
    key_dim, value_dim = floordiv(q[2], heads_q), floordiv(v[2], heads_kv)
    update_rule = str(view.attr("update_rule"))
    macs, extra = recurrence(q[0] * q[1], max(heads_q, heads_kv), heads_kv, key_dim, value_dim,
                             update_rule)  # fmt: skip
    if view.has_input(4) and update_rule in ("gated", "gated_delta"):
        extra += view.in_numel(4)  # exp of the log-space decay
    return Work(macs=macs, flops=2 * macs + extra)


@shape_rule("LinearAttention", domain=MS)
def _linear_attention_shape(node, shapes, values):
    q, v = shapes[0], shapes[2]
    if q is None or v is None:
        return [None, None]
    heads_q, heads_kv = int(node.attrs["q_num_heads"]), int(node.attrs["kv_num_heads"])
    key_dim, value_dim = floordiv(q[2], heads_q), floordiv(v[2], heads_kv)
    state = (q[0], heads_kv, key_dim, value_dim)
    window = int(node.attrs.get("state_window") or 0)
    return [(q[0], q[1], max(heads_q, heads_kv) * value_dim), (window, *state) if window else state]


@rule("LinearAttentionGate", domain=MS)
def linear_attention_gate(view: NodeView) -> Work:
    """FLOPs = 5 × decay elements (scale·softplus(a + dt_bias)) + 4 × beta elements (sigmoid(b))."""
    flops = (2 + SOFTPLUS_FLOPS) * view.in_numel(0)
    if view.has_input(3):
        flops += SIGMOID_FLOPS * view.in_numel(3)
    return Work(flops=flops)


@shape_rule("LinearAttentionGate", domain=MS)
def _linear_attention_gate_shape(node, shapes, values):
    return [shapes[0], shapes[3] if len(shapes) > 3 else None]


# --------------------------------------------------------------------- causal convolutions


def _conv_epilogue(view: NodeView, bias: int) -> int:
    """Per output: bias add when given, SiLU (5) when fused."""
    per_output = int(view.has_input(bias))
    if str(view.attr("activation")).lower() in ("silu", "swish"):
        per_output += SWISH_FLOPS
    return per_output


def _state_length(node_attrs, kernel: Dim) -> Dim:
    """Carry positions kept: the state_length attribute, else (k − 1)·dilation."""
    explicit = int(node_attrs.get("state_length") or 0)
    return explicit or normalize((kernel - 1) * int(node_attrs.get("dilation") or 1))


@rule("CausalConvWithState", domain=MS)
def causal_conv_with_state(view: NodeView) -> Work:
    """Depthwise causal conv: MACs = B·C·∏spatial·∏k; FLOPs = 2·MACs + outputs·(bias + 5 SiLU)."""
    x = view.in_shape(0)
    taps = product(view.in_shape(1)[2:])
    if int(view.attr("channels_last") or 0):
        channels, positions = product(x[2:]), x[1]
    else:
        channels, positions = x[1], product(x[2:])
    if int(view.attr("input_channels") or 0):
        channels = int(view.attr("input_channels"))
    outputs = x[0] * channels * positions
    macs = outputs * taps
    return Work(macs=macs, flops=2 * macs + outputs * _conv_epilogue(view, 2))


@shape_rule("CausalConvWithState", domain=MS)
def _causal_conv_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None] * 3
    length = _state_length(node.attrs, w[2])
    width = int(node.attrs.get("input_channels") or 0)
    out = (*x[:-1], width) if width else x
    last = bool(int(node.attrs.get("channels_last") or 0))
    state = (x[0], length, *x[2:]) if last else (x[0], x[1], *x[2:-1], length)
    window = int(node.attrs.get("state_window") or 0)
    capacity = int(node.attrs.get("state_update_capacity") or 0)
    channels = product(x[2:]) if last else x[1]
    return [out, (window, *state) if window else state, (x[0], capacity, channels)]


@rule("VarlenCausalConvWithState", domain=MS)
def varlen_causal_conv_with_state(view: NodeView) -> Work:
    """MACs = N·C·k over packed tokens; FLOPs = 2·MACs + N·C·(bias + 5 SiLU) (+ 3 dynamic-tap adds, mask)."""
    x = view.in_shape(0)
    outputs = x[0] * x[1]
    macs = outputs * view.in_shape(1)[-1]
    extra = outputs * _conv_epilogue(view, 3)
    if view.has_input(6):  # dynamic taps: two coefficient adds and the previous-tap mask multiply
        extra += 3 * outputs
    return Work(macs=macs, flops=2 * macs + extra)


@shape_rule("VarlenCausalConvWithState", domain=MS)
def _varlen_conv_shape(node, shapes, values):
    x, state = shapes[0], shapes[4]
    if x is None:
        return [None, state, None]
    capacity = int(node.attrs.get("state_update_capacity") or 0)
    return [x, state, None if state is None else (state[0], capacity, x[1])]


# ---------------------------------------------------------------------------- Mamba2Verify


def _mamba_sizes(view: NodeView) -> tuple[int, int, int, int, int]:
    """(heads, head_dim, d_state, groups, conv channels = di + 2·G·d_state)."""
    heads, head_dim = int(view.attr("heads")), int(view.attr("head_dim"))
    d_state, groups = int(view.attr("d_state")), int(view.attr("n_groups"))
    return heads, head_dim, d_state, groups, heads * head_dim + 2 * groups * d_state


@rule("Mamba2Verify", domain=MS)
def mamba2_verify(view: NodeView) -> Work:
    """Per token: MACs = 4·ch (conv) + 2·H·ds·hd (B update, C readout); FLOPs = 2·MACs + decay, SiLU, norm."""
    rows = view.in_shape(0)[0]
    heads, head_dim, d_state, groups, channels = _mamba_sizes(view)
    inner = heads * head_dim
    state = heads * d_state * head_dim
    macs = rows * (MAMBA_CONV_TAPS * channels + 2 * state)
    per_row = channels * (1 + SWISH_FLOPS)  # conv bias, SiLU
    per_row += heads * MAMBA_DT_FLOPS + state + inner  # exp(A·dt)·S, dt·x
    per_row += 2 * inner  # D·x + readout
    per_row += inner * (SWISH_FLOPS + 1 + RMS_PER_ELEMENT) + RMS_PER_ROW * groups  # SiLU(gate)·y, RMS
    snapshots = _at_most(rows, view.in_shape(1)[0])
    return Work(macs=macs, flops=2 * macs + rows * per_row, **_mamba_bytes(view, snapshots))


def _at_most(value: Dim, bound: Dim) -> Dim:
    return min(value, bound) if isinstance(value, int) and isinstance(bound, int) else value


def _mamba_bytes(view: NodeView, snapshots: Dim) -> dict[str, Dim]:
    """Reads one state slot of each snapshot tensor; writes `snapshots` slots of each, and Y."""
    reads = [(i, tensor_bytes(view, i)) for i in range(len(view.inputs)) if i not in (1, 2)]
    written: Dim = 0
    for index in (1, 2):
        slot = floordiv(tensor_bytes(view, index), view.in_shape(index)[0])
        reads.append((index, slot))
        written += slot * snapshots
    for index in (0, 3, 4):
        info = view.output(index)
        if info is not None and info.shape is not None:
            written += info.nbytes
    activations, weights = split_reads(view, reads)
    return {"bytes_read_activations": normalize(activations), "bytes_read_weights": normalize(weights),
            "bytes_written": normalize(written)}  # fmt: skip


@shape_rule("Mamba2Verify", domain=MS)
def _mamba2_shape(node, shapes, values):
    projection = shapes[0]
    if projection is None:
        return [None, shapes[1], shapes[2], None, None]
    heads, head_dim = int(node.attrs["heads"]), int(node.attrs.get("head_dim", 64))
    d_state, groups = int(node.attrs.get("d_state", 128)), int(node.attrs["n_groups"])
    inner = heads * head_dim
    rows = projection[0]
    return [(rows, inner), shapes[1], shapes[2], (rows, inner + 2 * groups * d_state), (rows, inner)]


@dtype_rule("Mamba2Verify", domain=MS)
def _mamba2_dtype(node, dtypes):
    return [dtypes[0], dtypes[1], dtypes[2], dtypes[0], "float32"]


# --------------------------------------------------------------------------------- AttnLSTM


def _lstm_unit_flops(view: NodeView, directions: int) -> tuple[int, list[str]]:
    """Per hidden unit and step, all directions: 3f + g + h + state update + 8 bias + 6 P + 8 clip."""
    names: Sequence[str] = list(view.attr("activations") or [])
    if len(names) < 3 * directions:
        names = list(DEFAULT_ACTIVATIONS["LSTM"]) * directions
    uses = [n for n, count in zip(names, (3, 1, 1) * directions, strict=False) for _ in range(count)]
    act, unknown = activation_flops(uses)
    per_direction = LSTM_STATE_FLOPS + 8 * int(view.has_input(3)) + 6 * int(view.has_input(7))
    per_direction += 8 if view.attr("clip") is not None else 0
    return act + directions * per_direction, unknown


@rule("AttnLSTM", domain=MS)
def attn_lstm(view: NodeView) -> Work:
    """MACs = dirs·(B·M·D·A + seq·B·(|W| + |R| + H·A + M·A + M·D + (D+H)·Aw)); FLOPs = 2·MACs + cell + 7·M."""
    x = view.in_shape(0)
    seq, batch = x[0], x[1]
    directions = 2 if view.attr("direction") == "bidirectional" else 1
    hidden = view.in_shape(2)[2]
    cell = floordiv(view.in_numel(1) + view.in_numel(2), directions)  # W·[x, attn] + R·h
    memory = view.in_shape(11)
    steps, depth = memory[1], memory[2]
    attn = view.in_shape(8)[2]
    layer = view.in_shape(13)[2] if view.has_input(13) else 0
    per_step = cell + hidden * attn + steps * attn + steps * depth + (depth + hidden) * layer
    macs = directions * (batch * steps * depth * attn + seq * batch * per_step)
    unit, unknown = _lstm_unit_flops(view, directions)
    align = directions * steps * (2 + 5)  # + PQ, tanh; softmax over the memory
    flops = 2 * macs + seq * batch * (hidden * unit + align)
    notes = ["sequence and memory lengths counted in full"]
    if unknown:
        notes.append(f"activations {unknown} not in the table: 1 FLOP each")
    return Work(macs=macs, flops=flops, status="estimated", note="; ".join(notes))


@shape_rule("AttnLSTM", domain=MS)
def _attn_lstm_shape(node, shapes, values):
    x, r = shapes[0], shapes[2]
    if x is None or r is None:
        return [None] * 3
    directions = 2 if node.attrs.get("direction") == "bidirectional" else 1
    state = (directions, x[1], r[2])
    return [(x[0], directions, x[1], r[2]), state, state]
