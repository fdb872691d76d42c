"""Budgets and targets: from command-line flags or a budget file (TOML), validated.

A budget file holds the models (globs, relative to the file), one `[[target]]` table per
deployment target (its `hw`, the dims or input shapes to bind, the memory order and its
budgets), `[defaults]` budgets every target starts from, and `[[override]]` tables that change
budgets for the models a glob matches (on every target, or on the one it names).
"""

from __future__ import annotations

import fnmatch
import glob
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from onnxcost.check.units import Kind, parse_quantity
from onnxcost.errors import OnnxcostError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Sense = Literal["max", "min", "require"]


@dataclass(frozen=True)
class BudgetKind:
    """What a budget key limits: the figure, its unit kind and which way it must hold."""

    figure: str
    kind: Kind | Literal["flag"]
    sense: Sense
    needs_hw: bool


BUDGET_KEYS: dict[str, BudgetKind] = {
    "max-latency": BudgetKind("latency", "seconds", "max", True),
    "max-energy": BudgetKind("energy", "joules", "max", True),
    "min-throughput": BudgetKind("throughput", "rate", "min", True),
    "max-peak-memory": BudgetKind("peak-memory", "bytes", "max", False),
    "max-model-size": BudgetKind("model-size", "bytes", "max", False),
    "max-macs": BudgetKind("macs", "count", "max", False),
    "max-params": BudgetKind("params", "count", "max", False),
    "require-fit": BudgetKind("fit", "flag", "require", True),
    "require-supported": BudgetKind("supported", "flag", "require", False),
}
ORDERS = ("topo", "min-memory")
TARGET_KEYS = {"name", "hw", "dims", "inputs", "order", "worst-case"}
OVERRIDE_KEYS = {"model", "target"}
FILE_KEYS = {"models", "defaults", "target", "override"}


class BudgetError(OnnxcostError):
    """A budget file or flag that is not valid: one line naming where."""


@dataclass(frozen=True)
class Budget:
    """One limit: `max-latency` at 0.05 s, as the user wrote it (`50ms`)."""

    key: str
    limit: float | bool
    text: str

    @property
    def kind(self) -> BudgetKind:
        return BUDGET_KEYS[self.key]


@dataclass(frozen=True)
class Target:
    """A deployment target: a profile (or none), the binding to analyze at, and its budgets."""

    name: str
    hw: str | None
    dims: Mapping[str, int] = field(default_factory=dict)
    inputs: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    order: str = "topo"
    worst_case: bool = False
    budgets: tuple[Budget, ...] = ()

    @property
    def binding(self) -> tuple:
        """What the analysis depends on: targets that share it share one analysis."""
        return (tuple(sorted(self.dims.items())), tuple(sorted(self.inputs.items())), self.worst_case)


@dataclass(frozen=True)
class Override:
    """Budgets that replace a target's for the models `model` (a glob) matches."""

    model: str
    target: str | None
    budgets: tuple[Budget, ...]


@dataclass(frozen=True)
class BudgetPlan:
    """What one `check` run checks: every model on every target."""

    models: tuple[str, ...]
    targets: tuple[Target, ...]
    overrides: tuple[Override, ...] = ()

    def budgets_for(self, model: str, target: Target) -> tuple[Budget, ...]:
        """The target's budgets with every matching override applied, in file order."""
        by_key = {b.key: b for b in target.budgets}
        for override in self.overrides:
            if override.target not in (None, target.name):
                continue
            names = (model, os.path.basename(model))
            if any(fnmatch.fnmatch(name, override.model) for name in names):
                by_key.update({b.key: b for b in override.budgets})
        return tuple(by_key.values())


def parse_budget(key: str, value: Any, where: str) -> Budget:
    """A budget from its key and value (`max-latency`, `"50ms"`; `require-fit`, true)."""
    if key not in BUDGET_KEYS:
        known = ", ".join(BUDGET_KEYS)
        raise BudgetError(f"{where}: unknown budget {key!r} (known: {known})")
    kind = BUDGET_KEYS[key]
    if kind.kind == "flag":
        if not isinstance(value, bool):
            raise BudgetError(f"{where}: {key} is true or false, not {value!r}")
        return Budget(key, value, str(value).lower())
    limit = parse_quantity(value, kind.kind, where if where.endswith(key) else f"{where}: {key}")
    return Budget(key, limit, str(value))


def _budgets(
    table: Mapping[str, Any], allowed: set[str], where: str
) -> tuple[dict[str, Any], tuple[Budget, ...]]:
    """Split a table into its own keys and its budgets; an unknown key is an error."""
    own: dict[str, Any] = {}
    budgets = []
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        if key in allowed:
            own[key] = value
        elif key in BUDGET_KEYS:
            budgets.append(parse_budget(key, value, where))
        else:
            known = ", ".join(sorted(allowed | set(BUDGET_KEYS)))
            raise BudgetError(f"{where}: unknown key {raw_key!r} (known: {known})")
    return own, tuple(budgets)


def _shape(text: Any, where: str) -> tuple[int, ...]:
    """An input shape written `1x3x224x224` or as a list of ints."""
    if isinstance(text, list) and all(isinstance(d, int) and not isinstance(d, bool) for d in text):
        return tuple(text)
    parts = text.lower().replace(",", "x").split("x") if isinstance(text, str) else []
    if parts and all(d.strip().isdigit() for d in parts if d.strip()):
        return tuple(int(d) for d in parts if d.strip())
    raise BudgetError(f"{where}: {text!r} is not a shape (write \"1x3x224x224\" or [1, 3, 224, 224])")


def make_target(
    table: Mapping[str, Any], defaults: Iterable[Budget], where: str, hw_hint: str = 'hw = "NAME"'
) -> Target:
    """A Target from a `[[target]]` table (or the flags), starting from `defaults`; `hw_hint` says
    how to give a profile where a budget needs one."""
    own, budgets = _budgets(table, TARGET_KEYS, where)
    hw = own.get("hw")
    if hw is not None and not isinstance(hw, str):
        raise BudgetError(f"{where}: hw is a profile name or a .toml path, not {hw!r}")
    dims = own.get("dims", {})
    if not isinstance(dims, Mapping) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in dims.values()
    ):
        raise BudgetError(f"{where}: dims is a table of names to non-negative integers, not {dims!r}")
    inputs = own.get("inputs", {})
    if not isinstance(inputs, Mapping):
        raise BudgetError(f"{where}: inputs is a table of input names to shapes, not {inputs!r}")
    order = own.get("order", "topo")
    if order not in ORDERS:
        raise BudgetError(f"{where}: order is {' or '.join(ORDERS)}, not {order!r}")
    worst_case = own.get("worst-case", False)
    if not isinstance(worst_case, bool):
        raise BudgetError(f"{where}: worst-case is true or false, not {worst_case!r}")
    merged = {b.key: b for b in defaults} | {b.key: b for b in budgets}
    label = own.get("name") or hw or "model"
    target = Target(name=str(label), hw=hw, dims=dict(dims), order=order, worst_case=worst_case,
                    inputs={k: _shape(v, f"{where}: inputs.{k}") for k, v in inputs.items()},
                    budgets=tuple(merged.values()))  # fmt: skip
    for budget in target.budgets:
        if budget.kind.needs_hw and hw is None:
            raise BudgetError(f"{where}: {budget.key} needs a hardware profile ({hw_hint})")
    return target


def load_budget_file(path: str | os.PathLike[str], extra: Iterable[Budget] = ()) -> BudgetPlan:
    """The plan a budget file describes; `extra` budgets (from flags) apply on every target."""
    where = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise BudgetError(f"{where}: cannot read the budget file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BudgetError(f"{where}: not valid TOML ({exc})") from None
    unknown = set(data) - FILE_KEYS
    if unknown:
        known = ", ".join(sorted(FILE_KEYS))
        raise BudgetError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {known})")
    _, defaults = _budgets(data.get("defaults", {}), set(), f"{where}: [defaults]")
    defaults = tuple({b.key: b for b in (*defaults, *extra)}.values())
    tables = data.get("target", [])
    if not isinstance(tables, list) or not tables:
        raise BudgetError(f"{where}: no [[target]] table (each gives hw and the budgets of one target)")
    targets = tuple(make_target(t, defaults, f"{where}: [[target]] {i + 1}") for i, t in enumerate(tables))
    names = [t.name for t in targets]
    if len(set(names)) != len(names):
        twice = sorted(n for n in names if names.count(n) > 1)[0]
        raise BudgetError(f"{where}: two targets are named {twice!r}")
    overrides = []
    for i, table in enumerate(data.get("override", [])):
        label = f"{where}: [[override]] {i + 1}"
        own, budgets = _budgets(table, OVERRIDE_KEYS, label)
        if not isinstance(own.get("model"), str):
            raise BudgetError(f"{label}: model = \"GLOB\" says which models it applies to")
        if own.get("target") is not None and own["target"] not in names:
            raise BudgetError(f"{label}: no target named {own['target']!r} (targets: {', '.join(names)})")
        overrides.append(Override(own["model"], own.get("target"), budgets))
    base = Path(where).parent
    models = data.get("models", [])
    if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
        raise BudgetError(f"{where}: models is a list of paths or globs")
    return BudgetPlan(models=tuple(expand_models(models, base, where)), targets=targets,
                      overrides=tuple(overrides))  # fmt: skip


def expand_models(patterns: Iterable[str], base: Path, where: str) -> list[str]:
    """Paths matching each glob (relative to `base`), in order; a glob matching nothing is an error."""
    found: list[str] = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        matches = sorted(glob.glob(full, recursive=True)) if glob.has_magic(full) else [full]
        if not matches:
            raise BudgetError(f"{where}: {pattern!r} matches no file")
        found.extend(m for m in matches if m not in found)
    return found
