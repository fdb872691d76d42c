"""What every level of the shape walk shares: the Context, type facts, NeedsInference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import onnx

from onnxcost.shapes.symbols import Symbols
from onnxcost.types import Dim

TypeFacts = tuple[str | None, tuple[Dim | None, ...] | None, tuple[str, ...], str]


@dataclass
class Context:
    """What every level of the recursive walk shares."""

    inferred: Mapping[str, onnx.TypeProto]  # derived by ONNX inference from the bound inputs
    declared: Mapping[str, onnx.TypeProto]  # what the file declares (value_info, outputs)
    opsets: Mapping[str, int]
    dims: Mapping[str, int]
    symbols: Symbols
    input_dims: frozenset[str]  # the dim names the graph inputs declare
    # own rules only (no inference ran): a value they leave unknown raises NeedsInference
    strict: bool = False
    # Loop trip counts (and the like) worked out on the way, by their symbol's name
    derived: dict[str, Dim] = field(default_factory=dict)
    # declared dims that are numbers and differ from the derived ones: (value, axis, declared, derived)
    mismatches: list[tuple[str, int, int, int]] = field(default_factory=list)
    # names used in declared dims (a --dim may bind them)
    declared_names: set[str] = field(default_factory=set)
    # decisions the shapes forced (an If branch that cannot run), for the warnings
    notes: list[str] = field(default_factory=list)
    # values whose shape is a guess: an If of unknown condition whose branches give other shapes,
    # and what is computed from one (a contradiction there is no proof a branch cannot run)
    uncertain: set[str] = field(default_factory=set)
    # values that change from one Loop iteration to the next but are known at the one shaped
    # (the counter, t + 1): they fold for the shapes, yet run every iteration (never constants)
    varying: set[str] = field(default_factory=set)
    # a serialized type -> what read_type reads from it (a model's values share few)
    types: dict[bytes, TypeFacts] = field(default_factory=dict)


class NeedsInference(Exception):
    """onnxcost's own rules left a value's shape or dtype unknown."""
