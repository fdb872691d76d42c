"""`onnxcost check`: every model on every target of a plan, held against its budgets and a
baseline. A model is read once and analyzed once per binding its targets share; each target
then adds only its estimate (and, when a budget needs it, its schedule and fit)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onnxcost.api import Analysis, prepare, report
from onnxcost.check.budgets import BudgetPlan, Target
from onnxcost.check.verdicts import (
    BINDING_FREE,
    HARDWARE_FIGURES,
    CheckResult,
    Figures,
    TargetResult,
    budget_verdict,
    regression_verdicts,
)
from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import load_profile
from onnxcost.memory.fit import fit_memory, fit_summary
from onnxcost.memory.plan import weight_bytes
from onnxcost.memory.schedule import MemoryOptions, make_schedule
from onnxcost.model.load import load_model
from onnxcost.symbolic.formulas import few
from onnxcost.types import HardwareProfile, Report


@dataclass(frozen=True)
class Baseline:
    """A saved report of the previous release: its figures, bindings and profile."""

    path: str
    model: str
    figures: Mapping[str, float | int]
    bindings: Mapping[str, int]
    hardware: str | None


def check(
    plan: BudgetPlan,
    baselines: Sequence[Baseline] = (),
    allowed: Mapping[str, float] | None = None,
    default_increase: float = 0.0,
    fuse: bool = True,
    qdq: str = "as-run",
    if_branch: str = "max",
    strict: bool = False,
) -> CheckResult:
    """Every model of `plan` on every target: budgets, and growth against its baseline (a figure
    may grow by `allowed[figure]`, else `default_increase`, of the baseline's value). `strict`:
    latency, energy and throughput budgets are held at the pessimistic end of the estimate's
    interval (the profile's error bars)."""
    if not plan.models:
        raise OnnxcostError("no model to check (name one, or list them under models = [...])")
    profiles = {t.hw: _profile(t.hw) for t in plan.targets if t.hw is not None}
    results = []
    for model in plan.models:
        loaded = load_model(model)
        baseline = _baseline_of(model, baselines, len(plan.models))
        groups: dict[tuple, list[Target]] = {}
        for target in plan.targets:
            profile = profiles.get(target.hw) if target.hw else None
            lowering = (profile.runtime, profile.threads) if profile is not None else ("", 1)
            groups.setdefault((target.binding, lowering), []).append(target)
        for (_, (runtime, threads)), targets in groups.items():
            first = targets[0]
            analysis = prepare(loaded, first.dims, first.inputs, if_branch=if_branch, qdq=qdq,
                               worst_case=first.worst_case, runtime=runtime, threads=threads)  # fmt: skip
            for target in targets:
                profile = profiles.get(target.hw) if target.hw else None
                results.append(_check_target(model, plan, target, analysis, profile, baseline,
                                             allowed or {}, default_increase, fuse, qdq, strict))  # fmt: skip
    return CheckResult(tuple(results))


def _profile(name: str) -> HardwareProfile:
    return load_profile(name)


def _check_target(
    model: str,
    plan: BudgetPlan,
    target: Target,
    analysis: Analysis,
    profile: HardwareProfile | None,
    baseline: Baseline | None,
    allowed: Mapping[str, float],
    default_increase: float,
    fuse: bool,
    qdq: str,
    strict: bool = False,
) -> TargetResult:
    """The figures of one model on one target, its budgets' verdicts and its regressions."""
    budgets = plan.budgets_for(model, target)
    needed = {b.kind.figure for b in budgets}
    result = report(analysis, profile, fuse)
    figures = _figures(result, analysis, target, profile, needed, fuse, qdq)
    strict_warnings = []
    if strict and result.estimate is not None:
        figures, note = _pessimistic(figures, result)
        strict_warnings = [note] if note else []
    for budget in budgets:
        value = figures.values.get(budget.kind.figure)
        if isinstance(value, str):
            raise OnnxcostError(
                f"{budget.key} on {model} ({target.name}): the {budget.kind.figure} is {value}, which "
                f"depends on unbound dims ({few(sorted(_names(value)))}): bind them in the target"
            )
    verdicts = [budget_verdict(budget, figures) for budget in budgets]
    warnings = [*result.warnings, *strict_warnings]
    if baseline is not None:
        comparable = _comparable(baseline, result, warnings)
        current = {k: v for k, v in figures.values.items() if not isinstance(v, bool | str)}
        current["peak-memory"] = result.totals.peak_memory_bytes  # the file order's, as analyze gives
        verdicts += regression_verdicts(current, baseline.figures, allowed, default_increase, comparable)
    return TargetResult(model, target.name, target.hw, dict(result.bindings), figures, tuple(verdicts),
                        tuple(dict.fromkeys(warnings)))  # fmt: skip


def _figures(
    result: Report,
    analysis: Analysis,
    target: Target,
    profile: HardwareProfile | None,
    needed: set[str],
    fuse: bool,
    qdq: str,
) -> Figures:
    """What the budgets read; the schedule and the fit only when a budget needs them."""
    totals = result.totals
    values: dict[str, float | int | bool | str | None] = {
        "macs": _number(totals.macs), "flops": _number(totals.flops), "params": _number(totals.params),
        "model-size": _number(totals.weight_bytes), "supported": not result.unsupported,
        "latency": totals.latency_s, "energy": totals.energy_j,
        "throughput": result.estimate.throughput_per_s if result.estimate else None,
    }  # fmt: skip
    reasons = {"supported": "unsupported: " + ", ".join(f"{op} ×{n}" for op, n in result.unsupported.items())
               if result.unsupported else "every op has a cost rule"}  # fmt: skip
    if needed & {"peak-memory", "fit"}:
        schedule = make_schedule(analysis.graph, target.order, MemoryOptions(fuse=fuse, qdq=qdq))
        values["peak-memory"] = schedule.peak_memory_bytes
        if profile is not None:
            fit = fit_memory(profile, schedule.arena_bytes, weight_bytes(analysis.graph))
            values["fit"] = bool(fit["fits"])
            reasons["fit"] = fit_summary(fit)
    return Figures(values, reasons)


def _pessimistic(figures: Figures, result: Report) -> tuple[Figures, str]:
    """--strict: latency and energy at the high end of their intervals, throughput at the latency's
    high end; a profile without error bars keeps the estimate, and the note says so."""
    estimate = result.estimate
    assert estimate is not None
    if estimate.latency_range_s is None or estimate.energy_range_j is None:
        return figures, f"--strict: {estimate.profile} has no error bars; its budgets hold on the estimate"
    high_s, high_j = estimate.latency_range_s[1], estimate.energy_range_j[1]
    values = dict(figures.values)
    throughput = estimate.throughput_per_s * estimate.latency_s / high_s if high_s else None
    values.update({"latency": high_s, "energy": high_j, "throughput": throughput})
    return Figures(values, figures.reasons), ""


def _number(value: object) -> float | int | str:
    """A figure as a number, or its formula's text when dims are unbound."""
    return value if isinstance(value, int | float) else str(value)


def _names(text: str) -> set[str]:
    import re

    return {name for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)} - {"floor", "ceiling", "Max", "Min"}


def _comparable(baseline: Baseline, result: Report, warnings: list[str]) -> frozenset[str] | None:
    """The figures a baseline can be compared on here: all, unless its binding or profile differ."""
    figures = None
    if dict(baseline.bindings) != dict(result.bindings):
        warnings.append(
            f"baseline {baseline.path} was made with other bindings ({baseline.bindings or 'none'}): "
            "only params and model size are compared"
        )
        return BINDING_FREE
    if baseline.hardware != result.hardware:
        figures = frozenset(set(baseline.figures) - HARDWARE_FIGURES)
    return figures


def _baseline_of(model: str, baselines: Sequence[Baseline], models: int) -> Baseline | None:
    """The baseline saved from this model (same file name), or the only one for the only model."""
    if not baselines:
        return None
    named = [b for b in baselines if os.path.basename(b.model) == os.path.basename(model)]
    if named:
        return named[0]
    if models == 1 and len(baselines) == 1:
        return baselines[0]
    return None


def read_baseline(path: str) -> Baseline:
    """A saved `onnxcost analyze --format json` report as a Baseline."""
    import json

    from onnxcost.check.verdicts import baseline_figures

    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise OnnxcostError(f"{path}: cannot read the baseline ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise OnnxcostError(f"{path}: not JSON ({exc})") from None
    figures = baseline_figures(document, path)
    model = (document.get("model") or {}).get("path") or ""
    return Baseline(path, model, figures, dict(document.get("bindings") or {}), document.get("hardware"))
