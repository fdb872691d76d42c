"""The `onnxcost.report/1` document: the Report as plain JSON-ready values."""

from __future__ import annotations

from typing import Any

from onnxcost.symbolic.formulas import to_json
from onnxcost.types import NodeCost, NodeEstimate, Report, TensorInfo, UnderivedDim

SCHEMA = "onnxcost.report/1"


def report_document(report: Report) -> dict[str, Any]:
    """Keys as DESIGN.md names them; formulas are strings, figures that do not apply are null."""
    estimates = {e.name: e for e in report.estimate.nodes} if report.estimate else {}
    totals = report.totals
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "model": {
            "path": report.model.path,
            "ir_version": report.model.ir_version,
            "opsets": {(k or "ai.onnx"): v for k, v in sorted(report.model.opsets.items())},
            "producer": report.model.producer,
            "inputs": [tensor_document(t) for t in report.model.inputs],
            "outputs": [tensor_document(t) for t in report.model.outputs],
        },
        "bindings": dict(report.bindings),
        "hardware": report.hardware,
        "totals": {
            "params": to_json(totals.params),
            "weight_bytes": to_json(totals.weight_bytes),
            "macs": to_json(totals.macs),
            "flops": to_json(totals.flops),
            "bytes_read": to_json(totals.bytes_read),
            "bytes_written": to_json(totals.bytes_written),
            "activation_bytes": to_json(totals.activation_bytes),
            "peak_memory_bytes": to_json(totals.peak_memory_bytes),
            "latency_s": totals.latency_s,
            "energy_j": totals.energy_j,
            "macs_by_dtype": {k: to_json(v) for k, v in totals.macs_by_dtype.items()},
            "weight_bytes_by_dtype": {k: to_json(v) for k, v in totals.weight_bytes_by_dtype.items()},
            "excluded_ops": list(totals.excluded_ops),
        },
        "by_op_type": {
            op: {
                "count": t.count,
                "macs": to_json(t.macs),
                "flops": to_json(t.flops),
                "params": to_json(t.params),
                "bytes_read": to_json(t.bytes_read),
                "bytes_written": to_json(t.bytes_written),
                "latency_s": t.latency_s,
            }
            for op, t in report.by_op_type.items()
        },
        "unsupported": dict(report.unsupported),
        "nodes": [node_document(c, estimates.get(c.name)) for c in report.nodes],
        "warnings": list(report.warnings),
        "derived_dims": {name: to_json(value) for name, value in report.derived_dims.items()},
        "underived_dims": [underived_document(d) for d in report.underived_dims],
        "fit": None if report.fit is None else dict(report.fit),
        "fits": None if report.fit is None else bool(report.fit["fits"]),
    }
    if report.estimate is not None:
        document["estimate"] = {
            "profile": report.estimate.profile,
            "latency_s": report.estimate.latency_s,
            "energy_j": report.estimate.energy_j,
            "latency_range_s": _pair(report.estimate.latency_range_s),
            "energy_range_j": _pair(report.estimate.energy_range_j),
            "throughput_per_s": report.estimate.throughput_per_s,
            "utilization": report.estimate.utilization,
            "assumptions": dict(report.estimate.assumptions),
        }
    if report.schedule is not None:
        document["schedule"] = schedule_document(report)
    return document


def _pair(span: tuple[float, float] | None) -> list[float] | None:
    """An interval as [low, high] (None without error bars)."""
    return None if span is None else [span[0], span[1]]


def underived_document(dim: UnderivedDim) -> dict[str, Any]:
    """A dim the input shapes do not determine: its symbol (what --dim binds), where it comes from,
    whether the data decides it, the bound the graph states and the value the analysis used."""
    return {
        "symbol": dim.symbol,
        "node": dim.node,
        "op_type": dim.op_type,
        "what": dim.what,
        "data_dependent": dim.data_dependent,
        "bound": to_json(dim.bound),
        "value": to_json(dim.value),
    }


def tensor_document(tensor: TensorInfo) -> dict[str, Any]:
    """{name, shape, dtype}; a dim is an int or a formula string, an unknown shape is null."""
    shape = None if tensor.shape is None else [to_json(d) for d in tensor.shape]
    return {"name": tensor.name, "shape": shape, "dtype": tensor.dtype or tensor.elem_type}


def node_document(cost: NodeCost, estimate: NodeEstimate | None) -> dict[str, Any]:
    """One entry of `nodes`."""
    return {
        "name": cost.name,
        "op_type": cost.op_type,
        "domain": cost.domain or "ai.onnx",
        "inputs": list(cost.inputs),
        "outputs": list(cost.outputs),
        "macs": to_json(cost.macs),
        "flops": to_json(cost.flops),
        "params": to_json(cost.params),
        "weight_bytes": to_json(cost.weight_bytes),
        "bytes_read": to_json(cost.bytes_read),
        "bytes_read_weights": to_json(cost.bytes_read_weights),
        "bytes_read_activations": to_json(cost.bytes_read_activations),
        "bytes_written": to_json(cost.bytes_written),
        "dtype": cost.dtype,
        "status": cost.status,
        "note": cost.note,
        "latency_s": estimate.latency_s if estimate else None,
        "bound": estimate.bound if estimate else None,
        "energy_j": estimate.energy_j if estimate else None,
        "intensity_flop_per_byte": estimate.intensity_flop_per_byte if estimate else None,
        "utilization": estimate.utilization if estimate else None,
    }


def schedule_document(report: Report) -> dict[str, Any]:
    """The schedule's figures (order, peak, arena plan)."""
    schedule = report.schedule
    assert schedule is not None
    return {
        "order": list(schedule.order),
        "peak_memory_bytes": schedule.peak_memory_bytes,
        "peak_step": schedule.peak_step,
        "peak_tensors": list(schedule.peak_tensors),
        "lower_bound_bytes": schedule.lower_bound_bytes,
        "arena_bytes": schedule.arena_bytes,
        "buffers": [dict(b) for b in schedule.buffers],
    }
