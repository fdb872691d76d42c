"""`onnxcost hardware list|show|calibrate`: the bundled hardware profiles and their sourced figures,
and a profile measured on this host."""

from __future__ import annotations

import json
import os
import sys

import click

from onnxcost.cli.options import emit, output_options
from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import list_profiles, load_profile
from onnxcost.report.hardware import profile_document, render_profile, render_profile_list


@click.group("hardware")
def command() -> None:
    """Hardware profiles for the roofline estimate (--hw)."""


@command.command("list")
@output_options(("table", "json"))
def list_command(fmt: str, output: str | None) -> None:
    """Every bundled profile: kind, fp16 and int8 peaks, main memory bandwidth and size."""
    profiles = list_profiles()
    if fmt == "json":
        emit(json.dumps([profile_document(p) for p in profiles], indent=2), output)
    else:
        emit(render_profile_list(profiles), output)


@command.command("show")
@click.argument("profile", metavar="NAME|PATH")
@output_options(("table", "json"))
def show_command(profile: str, fmt: str, output: str | None) -> None:
    """Every figure of one profile (bundled name or .toml path) with its source."""
    loaded = load_profile(profile)
    if fmt == "json":
        emit(json.dumps(profile_document(loaded), indent=2), output)
    else:
        emit(render_profile(loaded), output)


@command.command("calibrate")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="The profile to write (several thread counts: PATH-t<N>.toml each).",
)
@click.option(
    "--threads",
    "threads",
    default=None,
    metavar="N[,N...]",
    help="onnxruntime intra-op thread counts to calibrate [default: every logical core].",
)
@click.option("--quick", is_flag=True, help="Half the benchmark sizes (about half the time).")
def calibrate_command(output: str, threads: str | None, quick: bool) -> None:
    """Measure this host with onnxruntime's CPU provider and write a profile of it: per op class
    and size, the rate or per-element cost; bandwidths; per-node and per-run overheads."""
    from onnxcost.measure.calibration.bench import benchmarks
    from onnxcost.measure.calibration.calibrate import calibrate, output_paths
    from onnxcost.measure.calibration.run import passes

    counts = _thread_counts(threads)
    for path in output_paths(output, counts).values():
        if not path.parent.is_dir():
            raise OnnxcostError(f"-o {path}: folder {path.parent} does not exist")
    total = (len(list(benchmarks(quick))) + 1) * passes(quick)
    with click.progressbar(length=total * len(counts), label="calibrating", file=sys.stderr,
                           item_show_func=lambda item: item) as bar:  # fmt: skip

        def progress(count: int, label: str) -> None:
            bar.update(1, f"{count} thread{'s' if count > 1 else ''}: {label}")

        paths = calibrate(output, counts, quick, progress)
    for count, path in paths.items():
        click.echo(f"wrote {path} ({count} thread{'s' if count > 1 else ''}): use it with --hw {path}")


def _thread_counts(text: str | None) -> list[int]:
    """'1,2' → [1, 2]; None → [logical cores]."""
    if text is None:
        return [os.cpu_count() or 1]
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise OnnxcostError(f"--threads {text!r}: thread counts like 1,2") from None
    if not counts or min(counts) < 1:
        raise OnnxcostError(f"--threads {text!r}: thread counts of 1 or more")
    return sorted(set(counts))
