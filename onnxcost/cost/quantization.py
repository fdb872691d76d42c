"""QDQ graphs costed as runtimes run them: DQ → op → Q becomes one integer op.

A QDQ export writes integer tensors, DequantizeLinear to float, the float op, and
QuantizeLinear back. A runtime (onnxruntime, TFLite, X-CUBE-AI) fuses the pattern and runs
the op on the integers: the float tensors between Q/DQ and the op never exist. This pass
finds those patterns and says, per op, which integer tensors it really reads and writes and
which Q/DQ nodes disappear into it. `cost.py` applies the plan; "as written" skips it.

Weight-only quantization (a DequantizeLinear of a constant, often block-quantized int4, feeding a
MatMul, Gemm or Gather whose activations stay float) runs as one kernel that dequantizes the
weight on the fly (onnxruntime fuses it into MatMulNBits / GatherBlockQuantized): the op reads
the integer weight and its scales, and computes in the activations' float dtype.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from onnxcost.cost.graph import Graph
from onnxcost.types import NodeInfo, TensorInfo

DEQUANTIZE = frozenset({"DequantizeLinear"})
QUANTIZE = frozenset({"QuantizeLinear"})
FLOAT_DTYPES = frozenset({"float32", "float16", "bfloat16", "float64"})
# A float constant this small (Clip bounds, a scalar scale) may sit beside the integer inputs.
SCALAR_ELEMENTS = 16
# Ops that only route data: never a reason on their own to call a region integer.
QDQ_DOMAINS = frozenset({"", "com.microsoft"})
# Ops with weight-only kernels: float activations, integer weights dequantized on the fly.
WEIGHT_ONLY = frozenset({"MatMul", "Gemm", "Gather"})


@dataclass(frozen=True)
class QuantPlan:
    """The integer view of a QDQ graph.

    `runtime_inputs[node][i]` / `runtime_outputs[node][i]`: the tensor the runtime really
    reads or writes in place of the node's i-th float input/output (the DQ's integer input,
    the Q's integer output). `fused[q_or_dq_node]` names the op it disappears into.
    `elided` are the float tensors that never materialize.
    """

    integer_ops: Mapping[str, str] = field(default_factory=dict)
    runtime_inputs: Mapping[str, Mapping[int, TensorInfo]] = field(default_factory=dict)
    runtime_outputs: Mapping[str, Mapping[int, TensorInfo]] = field(default_factory=dict)
    fused: Mapping[str, str] = field(default_factory=dict)
    elided: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.integer_ops)


def quant_plan(graph: Graph) -> QuantPlan:
    """plan_quantization, found once per graph: the cost, runtime-tensor and schedule stages all
    read it (kept in the graph's __dict__, as functools.cached_property keeps a value)."""
    found = graph.__dict__.get("_quant_plan")
    if found is None:
        found = plan_quantization(graph)
        graph.__dict__["_quant_plan"] = found
    return found


def plan_quantization(graph: Graph) -> QuantPlan:
    """Find every op whose float inputs all come from DequantizeLinear, and its Q consumers;
    and the weight-only ops (float activations, DQ'd constant weights)."""
    by_name = {node.name: node for node in graph.nodes}
    integer_ops: dict[str, str] = {}
    runtime_inputs: dict[str, dict[int, TensorInfo]] = {}
    runtime_outputs: dict[str, dict[int, TensorInfo]] = {}
    dq_users: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.op_type in DEQUANTIZE | QUANTIZE or node.domain not in QDQ_DOMAINS:
            continue
        found = _dequantized_inputs(node, graph, by_name)
        if found is None:
            continue
        outputs = _quantized_outputs(node, graph, by_name)
        dtype = _work_dtype(node, found, bool(outputs))
        if dtype is None:
            continue
        integer_ops[node.name] = dtype
        runtime_inputs[node.name] = found.replaced
        for source in found.sources:
            dq_users.setdefault(source, []).append(node.name)
        if outputs and dtype not in FLOAT_DTYPES:
            runtime_outputs[node.name] = outputs
    fused: dict[str, str] = {}
    elided: set[str] = set()
    for dq_name, users in dq_users.items():
        dq = by_name[dq_name]
        consumers = graph.consumers.get(dq.outputs[0], ())
        kept = dq.outputs[0] in graph.outputs
        if consumers and not kept and all(user in integer_ops for user in consumers):
            fused[dq_name] = users[0]
            elided.add(dq.outputs[0])
    for op_name, outputs in runtime_outputs.items():
        op = by_name[op_name]
        for index in outputs:
            (q_name,) = graph.consumers[op.outputs[index]]
            fused[q_name] = op_name
            elided.add(op.outputs[index])
    return QuantPlan(
        integer_ops=integer_ops,
        runtime_inputs=runtime_inputs,
        runtime_outputs=runtime_outputs,
        fused=fused,
        elided=frozenset(elided),
    )


class _Dequantized(NamedTuple):
    """What feeds an op's float inputs: DQ'd tensors (replaced by their integer sources), the dtype
    of its first DQ'd activation, and that of its plain float activations (if any)."""

    replaced: dict[int, TensorInfo]
    sources: list[str]
    integer_dtype: str
    float_activation: str
    weight_float_dtype: str


def _dequantized_inputs(
    node: NodeInfo, graph: Graph, by_name: Mapping[str, NodeInfo]
) -> _Dequantized | None:
    """The DQ'd inputs of `node`; None when it has none, or a float input from elsewhere that is
    neither a small constant nor (for a weight-only op) an activation."""
    replaced: dict[int, TensorInfo] = {}
    sources: list[str] = []
    integer_dtype = float_activation = weight_float_dtype = ""
    for index, name in enumerate(node.inputs):
        info = graph.tensors.get(name) if name else None
        if info is None or info.dtype not in FLOAT_DTYPES:
            continue
        producer = by_name.get(graph.producers.get(name, ""))
        if producer is not None and producer.op_type in DEQUANTIZE:
            source = graph.tensors.get(producer.inputs[0])
            if source is None:
                return None
            replaced[index] = source
            sources.append(producer.name)
            if not source.is_constant:
                integer_dtype = integer_dtype or source.dtype
            else:
                weight_float_dtype = weight_float_dtype or info.dtype
            continue
        if info.is_constant and _small(info):
            continue
        if node.op_type in WEIGHT_ONLY and not info.is_constant:
            float_activation = float_activation or info.dtype
            continue
        return None
    if not replaced:
        return None
    return _Dequantized(replaced, sources, integer_dtype, float_activation, weight_float_dtype)


def _work_dtype(node: NodeInfo, found: _Dequantized, quantized_output: bool) -> str | None:
    """The dtype the runtime's op works in, or None when it is no QDQ or weight-only pattern.

    Integer activations only: their integer dtype. A weight-only op (only constants DQ'd): the
    float activations' dtype; with no float activation (an embedding Gather) and a quantized
    output it moves integers (the weight's dtype), else it yields the dequantized float.
    """
    if found.integer_dtype:
        return None if found.float_activation else found.integer_dtype
    if node.op_type not in WEIGHT_ONLY:
        return None
    if found.float_activation:
        return found.float_activation
    if quantized_output:
        return next(iter(found.replaced.values())).dtype
    return found.weight_float_dtype


def _quantized_outputs(
    node: NodeInfo, graph: Graph, by_name: Mapping[str, NodeInfo]
) -> dict[int, TensorInfo]:
    """Outputs whose only consumer is a QuantizeLinear: the op writes the Q's integer output."""
    found: dict[int, TensorInfo] = {}
    for index, name in enumerate(node.outputs):
        consumers = graph.consumers.get(name, ()) if name else ()
        if len(consumers) != 1 or name in graph.outputs:
            continue
        q = by_name[consumers[0]]
        if q.op_type in QUANTIZE and q.inputs[0] == name:
            target = graph.tensors.get(q.outputs[0])
            if target is not None:
                found[index] = target
    return found


def _small(info: TensorInfo) -> bool:
    count = info.numel
    return isinstance(count, int) and count <= SCALAR_ELEMENTS
