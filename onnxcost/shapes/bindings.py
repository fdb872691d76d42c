"""The user's bindings made whole: an `--input` shape binds the names its input declares.

`--input ids=1x128` on an input declared `[batch, seq]` binds batch = 1 and seq = 128, exactly
as `--dim batch=1 --dim seq=128` does; a formula dim (`2*seq+1`) is solved for its one unknown
name. Bindings that contradict each other or the model's fixed dims are errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import onnx

from onnxcost.errors import ShapeError
from onnxcost.symbolic.formulas import free_names, parse_dim_param, substitute
from onnxcost.symbolic.poly import Poly

# A dim above this is not a real model: reject it before it reaches any arithmetic.
ABSURD_DIM = 2**40


@dataclass(frozen=True)
class Bindings:
    """Every named dim bound (by `--dim` or through an input's shape), the whole input shapes
    given, and the names the graph inputs declare."""

    dims: Mapping[str, int]
    inputs: Mapping[str, tuple[int, ...]]
    input_dim_names: frozenset[str]


@dataclass(frozen=True)
class _Equation:
    """A declared input dim (a name or a formula) that a given shape sets to `size`."""

    formula: object
    size: int
    where: str


def resolve_bindings(
    real_inputs: Sequence[onnx.ValueInfoProto],
    dims: Mapping[str, int],
    inputs: Mapping[str, Sequence[int]],
) -> Bindings:
    """`dims` completed with the names `inputs` bind; ShapeError for a binding that names no input,
    has the wrong rank, contradicts a fixed dim, another input or a `--dim`."""
    by_name = {v.name: v for v in real_inputs}
    declared_names = frozenset(name for v in real_inputs for name in _declared_names(v))
    bound: dict[str, int] = {}
    origin: dict[str, str] = {}
    for given, value in dims.items():
        check_size(f"--dim {given}", value)
        name = canonical_name(given)
        if bound.get(name, value) != value:
            raise ShapeError(f"--dim {given}={value}: {origin[name]} binds the same dim to {bound[name]}")
        bound[name] = value
        origin[name] = f"--dim {given}={value}"
    equations: list[_Equation] = []
    shapes: dict[str, tuple[int, ...]] = {}
    for name, given in inputs.items():
        shape = tuple(given)
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise ShapeError(f"--input {name}: the model has no such input (inputs: {known})")
        for size in shape:
            check_size(f"--input {name}", size)
        tensor_type = by_name[name].type.tensor_type
        if tensor_type.HasField("shape"):
            declared = tensor_type.shape.dim
            if len(declared) != len(shape):
                raise ShapeError(
                    f"--input {name}: {len(shape)} dims given, the input has rank {len(declared)}"
                )
            for axis, (dim, size) in enumerate(zip(declared, shape, strict=True)):
                where = f"--input {name}={'x'.join(map(str, shape)) or '(scalar)'}"
                if dim.HasField("dim_value") and dim.dim_value > 0 and dim.dim_value != size:
                    raise ShapeError(
                        f"{where}: dim {axis} of {name!r} is fixed at {dim.dim_value} in the model, "
                        f"{size} given"
                    )
                formula = parse_dim_param(dim.dim_param) if dim.HasField("dim_param") else None
                if formula is not None:
                    equations.append(_Equation(formula, size, f"{where} (dim {axis}, {dim.dim_param})"))
        shapes[name] = shape
    _solve(equations, bound, origin)
    return Bindings(dims=bound, inputs=shapes, input_dim_names=declared_names)


def _solve(equations: list[_Equation], bound: dict[str, int], origin: dict[str, str]) -> None:
    """Bind each equation's one unknown name (a name, or a linear formula in it); check the ones
    whose names are all bound. Repeats while a pass binds something new."""
    pending = list(equations)
    while pending:
        waiting = []
        for equation in pending:
            value = substitute(equation.formula, bound)
            if isinstance(value, int):
                if value != equation.size:
                    raise ShapeError(_conflict(equation, value, bound, origin))
                continue
            solved = _linear_solution(value, equation.size)
            if solved is None:
                waiting.append(equation)
                continue
            name, size = solved
            check_size(equation.where, size)
            bound[name] = size
            origin[name] = equation.where
        if len(waiting) == len(pending):
            return  # formulas of several unknowns: their names stay unbound unless given
        pending = waiting


def _linear_solution(formula: object, size: int) -> tuple[str, int] | None:
    """(name, value) solving formula = size when the formula is a·name + b with a whole answer."""
    if not isinstance(formula, Poly) or len(formula.names) != 1:
        return None
    (name,) = formula.names
    constant = substitute(formula, {name: 0})
    slope = substitute(formula, {name: 1})
    if not isinstance(constant, int) or not isinstance(slope, int):
        return None
    slope -= constant
    if slope == 0 or substitute(formula, {name: 2}) != constant + 2 * slope:
        return None  # not linear in the name
    quotient, remainder = divmod(size - constant, slope)
    if remainder:
        return None
    return name, quotient


def _conflict(equation: _Equation, value: int, bound: Mapping[str, int], origin: Mapping[str, str]) -> str:
    """The message for a declared dim whose bound names give `value`, not the size given."""
    names = sorted(free_names(equation.formula))
    if len(names) == 1 and isinstance(equation.formula, Poly) and equation.formula.is_symbol:
        (name,) = names
        return f"{equation.where}: {name} = {equation.size}, but {origin[name]} makes {name} = {bound[name]}"
    given = ", ".join(f"{n} = {bound[n]} ({origin[n]})" for n in names)
    return f"{equation.where}: {equation.size} given, but {given} make it {value}"


def canonical_name(text: str) -> str:
    """The symbol a dim name stands for: 'p2o.DynamicDimension.0' is p2o_DynamicDimension_0, as
    the model's dim_param of that spelling becomes."""
    parsed = parse_dim_param(text)
    return parsed.name if isinstance(parsed, Poly) and parsed.is_symbol else text


def _declared_names(value: onnx.ValueInfoProto) -> set[str]:
    """The dim names a graph input declares."""
    names: set[str] = set()
    for dim in value.type.tensor_type.shape.dim:
        if dim.HasField("dim_param"):
            parsed = parse_dim_param(dim.dim_param)
            if parsed is not None:
                names |= free_names(parsed)
    return names


def check_size(where: str, value: int) -> None:
    """A bound size must be a non-negative integer no larger than 2^40."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ShapeError(f"{where}: {value!r} is not a size (a non-negative integer)")
    if value > ABSURD_DIM:
        raise ShapeError(f"{where}: {value} is an absurd size (more than 2^40)")
