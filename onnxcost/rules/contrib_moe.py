"""ONNX Runtime's mixture-of-experts ops (com.microsoft): MoE, QMoE, MoEPacked, the group router,
the fused router + shared-expert projection, and the gated activations they use (SwiGLU,
ScaledSiLU).

Each token runs k experts: MACs = tokens·k·H·(FC1 rows + FC3 rows + I) (FC1 holds gate and up
when fused). Routing is a softmax over the E router logits, k passes of a max, and an optional
renormalization; combining is one multiply and one add per expert output element. Only the
experts the tokens select have their weights read (and, quantized, dequantized): at most
min(E, tokens·k) of E, all of them once tokens·k ≥ E.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from onnxcost.rules.common import tensor_bytes
from onnxcost.rules.contrib import FAST_GELU_FLOPS, GELU_FLOPS, SILU_FLOPS, SOFTMAX_FLOPS
from onnxcost.rules.glu import SWISH_FLOPS
from onnxcost.rules.indexing import split_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import floordiv, normalize, product, smaller
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
# SwiGLU per output: Swish_α(G) (6) times (L + β) (1); + β add when β ≠ 0; clamps: G ≤ limit (1),
# −limit ≤ L ≤ limit (2).
SWIGLU_FLOPS = SWISH_FLOPS + 1
SWIGLU_CLAMP_FLOPS = 3
# Expert activations, FLOPs per intermediate element.
EXPERT_ACTIVATION_FLOPS = {
    "identity": 0,
    "relu": 1,
    "relu2": 2,  # relu, square
    "gelu": GELU_FLOPS,
    "silu": SILU_FLOPS,
    "swiglu": SWIGLU_FLOPS,
    "geglu": FAST_GELU_FLOPS + 1,  # tanh GELU of the gate, times up
}
GATED = ("swiglu", "geglu")
COMBINE_FLOPS = 2  # routing weight × expert output, accumulate
DEQUANTIZE_FLOPS = 2  # (q − zero point) · scale per weight element
SIGMOID_FLOPS = 4


def _swiglu_flops(beta: float, limit: float | None) -> int:
    """FLOPs per SwiGLU output: 7, + 1 when β ≠ 0, + 3 when a clamp limit is set."""
    return SWIGLU_FLOPS + int(beta != 0.0) + (SWIGLU_CLAMP_FLOPS if limit is not None else 0)


def _activation(view: NodeView, name: str) -> tuple[int, str]:
    """FLOPs per intermediate element of an expert activation, and a note when unknown (1)."""
    if name == "swiglu":
        limit = view.attr("swiglu_limit")
        return _swiglu_flops(float(view.attr("activation_beta") or 0.0), limit), ""
    if name in EXPERT_ACTIVATION_FLOPS:
        return EXPERT_ACTIVATION_FLOPS[name], ""
    return 1, f"activation {name!r} not in the table: 1 FLOP per element"


def experts_used(tokens: Dim, k: int, experts: Dim) -> Dim:
    """Distinct experts a batch can select: min(E, tokens·k)."""
    return smaller(tokens * k, experts)


def expert_reads(view: NodeView, experts: Dim, used: Dim, skip: Sequence[int] = ()) -> dict[str, Dim]:
    """Bytes read: of each per-expert input (leading dim E) only the `used` experts' share."""
    reads = []
    for index, info in enumerate(view.inputs):
        if info is None or info.shape is None or index in skip:
            continue
        size = tensor_bytes(view, index)
        if index >= 2 and info.shape and info.shape[0] == experts:
            size = floordiv(size, experts) * used
        reads.append((index, size))
    activations, weights = split_reads(view, reads)
    return {"bytes_read_activations": normalize(activations), "bytes_read_weights": normalize(weights)}


def _routing_flops(view: NodeView, tokens: Dim, experts: Dim, k: int) -> Dim:
    """Per token: softmax over E logits (5/logit), k max passes (E compares each), renormalize (2k)."""
    per_token = experts * (SOFTMAX_FLOPS + k)
    if int(view.attr("normalize_routing_weights") or 0):
        per_token += 2 * k
    return tokens * per_token


def _moe_work(view: NodeView, layout: dict[str, int], dequantize: bool) -> Work:
    """MoE / QMoE: input positions of FC1, FC2, FC3 weights and biases in `layout`."""
    x = view.in_shape(0)
    tokens, hidden = product(x[:-1]), x[-1]
    experts = view.in_shape(1)[-1]
    k = int(view.attr("k"))
    name = str(view.attr("activation_type"))
    fused = name in GATED and int(view.attr("swiglu_fusion") or 0) in (1, 2)
    fc1_rows = view.in_shape(layout["fc1"])[1]
    fc3_rows = view.in_shape(layout["fc3"])[1] if view.has_input(layout["fc3"]) else 0
    inter = floordiv(fc1_rows, 2) if fused else fc1_rows
    rows = fc1_rows + fc3_rows + inter
    macs = tokens * k * hidden * rows
    per_inter, note = _activation(view, name)
    flops = 2 * macs + tokens * k * inter * per_inter + _routing_flops(view, tokens, experts, k)
    flops += tokens * k * hidden * COMBINE_FLOPS
    flops += tokens * k * (fc1_rows * int(view.has_input(layout["fc1_bias"]))
                           + fc3_rows * int(view.has_input(layout["fc3_bias"]))
                           + hidden * int(view.has_input(layout["fc2_bias"])))  # fmt: skip
    used = experts_used(tokens, k, experts)
    if dequantize:
        flops += DEQUANTIZE_FLOPS * used * rows * hidden
    notes = [n for n in (note, "expert weights: the min(E, tokens·k) selected experts read") if n]
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note="; ".join(notes),
                **expert_reads(view, experts, used))  # fmt: skip


MOE_LAYOUT = {"fc1": 2, "fc1_bias": 3, "fc2_bias": 5, "fc3": 6, "fc3_bias": 7}
QMOE_LAYOUT = {"fc1": 2, "fc1_bias": 4, "fc2_bias": 7, "fc3": 8, "fc3_bias": 10}


@rule("MoE", domain=MS)
def moe(view: NodeView) -> Work:
    """MACs = T·k·H·(FC1 + FC3 rows + I); FLOPs = 2·MACs + T·k·I·act + T·E·(5 + k) route + 2·T·k·H combine."""
    return _moe_work(view, MOE_LAYOUT, dequantize=False)


@rule("QMoE", domain=MS)
def qmoe(view: NodeView) -> Work:
    """As MoE on dequantized experts: + 2 FLOPs per weight of the min(E, T·k) experts read: (q − zp)·scale."""
    work = _moe_work(view, QMOE_LAYOUT, dequantize=True)
    return replace(work, dtype="int8") if int(view.attr("accuracy_level") or 0) == 4 else work


@shape_rule("MoE", "QMoE", "MoEPacked", domain=MS)
def _moe_shape(node, shapes, values):
    return [shapes[0]]


# -------------------------------------------------------------------------- MoEPacked


@rule("MoEPacked", domain=MS)
def moe_packed(view: NodeView) -> Work:
    """MACs = T·k·H·I·(gate + up if given + down); FLOPs = 2·MACs + act + route + combine + 2/weight read."""
    x = view.in_shape(0)
    tokens, hidden = product(x[:-1]), x[-1]
    gate = view.in_shape(2)
    experts, inter = gate[0], gate[1]
    k = int(view.attr("k"))
    projections = 1 + int(view.has_input(3))
    macs = tokens * k * hidden * inter * (projections + 1)
    name = str(view.attr("activation_type"))
    per_inter = _swiglu_flops(0.0, None) if name == "swiglu" else EXPERT_ACTIVATION_FLOPS["relu2"]
    if view.has_input(5):  # full scores: top-k of the scores, mixing values gathered, no softmax
        routing = tokens * experts * k + tokens * 3 * k
    else:
        routing = _routing_flops(view, tokens, experts, k)
    used = experts_used(tokens, k, experts)
    flops = 2 * macs + tokens * k * inter * per_inter + routing + tokens * k * hidden * COMBINE_FLOPS
    flops += DEQUANTIZE_FLOPS * used * hidden * inter * (projections + 1)
    return Work(macs=macs, flops=flops, status="estimated",
                note="packed weight formats: dequantize counted 2 FLOPs per weight of the selected experts",
                **expert_reads(view, experts, used))  # fmt: skip


# ------------------------------------------------------------------------------ routers


@rule("MoEGroupRouter", domain=MS)
def moe_group_router(view: NodeView) -> Work:
    """FLOPs = rows·E·(5 + group_topk + top_k) + rows·(groups·topk_group + 2·top_k) (+ 2·MACs projection)."""
    logits = view.in_shape(0)
    rows = product(logits[:-1])
    macs: Dim = 0
    experts = logits[-1]
    if view.has_input(2):
        experts = view.in_shape(2)[0]
        macs = rows * logits[-1] * experts
    flops = 2 * macs + rows * experts * (SIGMOID_FLOPS + 1)
    if view.node.outputs and view.node.outputs[0]:  # legacy routing: select and take logs
        top_k, per_group = int(view.attr("top_k")), int(view.attr("group_topk"))
        groups = int(view.attr("n_group")) * int(view.attr("topk_group"))
        flops += rows * (experts * (per_group + top_k) + groups + 2 * top_k)
    return Work(macs=macs, flops=flops)


@shape_rule("MoEGroupRouter", domain=MS)
def _group_router_shape(node, shapes, values):
    logits = shapes[0]
    if logits is None:
        return [None] * 3
    projection = shapes[2] if len(shapes) > 2 and node.inputs[2] else None
    experts = logits[-1] if projection is None else projection[0]
    out = (product(logits[:-1]), experts)
    return [out, out, out]


@dtype_rule("MoEGroupRouter", domain=MS)
def _group_router_dtype(node, dtypes):
    return [dtypes[0], "float32", "float32"]


@rule("RouterGateUpProj", domain=MS)
def router_gate_up_proj(view: NodeView) -> Work:
    """MACs = rows·K·(router + 2·inter); FLOPs = 2·MACs + rows·inter·SwiGLU (7, + β, + 3 clamps)."""
    x, w = view.in_shape(0), view.in_shape(1)
    rows = product(x[:-1])
    macs = rows * x[-1] * w[1]
    inter = floordiv(w[1] - int(view.attr("router_size")), 2)
    limit = float(view.attr("limit"))
    per_inter = _swiglu_flops(float(view.attr("activation_beta")), limit if limit > 0 else None)
    return Work(macs=macs, flops=2 * macs + rows * inter * per_inter)


@shape_rule("RouterGateUpProj", domain=MS)
def _router_gate_up_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None, None]
    router = int(node.attrs["router_size"])
    return [(*x[:-1], router), (*x[:-1], floordiv(w[1] - router, 2))]


# ---------------------------------------------------------------------------- activations


@rule("SwiGLU", domain=MS)
def swiglu(view: NodeView) -> Work:
    """FLOPs = output elements × (7 + 1 if β ≠ 0 + 3 if limit > 0): G·sigmoid(α·G)·(L + β), clamped."""
    limit = float(view.attr("limit"))
    per_output = _swiglu_flops(float(view.attr("activation_beta")), limit if limit > 0 else None)
    return Work(flops=per_output * view.out_numel(0))


@shape_rule("SwiGLU", domain=MS)
def _swiglu_shape(node, shapes, values):
    gate = shapes[0]
    if gate is None or (len(node.inputs) > 1 and node.inputs[1]):
        return [gate]
    return [(*gate[:-1], floordiv(gate[-1], 2))]


@rule("ScaledSiLU", domain=MS)
def scaled_silu(view: NodeView) -> Work:
    """FLOPs = 6 × elements: z = s·x, z·sigmoid(z) (scale, sigmoid 4, multiply)."""
    return Work(flops=SWISH_FLOPS * view.out_numel(0))


@shape_rule("ScaledSiLU", domain=MS)
def _scaled_silu_shape(node, shapes, values):
    return [shapes[0]]
