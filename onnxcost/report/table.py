"""The human report: summary, op-type breakdown and the costliest nodes, as rich tables."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from onnxcost.report.units import iec, joules, seconds, si
from onnxcost.symbolic.formulas import free_names, rank_value, to_json
from onnxcost.types import Dim, NodeCost, Report

# Unbound dims are given this value only to rank formulas against each other.
RANKING_DIM = 64


def render_table(report: Report, top: int = 10, width: int = 120) -> str:
    """The whole text report."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(_summary(report))
    console.print(_by_op_type(report))
    if top > 0:
        console.print(_top_nodes(report, top))
    if report.unsupported:
        listed = ", ".join(f"{op} ×{n}" for op, n in report.unsupported.items())
        console.print(f"Unsupported (excluded from the totals): {listed}")
    for warning in report.warnings:
        console.print(f"warning: {warning}")
    return buffer.getvalue()


def _summary(report: Report) -> Table:
    totals = report.totals
    table = Table(title=f"onnxcost: {report.model.path or 'model'}", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    inputs = ", ".join(
        f"{t.name} {list(to_json(d) for d in t.shape) if t.shape else '?'} {t.dtype}"
        for t in report.model.inputs
    )
    table.add_row("inputs", inputs)
    if report.bindings:
        table.add_row("bindings", ", ".join(f"{k}={v}" for k, v in report.bindings.items()))
    table.add_row("params", si(totals.params))
    table.add_row("weight bytes", iec(totals.weight_bytes))
    table.add_row("MACs", si(totals.macs, "MAC"))
    table.add_row("FLOPs", si(totals.flops, "FLOP"))
    table.add_row("activation bytes", iec(totals.activation_bytes))
    table.add_row("bytes read / written", f"{iec(totals.bytes_read)} / {iec(totals.bytes_written)}")
    if totals.peak_memory_bytes is not None:
        table.add_row("peak memory", iec(totals.peak_memory_bytes))
    elif free_names(totals.activation_bytes):
        names = ", ".join(sorted(free_names(totals.activation_bytes)))
        table.add_row("peak memory", f"needs {names} bound (--dim)")
    if report.estimate is not None:
        table.add_row("hardware", report.hardware or "")
        table.add_row(
            "latency", with_range(report.estimate.latency_s, report.estimate.latency_range_s, seconds)
        )
        batch = report.estimate.assumptions.get("batch", 1)
        table.add_row("throughput", f"{report.estimate.throughput_per_s:.4g} inferences/s (batch {batch})")
        table.add_row("energy", with_range(report.estimate.energy_j, report.estimate.energy_range_j, joules))
        table.add_row("utilization", f"{report.estimate.utilization:.1%}")
        if report.fit is not None:
            table.add_row("fits", "yes" if report.fit["fits"] else "NO (see the warning)")
        fused = report.estimate.assumptions.get("fused_nodes", 0)
        fusion = str(report.estimate.assumptions.get("fusion", ""))
        table.add_row("fusion", f"on, {fused} nodes fused" if fusion.startswith("on") else "off")
    return table


def _by_op_type(report: Report) -> Table:
    has_latency = report.estimate is not None
    table = Table(title="By op type")
    for name in ("op type", "count", "MACs", "FLOPs", "params", "bytes read", "bytes written"):
        table.add_column(name, justify="left" if name == "op type" else "right")
    if has_latency:
        table.add_column("latency", justify="right")
    rows = sorted(report.by_op_type.items(), key=lambda kv: -_rank(kv[1].flops))
    for op, t in rows:
        row = [op, str(t.count), si(t.macs), si(t.flops), si(t.params), iec(t.bytes_read),
               iec(t.bytes_written)]  # fmt: skip
        if has_latency:
            row.append(seconds(t.latency_s))
        table.add_row(*row)
    return table


def _top_nodes(report: Report, top: int) -> Table:
    latency = {e.name: e for e in report.estimate.nodes} if report.estimate else {}
    table = Table(title=f"Top {top} nodes")
    for name in ("node", "op type", "MACs", "FLOPs", "bytes", "dtype", "status"):
        table.add_column(name, justify="left" if name in ("node", "op type", "dtype") else "right")
    if latency:
        table.add_column("latency", justify="right")
        table.add_column("bound")

    def key(cost: NodeCost) -> float:
        if latency:
            found = latency.get(cost.name)
            return -found.latency_s if found else 0.0
        return -_rank(cost.flops)

    for cost in sorted(report.nodes, key=key)[:top]:
        row = [cost.name, cost.op_type, si(cost.macs), si(cost.flops),
               iec(cost.bytes_read + cost.bytes_written), cost.dtype, cost.status]  # fmt: skip
        if latency:
            found = latency.get(cost.name)
            bound = "-" if found is None else found.bound + (" (fused)" if found.fused else "")
            row += [seconds(found.latency_s) if found else "-", bound]
        table.add_row(*row)
    return table


def _rank(value: Dim) -> float:
    """A number to sort by; formulas are ranked with every unbound dim set to RANKING_DIM."""
    try:
        return rank_value(value, RANKING_DIM)
    except (TypeError, ValueError):
        return 0.0


def with_range(value: float, span: tuple[float, float] | None, unit: Callable[[float], str]) -> str:
    """'12.3 ms (10.8–14.1)': a figure and the interval the profile's error bars give it."""
    if span is None:
        return unit(value)
    low, high = unit(span[0]), unit(span[1])
    suffix = unit(value).rpartition(" ")[2]
    if low.endswith(" " + suffix) and high.endswith(" " + suffix):
        return f"{unit(value)} ({low.rpartition(' ')[0]}–{high.rpartition(' ')[0]})"
    return f"{unit(value)} ({low} – {high})"
