"""A comparison of two reports as a JSON document: both reports and the diff of their figures."""

from __future__ import annotations

from typing import Any

from onnxcost.compare import TOTAL_FIGURES, Comparison, LayerMatch, layer_score, ratio
from onnxcost.report.document import report_document
from onnxcost.symbolic.formulas import to_json
from onnxcost.types import NodeCost


def comparison_document(comparison: Comparison, top: int = 10) -> dict[str, Any]:
    """{"a": report, "b": report, "diff": {...}}: each report in onnxcost.report/1 form."""
    return {
        "a": report_document(comparison.a),
        "b": report_document(comparison.b),
        "diff": diff_document(comparison, top),
    }


def diff_document(comparison: Comparison, top: int = 10) -> dict[str, Any]:
    """Totals with B/A ratios, MACs by dtype, matched layers (most changed first), one-sided ops."""
    a, b = comparison.a.totals, comparison.b.totals
    totals = {}
    for key in TOTAL_FIGURES:
        value_a, value_b = getattr(a, key), getattr(b, key)
        totals[key] = {"a": to_json(value_a), "b": to_json(value_b), "ratio": ratio(value_a, value_b)}
    dtypes = sorted(set(a.macs_by_dtype) | set(b.macs_by_dtype))
    ranked = sorted(comparison.layers, key=layer_score, reverse=True)
    return {
        "totals": totals,
        "macs_by_dtype": {
            d: {"a": to_json(a.macs_by_dtype.get(d, 0)), "b": to_json(b.macs_by_dtype.get(d, 0))}
            for d in dtypes
        },
        "weight_bytes_by_dtype": {
            d: {
                "a": to_json(a.weight_bytes_by_dtype.get(d, 0)),
                "b": to_json(b.weight_bytes_by_dtype.get(d, 0)),
            }
            for d in sorted(set(a.weight_bytes_by_dtype) | set(b.weight_bytes_by_dtype))
        },
        "layers_matched": len(comparison.layers),
        "layers_a": sum(1 for n in comparison.a.nodes if n.macs != 0),
        "layers_b": sum(1 for n in comparison.b.nodes if n.macs != 0),
        "layers": [_layer_document(m) for m in ranked[:top]],
        "only_in_a": dict(comparison.only_a),
        "only_in_b": dict(comparison.only_b),
    }


def _layer_document(match: LayerMatch) -> dict[str, Any]:
    def side(node: NodeCost) -> dict[str, Any]:
        return {"name": node.name, "op_type": node.op_type, "dtype": node.dtype,
                "macs": to_json(node.macs), "bytes": to_json(node.bytes_read + node.bytes_written),
                "weight_bytes": to_json(node.bytes_read_weights)}  # fmt: skip

    a_bytes = match.a.bytes_read + match.a.bytes_written
    b_bytes = match.b.bytes_read + match.b.bytes_written
    return {"a": side(match.a), "b": side(match.b), "matched_by": match.matched_by,
            "bytes_ratio": ratio(a_bytes, b_bytes)}  # fmt: skip
