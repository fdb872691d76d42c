"""`onnxcost validate`'s outputs: the per-class table and the `onnxcost.validate/1` document."""

from __future__ import annotations

import io
from typing import Any

from onnxcost.measure.validation import ClassRow, Validation
from onnxcost.report.units import seconds

SCHEMA = "onnxcost.validate/1"


def _error(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1%}"


def render_validation(result: Validation, width: int = 120) -> str:
    """Predicted against measured, by op class, the overheads and the total."""
    from rich.console import Console
    from rich.table import Table

    title = (f"onnxcost validate: {result.model} on {result.profile}, {result.threads} thread"
             f"{'s' if result.threads > 1 else ''}, median of {result.runs} runs")  # fmt: skip
    table = Table(title=title)
    for name in ("op class", "nodes", "predicted", "measured", "error"):
        table.add_column(name, justify="left" if name == "op class" else "right")
    for row in result.rows:
        table.add_row(row.kind, str(row.nodes or ""), seconds(row.predicted_s), seconds(row.measured_s),
                      _error(row.error))  # fmt: skip
    table.add_row("total", "", seconds(result.predicted_latency_s), seconds(result.measured_latency_s),
                  _error(result.error))  # fmt: skip
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(table)
    if result.predicted_low_s is not None and result.predicted_high_s is not None:
        inside = "inside" if result.covered else "outside"
        span = f"{seconds(result.predicted_low_s)} – {seconds(result.predicted_high_s)}"
        console.print(f"predicted interval {span} (the profile's error bars): measured {inside} it")
    return buffer.getvalue()


def nonfinite_note(result: Validation) -> str:
    """One line on outputs that held NaN or infinity: the run may not time what real data does."""
    names = ", ".join(result.nonfinite_outputs)
    return (f"the outputs {names} held NaN or infinity with these inputs (random data, integers and "
            "bools of 1: a mask that hides every position does this); the measured time may not be "
            "the model's on real data: give real inputs with --feeds")  # fmt: skip


def _row(row: ClassRow) -> dict[str, Any]:
    return {"class": row.kind, "nodes": row.nodes, "predicted_s": row.predicted_s,
            "measured_s": row.measured_s, "error": row.error}  # fmt: skip


def validation_document(result: Validation) -> dict[str, Any]:
    """Totals and classes as plain values (seconds)."""
    return {
        "schema": SCHEMA,
        "model": result.model,
        "profile": result.profile,
        "threads": result.threads,
        "runs": result.runs,
        "bindings": dict(result.bindings),
        "predicted_latency_s": result.predicted_latency_s,
        "predicted_range_s": None
        if result.predicted_low_s is None
        else [result.predicted_low_s, result.predicted_high_s],
        "measured_latency_s": result.measured_latency_s,
        "covered": result.covered,
        "error": result.error,
        "nonfinite_outputs": list(result.nonfinite_outputs),
        "classes": [_row(row) for row in result.rows],
    }
