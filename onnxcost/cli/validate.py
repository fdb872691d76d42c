"""`onnxcost validate`: the estimate against onnxruntime's own run of the model on this host."""

from __future__ import annotations

import json

import click

from onnxcost.cli.options import emit, output_options, parse_dims, parse_inputs, shape_options
from onnxcost.measure.profile import read_feeds
from onnxcost.measure.validation import validate
from onnxcost.report.validation import nonfinite_note, render_validation, validation_document


@click.command("validate")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--hw", "hw", default="generic-x86", show_default=True, metavar="NAME|PATH",
              help="The profile whose estimate is checked (a calibrated host profile).")  # fmt: skip
@shape_options
@click.option("--runs", default=20, show_default=True, type=click.IntRange(min=1),
              help="Timed runs after 3 warm-ups; the median is the measured latency.")  # fmt: skip
@click.option("--threads", default=None, type=click.IntRange(min=1),
              help="onnxruntime's intra-op threads [default: the profile's].")  # fmt: skip
@click.option("--feeds", "feeds_path", default=None, metavar="FILE.npz", type=click.Path(dir_okay=False),
              help="Inputs to run the model on (numpy.savez, arrays by input name; their shapes bind "
                   "the inputs); any input not in it gets random data.")  # fmt: skip
@click.option("--if-branch", type=click.Choice(["max", "min", "then", "else"]), default="max",
              show_default=True, help="Which branch an If node costs (max/min by FLOPs): the one its "
                                      "inputs take in the run.")  # fmt: skip
@output_options(("table", "json"))
def command(
    model: str,
    hw: str,
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    worst_case: bool,
    runs: int,
    threads: int | None,
    feeds_path: str | None,
    if_branch: str,
    fmt: str,
    output: str | None,
) -> None:
    """Run MODEL with onnxruntime (CPU) and compare the measured latency with the estimate, by op
    class and in total."""
    feeds = read_feeds(feeds_path) if feeds_path else None
    result = validate(
        model, hw, parse_dims(dims), parse_inputs(input_shapes), threads, runs, feeds, if_branch
    )
    if result.nonfinite_outputs:
        click.echo(f"warning: {nonfinite_note(result)}", err=True)
    if fmt == "json":
        emit(json.dumps(validation_document(result), indent=2), output)
    else:
        emit(render_validation(result), output)
