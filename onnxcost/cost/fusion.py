"""Which nodes a runtime runs as one kernel: element-wise epilogues fused into Conv/Gemm/MatMul.

The notion (one for the whole tool: the estimator reads these sets too): an element-wise
activation or a bias-add / scale by a constant that directly follows a Conv, Gemm or MatMul
whose output has exactly one consumer (and is not a graph output) is fused into it; so is the
next such op after it, and so on down the chain. The tensors inside a chain never materialize:
only the chain's last output is written to memory. Every deployment runtime does this (TFLite
and X-CUBE-AI fuse the activation into the conv, ONNX Runtime's Conv+Relu / Gemm+bias fusions,
TensorRT epilogues); batch norm after a convolution folds into it too.
"""

from __future__ import annotations

from collections.abc import Callable

from onnxcost.cost.graph import Graph
from onnxcost.types import MS_DOMAIN, NodeInfo

# Ops whose output may take a fused element-wise epilogue.
FUSION_HEADS: frozenset[tuple[str, str]] = frozenset(
    {("", op) for op in ("Conv", "ConvTranspose", "Gemm", "MatMul", "ConvInteger", "MatMulInteger",
                         "QLinearConv", "QLinearMatMul")}
    | {(MS_DOMAIN, op) for op in ("FusedConv", "FusedGemm", "FusedMatMul", "QLinearConv")}
)  # fmt: skip
CONV_HEADS: frozenset[str] = frozenset({"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "FusedConv"})

# Element-wise epilogues: activations (their extra inputs are constants), per-channel affine ops
# with a constant operand, batch norm after a convolution, and the Q/DQ of a QDQ pair.
FUSABLE_ACTIVATIONS: frozenset[str] = frozenset(
    {"Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu",
     "Selu", "Celu", "Softplus", "Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Mish",
     "ThresholdedRelu", "Swish"}
)  # fmt: skip
FUSABLE_WITH_CONSTANT: frozenset[str] = frozenset({"Add", "Sub", "Mul", "Div"})


def is_fusion_head(node: NodeInfo) -> bool:
    """A Conv/Gemm/MatMul-like op that can take an element-wise epilogue."""
    return node.key in FUSION_HEADS


def epilogue_input(
    node: NodeInfo, is_constant: Callable[[str], bool], head: NodeInfo | None = None
) -> str | None:
    """The one activation a fusable epilogue op reads (its other inputs constant), else None.

    Batch norm fuses only into a convolution `head`.
    """
    if node.domain not in ("", "ai.onnx", MS_DOMAIN):
        return None
    data = [name for name in node.inputs if name]
    if node.op_type == "BatchNormalization":
        candidates = data[:1] if head is not None and head.op_type in CONV_HEADS else []
    elif node.op_type in FUSABLE_ACTIVATIONS:
        candidates = data[:1]
    elif node.op_type in FUSABLE_WITH_CONSTANT and len(data) == 2:
        candidates = [name for name in data if not is_constant(name)]
    else:
        return None
    if len(candidates) != 1 or data.count(candidates[0]) != 1:
        return None
    if not all(is_constant(name) for name in data if name != candidates[0]):
        return None
    return candidates[0]


def fusion_groups(graph: Graph) -> tuple[tuple[str, ...], ...]:
    """Every fused group of two or more nodes, head first, in execution order."""
    by_name = {node.name: node for node in graph.nodes}
    outputs = set(graph.outputs)
    groups = []
    for node in graph.nodes:
        if not is_fusion_head(node):
            continue
        chain = [node.name]
        current = node
        while True:
            follower = _fused_follower(graph, current, node, by_name, outputs)
            if follower is None:
                break
            chain.append(follower.name)
            current = follower
        if len(chain) > 1:
            groups.append(tuple(chain))
    return tuple(groups)


def _fused_follower(
    graph: Graph, node: NodeInfo, head: NodeInfo, by_name: dict[str, NodeInfo], outputs: set[str]
) -> NodeInfo | None:
    """The epilogue op that takes `node`'s single output, if it can be fused into it."""
    produced = [name for name in node.outputs if name]
    if len(produced) != 1 or produced[0] in outputs:
        return None
    tensor = produced[0]
    users = graph.consumers.get(tensor, ())
    if len(users) != 1:
        return None
    follower = by_name[users[0]]
    if epilogue_input(follower, lambda name: _is_constant(graph, name), head) != tensor:
        return None
    results = [name for name in follower.outputs if name]
    if len(results) != 1:
        return None
    return follower if same_shape(graph, tensor, results[0]) else None


def same_shape(graph: Graph, a: str, b: str) -> bool:
    """Both values have the same known shape (an epilogue must not broadcast its output up)."""
    first, second = graph.tensors.get(a), graph.tensors.get(b)
    return (
        first is not None and second is not None and first.shape is not None
        and first.shape == second.shape
    )  # fmt: skip


def _is_constant(graph: Graph, name: str) -> bool:
    info = graph.tensors.get(name)
    return info is not None and info.is_constant
