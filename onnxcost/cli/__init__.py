"""The command line: a thin click layer over the Python API (no logic of its own)."""

from __future__ import annotations

import sys
import traceback
from typing import Any

import click

from onnxcost.errors import OnnxcostError


class _Group(click.Group):
    """A group that turns onnxcost's errors into one stderr line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OnnxcostError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"onnxcost: error: {exc}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except RecursionError:
            click.echo("onnxcost: error: graph nested too deeply", err=True)
            ctx.exit(2)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            click.echo(
                f"onnxcost: internal error: {first} (rerun with --debug for the traceback)",
                err=True,
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="onnxcost")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Static cost analysis of ONNX models: MACs, FLOPs, parameters, bytes, memory, latency."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    from onnxcost.cli import analyze, ops

    for module in (analyze, ops):
        main.add_command(module.command)
    for optional in ("hardware", "roofline", "schedule", "compare", "sweep"):
        try:
            module = __import__(f"onnxcost.cli.{optional}", fromlist=["command"])
        except ImportError:
            continue
        main.add_command(module.command)


_register()

if __name__ == "__main__":
    sys.exit(main())
