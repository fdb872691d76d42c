"""Recurrent layers: RNN, LSTM, GRU (every direction and layout) and the stateful causal conv.

Per time step, batch row and direction each gate does W·x and R·h (the MACs, see
kernels.recurrent_macs); on top come FLOPs per hidden unit: the two bias adds per gate (Wb
and Rb) when B is given, two compares per gate with `clip`, the gate activations (FLOPs
from the element-wise table, Affine 2 and ScaledTanh 3), peepholes and the state update.
`sequence_lens` is data: every sequence is counted at full length (an upper bound).
"""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.rules.elementwise import UNARY_FLOPS
from onnxcost.rules.kernels import recurrent_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Dim, Work

# The spec documents these defaults in prose; LSTM's and GRU's schemas carry none.
DEFAULT_ACTIVATIONS = {"RNN": ("Tanh",), "GRU": ("Sigmoid", "Tanh"), "LSTM": ("Sigmoid", "Tanh", "Tanh")}
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
ACTIVATION_FLOPS = {name.lower(): flops for name, (flops, _) in UNARY_FLOPS.items()}
ACTIVATION_FLOPS.update({"affine": 2, "scaledtanh": 3})  # α·x + β; α·tanh(β·x)
SWISH_FLOPS = 5  # x · sigmoid(x): sigmoid 4 + multiply


def activation_flops(names: Sequence[str]) -> tuple[int, list[str]]:
    """Summed FLOPs of the named activations, and the names not in the table (counted as 1)."""
    unknown = [n for n in names if n.lower() not in ACTIVATION_FLOPS]
    return sum(ACTIVATION_FLOPS.get(n.lower(), 1) for n in names), unknown


def _recurrent(view: NodeView, per_unit_state: int, activation_uses: Sequence[int]) -> Work:
    """FLOPs = 2·MACs + seq·batch·H·(activations + dirs·per-unit extras); uses[i]: calls of act i."""
    op = view.node.op_type
    gates = GATES[op]
    x = view.in_shape(0)
    seq, batch = (x[1], x[0]) if int(view.attr("layout") or 0) == 1 else (x[0], x[1])
    hidden = view.attr("hidden_size") or view.in_shape(2)[-1]
    directions = 2 if view.attr("direction") == "bidirectional" else 1
    per_direction = len(activation_uses)
    names = list(view.attr("activations") or [])
    if len(names) < per_direction * directions:
        names = list(DEFAULT_ACTIVATIONS[op]) * directions
    names = names[: per_direction * directions]
    uses = [n for n, count in zip(names, activation_uses * directions, strict=True)
            for _ in range(count)]  # fmt: skip
    act, unknown = activation_flops(uses)
    per_unit = per_unit_state
    if view.has_input(3):
        per_unit += 2 * gates
    if view.attr("clip") is not None:
        per_unit += 2 * gates
    if op == "LSTM" and view.has_input(7):
        per_unit += 6
    macs = recurrent_macs(seq, batch, x[2], hidden, directions, gates)
    flops = 2 * macs + seq * batch * hidden * (act + directions * per_unit)
    notes = []
    if unknown:
        notes.append(f"activations {unknown} not in the table: 1 FLOP each")
    if view.has_input(4):
        notes.append("sequence_lens given: full length counted (upper bound)")
    return Work(macs=macs, flops=flops, status="estimated" if notes else "ok", note="; ".join(notes))


@rule("RNN")
def rnn(view: NodeView) -> Work:
    """MACs = seq·batch·dirs·H·(I + H); FLOPs = 2·MACs + seq·batch·dirs·H·(f + 2 bias + 2 clip)."""
    return _recurrent(view, 0, (1,))


@rule("GRU")
def gru(view: NodeView) -> Work:
    """MACs = seq·batch·dirs·3H·(I + H); FLOPs = 2·MACs + per unit: 2f + g + 5 state + 6 bias + 6 clip."""
    return _recurrent(view, 5, (2, 1))


@rule("LSTM")
def lstm(view: NodeView) -> Work:
    """MACs = seq·batch·dirs·4H·(I + H); FLOPs = 2·MACs + unit: 3f+g+h + 4 state + 8 bias + 6 P + 8 clip."""
    return _recurrent(view, 4, (3, 1, 1))


@rule("CausalConvWithState")
def causal_conv_with_state(view: NodeView) -> Work:
    """Depthwise causal conv: MACs = B·C·L·k; FLOPs = 2·MACs + B·C·L (bias) + 5·B·C·L (SiLU)."""
    x = view.in_shape(0)
    kernel = view.in_shape(1)[-1]
    outputs: Dim = x[0] * x[1] * x[2]
    macs = outputs * kernel
    extra = outputs if view.has_input(2) else 0
    if str(view.attr("activation")).lower() in ("silu", "swish"):
        extra += SWISH_FLOPS * outputs
    return Work(macs=macs, flops=2 * macs + extra)
