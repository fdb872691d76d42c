"""Measured latency: a model run by onnxruntime's CPU provider, with random inputs of the bound
shapes, and the kernel time of each node from onnxruntime's profiler.

The wall time comes from a session without profiling (the profiler's timestamps cost time of
their own); the per-node times from a second, profiled session. Both optimize the graph as a
default session does (ORT_ENABLE_ALL), so the profiler's node names are those of the graph
onnxcost.model.lower gives. This module runs the model: only `validate` and `calibrate` use it.
"""

from __future__ import annotations

import bisect
import json
import os
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from onnxcost.errors import OnnxcostError


@dataclass(frozen=True)
class Measurement:
    """Median wall time of a run, every run's time, and the median kernel time per node."""

    latency_s: float
    samples_s: tuple[float, ...]
    threads: int
    node_s: Mapping[str, float]
    # Each profiled node's op type, in the order the nodes first ran.
    node_op: Mapping[str, str] = field(default_factory=dict)
    # The float outputs that held NaN or infinity (inputs no real data looks like, often).
    nonfinite_outputs: tuple[str, ...] = ()


def session(model: str | bytes, threads: int, profile: bool = False):  # type: ignore[no-untyped-def]
    """An onnxruntime CPU session as a default one optimizes, on `threads` threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if profile:
        options.enable_profiling = True
        # its trace goes to the temporary directory (measure reads and removes it), not the
        # user's working directory
        options.profile_file_prefix = os.path.join(tempfile.gettempdir(), f"onnxcost_profile_{os.getpid()}")
    try:
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's Fail, InvalidGraph, NotImplemented...
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise OnnxcostError(f"onnxruntime cannot run the model: {first}") from None


_NUMPY = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
          "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(int8)": np.int8,
          "tensor(uint8)": np.uint8, "tensor(bool)": np.bool_}  # fmt: skip


def read_feeds(path: str) -> dict[str, np.ndarray]:
    """The arrays of a .npz file by name (numpy.savez), each an input's data."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            if not hasattr(archive, "files"):
                raise ValueError("one array, not a .npz of arrays by input name")
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError) as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        message = f"--feeds {path}: cannot read it ({first}); give a .npz of arrays by input name"
        raise OnnxcostError(message) from None


def random_feeds(  # type: ignore[no-untyped-def]
    sess, shapes: Mapping[str, Sequence[int]], seed: int = 0, given: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Inputs of the bound shapes: `given` arrays where named, else normal floats and integers of
    1 (a valid index, mask or count)."""
    rng = np.random.default_rng(seed)
    given = dict(given or {})
    feeds = {}
    for value in sess.get_inputs():
        if value.name in given:
            feeds[value.name] = _checked(value, given[value.name])
            continue
        shape = shapes.get(value.name)
        if shape is None:
            if not all(isinstance(d, int) for d in value.shape):
                raise OnnxcostError(f"input {value.name!r} has dims {value.shape}: bind it with --input")
            shape = value.shape
        dtype = _NUMPY.get(value.type)
        if dtype is None:
            raise OnnxcostError(f"input {value.name!r} is {value.type}: no random data of that type")
        if np.issubdtype(dtype, np.floating):
            feeds[value.name] = rng.standard_normal(tuple(shape)).astype(dtype)
        else:
            feeds[value.name] = np.ones(tuple(shape), dtype=dtype)
    return feeds


def _checked(value, array: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """A given input array, refused (one line) where its type is not the input's (its name and
    rank were checked where its shape bound the input)."""
    dtype = _NUMPY.get(value.type)
    if dtype is None or array.dtype != dtype:
        raise OnnxcostError(f"--feeds: input {value.name!r} is {value.type}, the file's array {array.dtype}")
    return array


def nonfinite_outputs(sess, feeds: Mapping[str, np.ndarray]) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """The float outputs that hold NaN or infinity in a run on `feeds` (one line for a run that fails)."""
    try:
        outputs = sess.run(None, feeds)
    except Exception as exc:  # onnxruntime's InvalidArgument, Fail...: a shape the graph refuses
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise OnnxcostError(f"onnxruntime cannot run the model on these inputs: {first}") from None
    names = [value.name for value in sess.get_outputs()]
    return tuple(
        name
        for name, value in zip(names, outputs, strict=True)
        if isinstance(value, np.ndarray)
        and np.issubdtype(value.dtype, np.floating)
        and not np.isfinite(value).all()
    )


# A pass this much slower than the fastest of its kind was slowed by other work on the machine
# (on a shared 2-vCPU VM, bursts of a neighbour's work take a core for a second or more and slow
# every kernel in that time 1.3–1.7×; undisturbed passes agree within a few percent).
DISTURBED = 1.2


def undisturbed_pass(latencies_s: Sequence[float]) -> int:
    """Index of the (upper) median of the passes within DISTURBED × the fastest: the median pass
    when no pass was disturbed, the fastest when the others all were."""
    fastest = min(latencies_s)
    quiet = sorted((s, i) for i, s in enumerate(latencies_s) if s <= fastest * DISTURBED)
    return quiet[len(quiet) // 2][1]


def time_runs(sess, feeds: Mapping[str, np.ndarray], runs: int, warmup: int = 3) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall time of each of `runs` runs after `warmup` runs."""
    for _ in range(warmup):
        sess.run(None, feeds)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, feeds)
        samples.append(time.perf_counter() - start)
    return samples


def measure(
    model: str,
    shapes: Mapping[str, Sequence[int]],
    threads: int = 1,
    runs: int = 20,
    budget_s: float | None = None,
    feeds: Mapping[str, np.ndarray] | None = None,
) -> Measurement:
    """The model's median latency on this host and the median kernel time of each node;
    `budget_s`: fewer runs (5 at least) where `runs` would take longer than that; `feeds`: these
    inputs instead of random ones of `shapes` (any not named, random)."""
    plain = session(model, threads)
    feeds = random_feeds(plain, shapes, given=feeds)
    nonfinite = nonfinite_outputs(plain, feeds)
    if budget_s is not None:
        pilot = min(time_runs(plain, feeds, 2))
        runs = max(5, min(runs, int(budget_s / max(pilot, 1e-6))))
    samples = time_runs(plain, feeds, runs)
    profiled = session(model, threads, profile=True)
    time_runs(profiled, feeds, max(runs // 2, 5), warmup=3)
    trace = profiled.end_profiling()
    try:
        with open(trace, encoding="utf-8") as handle:
            events = json.load(handle)
    finally:
        os.remove(trace)
    return Measurement(statistics.median(samples), tuple(samples), threads, _kernel_medians(events, warmup=3),
                       _kernel_ops(events), nonfinite)  # fmt: skip


def _kernel_medians(events: Sequence[Mapping], warmup: int) -> dict[str, float]:
    """Median over the profiled runs after the first `warmup` of each node's kernel time in a run:
    the sum of its kernels there (a Loop body's node runs once a trip)."""
    runs = sorted((float(e["ts"]), float(e["ts"]) + float(e["dur"]))
                  for e in events if e.get("cat") == "Session" and e.get("name") == "model_run")  # fmt: skip
    starts = [start for start, _ in runs]
    per_run: list[dict[str, float]] = [{} for _ in runs]
    durations: dict[str, list[float]] = {}
    for event in events:
        name = str(event.get("name", ""))
        if event.get("cat") != "Node" or not name.endswith("_kernel_time"):
            continue
        node, seconds = name[: -len("_kernel_time")], float(event["dur"]) * 1e-6
        durations.setdefault(node, []).append(seconds)
        index = bisect.bisect_right(starts, float(event["ts"])) - 1
        if index >= 0 and float(event["ts"]) <= runs[index][1]:
            per_run[index][node] = per_run[index].get(node, 0.0) + seconds
    if not runs:  # a trace without its runs: each kernel call counts alone
        return {name: statistics.median(values[warmup:] or values) for name, values in durations.items()}
    counted = per_run[warmup:] or per_run
    return {name: statistics.median(run.get(name, 0.0) for run in counted) for name in durations}


def _kernel_ops(events: Sequence[Mapping]) -> dict[str, str]:
    """{node name: op type} of the profiled nodes, in the order they first ran."""
    ops: dict[str, str] = {}
    for event in events:
        name = str(event.get("name", ""))
        if event.get("cat") == "Node" and name.endswith("_kernel_time"):
            ops.setdefault(name[: -len("_kernel_time")], str(event.get("args", {}).get("op_name", "")))
    return ops


def match_nodes(graph_ops: Sequence[tuple[str, str]], measured: Measurement) -> dict[str, float]:
    """{graph node name: measured seconds}: by name, then the rest by op type in execution order
    (onnxruntime names the nodes of a file that leaves them unnamed its own way)."""
    found = {name: measured.node_s[name] for name, _ in graph_ops if name in measured.node_s}
    left: dict[str, list[str]] = {}
    for name, op in measured.node_op.items():
        if name not in found:
            left.setdefault(op, []).append(name)
    for name, op in graph_ops:
        if name not in found and left.get(op):
            found[name] = measured.node_s[left[op].pop(0)]
    return found
