"""The one registry of cost rules, keyed by (domain, op_type) with opset-versioned variants."""

from __future__ import annotations

import bisect
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from onnxcost.rules.index import RULE_MODULES
from onnxcost.types import DEFAULT_DOMAIN, Dim, NodeInfo, TensorInfo, Work

# Modules of onnxcost.rules that are not op families imported per op: the machinery, and the
# default domain's shape rules (shape_rules and its families), which every analysis imports.
INFRASTRUCTURE = frozenset({
    "registry", "kernels", "common", "index", "index_render", "dim_names",
    "shape_rules", "shape_registry", "shapes_compute", "shapes_movement", "shapes_data",
})  # fmt: skip


@dataclass(frozen=True)
class NodeView:
    """What a rule sees of one node: its attributes and the TensorInfo of each input and output.

    A missing optional input is None; `subgraph_costs` holds the summed cost of each graph
    attribute (If branches, Loop and Scan bodies), computed before the rule runs.
    """

    node: NodeInfo
    inputs: tuple[TensorInfo | None, ...]
    outputs: tuple[TensorInfo | None, ...]
    subgraph_costs: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def attr(self, name: str, default: Any = None) -> Any:
        """Attribute value (schema defaults already filled in)."""
        return self.node.attrs.get(name, default)

    def input(self, index: int) -> TensorInfo | None:
        """The index-th input, or None when absent."""
        return self.inputs[index] if index < len(self.inputs) else None

    def output(self, index: int) -> TensorInfo | None:
        """The index-th output, or None when absent."""
        return self.outputs[index] if index < len(self.outputs) else None

    def in_shape(self, index: int) -> tuple[Dim, ...]:
        """Shape of an input; a rule that needs it raises ShapeUnknown when it is not known."""
        info = self.input(index)
        if info is None or info.shape is None:
            raise ShapeUnknown(f"input {index} of {self.node.op_type} has no known shape")
        return info.shape

    def out_shape(self, index: int = 0) -> tuple[Dim, ...]:
        """Shape of an output; raises ShapeUnknown when it is not known."""
        info = self.output(index)
        if info is None or info.shape is None:
            raise ShapeUnknown(f"output {index} of {self.node.op_type} has no known shape")
        return info.shape

    def in_numel(self, index: int) -> Dim:
        """Elements of an input."""
        from onnxcost.symbolic.formulas import product

        return product(self.in_shape(index))

    def out_numel(self, index: int = 0) -> Dim:
        """Elements of an output."""
        from onnxcost.symbolic.formulas import product

        return product(self.out_shape(index))

    def value(self, index: int) -> np.ndarray | None:
        """The folded value of an input (None when unknown or absent)."""
        info = self.input(index)
        return None if info is None else info.value

    def has_input(self, index: int) -> bool:
        """True when the optional input at `index` is given."""
        return self.input(index) is not None

    @property
    def opset(self) -> int:
        """Opset version of the node's domain in this model."""
        return self.node.opset


class ShapeUnknown(Exception):
    """A rule needs a shape the shapes stage could not derive: the node is costed as unsupported."""


RuleFn = Callable[[NodeView], Work]


@dataclass(frozen=True)
class Rule:
    """One versioned cost rule."""

    domain: str
    op_type: str
    since: int
    fn: RuleFn

    @property
    def doc(self) -> str:
        """The rule's one-line docstring (its formula)."""
        return (self.fn.__doc__ or "").strip()


class DuplicateRuleError(ValueError):
    """Two rules claim the same (domain, op_type, since)."""


_RULES: dict[tuple[str, str], list[Rule]] = {}


def rule(*op_types: str, domain: str = DEFAULT_DOMAIN, since: int = 1) -> Callable[[RuleFn], RuleFn]:
    """Register `fn` as the cost rule of each op type from opset `since` on."""

    def register(fn: RuleFn) -> RuleFn:
        for op_type in op_types:
            variants = _RULES.setdefault((domain, op_type), [])
            if any(r.since == since for r in variants):
                raise DuplicateRuleError(
                    f"rule for {domain or 'ai.onnx'}::{op_type} since opset {since} is already "
                    "registered"
                )
            bisect.insort(variants, Rule(domain, op_type, since, fn), key=lambda r: r.since)
        return fn

    return register


def resolve(domain: str, op_type: str, opset: int) -> Rule | None:
    """The variant with the highest `since` not above `opset` (the oldest if all are newer)."""
    load_rules(domain, op_type)
    variants = _RULES.get((domain, op_type))
    if not variants:
        return None
    chosen = variants[0]
    for variant in variants:
        if variant.since <= opset:
            chosen = variant
    return chosen


def all_rules() -> Mapping[tuple[str, str], Sequence[Rule]]:
    """Every registered rule, by (domain, op_type)."""
    load_all()
    return {key: tuple(value) for key, value in sorted(_RULES.items())}


# Ops whose rule modules are imported.
_LOADED: set[tuple[str, str]] = set()


def load_rules(domain: str, op_type: str) -> None:
    """Import the rule modules that register a cost, shape or dtype rule for this op (index in
    onnxcost.rules.index): an analysis imports only the families its ops need."""
    key = (domain, op_type)
    if key in _LOADED:
        return
    for module in RULE_MODULES.get(key, ()):
        importlib.import_module(f"onnxcost.rules.{module}")
    _LOADED.add(key)


def load_all() -> None:
    """Import every rule module."""
    for module in rule_modules():
        importlib.import_module(f"onnxcost.rules.{module}")


def rule_modules() -> list[str]:
    """The modules of onnxcost.rules that register rules, by name."""
    import pkgutil

    import onnxcost.rules

    found = pkgutil.iter_modules(onnxcost.rules.__path__)
    return sorted(m.name for m in found if m.name not in INFRASTRUCTURE)
