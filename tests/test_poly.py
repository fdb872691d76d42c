"""onnxcost.symbolic.poly: polynomial dims agree with sympy on values, text and decisions, without it."""

from __future__ import annotations

import pickle
import random
import subprocess
import sys

import pytest
import sympy

from onnxcost.symbolic.formulas import (
    ceildiv,
    dim_max,
    equal,
    floordiv,
    larger,
    normalize,
    parse_dim_param,
    smaller,
    substitute,
    symbol,
    sympy_symbol,
    to_json,
    total,
)
from onnxcost.symbolic.poly import Poly

NAMES = ("batch", "seq", "B", "_h", "unk_9", "unk_10", "x1")


def _random_poly(rng: random.Random) -> Poly | int:
    """A random polynomial over a few of NAMES (built by Poly arithmetic) and its sympy twin."""
    value: Poly | int = 0
    for _ in range(rng.randint(1, 4)):
        term: Poly | int = rng.choice([-7, -2, -1, 1, 1, 2, 3, 512, 393216])
        for _ in range(rng.randint(0, 3)):
            term = term * symbol(rng.choice(NAMES))
        value = value + term
    return value


def _twin(value: Poly | int) -> sympy.Expr:
    return value._sympy_() if isinstance(value, Poly) else sympy.Integer(value)


def test_text_is_the_one_sympy_prints_for_random_polynomials() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        value = _random_poly(rng)
        assert str(value) == str(sympy.expand(_twin(value))), value


@pytest.mark.parametrize(
    ("build", "text"),
    [
        (lambda b, s: 512 * b * s**2 + 393216 * b * s, "512*batch*seq**2 + 393216*batch*seq"),
        (lambda b, s: 3 - s, "3 - seq"),  # sympy puts the constant first here
        (lambda b, s: 3 - 2 * s**2, "3 - 2*seq**2"),
        (lambda b, s: 3 - b * s, "-batch*seq + 3"),  # but not for a product of two dims
        (lambda b, s: -b - 1, "-batch - 1"),
        (lambda b, s: 16 * s + 8, "16*seq + 8"),
    ],
)
def test_text_of_known_formulas(build, text: str) -> None:
    value = build(symbol("batch"), symbol("seq"))
    assert str(value) == text == str(sympy.expand(_twin(value)))
    assert to_json(value) == text


def test_arithmetic_agrees_with_sympy() -> None:
    rng = random.Random(11)
    for _ in range(500):
        a, b = _random_poly(rng), _random_poly(rng)
        for got, want in ((a + b, _twin(a) + _twin(b)), (a - b, _twin(a) - _twin(b)),
                          (a * b, _twin(a) * _twin(b)), (a**2, _twin(a) ** 2)):  # fmt: skip
            assert sympy.expand(_twin(normalize(got)) - want) == 0


def test_arithmetic_that_cancels_every_dim_is_an_int() -> None:
    batch = symbol("batch")
    assert (batch + 3) - batch == 3 and type((batch + 3) - batch) is int
    assert (batch * 6) / (batch * 2) == 3
    assert batch * 0 == 0


def test_exact_division_stays_a_polynomial_and_the_rest_goes_to_sympy() -> None:
    batch, seq = symbol("batch"), symbol("seq")
    # Reshape to [-1, 32] of [batch, seq, 32]: 32·batch·seq / 32 = batch·seq
    assert floordiv(32 * batch * seq, 32) == batch * seq
    assert (64 * batch * seq) / (2 * seq) == 32 * batch
    assert ceildiv(6 * batch, 3) == 2 * batch
    assert to_json(floordiv(batch, 2)) == "floor(batch/2)"
    assert to_json(ceildiv(batch, 2)) == "ceiling(batch/2)"
    # the conv formula floor((H + 2·3 − 7)/2) + 1 at H = 224 is 112
    out = floordiv(symbol("H") + 2 * 3 - 7, 2) + 1
    assert substitute(out, {"H": 224}) == 112


def test_comparisons_decide_what_positive_integer_dims_decide() -> None:
    batch, seq = symbol("batch"), symbol("seq")
    assert batch >= 1 and batch > 0 and not batch < 1  # every dim is at least 1
    assert 2 * batch > batch and batch * seq >= batch
    assert dim_max(batch, 2 * batch) == 2 * batch
    assert smaller(batch * seq, batch) == batch
    with pytest.raises(TypeError):
        bool(batch > 3)  # depends on batch, as sympy's relation would
    assert to_json(dim_max(batch, 3)) == "Max(3, batch)"
    assert dim_max(batch, 1) == batch and larger(batch, 1) == batch  # broadcast or not: batch ≥ 1
    assert larger(seq - 1, 0) == seq - 1 and to_json(larger(seq - 2, 0)) == "Max(0, seq - 2)"
    # exporters compare shapes with −1 and 0: a dim ≥ 1 never equals them
    assert equal(batch, -1) is False and equal(batch, 0) is False and equal(2 * batch, 2 * batch)
    with pytest.raises(TypeError):
        equal(batch, 4)
    assert to_json(smaller(seq, 8)) == "Min(8, seq)"


def test_sympy_results_that_are_polynomials_come_back_as_polys() -> None:
    x = sympy_symbol("x")
    assert normalize(sympy.floor(2 * x / 2)) == symbol("x")
    assert isinstance(normalize(sympy.expand((x + 1) ** 2)), Poly)
    assert normalize(sympy.Integer(5)) == 5
    assert not isinstance(normalize(sympy.floor(x / 2)), Poly)


def test_dim_param_formulas_parse_without_sympy_when_polynomial() -> None:
    assert parse_dim_param("2*seq+1") == 2 * symbol("seq") + 1
    assert parse_dim_param("(a+b)*c") == symbol("a") * symbol("c") + symbol("b") * symbol("c")
    assert to_json(parse_dim_param("seq/2")) == "seq/2"
    assert parse_dim_param("floor(x)") == symbol("floor_x")  # not a formula: one name
    assert parse_dim_param("?") is None


def test_total_collects_terms() -> None:
    batch, seq = symbol("batch"), symbol("seq")
    assert total([batch, 2 * batch, 3, seq, -seq]) == 3 * batch + 3
    assert total([batch, -batch]) == 0
    assert to_json(total([batch, floordiv(seq, 2)])) == "batch + floor(seq/2)"


def test_substitution_and_pickling() -> None:
    value = 512 * symbol("batch") * symbol("seq") ** 2 + 393216 * symbol("batch") * symbol("seq")
    # 512·2·64² + 393216·2·64 = 4,194,304 + 50,331,648
    assert substitute(value, {"batch": 2, "seq": 64}) == 54_525_952
    assert substitute(value, {"batch": 2}) == 1024 * symbol("seq") ** 2 + 786432 * symbol("seq")
    assert pickle.loads(pickle.dumps(value)) == value
    assert hash(pickle.loads(pickle.dumps(value))) == hash(value)


def test_a_symbolic_analysis_of_a_polynomial_model_never_imports_sympy() -> None:
    code = (
        "import sys, onnxcost\n"
        "r = onnxcost.analyze('models/transformer_encoder.onnx')\n"
        "from onnxcost.symbolic.formulas import to_json\n"
        "from onnxcost.util.lazy import is_loaded\n"
        "print(to_json(r.totals.macs), is_loaded('sympy'))\n"
    )
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "512*batch*seq**2 + 393216*batch*seq False"
