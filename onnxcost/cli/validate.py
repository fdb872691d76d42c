"""`onnxcost validate`: the estimate against onnxruntime's own run of the model on this host."""

from __future__ import annotations

import json

import click

from onnxcost.cli.options import emit, output_options, parse_dims, parse_inputs, shape_options
from onnxcost.measure.validation import validate
from onnxcost.report.validation import render_validation, validation_document


@click.command("validate")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--hw", "hw", default="generic-x86", show_default=True, metavar="NAME|PATH",
              help="The profile whose estimate is checked (a calibrated host profile).")  # fmt: skip
@shape_options
@click.option("--runs", default=20, show_default=True, type=click.IntRange(min=1),
              help="Timed runs after 3 warm-ups; the median is the measured latency.")  # fmt: skip
@click.option("--threads", default=None, type=click.IntRange(min=1),
              help="onnxruntime's intra-op threads [default: the profile's].")  # fmt: skip
@output_options(("table", "json"))
def command(
    model: str,
    hw: str,
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    worst_case: bool,
    runs: int,
    threads: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Run MODEL with onnxruntime (CPU) and compare the measured latency with the estimate, by op
    class and in total."""
    result = validate(model, hw, parse_dims(dims), parse_inputs(input_shapes), threads, runs)
    if fmt == "json":
        emit(json.dumps(validation_document(result), indent=2), output)
    else:
        emit(render_validation(result), output)
