"""The roofline chart of a Report on its hardware profile (matplotlib, Agg backend, imported lazily).

x: arithmetic intensity (FLOP per byte moved), y: FLOP/s, both log. Drawn: a compute ceiling per
dtype the profile lists, a bandwidth slope per memory level, the ridge point of the model's
dominant dtype on main memory, and one point per node at (its intensity, its estimated FLOP/s =
FLOPs ÷ latency), sized by its share of the latency and colored by op type.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import main_memory, peak_for, ridge_point
from onnxcost.report.units import seconds, si
from onnxcost.types import HardwareProfile, NodeCost, NodeEstimate, Report
from onnxcost.util.atomic import write_atomically

FORMATS = (".png", ".svg", ".pdf")
MAX_COLORED_OPS = 9  # op types beyond these (by time) are drawn grey as "other"


def write_roofline(report: Report, profile: HardwareProfile, path: str | Path) -> Path:
    """Draw the chart into `path` (.png, .svg or .pdf) and return the path."""
    target = check_chart_path(path)
    if report.estimate is None:
        raise OnnxcostError("the roofline needs an estimate: analyze the model with a hardware profile")
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(12, 6.5), dpi=110)
    try:
        points = _node_points(report)
        x_low, x_high = _x_range(profile, [p["intensity"] for p in points])
        dominant = str(report.estimate.assumptions.get("utilization_dtype", "float32"))
        top = _draw_ceilings(axes, profile, x_low, x_high, dominant)
        _draw_ridge(axes, profile, dominant)
        _draw_nodes(axes, points, report.estimate.latency_s)
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlim(x_low, x_high)
        y_low = min([p["flops_per_s"] for p in points] + [top / 1e3])
        axes.set_ylim(y_low / 3, top * 3)
        axes.set_xlabel("arithmetic intensity (FLOP / byte moved)")
        axes.set_ylabel("performance (FLOP/s)")
        name = Path(report.model.path).name or "model"
        axes.set_title(
            f"{name} on {profile.display_name}\n"
            f"latency {seconds(report.estimate.latency_s)}, utilization "
            f"{report.estimate.utilization:.1%}, {len(points)} nodes plotted",
            fontsize=10,
        )
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
                    title="node: area = share of latency", title_fontsize=8)  # fmt: skip
        figure.tight_layout()
        _label_slopes(axes, profile, x_low)
        write_atomically(
            target, lambda temporary: figure.savefig(temporary, format=target.suffix.lower()[1:])
        )
    finally:
        plt.close(figure)
    return target


def check_chart_path(path: str | Path) -> Path:
    """The chart path, if its extension names a format we draw (else a one-line error)."""
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise OnnxcostError(f"{target}: the chart format comes from the extension: use {', '.join(FORMATS)}")
    return target


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or a one-line error naming the extra to install."""
    try:
        import matplotlib
    except ImportError:
        raise OnnxcostError("the roofline chart needs matplotlib: pip install 'onnxcost[plot]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _node_points(report: Report) -> list[dict[str, Any]]:
    """Nodes with FLOPs, bytes and time: their intensity, achieved FLOP/s, latency and op type."""
    assert report.estimate is not None
    costs: dict[str, NodeCost] = {c.name: c for c in report.nodes}
    points = []
    for node in report.estimate.nodes:
        cost = costs.get(node.name)
        if cost is None or not _plottable(node, cost):
            continue
        points.append({
            "name": node.name,
            "op_type": cost.op_type,
            "intensity": node.intensity_flop_per_byte,
            "flops_per_s": float(cost.flops) / node.latency_s,
            "latency": node.latency_s,
            "bound": node.bound,
        })  # fmt: skip
    return points


def _plottable(node: NodeEstimate, cost: NodeCost) -> bool:
    """A point needs FLOPs, bytes (a finite intensity) and time (log axes)."""
    return node.latency_s > 0 and node.intensity_flop_per_byte > 0 and float(cost.flops) > 0


def _x_range(profile: HardwareProfile, intensities: Sequence[float]) -> tuple[float, float]:
    """Intensities from below the lowest node to beyond the highest ridge point."""
    ridges = [ridge_point(profile, dtype) for dtype in profile.peak_ops_per_s]
    low = min([*intensities, min(ridges) / 10, 0.1])
    high = max([*intensities, max(ridges) * 10])
    return 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))


def _draw_ceilings(axes: Any, profile: HardwareProfile, x_low: float, x_high: float, dominant: str) -> float:
    """Flat compute ceilings (dtypes of equal peak share one) and a bandwidth slope per memory
    level; the model's dtype and the main memory are drawn solid. Returns the top ceiling."""
    by_peak: dict[float, list[str]] = {}
    for dtype, peak in profile.peak_ops_per_s.items():
        by_peak.setdefault(peak, []).append(dtype)
    main_peak = peak_for(profile, dominant)
    for peak, dtypes in sorted(by_peak.items(), reverse=True):
        solid = peak == main_peak
        axes.hlines(peak, x_low, x_high, colors="black", linestyles="-" if solid else "--",
                    linewidth=1.5 if solid else 0.8, alpha=0.9 if solid else 0.6)  # fmt: skip
        axes.annotate(f"{'/'.join(dtypes)} peak {si(peak, 'OP/s')}", (x_high, peak), xytext=(-4, 3),
                      textcoords="offset points", ha="right", va="bottom", fontsize=8,
                      fontweight="bold" if solid else "normal")  # fmt: skip
    top = max(by_peak)
    home = main_memory(profile).name
    for level in profile.memory:
        bandwidth = level.bandwidth_bytes_per_s
        xs = [x_low, min(top / bandwidth, x_high)]
        axes.plot(xs, [bandwidth * x for x in xs], color="tab:blue",
                  linestyle="-" if level.name == home else ":", linewidth=1.2)  # fmt: skip
    return top


def _label_slopes(axes: Any, profile: HardwareProfile, x_low: float) -> None:
    """Name each bandwidth slope along it (call once the axes limits and layout are final)."""
    for level in profile.memory:
        bandwidth = level.bandwidth_bytes_per_s
        x = x_low * 1.6
        start, end = axes.transData.transform([(x, bandwidth * x), (x * 10, bandwidth * x * 10)])
        angle = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
        axes.annotate(f"{level.name} {si(bandwidth, 'B/s')}", (x, bandwidth * x), xytext=(0, 4),
                      textcoords="offset points", fontsize=8, color="tab:blue", rotation=angle,
                      rotation_mode="anchor")  # fmt: skip


def _draw_ridge(axes: Any, profile: HardwareProfile, dtype: str) -> None:
    """The ridge point of `dtype` on the main memory: where the slope meets the ceiling."""
    ridge = ridge_point(profile, dtype)
    peak = peak_for(profile, dtype)
    axes.plot([ridge], [peak], marker="D", color="tab:red", markersize=7, zorder=5,
              label=f"ridge {ridge:.3g} FLOP/B ({dtype}, {main_memory(profile).name})")  # fmt: skip
    axes.vlines(ridge, 0, peak, colors="tab:red", linestyles=":", linewidth=0.8, alpha=0.7)


def _draw_nodes(axes: Any, points: Sequence[dict[str, Any]], total_s: float) -> None:
    """One marker per node, area proportional to its share of the latency, color by op type."""
    time_by_op: dict[str, float] = {}
    for point in points:
        time_by_op[point["op_type"]] = time_by_op.get(point["op_type"], 0.0) + point["latency"]
    ranked = sorted(time_by_op, key=lambda op: -time_by_op[op])
    colored = ranked[:MAX_COLORED_OPS]
    palette = ["tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive",
               "tab:cyan", "gold", "tab:red"]  # fmt: skip
    groups = [(op, palette[i]) for i, op in enumerate(colored)]
    if len(ranked) > len(colored):
        groups.append(("other", "tab:gray"))
    for op, color in groups:
        members = [p for p in points
                   if p["op_type"] == op or (op == "other" and p["op_type"] not in colored)]  # fmt: skip
        share = sum(p["latency"] for p in members) / total_s if total_s > 0 else 0.0
        axes.scatter(
            [p["intensity"] for p in members],
            [p["flops_per_s"] for p in members],
            s=[20 + 600 * (p["latency"] / total_s if total_s > 0 else 0.0) for p in members],
            color=color, alpha=0.7, edgecolors="black", linewidths=0.4, zorder=4,
            label=f"{op} ×{len(members)} ({f'{share:.0%}' if share >= 0.005 else '<1%'} of time)",
        )  # fmt: skip
