"""`onnxcost schedule`: execution order, peak memory, arena plan and fit of one model."""

from __future__ import annotations

import json

import click

from onnxcost.cli.options import emit, output_options, parse_dims, parse_inputs, shape_options
from onnxcost.memory.plan import schedule_model
from onnxcost.memory.schedule import ORDERS, MemoryOptions
from onnxcost.report.schedule import render_schedule, schedule_document


@click.command("schedule")
@click.argument("model", type=click.Path(dir_okay=False))
@shape_options
@click.option("--hw", "hw", default=None, metavar="NAME|FILE",
              help="Check the fit on a hardware profile (bundled name or .toml path).")
@click.option("--order", type=click.Choice(ORDERS), default="topo", show_default=True,
              help="topo: the file order; min-memory: an order of smallest peak.")
@click.option("--inplace/--no-inplace", default=True, show_default=True,
              help="Element-wise ops overwrite a dying input; views (Reshape...) never copy.")
@click.option("--fuse/--no-fuse", default=True, show_default=True,
              help="Activations and bias adds after Conv/Gemm/MatMul run inside them.")
@click.option("--inplace-depthwise", is_flag=True,
              help="MCUNet-style: a depthwise Conv overwrites its input (same size).")
@output_options(("table", "json"))
@click.option("--top", default=10, show_default=True, help="How many of the largest buffers.")
def command(
    model: str,
    dims: tuple[str, ...],
    input_shapes: tuple[str, ...],
    hw: str | None,
    order: str,
    inplace: bool,
    fuse: bool,
    inplace_depthwise: bool,
    fmt: str,
    output: str | None,
    top: int,
    worst_case: bool,
) -> None:
    """Order MODEL's nodes, find its peak activation memory and plan one arena for it."""
    profile = None
    if hw is not None:
        from onnxcost.estimate.hardware import ProfileError, load_profile

        try:
            profile = load_profile(hw)
        except ProfileError as error:
            raise click.BadParameter(str(error), param_hint="--hw") from None
    options = MemoryOptions(inplace=inplace, fuse=fuse, inplace_depthwise=inplace_depthwise)
    schedule, bindings = schedule_model(model, parse_dims(dims), parse_inputs(input_shapes),
                                        order, options, profile, worst_case=worst_case)  # fmt: skip
    if fmt == "json":
        emit(json.dumps(schedule_document(schedule, model, bindings), indent=2), output)
    else:
        emit(render_schedule(schedule, model, top=top), output)
