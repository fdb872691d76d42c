"""`onnxcost sweep`: models × hardware profiles × dim values, one analysis per model."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from onnxcost.cli.options import emit, output_options, tf32_option, with_tf32
from onnxcost.errors import OnnxcostError
from onnxcost.report.sweep import render_csv, render_json, render_table
from onnxcost.shapes.bindings import canonical_name
from onnxcost.sweep import SweepRow, sweep, unused_dims
from onnxcost.types import HardwareProfile


def parse_grid(values: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """('batch=1,8,64', 'seq=128') → {'batch': (1, 8, 64), 'seq': (128,)}."""
    grid: dict[str, tuple[int, ...]] = {}
    for text in values:
        name, sep, numbers = text.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.BadParameter(f"{text!r}: expected NAME=INT[,INT...]", param_hint="--dim")
        try:
            sizes = tuple(int(n) for n in numbers.split(",") if n.strip())
        except ValueError:
            raise click.BadParameter(f"{text!r}: values must be integers", param_hint="--dim") from None
        if not sizes:
            raise click.BadParameter(f"{text!r}: no value given", param_hint="--dim")
        if any(size < 0 for size in sizes):
            raise click.BadParameter(f"{text!r}: a dim cannot be negative", param_hint="--dim")
        name = canonical_name(name)
        if name in grid:
            raise click.BadParameter(f"{name} given twice", param_hint="--dim")
        grid[name] = tuple(dict.fromkeys(sizes))
    return grid


@click.command("sweep")
@click.argument("models", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--hw", "profiles", multiple=True, required=True, metavar="NAME|PATH",
              help="Hardware profile (repeatable): bundled name or a .toml file.")  # fmt: skip
@click.option("--dim", "dims", multiple=True, metavar="NAME=INT[,INT...]",
              help="Values of a named dim to sweep (repeatable); every combination is evaluated; "
              "a model without that dim ignores it.")  # fmt: skip
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(min=1),
              help="Models analyzed in parallel (processes).")  # fmt: skip
@click.option("--fuse/--no-fuse", default=True, show_default=True,
              help="Fuse element-wise epilogues into the Conv/Gemm/MatMul before them.")  # fmt: skip
@tf32_option
@click.option("--qdq", type=click.Choice(["as-run", "as-written"]), default="as-run", show_default=True,
              help="Cost DQ→op→Q patterns as the integer op a runtime runs, or as written.")  # fmt: skip
@click.option("--worst-case", is_flag=True,
              help="Give every size the data decides the upper bound the graph states.")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@output_options(("table", "csv", "json"))
def command(
    models: tuple[str, ...],
    profiles: tuple[str, ...],
    dims: tuple[str, ...],
    jobs: int,
    fuse: bool,
    tf32: bool | None,
    qdq: str,
    worst_case: bool,
    quiet: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Estimate every MODEL on every --hw profile for every combination of --dim values.

    Each model is analyzed once with the swept dims symbolic; each (profile, binding) is then
    evaluated from that analysis.
    """
    grid = parse_grid(dims)
    chosen = [with_tf32(profile, tf32) for profile in profiles]
    rows = _run(models, chosen, grid, jobs, fuse, qdq, worst_case, show=not quiet and sys.stderr.isatty())
    unused = unused_dims(rows, grid)
    if unused:
        raise OnnxcostError(f"--dim {unused[0]}: no model has an input dim of that name")
    misfits = sorted({f"{row.model} on {row.profile}" for row in rows if row.fits is False})
    if misfits:
        listed = ", ".join(misfits[:3]) + (", ..." if len(misfits) > 3 else "")
        click.echo(f"warning: does not fit its profile's memory (the fits column): {listed}", err=True)
    if fmt == "csv":
        emit(render_csv(rows), output)
    elif fmt == "json":
        emit(render_json(rows, grid), output)
    else:
        emit(render_table(rows), output)


def _run(
    models: Sequence[str],
    profiles: Sequence[str | HardwareProfile],
    grid: dict[str, tuple[int, ...]],
    jobs: int,
    fuse: bool,
    qdq: str,
    worst_case: bool,
    show: bool,
) -> list[SweepRow]:
    """The sweep, with a progress bar over models on stderr when `show`."""
    if not show:
        return sweep(models, profiles, grid, jobs, fuse=fuse, qdq=qdq, worst_case=worst_case)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("sweeping models", total=len(models))
        return sweep(models, profiles, grid, jobs, fuse=fuse, qdq=qdq, worst_case=worst_case,
                     on_model_done=lambda _label: progress.advance(task))  # fmt: skip
