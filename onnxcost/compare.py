"""Two reports side by side: totals with the ratio B/A, and layers matched across the graphs.

Quantizers and optimizers rename tensors (`w` → `w_quantized`, `w_DequantizeLinear_Output`)
and replace ops (Conv → QLinearConv, ConvInteger, FusedConv). Layers are matched first by
their weight names with those suffixes removed, then, for what is left, by aligning the two
sequences of compute nodes on (op family, MACs): MACs do not change with the number format.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onnxcost.symbolic.formulas import to_json
from onnxcost.types import Dim, NodeCost, Report

_RENAMES = re.compile(
    r"(_(DequantizeLinear|QuantizeLinear|dequantized|quantized|output_quantized|fp16|"
    r"casted|scale|zero_point|packed|transposed|Output))+$",
    re.IGNORECASE,
)
# Ops that are the same layer in another number format or after fusion.
FAMILIES = {
    "QLinearConv": "Conv", "ConvInteger": "Conv", "FusedConv": "Conv", "NhwcConv": "Conv",
    "QLinearMatMul": "MatMul", "MatMulInteger": "MatMul", "FusedMatMul": "MatMul",
    "MatMulIntegerToFloat": "MatMul", "DynamicQuantizeMatMul": "MatMul", "MatMulNBits": "MatMul",
    "QGemm": "Gemm", "FusedGemm": "Gemm", "QLinearAdd": "Add", "QLinearMul": "Mul",
    "QLinearSigmoid": "Sigmoid", "QLinearLeakyRelu": "LeakyRelu", "QLinearConcat": "Concat",
    "QLinearGlobalAveragePool": "GlobalAveragePool", "QLinearAveragePool": "AveragePool",
    "QLinearSoftmax": "Softmax", "DynamicQuantizeLSTM": "LSTM", "QAttention": "Attention",
}  # fmt: skip
# Families that are one layer written two ways (a quantizer turns Gemm into MatMulInteger + Add).
SAME_LAYER = {"Gemm": "MatMul"}
TOTAL_FIGURES = ("params", "weight_bytes", "macs", "flops", "bytes_read", "bytes_written",
                 "activation_bytes", "peak_memory_bytes", "latency_s", "energy_j")  # fmt: skip


@dataclass(frozen=True)
class LayerMatch:
    """One layer found in both models, with the figures of each side."""

    a: NodeCost
    b: NodeCost
    matched_by: str


@dataclass(frozen=True)
class Comparison:
    """A and B, their matched layers and what only one of them has."""

    a: Report
    b: Report
    layers: tuple[LayerMatch, ...]
    only_a: Mapping[str, int]
    only_b: Mapping[str, int]


def family(op_type: str) -> str:
    """The float op a quantized or fused op stands for."""
    return FAMILIES.get(op_type, op_type)


def layer_kind(op_type: str) -> str:
    """What two matched layers must share: their family, with Gemm and MatMul as one."""
    kind = family(op_type)
    return SAME_LAYER.get(kind, kind)


def base_name(tensor: str) -> str:
    """A weight name with quantizer/optimizer suffixes removed."""
    return _RENAMES.sub("", tensor)


def compare_reports(a: Report, b: Report) -> Comparison:
    """Match the compute layers of two reports and list the op families only one has."""
    layers_a = [n for n in a.nodes if n.macs != 0]
    layers_b = [n for n in b.nodes if n.macs != 0]
    matches: list[LayerMatch] = []
    by_weight_b: dict[str, NodeCost] = {}
    for node in layers_b:
        for name in _weight_names(node):
            by_weight_b.setdefault(name, node)
    used_b: set[str] = set()
    rest_a = []
    for node in layers_a:
        partner = next(
            (by_weight_b[w] for w in _weight_names(node)
             if w in by_weight_b and by_weight_b[w].name not in used_b),
            None,
        )  # fmt: skip
        if partner is not None and layer_kind(partner.op_type) == layer_kind(node.op_type):
            matches.append(LayerMatch(node, partner, "weight name"))
            used_b.add(partner.name)
        else:
            rest_a.append(node)
    rest_b = [n for n in layers_b if n.name not in used_b]
    matches.extend(_align(rest_a, rest_b))
    order = {n.name: i for i, n in enumerate(layers_a)}
    matches.sort(key=lambda m: order[m.a.name])
    families_a = Counter(family(n.op_type) for n in a.nodes if not _fused(n))
    families_b = Counter(family(n.op_type) for n in b.nodes if not _fused(n))
    return Comparison(
        a=a,
        b=b,
        layers=tuple(matches),
        only_a={k: v for k, v in sorted(families_a.items()) if k not in families_b},
        only_b={k: v for k, v in sorted(families_b.items()) if k not in families_a},
    )


def _fused(node: NodeCost) -> bool:
    """A Q/DQ node that runs inside its integer op (onnxcost.cost.nodes marks it so)."""
    return node.status == "zero" and node.note.startswith("fused into")


def _weight_names(node: NodeCost) -> list[str]:
    """Base names of a node's inputs other than its first (the activation)."""
    return [base_name(name) for name in node.inputs[1:] if name]


def _align(rest_a: Sequence[NodeCost], rest_b: Sequence[NodeCost]) -> list[LayerMatch]:
    """Pair the unmatched layers in order on equal (family, MACs)."""
    keys_a = [(layer_kind(n.op_type), to_json(n.macs)) for n in rest_a]
    keys_b = [(layer_kind(n.op_type), to_json(n.macs)) for n in rest_b]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    found = []
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            found.append(LayerMatch(rest_a[block.a + offset], rest_b[block.b + offset],
                                    "op order and MACs"))  # fmt: skip
    return found


def ratio(a: Dim | float | None, b: Dim | float | None) -> float | None:
    """B / A, or None when either is missing, zero or a formula."""
    plain_a, plain_b = to_json(a), to_json(b)
    if not isinstance(plain_a, int | float) or not isinstance(plain_b, int | float) or not plain_a:
        return None
    return plain_b / plain_a


def layer_score(match: LayerMatch) -> float:
    """How much a layer changed: |log(B/A)| of its latency when estimated, else of its bytes."""
    a_cost = match.a.bytes_read + match.a.bytes_written
    b_cost = match.b.bytes_read + match.b.bytes_written
    value = ratio(a_cost, b_cost)
    return abs(math.log(value)) if value else 0.0
