"""`onnxcost compare`: two models side by side, layer by layer."""

from __future__ import annotations

import json
from typing import Any

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
from onnxcost.compare import compare_reports
from onnxcost.report.compare_document import comparison_document, diff_document
from onnxcost.report.compare_text import render_compare_markdown, render_compare_table


@click.command("compare")
@click.argument("model_a", type=click.Path(dir_okay=False))
@click.argument("model_b", type=click.Path(dir_okay=False))
@hardware_options()
@click.option(
    "--qdq", type=click.Choice(["as-run", "as-written"]), default="as-run", show_default=True,
    help="QDQ patterns as the integer ops a runtime runs, or every node as written.",
)  # fmt: skip
@shape_options
@output_options(("table", "json", "md"))
@click.option("--top", default=10, show_default=True, help="How many changed layers to list.")
def command(
    model_a: str,
    model_b: str,
    hw: str | None,
    fuse: bool,
    qdq: str,
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    fmt: str,
    output: str | None,
    top: int,
    worst_case: bool,
) -> None:
    """Compare MODEL_A and MODEL_B (e.g. float vs int8): totals with B/A and matched layers."""
    kwargs: dict[str, Any] = {"dims": parse_dims(dims), "inputs": parse_inputs(input_shapes),
                              "hardware": hw, "fuse": fuse, "qdq": qdq, "worst_case": worst_case}  # fmt: skip
    comparison = compare_reports(analyze(model_a, **kwargs), analyze(model_b, **kwargs))
    if fmt == "json":
        emit(json.dumps(comparison_document(comparison, top), indent=2), output)
        return
    diff = diff_document(comparison, top)
    render = render_compare_markdown if fmt == "md" else render_compare_table
    emit(render(model_a, model_b, diff), output)
