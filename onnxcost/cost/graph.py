"""Stage 3: the shaped model as a networkx DiGraph of nodes joined by the tensors they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from onnxcost.shapes.infer import ShapedGraph
from onnxcost.types import Dim, NodeInfo, TensorInfo

if TYPE_CHECKING:
    import networkx as nx


# (op, input index) of integer weights that are learned values (int32 biases included): what a
# DequantizeLinear dequantizes, and the int32 bias of QLinearConv and QGemm.
QUANTIZED_PAYLOADS = (("DequantizeLinear", 0), ("QLinearConv", 8), ("QGemm", 6))


@dataclass(frozen=True)
class Graph:
    """Nodes in execution order, every value's TensorInfo, and (built on first use) the DiGraph
    over the node names."""

    nodes: tuple[NodeInfo, ...]
    tensors: Mapping[str, TensorInfo]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    producers: Mapping[str, str]
    consumers: Mapping[str, tuple[str, ...]]
    subgraphs: Mapping[str, Mapping[str, Graph]] = field(default_factory=dict)
    scope: frozenset[str] = frozenset()
    quantized_payloads: frozenset[str] = frozenset()
    # dims the shape stage derived beyond the bindings (Loop trip counts), by symbol name
    derived: Mapping[str, Dim] = field(default_factory=dict)
    # If nodes whose branch the shapes decide although the condition is a run-time value
    taken_branches: Mapping[str, bool] = field(default_factory=dict)

    @cached_property
    def digraph(self) -> nx.DiGraph:
        """One vertex per node (attribute `info`), an edge per handed-on tensor (`tensors`)."""
        import networkx as nx

        digraph = nx.DiGraph()
        for node in self.nodes:
            digraph.add_node(node.name, info=node)
        for node in self.nodes:
            for name in dict.fromkeys(node.inputs):
                source = self.producers.get(name) if name else None
                if source is None:
                    continue
                if digraph.has_edge(source, node.name):
                    digraph.edges[source, node.name]["tensors"].append(name)
                else:
                    digraph.add_edge(source, node.name, tensors=[name])
        return digraph

    def all_quantized_payloads(self) -> frozenset[str]:
        """Integer weights dequantized at run time (int32 biases too), at any depth."""
        found = set(self.quantized_payloads)
        for bodies in self.subgraphs.values():
            for body in bodies.values():
                found |= body.all_quantized_payloads()
        return frozenset(found)

    def weights(self) -> dict[str, TensorInfo]:
        """Every weight tensor of this graph and of its bodies, at any depth, by name."""
        found = {
            name: t for name, t in self.tensors.items() if t.is_weight and name not in self.scope
        }
        for bodies in self.subgraphs.values():
            for body in bodies.values():
                found.update(body.weights())
        return found


def build_graph(shaped: ShapedGraph) -> Graph:
    """The Graph of a shaped model: unique node names, producer and consumers of every tensor."""
    nodes = _unique_names(shaped.nodes)
    producers: dict[str, str] = {}
    consumers: dict[str, list[str]] = {}
    for node in nodes:
        for name in node.outputs:
            if name:
                producers[name] = node.name
    for node in nodes:
        for name in dict.fromkeys(node.inputs):
            if name:
                consumers.setdefault(name, []).append(node.name)
    subgraphs = {
        nodes[index].name: {attr: build_graph(body) for attr, body in bodies.items()}
        for index, bodies in shaped.subgraphs.items()
    }
    return Graph(
        nodes=nodes,
        tensors=shaped.tensors,
        inputs=shaped.inputs,
        outputs=shaped.outputs,
        producers=producers,
        consumers={name: tuple(users) for name, users in consumers.items()},
        subgraphs=subgraphs,
        scope=shaped.scope,
        quantized_payloads=frozenset(
            node.inputs[index] for node in nodes
            for op, index in QUANTIZED_PAYLOADS
            if node.op_type == op and len(node.inputs) > index and node.inputs[index]
        ),
        derived=shaped.derived,
        taken_branches={nodes[index].name: taken for index, taken in shaped.taken_branches.items()},
    )


def _unique_names(nodes: tuple[NodeInfo, ...]) -> tuple[NodeInfo, ...]:
    """Give nodes that share a name (exporters do this) a numbered suffix."""
    seen: set[str] = set()
    out = []
    for node in nodes:
        name = node.name
        if name in seen:
            suffix = 1
            while f"{name}_{suffix}" in seen:
                suffix += 1
            name = f"{name}_{suffix}"
            node = NodeInfo(name, node.op_type, node.domain, node.inputs, node.outputs,
                            node.attrs, node.opset, node.index)  # fmt: skip
        seen.add(name)
        out.append(node)
    return tuple(out)
