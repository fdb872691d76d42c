"""Random generators: RandomUniform(Like), RandomNormal(Like), Bernoulli.

Convention: one draw from the generator (a counter-based step such as Philox, turned into a
float in [0, 1)) counts as 1 FLOP; its real cost depends on the generator, so these figures
are "estimated". Normal samples use Box–Muller: per pair of outputs 2 draws, log, ×−2, sqrt,
2π·u, cos, sin and 2 multiplies = 5 FLOPs per output.
"""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Dim, Work

RNG_NOTE = "one generator draw counted as 1 FLOP"
UNIFORM_FLOPS = 3  # draw, × (high − low), + low
NORMAL_FLOPS = 7  # Box–Muller 5 per output, × scale, + mean
BERNOULLI_FLOPS = 2  # draw, compare with p


def _rng(flops: Dim) -> Work:
    return Work(flops=flops, status="estimated", note=RNG_NOTE)


@rule("RandomUniform", "RandomUniformLike")
def random_uniform(view: NodeView) -> Work:
    """FLOPs = 3 × elements: low + (high − low)·u, u one generator draw."""
    return _rng(UNIFORM_FLOPS * view.out_numel(0))


@rule("RandomNormal", "RandomNormalLike")
def random_normal(view: NodeView) -> Work:
    """FLOPs = 7 × elements: Box–Muller (5 per output), × scale, + mean."""
    return _rng(NORMAL_FLOPS * view.out_numel(0))


@rule("Bernoulli")
def bernoulli(view: NodeView) -> Work:
    """FLOPs = 2 × elements: one draw and one compare with p."""
    return _rng(BERNOULLI_FLOPS * view.out_numel(0))
