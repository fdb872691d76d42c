"""Shape and dtype rules: the tables, the decorators that fill them, the dispatch and the helpers
every family shares (broadcasting, shape operands, the rank limit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from onnxcost.errors import ShapeError
from onnxcost.symbolic.formulas import dim_max, normalize
from onnxcost.types import Dim, NodeInfo

Shape = tuple[Dim, ...]


@dataclass(frozen=True)
class DataDim:
    """An output dim the input data decides (NonZero's count), not the input shapes: the shape
    stage names it `<node>_<key>`; `bound` is the largest value the graph allows (None: none)."""

    key: str
    what: str
    bound: Dim | None = None


ShapeFn = Callable[[NodeInfo, Sequence[Shape | None], Sequence[np.ndarray | None]], list]


SHAPE_RULES: dict[str, ShapeFn] = {}


DOMAIN_SHAPE_RULES: dict[tuple[str, str], ShapeFn] = {}


def shape_rule(*op_types: str, domain: str = "") -> Callable[[ShapeFn], ShapeFn]:
    """Register an output-shape function for ops of `domain` (default: ai.onnx)."""

    def register(fn: ShapeFn) -> ShapeFn:
        for op_type in op_types:
            if domain:
                DOMAIN_SHAPE_RULES[(domain, op_type)] = fn
            else:
                SHAPE_RULES[op_type] = fn
        return fn

    return register


DtypeFn = Callable[[NodeInfo, Sequence[str]], list]


DOMAIN_DTYPE_RULES: dict[tuple[str, str], DtypeFn] = {}


def dtype_rule(*op_types: str, domain: str = "") -> Callable[[DtypeFn], DtypeFn]:
    """Register the output dtypes of ops ONNX type inference does not know (contrib domains)."""

    def register(fn: DtypeFn) -> DtypeFn:
        for op_type in op_types:
            DOMAIN_DTYPE_RULES[(domain, op_type)] = fn
        return fn

    return register


def infer_output_dtypes(node: NodeInfo, dtypes: Sequence[str]) -> list[str | None]:
    """Output dtypes from the op's semantics (input dtypes by position, '' when absent)."""
    fn = DOMAIN_DTYPE_RULES.get((node.domain, node.op_type))
    if fn is None and node.domain in ("", "ai.onnx.ml"):
        from onnxcost.model.schema_dtypes import schema_dtypes

        fn = schema_dtypes
    if fn is None:
        return [None] * len(node.outputs)
    try:
        result = list(fn(node, dtypes))
    except (ValueError, TypeError, IndexError, KeyError):
        return [None] * len(node.outputs)
    return result + [None] * (len(node.outputs) - len(result))


def infer_output_shapes(
    node: NodeInfo, shapes: Sequence[Shape | None], values: Sequence[np.ndarray | None]
) -> list[Shape | None]:
    """Output shapes from the op's semantics, None where they cannot be derived."""
    fn = SHAPE_RULES.get(node.op_type) if node.domain == "" else None
    fn = fn or DOMAIN_SHAPE_RULES.get((node.domain, node.op_type))
    if fn is None:
        return [None] * len(node.outputs)
    try:
        result = list(fn(node, shapes, values))
    except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError):
        return [None] * len(node.outputs)
    return result + [None] * (len(node.outputs) - len(result))


def broadcast(*shapes: Shape) -> Shape:
    """Numpy-style broadcast of dims (ints or symbols)."""
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    out = []
    for dims in zip(*padded, strict=True):
        result: Dim = 1
        for d in dims:
            result = dim_max(result, d)
        out.append(result)
    return tuple(out)


def ints(value: np.ndarray | None) -> list[Dim] | None:
    if value is None:
        return None
    return [int(v) if isinstance(v, np.integer | int) else normalize(v) for v in value.reshape(-1)]


def shape_operand(node: NodeInfo, value: np.ndarray | None) -> list[Dim] | None:
    """A shape given as a value (Reshape, Expand, ConstantOfShape), refused past MAX_RANK dims."""
    if value is not None:
        rank_guard(node, value.size)
    return ints(value)


def rank_guard(node: NodeInfo, rank: int) -> None:
    check_rank(f"node {node.name!r} ({node.op_type}): its output", rank)


def check_rank(what: str, rank: int) -> None:
    """A ShapeError when `what` would have more dims than any runtime holds."""
    if rank > MAX_RANK:
        raise ShapeError(f"{what} would have {rank:,} dims; a tensor has at most {MAX_RANK} "
                         "(numpy's limit; onnxruntime's kernels take far fewer)")  # fmt: skip


def operand(node: NodeInfo, values: Sequence[np.ndarray | None], index: int, attr: str):
    """Input `index` as ints (the attribute `attr` in older opsets); None when absent.

    An input the node has but whose value is unknown makes the output unknown (ValueError),
    never the default an absent input means.
    """
    if len(node.inputs) > index and node.inputs[index]:
        found = ints(values[index]) if index < len(values) else None
        if found is None:
            raise ValueError(f"input {index} of {node.op_type} is not known before run time")
        return found
    return node.attrs.get(attr)


MAX_RANK = 64  # numpy's NPY_MAXDIMS


def ints_float(value: np.ndarray | None) -> list[float] | None:
    return None if value is None or value.size == 0 else [float(v) for v in value.reshape(-1)]


def rational(scale: float):
    import sympy

    return int(scale) if float(scale).is_integer() else sympy.Rational(str(scale))
