"""Dims that are ints or sympy expressions: arithmetic that keeps ints on the fast path."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

import sympy

from onnxcost.types import Dim

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SAFE_FORMULA = re.compile(r"^[A-Za-z0-9_+\-*/() ]+$")


@functools.lru_cache(maxsize=4096)
def symbol(name: str) -> sympy.Symbol:
    """The positive integer symbol for an unbound dim called `name`."""
    return sympy.Symbol(name, integer=True, positive=True)


def is_int(value: object) -> bool:
    """True for a plain integer (the fast path)."""
    return isinstance(value, int)


def as_int(value: Dim) -> int | None:
    """The int value of a dim, or None when it still holds free symbols."""
    if isinstance(value, int):
        return value
    if isinstance(value, sympy.Integer):
        return int(value)
    return None


def normalize(value: Dim) -> Dim:
    """Turn a sympy number back into a plain int."""
    if isinstance(value, int | float):
        return value
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return int(value)
    return value


def product(values: Iterable[Dim]) -> Dim:
    """Product of dims; stays an int when every factor is an int."""
    values = tuple(values)
    result = 1
    for value in values:
        if not isinstance(value, int):
            return _formula_product(values)
        result *= value
    return result


@functools.lru_cache(maxsize=65536)
def _formula_product(values: tuple[Dim, ...]) -> Dim:
    """The product of a shape with symbolic dims (cached: every node asks for its tensors' sizes)."""
    result: Dim = 1
    for value in values:
        result = result * value
    return normalize(result)


def total(values: Iterable[Dim]) -> Dim:
    """Sum of dims; stays an int when every term is an int.

    Like terms are collected by their coefficients first and added in one sympy.Add: adding
    term by term flattens every partial sum again, slow over a whole model's nodes.
    """
    whole = 0
    coefficients: dict[sympy.Expr, int | sympy.Expr] = {}
    for value in values:
        if isinstance(value, int):
            whole += value
            continue
        for term in value.args if value.is_Add else (value,):
            coefficient, rest = term.as_coeff_Mul()
            if rest == 1:
                whole += coefficient
                continue
            coefficient = int(coefficient) if coefficient.is_Integer else coefficient
            coefficients[rest] = coefficients.get(rest, 0) + coefficient
    if not coefficients:
        return normalize(whole)
    return normalize(sympy.Add(*(c * rest for rest, c in coefficients.items()), whole))


def floordiv(numerator: Dim, denominator: Dim) -> Dim:
    """floor(numerator / denominator) for ints and symbols."""
    if isinstance(numerator, int) and isinstance(denominator, int):
        return numerator // denominator
    return normalize(sympy.floor(sympy.Rational(1) * numerator / denominator))


def ceildiv(numerator: Dim, denominator: Dim) -> Dim:
    """ceil(numerator / denominator) for ints and symbols."""
    if isinstance(numerator, int) and isinstance(denominator, int):
        return -(-numerator // denominator)
    return normalize(sympy.ceiling(sympy.Rational(1) * numerator / denominator))


def dim_max(a: Dim, b: Dim) -> Dim:
    """max(a, b) for ints and symbols (1 is the broadcast identity)."""
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    if a == 1:
        return b
    if b == 1:
        return a
    if a == b:
        return a
    return normalize(sympy.Max(a, b))


def parse_dim_param(text: str, fresh: Iterable[str] = ()) -> Dim | None:
    """A dim_param string as a dim: a name, or a formula over names ('2*seq', 'seq+1').

    Returns None for strings that name no dim ('?', '', 'unk__3'-style leftovers are names).
    """
    text = text.strip()
    if not text or text == "?":
        return None
    if _IDENTIFIER.fullmatch(text):
        return symbol(text)
    if _SAFE_FORMULA.match(text):
        names = {name: symbol(name) for name in _IDENTIFIER.findall(text)}
        try:
            expr = sympy.sympify(text, locals=names, rational=True)
        except (sympy.SympifyError, SyntaxError, TypeError, ZeroDivisionError):
            return symbol(_sanitize(text))
        if isinstance(expr, sympy.Expr):
            return normalize(expr)
    return symbol(_sanitize(text))


def bind_dim_param(text: str, bindings: Mapping[str, int]) -> Dim | None:
    """parse_dim_param with `bindings` substituted; a bound plain name never touches sympy."""
    name = text.strip()
    if name in bindings and _IDENTIFIER.fullmatch(name):
        return bindings[name]
    parsed = parse_dim_param(text)
    return None if parsed is None else substitute(parsed, bindings)


def dim_param_names(text: str) -> set[str]:
    """Names of the dims a dim_param string uses ('2*seq' → {'seq'}; '?' → none)."""
    name = text.strip()
    if _IDENTIFIER.fullmatch(name):
        return {name}
    parsed = parse_dim_param(text)
    return set() if parsed is None or isinstance(parsed, int) else {s.name for s in parsed.free_symbols}


def _sanitize(text: str) -> str:
    """A symbol name for a dim_param that is not a formula."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_")
    return cleaned if cleaned and not cleaned[0].isdigit() else f"d_{cleaned}"


def substitute(value: Dim, bindings: Mapping[str, int]) -> Dim:
    """Replace bound symbols by their values."""
    if isinstance(value, int) or not bindings:
        return value
    names = {sym: bindings[sym.name] for sym in value.free_symbols if sym.name in bindings}
    return normalize(value.xreplace(names)) if names else value


def free_names(value: Dim) -> set[str]:
    """Names of the unbound dims a figure depends on."""
    return set() if isinstance(value, int) else {s.name for s in value.free_symbols}


def to_json(value: Dim | float | None) -> int | float | str | None:
    """A figure for JSON: exact int, float, or a formula string when dims are unbound."""
    if value is None or isinstance(value, int | float):
        return value
    value = normalize(value)
    if isinstance(value, int):
        return value
    if value.is_number:
        return float(value)
    return str(sympy.expand(value)) if value.is_polynomial() else str(value)


def evaluate(value: Dim, bindings: Mapping[str, int]) -> int | float:
    """The number a figure takes when all its dims are bound (KeyError names a missing dim)."""
    result = substitute(value, bindings)
    if isinstance(result, int):
        return result
    if result.free_symbols:
        missing = sorted(s.name for s in result.free_symbols)
        raise KeyError(", ".join(missing))
    return int(result) if result.is_Integer else float(result)
