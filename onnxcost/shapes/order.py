"""The order the shape walk visits nodes in: the file's when it is an execution order, else topological."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import onnx

from onnxcost.errors import GraphError


def order_nodes(protos: Iterable[onnx.NodeProto], available: set[str]) -> list[onnx.NodeProto]:
    """The file's node order if it is a valid execution order, else a topological one; a value
    two nodes write is a GraphError naming both."""
    protos = list(protos)
    writer: dict[str, str] = {}
    for index, proto in enumerate(protos):
        node = proto.name or f"{proto.op_type}_{index}"
        for name in proto.output:
            if name and name in writer:
                raise GraphError(f"nodes {writer[name]!r} and {node!r} both write {name!r}: a value has one "
                                 "producer")  # fmt: skip
            if name:
                writer[name] = node
    produced = {"", *available}  # "": an optional input left out
    valid = True
    for proto in protos:
        if not produced.issuperset(proto.input):
            valid = False
            break
        produced.update(proto.output)
    if valid:
        return protos
    return _topological(protos, available)


def _topological(protos: list[onnx.NodeProto], available: set[str]) -> list[onnx.NodeProto]:
    """Kahn's algorithm over tensor names; a cycle or a dangling input is a GraphError."""
    producer = {}
    for index, proto in enumerate(protos):
        for name in proto.output:
            if name:
                producer[name] = index
    waiting = [0] * len(protos)
    consumers: dict[int, list[int]] = {}
    for index, proto in enumerate(protos):
        for name in set(proto.input):
            if not name or name in available:
                continue
            if name not in producer:
                node = proto.name or f"{proto.op_type}_{index}"
                raise GraphError(f"node {node!r} reads {name!r}, which no node or input provides")
            waiting[index] += 1
            consumers.setdefault(producer[name], []).append(index)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for consumer in consumers.get(index, ()):
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                heapq.heappush(ready, consumer)
    if len(order) < len(protos):
        stuck = [protos[i].name or f"{protos[i].op_type}_{i}" for i, c in enumerate(waiting) if c]
        raise GraphError(f"graph has a cycle through nodes {', '.join(stuck[:5])}")
    return [protos[i] for i in order]
