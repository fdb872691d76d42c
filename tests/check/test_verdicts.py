"""Budgets and baselines against figures (onnxcost.check.verdicts), margins by hand."""

from __future__ import annotations

import pytest

from onnxcost.check.budgets import BudgetPlan, Override, Target, parse_budget
from onnxcost.check.verdicts import Figures, budget_verdict, regression_verdicts

FIGURES = Figures(
    {"latency": 0.040, "throughput": 25.0, "macs": 2_656_768, "fit": False, "supported": True},
    {"fit": "arena 700,000 B in SRAM (655,360 B): 44,640 B over"},
)


def test_a_maximum_holds_with_its_margin() -> None:
    verdict = budget_verdict(parse_budget("max-latency", "50ms", "t"), FIGURES)
    # 50 ms − 40 ms = 10 ms inside the limit, 20% of it
    assert verdict.passed and verdict.margin == pytest.approx(0.010)
    assert verdict.margin_ratio == pytest.approx(0.2)
    tight = budget_verdict(parse_budget("max-macs", "2.5M", "t"), FIGURES)
    # 2,500,000 − 2,656,768 = −156,768 (−6.27%)
    assert not tight.passed and tight.margin == -156_768 and tight.margin_ratio == pytest.approx(-0.0627072)


def test_a_minimum_and_the_flags() -> None:
    throughput = budget_verdict(parse_budget("min-throughput", "20/s", "t"), FIGURES)
    assert throughput.passed and throughput.margin == pytest.approx(5.0)  # 25/s − 20/s
    fit = budget_verdict(parse_budget("require-fit", True, "t"), FIGURES)
    assert not fit.passed and "44,640 B over" in fit.detail
    assert budget_verdict(parse_budget("require-fit", False, "t"), FIGURES).passed  # not required
    assert budget_verdict(parse_budget("require-supported", True, "t"), FIGURES).passed


def test_regressions_allow_growth_per_figure() -> None:
    current = {"macs": 9_856, "params": 9_216, "latency": 1.1e-3, "throughput": 850.0}
    baseline = {"macs": 8_832, "params": 8_832, "latency": 1.0e-3, "throughput": 1000.0}
    verdicts = {v.figure: v for v in regression_verdicts(current, baseline, {"latency": 0.2}, 0.05)}
    # MACs +11.6% > 5%; params 9,216 / 8,832 = +4.3% ≤ 5%; latency +10% ≤ 20%; throughput −15% < −5%
    assert [f for f, v in verdicts.items() if not v.passed] == ["macs", "throughput"]
    assert verdicts["macs"].limit == pytest.approx(8_832 * 1.05) and verdicts["macs"].baseline == 8_832
    assert "+11.6% against the baseline (allowed +5.0%)" in verdicts["macs"].detail
    assert verdicts["throughput"].limit == pytest.approx(950.0)


def test_overrides_replace_a_targets_budgets_for_the_models_they_match() -> None:
    mcu = Target("mcu", "stm32l4r5", budgets=(parse_budget("max-latency", "250ms", "t"),))
    gpu = Target("gpu", "t4", budgets=(parse_budget("max-latency", "1ms", "t"),))
    slower = Override("ic*.onnx", "mcu", (parse_budget("max-latency", "300ms", "o"),))
    plan = BudgetPlan(("a/ic.onnx", "a/kws.onnx"), (mcu, gpu), (slower,))
    assert plan.budgets_for("a/ic.onnx", mcu)[0].limit == pytest.approx(0.3)
    assert plan.budgets_for("a/kws.onnx", mcu)[0].limit == pytest.approx(0.25)
    assert plan.budgets_for("a/ic.onnx", gpu)[0].limit == pytest.approx(1e-3)
