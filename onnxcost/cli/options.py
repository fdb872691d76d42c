"""Option decorators shared by the commands, and the parsers of their values."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

import click

from onnxcost.errors import ShapeError
from onnxcost.estimate.hardware import load_profile
from onnxcost.types import HardwareProfile
from onnxcost.util.atomic import write_text

F = Callable[..., Any]


def parse_dims(values: tuple[str, ...]) -> dict[str, int]:
    """('batch=8', 'seq=128') → {'batch': 8, 'seq': 128}; ShapeError (one line) for a bad one."""
    dims: dict[str, int] = {}
    for text in values:
        name, sep, number = text.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ShapeError(f"--dim {text!r}: expected NAME=INT")
        try:
            size = int(number)
        except ValueError:
            raise ShapeError(f"--dim {text!r}: {number!r} is not an integer") from None
        if size < 0:
            raise ShapeError(f"--dim {text!r}: a dim cannot be negative")
        if dims.get(name, size) != size:
            raise ShapeError(f"--dim {name} given twice, as {dims[name]} and {size}")
        dims[name] = size
    return dims


def parse_inputs(values: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """('x=1x3x224x224',) → {'x': (1, 3, 224, 224)}; a scalar input is 'x=' ."""
    shapes: dict[str, tuple[int, ...]] = {}
    for text in values:
        name, sep, dims = text.rpartition("=")
        if not sep or not name:
            raise ShapeError(f"--input {text!r}: expected NAME=1x3x224x224 (a scalar: NAME=)")
        try:
            shape = tuple(int(d) for d in dims.lower().replace(",", "x").split("x") if d.strip())
        except ValueError:
            raise ShapeError(f"--input {text!r}: dims must be integers joined by 'x'") from None
        if any(d < 0 for d in shape):
            raise ShapeError(f"--input {text!r}: a dim cannot be negative")
        if shapes.get(name, shape) != shape:
            given = "x".join(map(str, shapes[name]))
            raise ShapeError(f"--input {name} given twice, as {given} and {dims}")
        shapes[name] = shape
    return shapes


def shape_options(fn: F) -> F:
    """--dim, --input (repeatable) and --worst-case."""
    fn = click.option(
        "--worst-case", is_flag=True,
        help="Give every size the data decides (NonZero's count, NMS boxes, a Loop's trips) the "
        "upper bound the graph states, so that every figure is a number.",
    )(fn)  # fmt: skip
    fn = click.option(
        "--input", "input_shapes", multiple=True, metavar="NAME=1x3x224x224",
        help="Bind a whole input shape (repeatable); it binds the dim names the input declares. "
        "A scalar input is NAME= .",
    )(fn)  # fmt: skip
    return click.option(
        "--dim", "dims", multiple=True, metavar="NAME=INT",
        help="Bind a named dim (repeatable): an input's, or one the report names (a Loop's "
        "trips, a data-dependent size).",
    )(fn)  # fmt: skip


def hardware_options(required: bool = False) -> Callable[[F], F]:
    """--hw NAME|PATH (a hardware profile for the roofline estimate), --tf32/--no-tf32 and
    --fuse/--no-fuse; the command receives `hw` as the profile with --tf32 applied."""

    def decorate(fn: F) -> F:
        fn = _with_tf32(fn)
        fn = tf32_option(fn)
        fn = click.option(
            "--fuse/--no-fuse", default=True, show_default=True,
            help="Fuse element-wise epilogues (activation, bias, batch norm, Q/DQ) into the "
            "Conv/Gemm/MatMul before them: no memory round trip, no kernel launch.",
        )(fn)  # fmt: skip
        return click.option(
            "--hw", "hw", required=required, metavar="NAME|PATH",
            help="Hardware profile (bundled name, see `onnxcost hardware list`, or a .toml file): "
            "adds latency, throughput, energy and the bound of every node.",
        )(fn)  # fmt: skip

    return decorate


def tf32_option(fn: F) -> F:
    """--tf32/--no-tf32: float32 matrix work on a GPU profile with a tf32 peak as TF32."""
    return click.option(
        "--tf32/--no-tf32", "tf32", default=None,
        help="Run float32 MatMul/Gemm/Conv as TF32 on tensor cores (GPU profiles with a tf32 peak) "
        "[default: the profile's tf32_matmul, on for Ampere and newer, as onnxruntime-cuda and "
        "TensorRT run them].",
    )(fn)  # fmt: skip


def with_tf32(profile: str | HardwareProfile, tf32: bool | None) -> str | HardwareProfile:
    """The profile with --tf32/--no-tf32 applied (unchanged when the flag is not given)."""
    if tf32 is None:
        return profile
    loaded = load_profile(profile)
    if tf32 and "tf32" not in loaded.peak_ops_per_s:
        raise click.BadParameter(f"{loaded.name} has no tf32 peak", param_hint="--tf32")
    return replace(loaded, tf32_matmul=tf32)


def _with_tf32(fn: F) -> F:
    """Hand `fn` its --hw with --tf32/--no-tf32 applied, in place of both."""

    @functools.wraps(fn)
    def wrapper(*args: Any, tf32: bool | None = None, **kwargs: Any) -> Any:
        if kwargs.get("hw") is not None:
            kwargs["hw"] = with_tf32(kwargs["hw"], tf32)
        elif tf32 is not None:
            raise click.BadParameter("needs --hw", param_hint="--tf32")
        return fn(*args, **kwargs)

    return cast(F, wrapper)


def output_options(formats: tuple[str, ...], default: str = "table") -> Callable[[F], F]:
    """--format and -o/--output."""

    def decorate(fn: F) -> F:
        fn = click.option(
            "-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
            help="Write the result to FILE instead of standard output.",
        )(fn)  # fmt: skip
        return click.option(
            "--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
            help="Output format.",
        )(fn)  # fmt: skip

    return decorate


def emit(text: str, output: str | None) -> None:
    """Print `text`, or write it to the file the user named (whole or not at all)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_text(output, text if text.endswith("\n") else text + "\n")
