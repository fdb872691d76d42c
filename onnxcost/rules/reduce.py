"""Reductions, arg-reductions and TopK."""

from __future__ import annotations

import math

from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work

# op → (FLOPs per input element, FLOPs per output element, formula)
REDUCE_FLOPS: dict[str, tuple[int, int, str]] = {
    "ReduceSum": (1, 0, "Σx"),
    "ReduceMean": (1, 1, "Σx / n"),
    "ReduceMax": (1, 0, "max x"),
    "ReduceMin": (1, 0, "min x"),
    "ReduceProd": (1, 0, "∏x"),
    "ReduceL1": (2, 0, "Σ|x|"),
    "ReduceL2": (2, 1, "√Σx²"),
    "ReduceSumSquare": (2, 0, "Σx²"),
    "ReduceLogSum": (1, 1, "log Σx"),
    "ReduceLogSumExp": (2, 1, "log Σ exp(x)"),
}


def _reduce_rule(per_input: int, per_output: int, formula: str):
    def cost(view: NodeView) -> Work:
        if _is_noop(view):  # no reduction step: only the element-wise steps remain
            return Work(flops=(per_input - 1 + per_output) * view.in_numel(0))
        per_outputs = per_output * view.out_numel(0) if per_output else 0
        return Work(flops=per_input * view.in_numel(0) + per_outputs)

    cost.__doc__ = f"FLOPs = {per_input}·input elements + {per_output}·output elements: {formula}."
    return cost


def _is_noop(view: NodeView) -> bool:
    """noop_with_empty_axes set and the axes input absent or empty: the reduction is skipped."""
    if not int(view.attr("noop_with_empty_axes", 0)):
        return False
    axes = view.value(1)
    return not view.has_input(1) or (axes is not None and axes.size == 0)


for _op, (_per_in, _per_out, _formula) in REDUCE_FLOPS.items():
    rule(_op)(_reduce_rule(_per_in, _per_out, _formula))


@rule("ArgMax", "ArgMin")
def arg_reduce(view: NodeView) -> Work:
    """FLOPs = input elements (one compare each)."""
    return Work(flops=view.in_numel(0))


@rule("TopK")
def top_k(view: NodeView) -> Work:
    """FLOPs ≈ input elements × ⌈log2(k + 1)⌉ compares (heap selection of k from each row)."""
    k_value = view.value(1)
    if k_value is None and view.opset >= 10:
        k = view.out_shape(0)[int(view.attr("axis", -1)) % len(view.out_shape(0))]
    else:
        k = int(k_value.reshape(-1)[0]) if k_value is not None else int(view.attr("k"))
    depth = math.ceil(math.log2(k + 1)) if isinstance(k, int) else 1
    note = "" if isinstance(k, int) else "k unbound: one compare per element assumed"
    return Work(flops=view.in_numel(0) * depth, status="estimated", note=note or "heap selection")
