"""Sweep rows as a table, CSV or JSON (schema `onnxcost.sweep/1`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table

from onnxcost.report.units import iec, joules, seconds, si
from onnxcost.sweep import ROW_FIELDS, SweepRow

SCHEMA = "onnxcost.sweep/1"


def _bindings_text(bindings: Mapping[str, int]) -> str:
    return " ".join(f"{name}={value}" for name, value in bindings.items())


def render_csv(rows: Sequence[SweepRow]) -> str:
    """One header line (ROW_FIELDS), one line per row; bindings as 'batch=8 seq=128'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROW_FIELDS)
    for row in rows:
        values = row.to_dict()
        values["bindings"] = _bindings_text(row.bindings)
        writer.writerow(["" if values[name] is None else values[name] for name in ROW_FIELDS])
    return buffer.getvalue()


def render_json(rows: Sequence[SweepRow], grid: Mapping[str, Sequence[int]]) -> str:
    """{schema, grid, rows: [...]}, one row per line."""
    grid_text = json.dumps({k: list(v) for k, v in grid.items()})
    body = ",\n    ".join(json.dumps(row.to_dict()) for row in rows)
    rows_text = f"[\n    {body}\n  ]" if rows else "[]"
    return f'{{\n  "schema": "{SCHEMA}",\n  "grid": {grid_text},\n  "rows": {rows_text}\n}}'


def render_table(rows: Sequence[SweepRow], width: int = 160) -> str:
    """Human figures (SI/IEC units), one line per (model, profile, binding)."""
    table = Table(show_lines=False)
    for name, justify in (("model", "left"), ("profile", "left"), ("bindings", "left"), ("MACs", "right"),
                          ("FLOPs", "right"), ("params", "right"), ("weights", "right"),
                          ("peak memory", "right"), ("latency", "right"), ("throughput", "right"),
                          ("energy", "right"), ("fits", "left")):  # fmt: skip
        table.add_column(name, justify=justify)
    for row in rows:
        table.add_row(
            row.model, row.profile, _bindings_text(row.bindings), si(row.macs, "MAC"),
            si(row.flops, "FLOP"), si(row.params), iec(row.weight_bytes), iec(row.peak_memory_bytes),
            seconds(row.latency_s), si(row.throughput_per_s, "/s"), joules(row.energy_j),
            "-" if row.fits is None else ("yes" if row.fits else "NO"),
        )  # fmt: skip
    console = Console(width=width, file=io.StringIO(), force_terminal=False, color_system=None)
    console.print(table)
    return console.file.getvalue()
