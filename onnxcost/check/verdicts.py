"""Budgets and baselines held against a model's figures: one verdict each, with its margin."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from onnxcost.check.budgets import Budget
from onnxcost.errors import OnnxcostError

# Every figure a check reads, with its unit kind ("flag": holds or not).
FIGURE_KINDS = {
    "latency": "seconds", "energy": "joules", "throughput": "rate", "peak-memory": "bytes",
    "model-size": "bytes", "macs": "count", "flops": "count", "params": "count", "fit": "flag",
    "supported": "flag",
}  # fmt: skip
# The figures a baseline (a saved `analyze --format json`) holds, and where.
BASELINE_FIELDS = {
    "macs": ("totals", "macs"), "flops": ("totals", "flops"), "params": ("totals", "params"),
    "model-size": ("totals", "weight_bytes"), "peak-memory": ("totals", "peak_memory_bytes"),
    "latency": ("totals", "latency_s"), "energy": ("totals", "energy_j"),
    "throughput": ("estimate", "throughput_per_s"),
}  # fmt: skip
HARDWARE_FIGURES = frozenset({"latency", "energy", "throughput"})
# Figures that are the same at every binding: a baseline of another binding still compares them.
BINDING_FREE = frozenset({"params", "model-size"})


@dataclass(frozen=True)
class Figures:
    """One model on one target: the value of each figure (None: not computable there) and, for
    the flags, what decided them."""

    values: Mapping[str, float | int | bool | None]
    reasons: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """One check: the figure's value against its limit, how far inside it (`margin`, negative
    beyond it, in the figure's unit; `margin_ratio` = margin ÷ limit), and whether it holds."""

    check: str
    figure: str
    value: float | int | bool | None
    limit: float | int | bool | None
    margin: float | None
    margin_ratio: float | None
    passed: bool
    detail: str = ""
    baseline: float | int | None = None

    @property
    def kind(self) -> str:
        return FIGURE_KINDS[self.figure]


@dataclass(frozen=True)
class TargetResult:
    """One model on one target: its figures and every verdict on them."""

    model: str
    target: str
    hw: str | None
    bindings: Mapping[str, int]
    figures: Figures
    verdicts: tuple[Verdict, ...]
    warnings: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)


@dataclass(frozen=True)
class CheckResult:
    """The whole run: passed when every verdict of every model and target holds."""

    results: tuple[TargetResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


def budget_verdict(budget: Budget, figures: Figures) -> Verdict:
    """A budget held against the figures (a figure they lack is an OnnxcostError)."""
    kind = budget.kind
    value = figures.values.get(kind.figure)
    if value is None:
        raise OnnxcostError(f"{budget.key}: the {kind.figure} is not known for this model and target")
    if kind.sense == "require":
        passed = bool(value) or not budget.limit
        return Verdict(budget.key, kind.figure, bool(value), bool(budget.limit), None, None, passed,
                       figures.reasons.get(kind.figure, ""))  # fmt: skip
    limit = float(budget.limit)
    margin = limit - value if kind.sense == "max" else value - limit
    ratio = margin / limit if limit else None
    return Verdict(budget.key, kind.figure, value, limit, margin, ratio, margin >= 0)


def baseline_figures(document: Mapping[str, Any], where: str) -> dict[str, float | int]:
    """The figures a saved `analyze --format json` report holds (numbers only)."""
    if not isinstance(document, Mapping) or document.get("schema") != "onnxcost.report/1":
        raise OnnxcostError(f"{where}: not an onnxcost report (save one with analyze --format json)")
    found: dict[str, float | int] = {}
    for figure, (section, key) in BASELINE_FIELDS.items():
        value = (document.get(section) or {}).get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            found[figure] = value
    return found


def regression_verdicts(
    current: Mapping[str, float | int | bool | None],
    baseline: Mapping[str, float | int],
    allowed: Mapping[str, float],
    default: float,
    figures: frozenset[str] | None = None,
) -> list[Verdict]:
    """Each figure of both against the baseline: it may grow by `allowed[figure]` (else `default`)
    of the baseline's value; throughput may shrink by as much. `figures`: only these."""
    verdicts = []
    for figure, old in baseline.items():
        new = current.get(figure)
        if (figures is not None and figure not in figures) or not isinstance(new, int | float):
            continue
        share = allowed.get(figure, default)
        if figure == "throughput":
            limit = old * (1 - share)
            margin = new - limit
        else:
            limit = old * (1 + share)
            margin = limit - new
        change = (new - old) / old if old else (0.0 if new == old else float("inf"))
        sign = "-" if figure == "throughput" else "+"
        detail = f"{change:+.1%} against the baseline (allowed {sign}{share:.1%})"
        verdicts.append(Verdict(f"baseline {figure}", figure, new, limit, margin,
                                margin / limit if limit else None, margin >= 0, detail, old))  # fmt: skip
    return verdicts
