"""Whole-model sums: totals, the per-op-type breakdown and the unsupported-op census."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from onnxcost.cost.nodes import is_param, macs_by_dtype, op_label, unsupported_census
from onnxcost.symbolic.formulas import normalize, total
from onnxcost.types import Dim, Estimate, NodeCost, OpTypeTotals, TensorInfo, Totals


def model_totals(
    costs: Sequence[NodeCost],
    tensors: Mapping[str, TensorInfo],
    estimate: Estimate | None = None,
    peak_memory_bytes: Dim | None = None,
    weights: Mapping[str, TensorInfo] | None = None,
    quantized: frozenset[str] = frozenset(),
) -> Totals:
    """Sums over nodes; params and weight bytes over every distinct weight tensor of the model
    (`weights`, which includes those inside bodies, defaults to the weights in `tensors`)."""
    weights = [t for t in (weights or tensors).values() if is_param(t, quantized)]
    # packed weights (4-bit values in uint8 blobs) count the values they hold, under their dtype
    packed = {name: packing for cost in costs for name, packing in cost.packed.items()}
    weight_bytes_by_dtype: dict[str, Dim] = {}
    for tensor in weights:
        dtype = packed[tensor.name][1] if tensor.name in packed else tensor.dtype
        weight_bytes_by_dtype[dtype] = normalize(weight_bytes_by_dtype.get(dtype, 0) + tensor.nbytes)
    activations = [t for t in tensors.values() if not t.is_constant and t.shape is not None]
    excluded = sorted(unsupported_census(costs))
    return Totals(
        params=total(packed[t.name][0] if t.name in packed else t.numel for t in weights),
        weight_bytes=total(t.nbytes for t in weights),
        macs=total(c.macs for c in costs),
        flops=total(c.flops for c in costs),
        bytes_read=total(c.bytes_read for c in costs),
        bytes_written=total(c.bytes_written for c in costs),
        activation_bytes=total(t.nbytes for t in activations),
        peak_memory_bytes=peak_memory_bytes,
        latency_s=estimate.latency_s if estimate else None,
        energy_j=estimate.energy_j if estimate else None,
        macs_by_dtype=macs_by_dtype(costs),
        weight_bytes_by_dtype=dict(sorted(weight_bytes_by_dtype.items())),
        excluded_ops=tuple(excluded),
    )


def by_op_type(costs: Sequence[NodeCost], estimate: Estimate | None = None) -> dict[str, OpTypeTotals]:
    """Per op type: count and summed figures, costliest (by FLOPs when numeric) first."""
    latency = {e.name: e.latency_s for e in estimate.nodes} if estimate else {}
    groups: dict[str, list[NodeCost]] = {}
    for cost in costs:
        key = cost.op_type if cost.domain in ("", "ai.onnx") else op_label(cost.domain, cost.op_type)
        groups.setdefault(key, []).append(cost)
    result = {}
    for key, members in groups.items():
        result[key] = OpTypeTotals(
            count=len(members),
            macs=total(c.macs for c in members),
            flops=total(c.flops for c in members),
            params=total(c.params for c in members),
            bytes_read=total(c.bytes_read for c in members),
            bytes_written=total(c.bytes_written for c in members),
            latency_s=sum(latency.get(c.name, 0.0) for c in members) if estimate else None,
        )
    return result
