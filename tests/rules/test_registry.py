"""The registry itself: resolution by opset, refusal of duplicates, and a walk of every rule."""

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tests.rules
from onnxcost.rules.index import RULE_MODULES
from onnxcost.rules.registry import INFRASTRUCTURE, DuplicateRuleError, all_rules, resolve, rule
from onnxcost.types import Work
from tests.rules.harness import Case

TEST_DOMAIN = "test.onnxcost"


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module_info in pkgutil.iter_modules(tests.rules.__path__):
        if module_info.name.startswith("test_"):
            module = importlib.import_module(f"tests.rules.{module_info.name}")
            cases.extend(getattr(module, "CASES", []))
    return cases


def test_every_rule_has_a_docstring() -> None:
    missing = [
        f"{domain or 'ai.onnx'}::{op}@{r.since}"
        for (domain, op), variants in all_rules().items()
        for r in variants
        if not r.doc
    ]
    assert not missing, missing


def test_every_rule_has_a_hand_worked_case() -> None:
    covered = {(c.domain, c.op_type) for c in _all_cases()}
    missing = sorted(
        f"{d or 'ai.onnx'}::{op}"
        for d, op in all_rules()
        if (d, op) not in covered and d != TEST_DOMAIN
    )
    assert not missing, f"rules without a test case: {missing}"


def test_duplicate_registration_is_refused() -> None:
    def first(view):
        """FLOPs = 0."""
        return Work()

    rule("__TestOnly", domain=TEST_DOMAIN, since=3)(first)
    with pytest.raises(DuplicateRuleError):
        rule("__TestOnly", domain=TEST_DOMAIN, since=3)(first)


def test_resolution_picks_highest_since_not_above_opset() -> None:
    def old(view):
        """old."""
        return Work(flops=1)

    def new(view):
        """new."""
        return Work(flops=2)

    rule("__Versioned", domain=TEST_DOMAIN, since=1)(old)
    rule("__Versioned", domain=TEST_DOMAIN, since=13)(new)
    assert resolve(TEST_DOMAIN, "__Versioned", 12).fn is old
    assert resolve(TEST_DOMAIN, "__Versioned", 13).fn is new
    assert resolve(TEST_DOMAIN, "__Versioned", 18).fn is new
    assert resolve(TEST_DOMAIN, "__Nothing", 18) is None


def _fresh_python(code: str) -> str:
    """stdout of `code` run by a new interpreter (no rule module imported yet)."""
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_rule_index_is_what_importing_every_module_registers() -> None:
    found = ast.literal_eval(
        _fresh_python("from onnxcost.rules.index_render import registrations; print(repr(registrations()))")
    )
    assert found == RULE_MODULES, "rule modules changed: rerun python -m onnxcost.rules.index_render"


def test_an_analysis_imports_only_the_rule_modules_its_ops_need() -> None:
    code = (
        "import sys; import onnxcost; from tests.rules.test_registry import _tiny_model; "
        "onnxcost.analyze(_tiny_model()); "
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('onnxcost.rules.')))"
    )
    loaded = ast.literal_eval(_fresh_python(code))
    assert set(loaded) <= INFRASTRUCTURE | {"elementwise", "matmul"}, loaded


def _tiny_model():
    """x @ w + b: MatMul and Add only."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    weights = [numpy_helper.from_array(np.ones((4, 2), np.float32), "w"),
               numpy_helper.from_array(np.ones(2, np.float32), "b")]  # fmt: skip
    nodes = [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])
    graph = helper.make_graph(nodes, "tiny", [x], [y], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
