"""The schedule's outputs: the `onnxcost.memory.schedule/1` JSON document and the text tables."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from onnxcost.report.units import iec
from onnxcost.types import Schedule

SCHEMA = "onnxcost.memory.schedule/1"


def schedule_document(
    schedule: Schedule, model_path: str = "", bindings: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """Order, peak (step, node, tensors), lower bound, arena, buffers with offsets, fit."""
    order = list(schedule.order)
    return {
        "schema": SCHEMA,
        "model": model_path,
        "bindings": dict(bindings or {}),
        "strategy": schedule.strategy,
        "method": schedule.method,
        "inplace": schedule.inplace,
        "fuse": schedule.fuse,
        "order": order,
        "peak_memory_bytes": schedule.peak_memory_bytes,
        "peak_step": schedule.peak_step,
        "peak_node": order[schedule.peak_step] if order else None,
        "peak_tensors": list(schedule.peak_tensors),
        "topo_peak_bytes": schedule.topo_peak_bytes,
        "lower_bound_bytes": schedule.lower_bound_bytes,
        "arena_bytes": schedule.arena_bytes,
        "buffers": [dict(b) for b in schedule.buffers],
        "fit": None if schedule.fit is None else dict(schedule.fit),
        "fits": None if schedule.fit is None else bool(schedule.fit["fits"]),
        "warnings": list(schedule.warnings),
    }


def render_schedule(schedule: Schedule, model_path: str = "", top: int = 10, width: int = 120) -> str:
    """Summary, the fit when a profile was given, and the largest buffers of the arena."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    summary = Table(title=f"onnxcost schedule: {model_path or 'model'}", show_header=False)
    summary.add_column("figure")
    summary.add_column("value", justify="right")
    summary.add_row("order", f"{schedule.strategy} ({schedule.method})")
    summary.add_row("in-place / fusion", f"{_on(schedule.inplace)} / {_on(schedule.fuse)}")
    summary.add_row("steps", str(len(schedule.order)))
    summary.add_row("peak memory", _bytes(schedule.peak_memory_bytes))
    if schedule.order:
        summary.add_row("peak at", f"step {schedule.peak_step}: {schedule.order[schedule.peak_step]}")
    if schedule.topo_peak_bytes is not None and schedule.strategy != "topo":
        summary.add_row("file order peak", _bytes(schedule.topo_peak_bytes))
    summary.add_row("lower bound", _bytes(schedule.lower_bound_bytes))
    ratio = schedule.arena_bytes / schedule.lower_bound_bytes if schedule.lower_bound_bytes else 1.0
    summary.add_row("arena", f"{_bytes(schedule.arena_bytes)} ({ratio:.3f}× the bound)")
    console.print(summary)
    if schedule.fit is not None:
        console.print(_fit_table(schedule.fit))
    if top > 0 and schedule.buffers:
        table = Table(title=f"Largest buffers (of {len(schedule.buffers)})")
        for name in ("tensor", "size", "offset", "first step", "last step"):
            table.add_column(name, justify="left" if name == "tensor" else "right")
        for b in sorted(schedule.buffers, key=lambda b: -b["size"])[:top]:
            table.add_row(b["tensor"], _bytes(b["size"]), str(b["offset"]), str(b["first_step"]),
                          str(b["last_step"]))  # fmt: skip
        console.print(table)
    for warning in schedule.warnings:
        console.print(f"warning: {warning}")
    return buffer.getvalue()


def _fit_table(fit: Mapping[str, Any]) -> Table:
    table = Table(title=f"Fit on {fit['profile']}: {'fits' if fit['fits'] else 'DOES NOT FIT'}")
    for name in ("what", "level", "need", "capacity", "headroom"):
        table.add_column(name, justify="left" if name in ("what", "level") else "right")
    rows = [("weights + activations", fit["activations"])] if fit["shared_level"] else [
        ("activations (arena)", fit["activations"]), ("weights", fit["weights"])]  # fmt: skip
    for what, check in rows:
        headroom = check["headroom_bytes"]
        text = _bytes(headroom) if headroom >= 0 else f"overflow {_bytes(-headroom)}"
        table.add_row(what, check["level"], _bytes(check["need_bytes"]),
                      _bytes(check["capacity_bytes"]), text)  # fmt: skip
    batch = fit.get("batch")
    if batch is not None:
        table.caption = f"largest batch: {batch.get('max_batch')} ({batch.get('method')})"
    return table


def _bytes(value: int) -> str:
    return f"{value:,} B ({iec(value)})" if value >= 1024 else f"{value:,} B"


def _on(flag: bool) -> str:
    return "on" if flag else "off"
