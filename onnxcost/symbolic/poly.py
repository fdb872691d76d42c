"""Polynomials with integer coefficients over positive integer dims: the symbolic fast path.

Almost every formula a model's dims produce (batch × 64 × 56 × 56, 512·batch·seq² + …) is such a
polynomial. A Poly does that arithmetic in plain Python, so an analysis with symbolic dims does
not load sympy (whose import alone costs more than analyzing a ResNet-50). What a polynomial
cannot hold (floor, ceiling, max, a fraction) is handed to sympy: the Poly converts itself
(`_sympy_`, which sympy's own functions call) and the result is a sympy expression.

A Poly always has a non-constant term: arithmetic that cancels every symbol returns an int.
Its text is the one sympy prints for the same expanded polynomial.
"""

from __future__ import annotations

import functools
import operator
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Union

from onnxcost.errors import FormulaTooLarge

if TYPE_CHECKING:
    import sympy

# A dimension, a count or a byte size: an exact int, or a formula over unbound dims: a polynomial
# (Poly), else a sympy expression. The strings keep sympy unloaded (onnxcost.util.lazy).
Dim = Union[int, "Poly", "sympy.Expr"]

MAX_PRODUCT_TERMS = 10_000  # a product of formulas with more terms than this is refused
Monomial = tuple[tuple[str, int], ...]  # (name, power) pairs sorted by name; () is the constant
Terms = Mapping[Monomial, int]


class Poly:
    """An immutable polynomial Σ coefficient × Π name**power, every name a positive integer."""

    __slots__ = ("_hash", "_sympy", "terms")

    def __init__(self, terms: dict[Monomial, int]) -> None:
        """`terms` must be canonical: no zero coefficient, at least one non-constant monomial."""
        self.terms = terms
        self._hash: int | None = None
        self._sympy: Any = None

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def symbol(name: str) -> Poly:
        """The polynomial `name`."""
        return Poly({((name, 1),): 1})

    # --- reading -------------------------------------------------------------------------

    @property
    def names(self) -> frozenset[str]:
        """Names of the dims the polynomial depends on."""
        return frozenset(name for monomial in self.terms for name, _ in monomial)

    @property
    def name(self) -> str:
        """The name of a plain symbol (AttributeError for any other polynomial)."""
        if not self.is_symbol:
            raise AttributeError(f"{self} is not a single symbol")
        return next(iter(self.terms))[0][0]

    @property
    def is_symbol(self) -> bool:
        """True for a plain symbol ('batch'), False for any other polynomial."""
        if len(self.terms) != 1:
            return False
        ((monomial, coefficient),) = self.terms.items()
        return coefficient == 1 and len(monomial) == 1 and monomial[0][1] == 1

    def subs(self, values: Mapping[str, int]) -> Poly | int:
        """The polynomial with the named dims replaced by their values."""
        if not values:
            return self
        found: dict[Monomial, int] = {}
        for monomial, coefficient in self.terms.items():
            rest = []
            for name, power in monomial:
                if name in values:
                    coefficient *= values[name] ** power
                else:
                    rest.append((name, power))
            if coefficient:
                key = tuple(rest)
                found[key] = found.get(key, 0) + coefficient
        return from_terms(found)

    def bounds(self) -> tuple[int | None, int | None]:
        """(least, greatest) value over dims ≥ 1 as far as they can be shown, None for unbounded
        or unknown (see `_least`)."""
        greatest = _least({m: -c for m, c in self.terms.items()})
        return _least(self.terms), None if greatest is None else -greatest

    # --- arithmetic ----------------------------------------------------------------------

    def __add__(self, other: object) -> Any:
        value = _coerce(other)
        if value is None:
            return _fallback(operator.add, self, other)
        found = dict(self.terms)
        for monomial, coefficient in _terms_of(value):
            found[monomial] = found.get(monomial, 0) + coefficient
        return from_terms(found)

    __radd__ = __add__

    def __neg__(self) -> Poly:
        return Poly({m: -c for m, c in self.terms.items()})

    def __pos__(self) -> Poly:
        return self

    def __sub__(self, other: object) -> Any:
        value = _coerce(other)
        if value is None:
            return _fallback(operator.sub, self, other)
        return self + (-value)

    def __rsub__(self, other: object) -> Any:
        value = _coerce(other)
        if value is None:
            return _fallback(operator.sub, other, self)
        return (-self) + value

    def __mul__(self, other: object) -> Any:
        value = _coerce(other)
        if value is None:
            return _fallback(operator.mul, self, other)
        if isinstance(value, int):
            if value == 0:
                return 0
            return Poly({m: c * value for m, c in self.terms.items()})
        if len(self.terms) * len(value.terms) > MAX_PRODUCT_TERMS:
            raise FormulaTooLarge(f"a size formula of unbound dims would pass {MAX_PRODUCT_TERMS:,} terms")
        found: dict[Monomial, int] = {}
        for left, a in self.terms.items():
            for right, b in value.terms.items():
                key = _times(left, right)
                found[key] = found.get(key, 0) + a * b
        return from_terms(found)

    __rmul__ = __mul__

    def __pow__(self, exponent: object) -> Any:
        power = _coerce(exponent)
        if not isinstance(power, int) or power < 0:
            return _fallback(operator.pow, self, exponent)
        result: Poly | int = 1
        for _ in range(power):
            result = result * self
        return result

    def __rpow__(self, base: object) -> Any:
        return _fallback(operator.pow, base, self)

    def __truediv__(self, other: object) -> Any:
        value = _coerce(other)
        exact = exact_quotient(self, value) if value is not None else None
        return exact if exact is not None else _fallback(operator.truediv, self, other)

    def __rtruediv__(self, other: object) -> Any:
        value = _coerce(other)
        exact = exact_quotient(value, self) if value is not None else None
        return exact if exact is not None else _fallback(operator.truediv, other, self)

    def __floordiv__(self, other: object) -> Any:
        value = _coerce(other)
        exact = exact_quotient(self, value) if value is not None else None
        return exact if exact is not None else _fallback(operator.floordiv, self, other)

    def __rfloordiv__(self, other: object) -> Any:
        return _fallback(operator.floordiv, other, self)

    def __mod__(self, other: object) -> Any:
        value = _coerce(other)
        if value is not None and exact_quotient(self, value) is not None:
            return 0
        return _fallback(operator.mod, self, other)

    def __rmod__(self, other: object) -> Any:
        return _fallback(operator.mod, other, self)

    def __abs__(self) -> Any:
        least, _ = self.bounds()
        if least is not None and least >= 0:
            return self
        _, greatest = self.bounds()
        if greatest is not None and greatest <= 0:
            return -self
        return abs(self._sympy_())

    # --- comparison ----------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Poly):
            return self.terms == other.terms
        if isinstance(other, int | float) or other is None:
            return False  # a Poly is never a constant
        if hasattr(other, "free_symbols") and hasattr(other, "is_number"):  # a sympy expression
            return bool(self._sympy_() == other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    def __lt__(self, other: object) -> bool:
        return _compare(self, other, lambda d: d < 0)

    def __le__(self, other: object) -> bool:
        return _compare(self, other, lambda d: d <= 0)

    def __gt__(self, other: object) -> bool:
        return _compare(self, other, lambda d: d > 0)

    def __ge__(self, other: object) -> bool:
        return _compare(self, other, lambda d: d >= 0)

    def __bool__(self) -> bool:
        return True  # a non-constant polynomial is not identically zero

    # --- conversion ----------------------------------------------------------------------

    def _sympy_(self) -> Any:
        """The same polynomial as a sympy expression (sympy calls this to take a Poly in)."""
        if self._sympy is None:
            import sympy

            self._sympy = sympy.Add(*(
                sympy.Mul(sympy.Integer(c), *(sympy_symbol(n) ** p for n, p in m))
                for m, c in self.terms.items()
            ))  # fmt: skip
        return self._sympy

    def __reduce__(self) -> tuple[Callable[..., Poly], tuple[dict[Monomial, int]]]:
        return Poly, (dict(self.terms),)

    def __str__(self) -> str:
        return _text(self.terms)

    def __repr__(self) -> str:
        return _text(self.terms)


def _coerce(value: object) -> Poly | int | None:
    """An operand as a Poly or an int (numpy and sympy integers included), else None."""
    if type(value) is int or isinstance(value, Poly):
        return value  # type: ignore[return-value]
    if isinstance(value, float):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def _terms_of(value: Poly | int) -> Iterator[tuple[Monomial, int]]:
    if isinstance(value, Poly):
        yield from value.terms.items()
    elif value:
        yield (), value


def from_terms(terms: dict[Monomial, int]) -> Poly | int:
    """A canonical Poly from terms, or the int they amount to when no symbol is left."""
    found = {m: c for m, c in terms.items() if c}
    if not found.keys() - {()}:
        return found.get((), 0)
    return Poly(found)


def _least(terms: Terms) -> int | None:
    """A lower bound of Σ c·m over dims ≥ 1, or None when none is shown.

    Every dim is at least 1, so a term c·m (c > 0) is at least c, and at least c·m' for any
    monomial m' dividing m: each negative term is paid for by positive terms that are its
    multiples; what those have left over (at least their coefficients) bounds the sum.
    """
    left = {m: c for m, c in terms.items() if c > 0}
    for monomial, coefficient in terms.items():
        owed = -coefficient
        if owed <= 0:
            continue
        for other in left:
            if owed and left[other] and _divides(monomial, other):
                paid = min(owed, left[other])
                left[other] -= paid
                owed -= paid
        if owed:
            return None
    return sum(left.values())


def _divides(small: Monomial, large: Monomial) -> bool:
    """True when every power of `small` is at most the same name's power in `large`."""
    powers = dict(large)
    return all(powers.get(name, 0) >= power for name, power in small)


def _times(left: Monomial, right: Monomial) -> Monomial:
    """The product of two monomials (powers of a shared name add)."""
    if not left:
        return right
    if not right:
        return left
    powers = dict(left)
    for name, power in right:
        powers[name] = powers.get(name, 0) + power
    return tuple(sorted(powers.items()))


def exact_quotient(numerator: Poly | int, denominator: Poly | int) -> Poly | int | None:
    """numerator ÷ denominator when it is a polynomial with integer coefficients, else None.

    Exact by an int or by one term (coefficient × monomial) dividing every term; a quotient of
    two other polynomials is exact only when they are equal.
    """
    if isinstance(denominator, int):
        if denominator == 0:
            return None
        if isinstance(numerator, int):
            return numerator // denominator if numerator % denominator == 0 else None
        if any(c % denominator for c in numerator.terms.values()):
            return None
        return Poly({m: c // denominator for m, c in numerator.terms.items()})
    if isinstance(numerator, Poly) and numerator.terms == denominator.terms:
        return 1
    if len(denominator.terms) != 1 or isinstance(numerator, int):
        return None
    ((divisor, scale),) = denominator.terms.items()
    found: dict[Monomial, int] = {}
    for monomial, coefficient in numerator.terms.items():
        if coefficient % scale:
            return None
        powers = dict(monomial)
        for name, power in divisor:
            left = powers.get(name, 0) - power
            if left < 0:
                return None
            powers[name] = left
        found[tuple((n, p) for n, p in sorted(powers.items()) if p)] = coefficient // scale
    return from_terms(found)


def _fallback(op: Callable[[Any, Any], Any], left: object, right: object) -> Any:
    """The operation in sympy, for what a polynomial cannot hold (or an operand it cannot read)."""
    operands = [value._sympy_() if isinstance(value, Poly) else value for value in (left, right)]
    try:
        result = op(*operands)
    except TypeError:
        return NotImplemented
    return normalize(result)


# Stands for "unbounded" when a comparison asks which side of 0 the far end of a range lies.
_FAR = 10**30


def _compare(left: Poly, right: object, holds: Callable[[int], bool]) -> bool:
    """A comparison decided from the range of left − right over dims ≥ 1; TypeError when the
    dims' values decide it (as sympy's undecided relations do)."""
    value = _coerce(right)
    if value is None:
        return holds(_sign_of_sympy(left._sympy_() - right))
    difference = left - value
    if isinstance(difference, int):
        return holds(difference)
    least, greatest = difference.bounds()
    # the range is [least, ∞) or (-∞, greatest]: decided when both of its ends agree
    if least is not None and holds(least) == holds(least + _FAR):
        return holds(least)
    if greatest is not None and holds(greatest) == holds(greatest - _FAR):
        return holds(greatest)
    raise TypeError(f"cannot determine truth value of a comparison of {left} with {right}")


def _sign_of_sympy(value: Any) -> int:
    """The sign of a sympy expression when its assumptions decide it (TypeError otherwise)."""
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    if value.is_zero:
        return 0
    raise TypeError(f"cannot determine truth value of a comparison involving {value}")


def _text(terms: Terms) -> str:
    """The polynomial as sympy prints it expanded: terms in descending lex order of their
    exponents over the names sorted; `c - x` when a positive constant meets one negative term of
    one factor."""

    def descending(monomial: Monomial) -> tuple[tuple[Any, ...], ...]:
        # the dense exponent vectors' descending lex order, read off the sparse sorted pairs: at
        # the first difference the smaller name, or the higher power of one name, comes first
        return (*((0, name, -power) for name, power in monomial), (1,))

    ordered = sorted(terms.items(), key=lambda term: descending(term[0]))
    if len(ordered) == 2 and ordered[1][0] == () and ordered[1][1] > 0:
        monomial, coefficient = ordered[0]
        if coefficient < 0 and len(monomial) == 1:
            ordered.reverse()
    parts = []
    for monomial, coefficient in ordered:
        factors = "*".join(name if power == 1 else f"{name}**{power}" for name, power in monomial)
        if not factors:
            text = str(coefficient)
        elif coefficient == 1:
            text = factors
        elif coefficient == -1:
            text = f"-{factors}"
        else:
            text = f"{coefficient}*{factors}"
        if not parts:
            parts.append(text)
        elif text.startswith("-"):
            parts.append(f"- {text[1:]}")
        else:
            parts.append(f"+ {text}")
    return " ".join(parts)


@functools.lru_cache(maxsize=4096)
def sympy_symbol(name: str) -> sympy.Symbol:
    """The sympy symbol of the dim called `name`: a positive integer."""
    import sympy

    return sympy.Symbol(name, integer=True, positive=True)


def normalize(value: Dim) -> Dim:
    """A dim in its canonical form: an int, else a Poly, else a sympy expression."""
    if isinstance(value, int | float | Poly):
        return value
    sympy = sys.modules.get("sympy")  # not loaded: the value cannot be a sympy expression
    if sympy is not None and isinstance(value, sympy.Basic):
        return _from_sympy(value)
    return value


@functools.lru_cache(maxsize=65536)
def _from_sympy(value: sympy.Basic) -> Dim:
    """A sympy result as an int or a Poly where it is one (floor(2·x/2) is x), else itself."""
    import sympy

    if value.is_Integer:
        return int(value)
    if not isinstance(value, sympy.Expr) or value.is_number:
        return value
    symbols = sorted(value.free_symbols, key=lambda s: s.name)
    if not all(isinstance(s, sympy.Symbol) for s in symbols):
        return value
    poly = value.as_poly(*symbols)
    if poly is None or not poly.domain.is_ZZ:
        return value
    names = [s.name for s in symbols]
    terms = {
        tuple((name, power) for name, power in zip(names, powers, strict=True) if power): int(coefficient)
        for powers, coefficient in poly.terms()
    }
    result: Dim = 0
    for monomial, coefficient in terms.items():
        term: Dim = coefficient
        for name, power in monomial:
            term = term * Poly.symbol(name) ** power
        result = result + term
    return result
