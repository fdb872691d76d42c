"""`onnxcost analyze`: the cost report of one model."""

from __future__ import annotations

import click

from onnxcost.api import analyze
from onnxcost.cli.options import (
    emit,
    hardware_options,
    output_options,
    parse_dims,
    parse_inputs,
    shape_options,
)
from onnxcost.report.document import report_document
from onnxcost.report.json_text import render_json


@click.command("analyze")
@click.argument("model", type=click.Path(dir_okay=False))
@shape_options
@output_options(("table", "json"))
@click.option("--top", default=10, show_default=True, help="How many of the costliest nodes.")
@click.option(
    "--if-branch", type=click.Choice(["max", "min", "then", "else"]), default="max",
    show_default=True, help="Which branch an If node costs (max/min by FLOPs).",
)  # fmt: skip
@click.option(
    "--qdq", type=click.Choice(["as-run", "as-written"]), default="as-run", show_default=True,
    help="Cost DQ→op→Q patterns as the integer op a runtime runs, or node by node as written.",
)  # fmt: skip
@hardware_options()
def command(
    model: str,
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    fmt: str,
    output: str | None,
    top: int,
    if_branch: str,
    qdq: str,
    hw: str | None,
    fuse: bool,
    worst_case: bool,
) -> None:
    """Count MACs, FLOPs, parameters and bytes of MODEL, per node and in total."""
    report = analyze(
        model, dims=parse_dims(dims), inputs=parse_inputs(input_shapes), if_branch=if_branch,
        qdq=qdq, hardware=hw, fuse=fuse, worst_case=worst_case,
    )
    if fmt == "json":
        emit(render_json(report_document(report)), output)
    else:
        from onnxcost.report.table import render_table  # rich: only when a table is asked for

        emit(render_table(report, top=top), output)
