"""The compare report as a rich table or as Markdown."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from onnxcost.report.units import iec, joules, seconds, si

_FORMATS: dict[str, Callable[[Any], str]] = {
    "params": si, "weight_bytes": iec, "macs": lambda v: si(v, "MAC"),
    "flops": lambda v: si(v, "FLOP"), "bytes_read": iec, "bytes_written": iec,
    "activation_bytes": iec, "peak_memory_bytes": iec, "latency_s": seconds, "energy_j": joules,
}  # fmt: skip
_LABELS = {
    "params": "params", "weight_bytes": "weight bytes (model size)", "macs": "MACs",
    "flops": "FLOPs", "bytes_read": "bytes read", "bytes_written": "bytes written",
    "activation_bytes": "activation bytes", "peak_memory_bytes": "peak memory",
    "latency_s": "latency", "energy_j": "energy",
}  # fmt: skip


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}×"


def _rows(diff: dict[str, Any]) -> list[list[str]]:
    rows = []
    for key, figures in diff["totals"].items():
        if figures["a"] is None and figures["b"] is None:
            continue
        fmt = _FORMATS[key]
        rows.append([_LABELS[key], fmt(figures["a"]), fmt(figures["b"]), _ratio(figures["ratio"])])
    for dtype, figures in diff["macs_by_dtype"].items():
        rows.append([f"MACs in {dtype}", si(figures["a"], "MAC"), si(figures["b"], "MAC"), ""])
    for dtype, figures in diff["weight_bytes_by_dtype"].items():
        rows.append([f"weight bytes in {dtype}", iec(figures["a"]), iec(figures["b"]), ""])
    return rows


def _layer_rows(diff: dict[str, Any]) -> list[list[str]]:
    return [
        [layer["a"]["name"], f"{layer['a']['op_type']} {layer['a']['dtype']}",
         f"{layer['b']['op_type']} {layer['b']['dtype']}", iec(layer["a"]["bytes"]),
         iec(layer["b"]["bytes"]), _ratio(layer["bytes_ratio"]), layer["matched_by"]]
        for layer in diff["layers"]
    ]  # fmt: skip


LAYER_HEADER = ["layer (A)", "A", "B", "bytes A", "bytes B", "B/A", "matched by"]


def render_compare_table(a_path: str, b_path: str, diff: dict[str, Any]) -> str:
    """Summary with B/A, then the layers that changed most, then one-sided ops."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=130, color_system=None)
    summary = Table(title=f"A: {a_path}   B: {b_path}")
    for name in ("figure", "A", "B", "B/A"):
        summary.add_column(name, justify="left" if name == "figure" else "right")
    for row in _rows(diff):
        summary.add_row(*row)
    console.print(summary)
    layers = Table(title=f"Layers matched: {diff['layers_matched']} of {diff['layers_a']} (A) "
                         f"and {diff['layers_b']} (B); most changed first")  # fmt: skip
    for name in LAYER_HEADER:
        layers.add_column(name)
    for row in _layer_rows(diff):
        layers.add_row(*row)
    console.print(layers)
    console.print(_one_sided(diff))
    return buffer.getvalue()


def render_compare_markdown(a_path: str, b_path: str, diff: dict[str, Any]) -> str:
    """The same content as GitHub-flavoured Markdown tables."""
    lines = ["# onnxcost compare", "", f"A: `{a_path}`  ", f"B: `{b_path}`", "",
             "| figure | A | B | B/A |", "|---|---:|---:|---:|"]  # fmt: skip
    lines += [f"| {' | '.join(row)} |" for row in _rows(diff)]
    lines += ["", f"## Layers ({diff['layers_matched']} matched), most changed first", "",
              f"| {' | '.join(LAYER_HEADER)} |", "|" + "---|" * len(LAYER_HEADER)]  # fmt: skip
    lines += [f"| {' | '.join(row)} |" for row in _layer_rows(diff)]
    lines += ["", _one_sided(diff)]
    return "\n".join(lines) + "\n"


def _one_sided(diff: dict[str, Any]) -> str:
    def listing(ops: dict[str, int]) -> str:
        return ", ".join(f"{op} ×{n}" for op, n in ops.items()) or "none"

    return f"Only in A: {listing(diff['only_in_a'])}\nOnly in B: {listing(diff['only_in_b'])}"
