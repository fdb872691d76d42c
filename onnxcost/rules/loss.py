"""Losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (per-element FLOPs of the spec)."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import floordiv
from onnxcost.types import Dim, Work

LOG_SOFTMAX_PER_SCORE = 5  # max, subtract, exp, sum, subtract (as the LogSoftmax rule)


def _nll_flops(view: NodeView, targets: Dim) -> Dim:
    """Per target: −x[t]·w[t] (1, +1 weighted), ignore_index compare, reduction add; mean: Σw and a divide."""
    weighted = view.has_input(2)
    per_target = 1 + int(weighted) + int(view.attr("ignore_index") is not None)
    reduction = str(view.attr("reduction"))
    if reduction != "none":
        per_target += 1
    flops = per_target * targets
    if reduction == "mean":
        flops += (targets if weighted else 0) + 1
    return flops


@rule("NegativeLogLikelihoodLoss")
def negative_log_likelihood_loss(view: NodeView) -> Work:
    """FLOPs = targets·(1 negate + 1 weight + 1 ignore compare + 1 reduce add) + mean: Σweights + 1 divide."""
    return Work(flops=_nll_flops(view, view.in_numel(1)))


@rule("SoftmaxCrossEntropyLoss")
def softmax_cross_entropy_loss(view: NodeView) -> Work:
    """FLOPs = 5·scores + rows (log-softmax over C, one log per row) + the NLL terms per label."""
    scores = view.in_numel(0)
    rows = floordiv(scores, view.in_shape(0)[1])
    return Work(flops=LOG_SOFTMAX_PER_SCORE * scores + rows + _nll_flops(view, view.in_numel(1)))
