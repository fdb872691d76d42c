"""`onnxcost roofline`: the roofline chart of one model on one hardware profile."""

from __future__ import annotations

import click

from onnxcost.api import analyze
from onnxcost.cli.options import hardware_options, parse_dims, parse_inputs, shape_options
from onnxcost.estimate.hardware import load_profile
from onnxcost.report.roofline import check_chart_path, write_roofline


@click.command("roofline")
@click.argument("model", type=click.Path(dir_okay=False))
@shape_options
@hardware_options(required=True)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
    help="Chart file: .png, .svg or .pdf.",
)  # fmt: skip
@click.option(
    "--qdq", type=click.Choice(["as-run", "as-written"]), default="as-run", show_default=True,
    help="Cost DQ→op→Q patterns as the integer op a runtime runs, or node by node as written.",
)  # fmt: skip
def command(
    model: str,
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    hw: str,
    fuse: bool,
    output: str,
    qdq: str,
    worst_case: bool,
) -> None:
    """Draw the roofline of MODEL on a hardware profile: ceilings, ridge point, one point per node."""
    check_chart_path(output)
    profile = load_profile(hw)
    report = analyze(model, dims=parse_dims(dims), inputs=parse_inputs(input_shapes),
                     qdq=qdq, hardware=profile, fuse=fuse, worst_case=worst_case)  # fmt: skip
    path = write_roofline(report, profile, output)
    click.echo(f"wrote {path}")
