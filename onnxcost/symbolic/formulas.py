"""Dims that are ints, polynomials (onnxcost.symbolic.poly) or sympy expressions.

Ints take the fast path; a formula over unbound dims is a Poly while it is a polynomial with
integer coefficients, and a sympy expression only once it needs floor, ceiling, max or a
fraction (sympy is imported then, not before).
"""

from __future__ import annotations

import ast
import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import sympy

from onnxcost.symbolic.poly import Dim, Poly, from_terms, normalize
from onnxcost.symbolic.poly import exact_quotient as poly_quotient
from onnxcost.symbolic.poly import sympy_symbol as sympy_symbol  # part of the symbolic API

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SAFE_FORMULA = re.compile(r"^[A-Za-z0-9_+\-*/() ]+$")
MAX_FORMULA_CHARS = 256  # a longer dim_param is one name, not a formula to parse


def symbol(name: str) -> Poly:
    """The unbound dim called `name` (a positive integer)."""
    return Poly.symbol(name)


def is_symbol(value: object) -> bool:
    """True for a dim that is one unbound name (not a formula)."""
    return isinstance(value, Poly) and value.is_symbol


def is_int(value: object) -> bool:
    """True for a plain integer (the fast path)."""
    return isinstance(value, int)


def as_int(value: Dim) -> int | None:
    """The int value of a dim, or None when it still holds free symbols."""
    if isinstance(value, int):
        return value
    if isinstance(value, Poly):
        return None
    if isinstance(value, sympy.Integer):
        return int(value)
    return None


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

    Polynomials are summed term by term in one dict; sympy terms (rare) have their like terms
    collected first and are added in one sympy.Add: adding term by term flattens every partial
    sum again, slow over a whole model's nodes.
    """
    whole = 0
    polynomial: dict = {}
    formulas: list[sympy.Expr] = []
    for value in values:
        if isinstance(value, int):
            whole += value
        elif isinstance(value, Poly):
            for monomial, coefficient in value.terms.items():
                polynomial[monomial] = polynomial.get(monomial, 0) + coefficient
        else:
            formulas.append(value)
    if not polynomial and not formulas:
        return whole
    polynomial[()] = polynomial.get((), 0) + whole
    summed = from_terms(polynomial)
    return _sympy_total(formulas, summed) if formulas else summed


def _sympy_total(formulas: list[sympy.Expr], start: Dim) -> Dim:
    """The sum of sympy expressions and `start`, like terms collected by their coefficients."""
    whole: sympy.Expr | int = 0
    coefficients: dict[sympy.Expr, int | sympy.Expr] = {}
    for value in (*formulas, sympy.sympify(start)):
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
    exact = exact_quotient(numerator, denominator)
    if exact is not None:
        return exact
    return normalize(sympy.floor(sympy.Rational(1) * _sympy(numerator) / _sympy(denominator)))


def ceildiv(numerator: Dim, denominator: Dim) -> Dim:
    """ceil(numerator / denominator) for ints and symbols."""
    if isinstance(numerator, int) and isinstance(denominator, int):
        return -(-numerator // denominator)
    exact = exact_quotient(numerator, denominator)
    if exact is not None:
        return exact
    return normalize(sympy.ceiling(sympy.Rational(1) * _sympy(numerator) / _sympy(denominator)))


def exact_quotient(numerator: Dim, denominator: Dim) -> Dim | None:
    """numerator / denominator when both are polynomials and it divides exactly, else None."""
    if isinstance(numerator, int | Poly) and isinstance(denominator, int | Poly):
        return poly_quotient(numerator, denominator)
    return None


def _sympy(value: Dim) -> sympy.Expr | int:
    return value._sympy_() if isinstance(value, Poly) else value


def dim_max(a: Dim, b: Dim) -> Dim:
    """The broadcast of two dims: max(a, b), with 1 the identity whatever the other dim is (1
    and 0 broadcast to 0)."""
    if a == 1:
        return b
    if b == 1:
        return a
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    return larger(a, b)


def larger(a: Dim, b: Dim) -> Dim:
    """max(a, b) for ints and symbols: decided where the dims' ranges decide it, else sympy Max."""
    return _extreme(a, b, operator.ge, "Max")


def smaller(a: Dim, b: Dim) -> Dim:
    """min(a, b) for ints and symbols: decided where the dims' ranges decide it, else sympy Min."""
    return _extreme(a, b, operator.le, "Min")


def _extreme(a: Dim, b: Dim, first_wins: Callable[[Dim, Dim], bool], function: str) -> Dim:
    """a if first_wins(a, b) else b; the sympy `function` when the dims' values decide it."""
    if a == b:
        return a
    if isinstance(a, int | Poly) and isinstance(b, int | Poly):
        try:
            return a if first_wins(a, b) else b
        except TypeError:
            pass  # depends on the dims' values
    return normalize(getattr(sympy, function)(_sympy(a), _sympy(b)))


def equal(a: Dim, b: Dim) -> bool:
    """a == b as numbers: True when the same formula, False when no value of the dims (all ≥ 1)
    makes them meet; TypeError when that depends on the dims (batch == 4)."""
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if a == b:
        return True
    if isinstance(a, int | Poly) and isinstance(b, int | Poly) and (a < b or a > b):  # TypeError: undecided
        return False
    raise TypeError(f"whether {a} equals {b} depends on the dims")


def few(items: Sequence[str], limit: int = 8, joiner: str = ", ") -> str:
    """The first `limit` items joined, and how many more there are (an error line stays a line)."""
    shown = joiner.join(items[:limit])
    return shown if len(items) <= limit else f"{shown}{joiner}and {len(items) - limit:,} more"


def parse_dim_param(text: str, fresh: Iterable[str] = ()) -> Dim | None:
    """A dim_param string as a dim: a name, or a formula over names ('2*seq', 'seq+1').

    Returns None for strings that name no dim ('?', '', 'unk__3'-style leftovers are names).
    """
    text = text.strip()
    if not text or text == "?":
        return None
    if _IDENTIFIER.fullmatch(text):
        return symbol(text)
    if len(text) <= MAX_FORMULA_CHARS and _SAFE_FORMULA.match(text):
        try:
            return _formula(ast.parse(text, mode="eval").body)
        except (SyntaxError, TypeError, ValueError, ZeroDivisionError, RecursionError, MemoryError):
            return symbol(_sanitize(text))  # not a formula after all: one name
    return symbol(_sanitize(text))


_OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
              ast.Div: lambda a, b: a / b, ast.FloorDiv: floordiv}  # fmt: skip


def _formula(node: ast.expr) -> Dim:
    """A dim_param formula of names, integers, + - * / // and parentheses (ValueError otherwise)."""
    if isinstance(node, ast.Name):
        return symbol(node.id)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _formula(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _formula(node.left), _formula(node.right)
        if isinstance(node.op, ast.Div | ast.FloorDiv) and not isinstance(right, int):
            raise ValueError("a division by a name is a path ('decoder/rnn/x'), not a dim formula")
        if isinstance(node.op, ast.Div) and isinstance(left, int) and isinstance(right, int):
            left = sympy.Integer(left)  # an exact fraction, as a formula means it
        return normalize(_OPERATORS[type(node.op)](left, right))
    raise ValueError("not a dim formula")


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
    return set() if parsed is None else free_names(parsed)


def _sanitize(text: str) -> str:
    """A symbol name for a dim_param that is not a formula."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_")
    return cleaned if cleaned and not cleaned[0].isdigit() else f"d_{cleaned}"


def substitute(value: Dim, bindings: Mapping[str, int]) -> Dim:
    """Replace bound symbols by their values."""
    if isinstance(value, int) or not bindings:
        return value
    if isinstance(value, Poly):
        return value.subs({name: bindings[name] for name in value.names if name in bindings})
    names = {sym: bindings[sym.name] for sym in value.free_symbols if sym.name in bindings}
    return normalize(value.xreplace(names)) if names else value


def free_names(value: Dim) -> set[str]:
    """Names of the unbound dims a figure depends on."""
    if isinstance(value, int | float):
        return set()
    if isinstance(value, Poly):
        return set(value.names)
    return {s.name for s in value.free_symbols}


def rank_value(value: Dim, at: int) -> float:
    """A number to order formulas by: the value with every unbound dim set to `at`."""
    if isinstance(value, int | float):
        return float(value)
    return float(evaluate(value, dict.fromkeys(free_names(value), at)))


def to_json(value: Dim | float | None) -> int | float | str | None:
    """A figure for JSON: exact int, float, or a formula string when dims are unbound."""
    if value is None or isinstance(value, int | float | str | Poly):
        return value if not isinstance(value, Poly) else str(value)  # a str: a formula already written
    value = normalize(value)
    if isinstance(value, int | Poly):
        return to_json(value)
    if value.is_number:
        return float(value)
    return str(sympy.expand(value)) if value.is_polynomial() else str(value)


def evaluate(value: Dim, bindings: Mapping[str, int]) -> int | float:
    """The number a figure takes when all its dims are bound (KeyError names a missing dim)."""
    result = substitute(value, bindings)
    if isinstance(result, int | float):
        return result
    missing = free_names(result)
    if missing:
        raise KeyError(", ".join(sorted(missing)))
    return int(result) if result.is_Integer else float(result)
