"""`onnxcost hardware list|show`: the bundled hardware profiles and their sourced figures."""

from __future__ import annotations

import json

import click

from onnxcost.cli.options import emit, output_options
from onnxcost.hardware import list_profiles, load_profile
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
