"""The TOML text of a calibrated profile: the fitted tables, the measured peaks, bandwidths and
overheads, each figure with its source (what was measured, where, when, with which runtime)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onnxcost.estimate.error_bars import RUN_TO_RUN
from onnxcost.estimate.hardware import COLD_LEVEL
from onnxcost.estimate.op_classes import MAC_CLASSES
from onnxcost.measure.calibration.bench import (
    CONTEXT_BLOCKS,
    CONTEXT_ROWS,
    CONTEXT_WIDTH,
    REMOTE_BLOCKS,
    REMOTE_ROWS,
    REMOTE_WIDTH,
)
from onnxcost.measure.calibration.fit import Sample, error_bars, fit_tables, run_to_run_bar, speedups
from onnxcost.measure.calibration.host import Host
from onnxcost.measure.calibration.run import EVICT_SHARE, Measured

# Energy needs a power meter this host does not offer: the figures of the bundled generic-x86
# profile stand in, and their sources say so.
_ENERGY_FROM = "generic-x86"
_ADD_BYTES_PER_ELEMENT = 12  # Add reads two float32 elements and writes one


@dataclass(frozen=True)
class Provenance:
    """Where and how the figures were measured."""

    host: Host
    date: str
    onnxruntime: str
    quick: bool


def _q(value: object) -> str:
    """A TOML value (strings and numbers: JSON's spelling is TOML's)."""
    if isinstance(value, float):
        return repr(float(f"{value:.4g}"))
    return json.dumps(value, ensure_ascii=False)


def _points(points: Sequence[tuple[float, float]]) -> str:
    return "[" + ", ".join(f"[{_q(float(a))}, {_q(float(b))}]" for a, b in points) + "]"


def bandwidths(samples: Sequence[Sample], host: Host) -> dict[str, float]:
    """Bytes per second of the Add benchmarks: per cache, the largest that fits in it; for main
    memory, the largest of all. A cache too small for the run's overheads to fade is left out."""
    adds = sorted((s for s in samples if s.op_type == "Add"), key=lambda s: s.amount)
    rates = {}
    for cache in host.caches:
        fitting = [s for s in adds if s.amount * _ADD_BYTES_PER_ELEMENT <= cache.size_bytes]
        if fitting:
            rates[cache.name] = fitting[-1].amount * _ADD_BYTES_PER_ELEMENT / fitting[-1].seconds
    if adds:
        rates["DRAM"] = adds[-1].amount * _ADD_BYTES_PER_ELEMENT / adds[-1].seconds
    kept: dict[str, float] = {}
    for level in reversed(list(rates)):  # a cache is kept only where it measured faster than beyond it
        if not kept or rates[level] > max(kept.values()):
            kept[level] = rates[level]
    return dict(reversed(kept.items()))


def _peak(samples: Sequence[Sample], kinds: tuple[str, ...]) -> tuple[float, str] | None:
    """The best rate (operations per second) of any sample of these classes, and its op."""
    best = max((s for s in samples if s.kind in kinds), key=lambda s: s.amount / s.seconds, default=None)
    return None if best is None else (best.amount / best.seconds, f"{best.op_type} of {best.amount:.3g} ops")


def profile_toml(
    name: str,
    measured: Measured,
    where: Provenance,
    generic: Mapping[str, object],
    one_thread: Measured | None,
) -> str:
    """The profile of one thread count; `generic`: the stand-in profile's parsed TOML (energy);
    `one_thread`: the one-thread measurement for the parallel speed-ups."""
    host, samples = where.host, measured.samples
    stamp = (f"measured on this host ({host.cpu}, {host.cores} logical cores) on {where.date} with "
             f"onnxruntime {where.onnxruntime} CPUExecutionProvider, ORT_ENABLE_ALL, {measured.threads} "
             f"intra-op thread{'s' if measured.threads > 1 else ''}")  # fmt: skip
    run = "onnxcost hardware calibrate" + (" --quick" if where.quick else "")
    classes, ops = fit_tables(samples)
    dense = _peak(samples, ("dense", "depthwise", "recurrent"))
    integer = _peak(samples, ("int8", "int8-raw"))
    rates = bandwidths(samples, host)
    sizes = {cache.name: cache.size_bytes for cache in host.caches}
    sizes["DRAM"] = host.memory_bytes or 1
    bars = error_bars(samples)
    spread = run_to_run_bar(measured.pass_ratios)
    if spread is not None:
        bars[RUN_TO_RUN] = spread
    context = float(_q(measured.overheads.light_after_heavy))  # as written: 1.0 is no figure
    next_image = float(_q(measured.overheads.next_image_share))
    remote_byte_s = float(_q(measured.overheads.remote_s_per_byte))  # as written: 0 is no figure
    gen_sources = generic["sources"]
    lines = [
        f"# Calibrated by `{run}` on {where.date}: {host.cpu}, onnxruntime {where.onnxruntime}, "
        f"{measured.threads} thread(s).",
        f"# {len(measured.labels)} benchmarks, {len(samples)} measured nodes. Regenerate rather than edit.",
        f"name = {_q(name)}",
        f"display_name = {_q(f'{host.cpu} (this host, onnxruntime CPU, {measured.threads} thread(s))')}",
        'kind = "cpu"',
        'runtime = "onnxruntime-cpu"',
        f"threads = {measured.threads}",
        f"clock_hz = {_q(host.clock_hz or 1e9)}",
        'weights_level = "DRAM"',
        'activations_level = "DRAM"',
        f"kernel_overhead_s = {_q(measured.overheads.node_s)}",
        f"run_overhead_s = {_q(measured.overheads.run_s)}",
        *([f"light_after_heavy = {_q(context)}"] if context != 1.0 else []),
        *([f"next_image_share = {_q(next_image)}"] if next_image != 1.0 else []),
        *([f"remote_s_per_byte = {_q(remote_byte_s)}"] if remote_byte_s > 0 else []),
        f"run_power_w = {_q(generic['run_power_w'])}",
        f"idle_power_w = {_q(generic['idle_power_w'])}",
        "overlap = true",
        "",
        "[peak_ops_per_s]",
        f"float32 = {_q(dense[0] if dense else 1e9)}",
    ]
    if integer:
        lines.append(f"int8 = {_q(integer[0])}")
    for level, rate in rates.items():
        lines += ["", "[[memory]]", f"name = {_q(level)}", f"capacity_bytes = {sizes[level]}",
                  f"bandwidth_bytes_per_s = {_q(rate)}",
                  f"energy_pj_per_byte = {_q(12.5 if level != 'DRAM' else 162.5)}"]  # fmt: skip
    lines += ["", "[[compute_efficiency]]", "min_amount = 0", "factor = 1.0",
              "", "[[memory_efficiency]]", "min_amount = 0", "factor = 1.0",
              "", "[energy_pj_per_op]"]  # fmt: skip
    lines += [f"{dtype} = {_q(value)}" for dtype, value in generic["energy_pj_per_op"].items()]  # type: ignore[union-attr]
    for section, tables in (("op_classes", classes), ("op_types", ops)):
        for key, points in sorted(tables.items()):
            kind = key if section == "op_classes" else _kind(samples, key)
            unit = "ops_per_s" if kind in MAC_CLASSES else "s_per_element"
            lines += ["", f"[{section}.{_q(key)}]", f"{unit} = {_points(points)}"]
    speeds = speedups(one_thread.samples, samples) if one_thread and one_thread is not measured else {}
    if speeds:
        lines += ["", "[parallel_speedup]"] + [f"{_q(kind)} = {_q(value)}" for kind, value in speeds.items()]
    cold = {key: float(_q(value)) for key, value in measured.overheads.cold_start_s}
    if cold:
        lines += ["", "[cold_start_s]"] + [f"{_q(key)} = {_q(value)}" for key, value in cold.items()]
    if bars:
        lines += ["", "[error_bars]"]
        lines += [f"{_q(kind)} = [{_q(low)}, {_q(high)}]" for kind, (low, high) in bars.items()]
    sources = {
        "clock_hz": "read from /proc/cpuinfo (cpu MHz) on this host"
        if host.clock_hz
        else "not found on this host: 1 GHz placeholder (no figure uses it)",
        "runtime": f"{stamp}: the runtime the benchmarks ran on",
        "threads": f"{stamp}",
        "kernel_overhead_s": f"{stamp}: (wall time of a chain of 64 one-element Neg nodes - that of 1) / 63",
        "run_overhead_s": f"{stamp}: wall time of a run of one one-element Neg node, less one node",
        **({"light_after_heavy": f"{stamp}: (wall time of {CONTEXT_BLOCKS} float MatMuls {CONTEXT_ROWS}×"
            f"{CONTEXT_WIDTH}×{CONTEXT_WIDTH} each followed by a LayerNormalization, Mul, Reshape-Transpose-"
            "Reshape and Add block - that of the MatMuls alone) / (that of the blocks alone - a run's "
            "overhead), each less the blocks' per-node overheads"}
           if context != 1.0 else {}),
        **({"next_image_share": f"{stamp}: median over QLinearConv benchmarks of (kernel time on two "
            "images - that on one) / that on one, at 1 thread"}
           if next_image != 1.0 else {}),
        **({"remote_s_per_byte": f"{stamp}: of a MatMul's Mul by a row, a MatMul's Transpose and a "
            f"LayerNormalization's Add of a row, {REMOTE_BLOCKS} each on {REMOTE_ROWS}x{REMOTE_WIDTH} "
            "floats: sum of (wall time of the pairs - that of the producers alone - that of the light "
            "nodes alone less a run's overhead) / sum of the bytes the other threads wrote"}
           if remote_byte_s > 0 else {}),
        "run_power_w": f"copied from the bundled {_ENERGY_FROM} profile: {gen_sources['run_power_w']}",
        "idle_power_w": f"copied from the bundled {_ENERGY_FROM} profile: {gen_sources['idle_power_w']}",
        "overlap": "assumption: out-of-order cores overlap memory traffic with compute (roofline max)",
        "compute_efficiency": "1.0: the op-class tables time every classed node; the peak (the best rate "
        "measured) serves the rest",
        "memory_efficiency": "1.0: the bandwidths are sustained rates measured with Add",
        "peak_ops_per_s.float32": f"{stamp}: the best rate of the float benchmarks, "
        + (dense[1] if dense else "none measured: a 1 GOP/s placeholder"),
    }  # fmt: skip
    if integer:
        sources["peak_ops_per_s.int8"] = f"{stamp}: the best rate of the int8 benchmarks, {integer[1]}"
    for dtype in generic["energy_pj_per_op"]:  # type: ignore[union-attr]
        sources[f"energy_pj_per_op.{dtype}"] = f"copied from the bundled {_ENERGY_FROM} profile: " + str(
            gen_sources[f"energy_pj_per_op.{dtype}"]
        )
    for level in rates:
        what = "/proc/meminfo MemTotal" if level == "DRAM" else f"sysfs size of the {level} cache of cpu0"
        sources[f"memory.{level}.capacity_bytes"] = f"read from {what} on this host"
        fits = "" if level == "DRAM" else f" whose 3 operands fit in {level}"
        sources[f"memory.{level}.bandwidth_bytes_per_s"] = (
            f"{stamp}: 12 B per element / kernel time of the largest Add benchmark{fits}"
        )
        sources[f"memory.{level}.energy_pj_per_byte"] = (
            "derived: Horowitz, 'Computing's energy problem', ISSCC 2014, doi:10.1109/ISSCC.2014.6757323, "
            + ("DRAM read 1,300 pJ per 64 bit / 8 = 162.5 pJ/B" if level == "DRAM"
               else "1 MB SRAM read ~100 pJ per 64 bit / 8 = 12.5 pJ/B (assumption: applies to this cache)")
        )  # fmt: skip
    for section, tables in (("op_classes", classes), ("op_types", ops)):
        for key in tables:
            count = sum(1 for s in samples if key in (s.kind, s.op_type, f"{s.op_type}:{s.kind}"))
            sources[f"{section}.{key}"] = (f"{stamp}: medians of {count} benchmark nodes in bins of a factor "
                                           f"{math.sqrt(10):.2f} of size (`{run}`)")  # fmt: skip
    if cold:
        sources["cold_start_s"] = (
            f"{stamp}: the median over small integer GEMM benchmarks of each op of (its kernel time "
            f"after its input was tiled to {EVICT_SHARE:g} x the {COLD_LEVEL} cache and reduced - that "
            "without), per kernel call, at least 0"
        )
    if speeds:
        sources["parallel_speedup"] = f"{stamp}: median one-thread ÷ {measured.threads}-thread time per class"
    if bars:
        sources["error_bars"] = (f"{stamp}: central 80% of measured ÷ predicted over the benchmark nodes, "
                                 "each predicted by tables fitted without it"
                                 + ("; run-to-run: central 80% of each pass's wall time ÷ its benchmark's "
                                    "kept pass's" if RUN_TO_RUN in bars else ""))  # fmt: skip
    lines += ["", "[sources]"] + [f"{_q(key)} = {_q(text)}" for key, text in sources.items()]
    return "\n".join(lines) + "\n"


def _kind(samples: Sequence[Sample], key: str) -> str:
    """The class of an op_types key ("Conv:depthwise" names it)."""
    op, _, kind = key.partition(":")
    return kind or next(s.kind for s in samples if s.op_type == op)
