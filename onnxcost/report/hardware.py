"""Hardware profiles as text: the `hardware list` table and the `hardware show` figure sheet."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from onnxcost.estimate.hardware import figure_keys, main_memory, peak_for, ridge_point
from onnxcost.report.units import iec, seconds, si
from onnxcost.types import ClassCost, EfficiencyStep, HardwareProfile


def render_profile_list(profiles: list[HardwareProfile], width: int = 120) -> str:
    """One row per profile: name, kind, listed fp16 / int8 peaks, main memory bandwidth, memory levels."""
    table = Table(title="Hardware profiles")
    for name in ("name", "kind", "device", "fp16 peak", "int8 peak", "bandwidth", "memory"):
        table.add_column(name, justify="left" if name in ("name", "kind", "device") else "right")
    for profile in profiles:
        memory = main_memory(profile)
        table.add_row(
            profile.name,
            profile.kind,
            profile.display_name,
            _listed_peak(profile, "float16"),
            _listed_peak(profile, "int8"),
            si(memory.bandwidth_bytes_per_s, "B/s"),
            " / ".join(f"{iec(level.capacity_bytes)} {level.name}" for level in profile.memory),
        )
    return _render(table, width)


def render_profile(profile: HardwareProfile, width: int = 120) -> str:
    """Every figure of a profile with its value and its source."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(f"{profile.display_name} ({profile.name}, {profile.kind})")
    console.print(f"file: {profile.path}")
    if profile.notes:
        console.print(f"notes: {profile.notes}")
    memory = main_memory(profile)
    ridges = ", ".join(f"{dtype} {ridge_point(profile, dtype):.3g}" for dtype in profile.peak_ops_per_s)
    console.print(f"ridge points (FLOP/byte on {memory.name}): {ridges}")
    console.print(
        f"weights from {profile.weights_level}, activations in {profile.activations_level}; "
        f"energy model: {profile.energy_model}"
    )
    console.print("\nfigures (value, then source):")
    figures = profile_figures(profile)
    pad = max(len(key) for key in figures) + 2
    for key, value in figures.items():
        console.print(f"  {key.ljust(pad)}{_format(key, value)}", highlight=False, soft_wrap=True)
        source = profile.sources.get(key, "(no source)")
        for line in textwrap.wrap(source, width - 6, break_on_hyphens=False, break_long_words=False):
            console.print(f"      {line}", highlight=False, soft_wrap=True)
    return buffer.getvalue()


def profile_figures(profile: HardwareProfile) -> dict[str, Any]:
    """{dotted figure key: value} in the order figure_keys lists them."""
    levels = {level.name: level for level in profile.memory}
    figures: dict[str, Any] = {}
    for key in figure_keys(profile):
        head, _, rest = key.partition(".")
        if head == "peak_ops_per_s":
            figures[key] = profile.peak_ops_per_s[rest]
        elif head == "energy_pj_per_op":
            figures[key] = profile.energy_pj_per_op[rest]
        elif head == "memory":
            name, _, field = rest.rpartition(".")
            figures[key] = getattr(levels[name], field)
        elif head in ("op_classes", "op_types"):
            figures[key] = getattr(profile, head)[rest]
        else:
            figures[key] = getattr(profile, key)
    return figures


def profile_document(profile: HardwareProfile) -> dict[str, Any]:
    """A profile as plain JSON values: every figure with its source."""
    return {
        "name": profile.name,
        "display_name": profile.display_name,
        "kind": profile.kind,
        "path": profile.path,
        "weights_level": profile.weights_level,
        "activations_level": profile.activations_level,
        "energy_model": profile.energy_model,
        "notes": profile.notes,
        "figures": {
            key: {"value": _plain(value), "source": profile.sources.get(key)}
            for key, value in profile_figures(profile).items()
        },
    }


def _listed_peak(profile: HardwareProfile, dtype: str) -> str:
    """The peak the profile lists for a dtype ('-' when it lists none)."""
    if dtype not in profile.peak_ops_per_s:
        return "-"
    return si(peak_for(profile, dtype), "OP/s" if dtype.startswith("int") else "FLOP/s")


def _format(key: str, value: Any) -> str:
    """A figure with its unit."""
    if isinstance(value, str):
        return value
    if isinstance(value, ClassCost):
        if value.ops_per_s:
            return ", ".join(f"{si(ops)}: {si(rate, 'OP/s')}" for ops, rate in value.ops_per_s)
        return ", ".join(f"{si(n)}: {seconds(s)}/element" for n, s in value.s_per_element)
    if isinstance(value, Mapping) and key == "cold_start_s":
        return ", ".join(f"{name} +{seconds(extra)}" for name, extra in value.items())
    if isinstance(value, Mapping):
        return ", ".join(f"{name} {_pair(v)}" for name, v in value.items())
    if isinstance(value, tuple):
        return ", ".join(f"≥{si(step.min_amount)}: {step.factor:g}" for step in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.startswith("peak_ops_per_s"):
        return si(value, "OP/s")
    if key.endswith("capacity_bytes"):
        return iec(value)
    if key.endswith("bandwidth_bytes_per_s"):
        return si(value, "B/s")
    if key.endswith("energy_pj_per_byte"):
        return f"{value:g} pJ/B"
    if key.startswith("energy_pj_per_op"):
        return f"{value:g} pJ/op"
    if key.endswith("_s"):
        return seconds(value)
    if key.endswith("_w"):
        return _watts(value)
    if key == "clock_hz":
        return si(value, "Hz")
    return f"{value:g}"


def _pair(value: Any) -> str:
    """A speed-up (2.1×) or an error bar (×0.8–1.3)."""
    if isinstance(value, tuple):
        return f"×{value[0]:.2g}–{value[1]:.2g}"
    return f"{value:.2f}×"


def _watts(value: float) -> str:
    """0.0455 → '45.5 mW'."""
    for scale, prefix in ((1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n")):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {prefix}W"
    return f"{value:g} W"


def _plain(value: Any) -> Any:
    """Efficiency tables as [[min_amount, factor], ...]; other figures as they are."""
    if isinstance(value, tuple) and all(isinstance(v, EfficiencyStep) for v in value):
        return [[step.min_amount, step.factor] for step in value]
    if isinstance(value, ClassCost):
        return (
            {"ops_per_s": [list(p) for p in value.ops_per_s]}
            if value.ops_per_s
            else {"s_per_element": [list(p) for p in value.s_per_element]}
        )
    if isinstance(value, Mapping):
        return {name: list(v) if isinstance(v, tuple) else v for name, v in value.items()}
    return value


def _render(table: Table, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, force_terminal=False, color_system=None).print(table)
    return buffer.getvalue()
