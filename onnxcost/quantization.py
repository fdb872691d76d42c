"""QDQ graphs costed as runtimes run them: DQ → op → Q becomes one integer op.

A QDQ export writes integer tensors, DequantizeLinear to float, the float op, and
QuantizeLinear back. A runtime (onnxruntime, TFLite, X-CUBE-AI) fuses the pattern and runs
the op on the integers: the float tensors between Q/DQ and the op never exist. This pass
finds those patterns and says, per op, which integer tensors it really reads and writes and
which Q/DQ nodes disappear into it. `cost.py` applies the plan; "as written" skips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from onnxcost.graph import Graph
from onnxcost.types import NodeInfo, TensorInfo

DEQUANTIZE = frozenset({"DequantizeLinear"})
QUANTIZE = frozenset({"QuantizeLinear"})
FLOAT_DTYPES = frozenset({"float32", "float16", "bfloat16", "float64"})
# A float constant this small (Clip bounds, a scalar scale) may sit beside the integer inputs.
SCALAR_ELEMENTS = 16
# Ops that only route data: never a reason on their own to call a region integer.
QDQ_DOMAINS = frozenset({"", "com.microsoft"})


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


def plan_quantization(graph: Graph) -> QuantPlan:
    """Find every op whose float inputs all come from DequantizeLinear, and its Q consumers."""
    by_name = {node.name: node for node in graph.nodes}
    integer_ops: dict[str, str] = {}
    runtime_inputs: dict[str, dict[int, TensorInfo]] = {}
    runtime_outputs: dict[str, dict[int, TensorInfo]] = {}
    dq_users: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.op_type in DEQUANTIZE | QUANTIZE or node.domain not in QDQ_DOMAINS:
            continue
        found = _integer_inputs(node, graph, by_name)
        if found is None:
            continue
        dtype, replaced, sources = found
        integer_ops[node.name] = dtype
        runtime_inputs[node.name] = replaced
        for source in sources:
            dq_users.setdefault(source, []).append(node.name)
        outputs = _quantized_outputs(node, graph, by_name)
        if outputs:
            runtime_outputs[node.name] = outputs
    fused: dict[str, str] = {}
    elided: set[str] = set()
    for dq_name, users in dq_users.items():
        dq = by_name[dq_name]
        consumers = graph.consumers.get(dq.outputs[0], ())
        if consumers and all(user in integer_ops for user in consumers):
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


def _integer_inputs(
    node: NodeInfo, graph: Graph, by_name: Mapping[str, NodeInfo]
) -> tuple[str, dict[int, TensorInfo], list[str]] | None:
    """(integer dtype, replaced inputs, DQ nodes used) when every float input comes from a DQ."""
    replaced: dict[int, TensorInfo] = {}
    sources: list[str] = []
    activation_dtype = ""
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
            if not source.is_constant and not activation_dtype:
                activation_dtype = source.dtype
            continue
        if info.is_constant and _small(info):
            continue
        return None
    if not activation_dtype:
        return None
    return activation_dtype, replaced, sources


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
