"""Element-wise math and activations: FLOPs per output element from each op's defining formula.

Counting convention: every add, subtract, multiply, divide, comparison, min/max, select and
every evaluation of a transcendental function (exp, log, erf, tanh, sin, sqrt, pow) is one FLOP.
MACs are 0. The table gives the count and the formula it comes from.
"""

from __future__ import annotations

from onnxcost.model.nodes import schema_defaults
from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work

# op → (FLOPs per output element, the formula counted)
UNARY_FLOPS: dict[str, tuple[int, str]] = {
    "Abs": (1, "|x|"),
    "Neg": (1, "-x"),
    "Sign": (1, "sign(x)"),
    "Ceil": (1, "ceil(x)"),
    "Floor": (1, "floor(x)"),
    "Round": (1, "round(x)"),
    "Reciprocal": (1, "1/x"),
    "Sqrt": (1, "sqrt(x)"),
    "Exp": (1, "exp(x)"),
    "Log": (1, "log(x)"),
    "Erf": (1, "erf(x)"),
    "Sin": (1, "sin(x)"),
    "Cos": (1, "cos(x)"),
    "Tan": (1, "tan(x)"),
    "Asin": (1, "asin(x)"),
    "Acos": (1, "acos(x)"),
    "Atan": (1, "atan(x)"),
    "Sinh": (1, "sinh(x)"),
    "Cosh": (1, "cosh(x)"),
    "Asinh": (1, "asinh(x)"),
    "Acosh": (1, "acosh(x)"),
    "Atanh": (1, "atanh(x)"),
    "Tanh": (1, "tanh(x)"),
    "Not": (1, "!x"),
    "BitwiseNot": (1, "~x"),
    "IsNaN": (1, "x != x"),
    "IsInf": (1, "|x| == inf"),
    "Relu": (1, "max(0, x)"),
    "ThresholdedRelu": (1, "x > alpha ? x : 0"),
    "LeakyRelu": (2, "x < 0 ? alpha·x : x  (compare, mul)"),
    "Sigmoid": (4, "1 / (1 + exp(−x))  (neg, exp, add, div)"),
    "HardSigmoid": (4, "max(0, min(1, alpha·x + beta))  (mul, add, min, max)"),
    "HardSwish": (5, "x · hardsigmoid(x)  (4 + mul)"),
    "Elu": (4, "x < 0 ? alpha·(exp(x) − 1) : x  (compare, exp, sub, mul)"),
    "Selu": (5, "gamma·(x ≤ 0 ? alpha·exp(x) − alpha : x)  (compare, exp, mul, sub, mul)"),
    "Celu": (7, "max(0, x) + min(0, alpha·(exp(x/alpha) − 1))  (max, div, exp, sub, mul, min, add)"),
    "Softplus": (3, "log(exp(x) + 1)  (exp, add, log)"),
    "Softsign": (3, "x / (1 + |x|)  (abs, add, div)"),
    "Mish": (5, "x · tanh(log(1 + exp(x)))  (exp, add, log, tanh, mul)"),
    "Shrink": (3, "x < −lambd ? x + bias : x > lambd ? x − bias : 0  (2 compares, add)"),
    "Swish": (6, "x · sigmoid(alpha·x)  (mul, neg, exp, add, div, mul)"),
}

BINARY_FLOPS: dict[str, tuple[int, str]] = {
    "Add": (1, "a + b"),
    "Sub": (1, "a − b"),
    "Mul": (1, "a · b"),
    "Div": (1, "a / b"),
    "Pow": (1, "a ^ b"),
    "Mod": (1, "a mod b"),
    "PRelu": (2, "x < 0 ? slope·x : x  (compare, mul)"),
    "Equal": (1, "a == b"),
    "Greater": (1, "a > b"),
    "Less": (1, "a < b"),
    "GreaterOrEqual": (1, "a ≥ b"),
    "LessOrEqual": (1, "a ≤ b"),
    "And": (1, "a ∧ b"),
    "Or": (1, "a ∨ b"),
    "Xor": (1, "a ⊕ b"),
    "BitShift": (1, "a << b or a >> b"),
    "BitwiseAnd": (1, "a & b"),
    "BitwiseOr": (1, "a | b"),
    "BitwiseXor": (1, "a ^ b"),
}


def _flops_rule(flops_per_element: int, formula: str):
    def cost(view: NodeView) -> Work:
        return Work(flops=view.out_numel(0) * flops_per_element)

    cost.__doc__ = f"FLOPs = {flops_per_element} × output elements: {formula}."
    return cost


for _op, (_flops, _formula) in {**UNARY_FLOPS, **BINARY_FLOPS}.items():
    rule(_op)(_flops_rule(_flops, _formula))


@rule("Sum", "Max", "Min")
def variadic(view: NodeView) -> Work:
    """FLOPs = (inputs − 1) × output elements (pairwise add / max / min)."""
    return Work(flops=view.out_numel(0) * max(len(view.inputs) - 1, 0))


@rule("Mean")
def mean(view: NodeView) -> Work:
    """FLOPs = inputs × output elements ((n − 1) adds and one divide)."""
    return Work(flops=view.out_numel(0) * max(len(view.inputs), 1))


@rule("Clip")
def clip(view: NodeView) -> Work:
    """FLOPs = (bounds given) × output elements: min(max(x, lo), hi), one compare per bound."""
    if view.opset >= 11:
        bounds = int(view.has_input(1)) + int(view.has_input(2))
    else:  # opset 6 fills an absent bound with ∓FLT_MAX, which clips nothing
        defaults = dict(schema_defaults(view.node.domain, "Clip", view.opset))
        bounds = sum(
            1 for name in ("min", "max")
            if view.attr(name) is not None and view.attr(name) != defaults.get(name)
        )
    return Work(flops=view.out_numel(0) * bounds)


@rule("Where")
def where(view: NodeView) -> Work:
    """FLOPs = 1 × output elements: cond ? a : b (one select)."""
    return Work(flops=view.out_numel(0))


@rule("Gelu")
def gelu(view: NodeView) -> Work:
    """FLOPs = 5/elem: 0.5·x·(1 + erf(x/√2)); tanh form 9/elem: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))."""
    per_element = 9 if view.attr("approximate", "none") == "tanh" else 5
    return Work(flops=view.out_numel(0) * per_element)
