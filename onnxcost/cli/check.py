"""`onnxcost check`: deployment budgets and regressions as a gate (exit 0 pass, 1 fail, 2 bad input)."""

from __future__ import annotations

import json

import click

from onnxcost.check.budgets import (
    BUDGET_KEYS,
    BudgetError,
    BudgetPlan,
    load_budget_file,
    make_target,
    parse_budget,
)
from onnxcost.check.gate import check, read_baseline
from onnxcost.check.units import parse_quantity
from onnxcost.check.verdicts import FIGURE_KINDS
from onnxcost.cli.options import emit, output_options, parse_dims, parse_inputs, shape_options
from onnxcost.report.check import check_document, render_check_markdown, render_check_table, render_junit

# The budget flags: --max-latency 50ms ... (the keys of a budget file, as options).
_LIMITS = [key for key, kind in BUDGET_KEYS.items() if kind.kind != "flag"]
_FLAGS = [key for key, kind in BUDGET_KEYS.items() if kind.kind == "flag"]
_EXAMPLES = {
    "max-latency": "50ms", "max-energy": "5mJ", "min-throughput": "100/s", "max-peak-memory": "256KiB",
    "max-model-size": "1MiB", "max-macs": "10M", "max-params": "2M",
}  # fmt: skip
_LABELS = {"latency": "the latency", "energy": "the energy per run", "throughput": "the throughput",
           "peak-memory": "the peak of live activations", "model-size": "the weight bytes as stored",
           "macs": "the MACs", "params": "the parameters"}  # fmt: skip
_FLAG_HELP = {"require-fit": "the arena and the weights fit the target's memory",
              "require-supported": "every op has a cost rule"}  # fmt: skip


def _budget_options(fn):  # type: ignore[no-untyped-def]
    for key in reversed(_FLAGS):
        fn = click.option(f"--{key}", key.replace("-", "_"), is_flag=True, default=None,
                          help=f"Fail unless {_FLAG_HELP[key]}.")(fn)  # fmt: skip
    for key in reversed(_LIMITS):
        bound = "at least" if key.startswith("min") else "at most"
        fn = click.option(f"--{key}", key.replace("-", "_"), metavar=_EXAMPLES[key],
                          help=f"Budget: {_LABELS[BUDGET_KEYS[key].figure]} {bound} this.")(fn)  # fmt: skip
    return fn


@click.command("check")
@click.argument("models", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--hw", "hws", multiple=True, metavar="NAME|PATH",
              help="A target profile (repeatable: every budget on every profile).")  # fmt: skip
@shape_options
@click.option("--order", type=click.Choice(["topo", "min-memory"]), default="topo", show_default=True,
              help="Execution order for peak memory and fit.")  # fmt: skip
@_budget_options
@click.option("--budget", "budget_file", type=click.Path(dir_okay=False), default=None,
              help="A budget file (TOML): targets, models, budgets, overrides (see the README).")  # fmt: skip
@click.option("--baseline", "baselines", multiple=True, type=click.Path(dir_okay=False),
              help="A saved `analyze --format json` of the previous release (repeatable, matched by "
              "model file name).")  # fmt: skip
@click.option("--max-increase", "increases", multiple=True, metavar="5%|FIGURE=3%",
              help="How much a figure may grow over the baseline: for all figures, or FIGURE=PCT "
              "(macs, flops, params, model-size, peak-memory, latency, energy, throughput); "
              "default 0%.")  # fmt: skip
@output_options(("table", "json", "md"))
@click.option("--junit", "junit", type=click.Path(dir_okay=False), default=None,
              help="Also write a JUnit XML report (one testcase per model × target × check).")  # fmt: skip
@click.option("--fuse/--no-fuse", default=True, show_default=True, help="Fuse element-wise epilogues.")
@click.option("--qdq", type=click.Choice(["as-run", "as-written"]), default="as-run", show_default=True,
              help="Cost DQ→op→Q patterns as the integer op a runtime runs, or as written.")  # fmt: skip
@click.option("--if-branch", type=click.Choice(["max", "min", "then", "else"]), default="max",
              show_default=True, help="Which branch an If node costs.")  # fmt: skip
@click.option("--strict", is_flag=True,
              help="Hold latency, energy and throughput budgets at the pessimistic end of the "
              "estimate's interval (the profile's error bars), not at the estimate.")  # fmt: skip
@click.pass_context
def command(
    ctx: click.Context,
    models: tuple[str, ...],
    hws: tuple[str, ...],
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    worst_case: bool,
    order: str,
    budget_file: str | None,
    baselines: tuple[str, ...],
    increases: tuple[str, ...],
    fmt: str,
    output: str | None,
    junit: str | None,
    fuse: bool,
    qdq: str,
    if_branch: str,
    strict: bool,
    **limits: str | bool | None,
) -> None:
    """Hold MODELS against deployment budgets (and a baseline): exit 0 when every check holds,
    1 when one fails, 2 on bad input."""
    flagged = [parse_budget(key, limits[key.replace("-", "_")], f"--{key}")
               for key in BUDGET_KEYS if limits.get(key.replace("-", "_")) is not None]  # fmt: skip
    if not (flagged or budget_file or baselines):
        raise BudgetError("no budget to check: give one (--max-latency 50ms ...), --budget or --baseline")
    plan = _plan(models, hws, dims, input_shapes, worst_case, order, budget_file, flagged)
    default, allowed = _increases(increases)
    saved = [read_baseline(path) for path in baselines]
    result = check(plan, saved, allowed, default, fuse=fuse, qdq=qdq, if_branch=if_branch, strict=strict)
    if fmt == "json":
        emit(json.dumps(check_document(result), indent=2), output)
    elif fmt == "md":
        emit(render_check_markdown(result), output)
    else:
        emit(render_check_table(result), output)
    if junit is not None:
        emit(render_junit(result), junit)
    if not result.passed:
        ctx.exit(1)


def _plan(
    models: tuple[str, ...],
    hws: tuple[str, ...],
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    worst_case: bool,
    order: str,
    budget_file: str | None,
    flagged: list,
) -> BudgetPlan:
    """The plan from a budget file (flags add to every target) or from the flags alone."""
    if budget_file is not None:
        if hws:
            raise BudgetError("--hw: with --budget the targets come from the budget file")
        plan = load_budget_file(budget_file, flagged)
        return BudgetPlan(models=(*models, *(m for m in plan.models if m not in models)),
                          targets=plan.targets, overrides=plan.overrides)  # fmt: skip
    shapes = {name: list(shape) for name, shape in parse_inputs(input_shapes).items()}
    table = {"dims": parse_dims(dims), "inputs": shapes, "order": order, "worst-case": worst_case}
    targets = [make_target({**table, "hw": hw}, flagged, f"--hw {hw}") for hw in hws] or [
        make_target(table, flagged, "onnxcost check", hw_hint="add --hw NAME")
    ]
    return BudgetPlan(models=models, targets=tuple(targets))


def _increases(values: tuple[str, ...]) -> tuple[float, dict[str, float]]:
    """--max-increase 5% (every figure) and FIGURE=3% (one figure)."""
    default = 0.0
    allowed: dict[str, float] = {}
    for text in values:
        figure, sep, share = text.rpartition("=")
        if not sep:
            default = parse_quantity(text, "percent", "--max-increase")
            continue
        if figure not in FIGURE_KINDS or FIGURE_KINDS[figure] == "flag":
            known = ", ".join(f for f, k in FIGURE_KINDS.items() if k != "flag")
            raise BudgetError(f"--max-increase {text}: no figure {figure!r} (figures: {known})")
        allowed[figure] = parse_quantity(share, "percent", f"--max-increase {figure}")
    return default, allowed
