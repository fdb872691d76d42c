"""The registry itself: resolution by opset, refusal of duplicates, and a walk of every rule."""

import importlib
import pkgutil

import pytest

import tests.rules
from onnxcost.rules.registry import DuplicateRuleError, all_rules, resolve, rule
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
