"""The command line: a thin click layer over the Python API (no logic of its own)."""

from __future__ import annotations

import atexit
import gc
import importlib
import importlib.util
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import click

from onnxcost.errors import OnnxcostError

# Subcommands, one module each (onnxcost.cli.NAME with a `command`), imported when invoked:
# a run of one command does not pay for the imports of the others.
COMMANDS = ("analyze", "ops", "hardware", "roofline", "schedule", "compare", "sweep", "check", "validate")


@contextmanager
def _no_collections() -> Iterator[None]:
    """Pause the cyclic garbage collector while a command runs (it keeps what it builds until it
    ends, so a collection finds nothing to free but still walks every object made so far: 15 ms
    per pass on a 1,000-node model)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Group(click.Group):
    """A group that turns onnxcost's errors into one stderr line and exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        found = {name for name in COMMANDS if importlib.util.find_spec(f"onnxcost.cli.{name}")}
        return sorted(found | set(super().list_commands(ctx)))

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command line (without cyclic garbage collections: see _no_collections). Usage
        errors are one line on stderr and exit code 2, like onnxcost's own; `--debug` may stand
        anywhere on the line."""
        words = list(sys.argv[1:] if args is None else args)
        cut = words.index("--") if "--" in words else len(words)
        if "--debug" in words[:cut]:
            words = ["--debug", *(w for w in words[:cut] if w != "--debug"), *words[cut:]]
        standalone = kwargs.pop("standalone_mode", True)
        with _no_collections(), warnings.catch_warnings():
            if "--debug" not in words[:1]:  # a library's RuntimeWarning is not a line for the user
                warnings.simplefilter("ignore")
            try:
                # in this mode click returns the code of ctx.exit(...) rather than exiting
                returned = super().main(words, *rest, standalone_mode=False, **kwargs)
                code = returned if isinstance(returned, int) else 0
            except click.exceptions.Exit as exc:
                code = exc.exit_code
            except click.UsageError as exc:
                where = exc.ctx.command_path if exc.ctx is not None else "onnxcost"
                click.echo(f"onnxcost: error: {exc.format_message()} (see {where} --help)", err=True)
                code = 2
            except click.ClickException as exc:
                click.echo(f"onnxcost: error: {exc.format_message()}", err=True)
                code = 2
            except click.Abort:
                click.echo("onnxcost: aborted", err=True)
                code = 1
        if standalone:
            sys.exit(code)
        return code

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            try:
                command = importlib.import_module(f"onnxcost.cli.{name}").command
            except ImportError:
                return None
            self.add_command(command, name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OnnxcostError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                import traceback

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
                import traceback

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


def run() -> NoReturn:
    """`onnxcost` and `python -m onnxcost`: main(), then end the process without tearing the
    interpreter down (freeing onnx, numpy and every analysis object one by one takes longer than
    analyzing a 1,000-node model); output is flushed and atexit hooks run first."""
    gc.disable()  # for good: see _no_collections
    # numpy's OpenBLAS starts a thread per core at import, each spinning for a while: CPU time an
    # analysis never uses (it multiplies no large matrices). Set before numpy is imported.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        main()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe or stream
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
