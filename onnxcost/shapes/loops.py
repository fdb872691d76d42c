"""How many times a Loop runs, when its condition follows from values known before run time.

tf2onnx turns `tf.while_loop`s over a time axis into Loops with M = INT64_MAX and a condition the
body computes (`iteration < time_steps`), the limit coming from a Shape of an input. Once the
input shapes are bound, the limit is a folded constant: the part of the body that computes the
condition (and the carried values it reads) is run with the constant folder, one iteration at
a time, until the condition turns false or M is reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from onnxcost.shapes.fold import FOLDERS, fold_node
from onnxcost.types import NodeInfo, TensorInfo

# The most iterations simulated; a loop running longer is left as a symbol.
SIMULATION_CAP = 100_000


def _known(info: TensorInfo | None) -> np.ndarray | None:
    """A numeric value known before run time (None when unknown or over symbolic dims)."""
    if info is None or info.value is None or info.value.dtype == object:
        return None
    return info.value


def _scalar(tensors: Mapping[str, TensorInfo], name: str) -> int | None:
    value = _known(tensors.get(name))
    if value is None or value.size != 1:
        return None
    return int(value.reshape(-1)[0])


def simulated_trips(
    node: NodeInfo,
    tensors: Mapping[str, TensorInfo],
    body_nodes: Sequence[NodeInfo],
    body_tensors: Mapping[str, TensorInfo],
    body_inputs: Sequence[str],
    body_outputs: Sequence[str],
    cap: int = SIMULATION_CAP,
) -> int | None:
    """Trips of `node` (a Loop): `for i in range(M) while cond`, with cond recomputed by the body
    from i and the carried values; None when a value it needs is not known before run time."""
    has_max = bool(node.inputs) and bool(node.inputs[0])
    max_trips = _scalar(tensors, node.inputs[0]) if has_max else None
    if has_max and max_trips is None:
        return None
    if len(node.inputs) < 2 or not node.inputs[1]:
        return max_trips
    condition = _scalar(tensors, node.inputs[1])
    if condition is None or len(body_inputs) < 2 or not body_outputs:
        return None
    iteration_name, condition_name, *carried_names = body_inputs
    carried_outputs = list(body_outputs[1 : 1 + len(carried_names)])
    plan = _condition_slice(body_nodes, body_tensors, body_outputs[0], carried_names, carried_outputs)
    if plan is None:
        return None
    steps, needed_carried, constants = plan
    state: dict[str, np.ndarray] = {}
    for position in needed_carried:
        start = _known(tensors.get(node.inputs[2 + position])) if 2 + position < len(node.inputs) else None
        if start is None:
            return None
        state[carried_names[position]] = start
    trips = 0
    running = bool(condition)
    while running and (max_trips is None or trips < max_trips):
        if trips >= cap:
            return None
        values = {**constants, **state, iteration_name: np.array(trips, dtype=np.int64),
                  condition_name: np.array(running)}  # fmt: skip
        for step in steps:
            outputs = fold_node(step, [values.get(name) if name else None for name in step.inputs])
            if outputs is None:
                return None
            for name, found in zip(step.outputs, outputs, strict=False):
                if name and found is not None:
                    values[name] = found
        result = values.get(body_outputs[0])
        if result is None or result.dtype == object or result.size != 1:
            return None
        trips += 1
        running = bool(result.reshape(-1)[0])
        state = {carried_names[p]: values[carried_outputs[p]] for p in needed_carried
                 if carried_outputs[p] in values}  # fmt: skip
        if len(state) != len(needed_carried):
            return None
    return trips


def _condition_slice(
    nodes: Sequence[NodeInfo],
    tensors: Mapping[str, TensorInfo],
    condition_output: str,
    carried_names: Sequence[str],
    carried_outputs: Sequence[str],
) -> tuple[list[NodeInfo], list[int], dict[str, np.ndarray]] | None:
    """The body nodes the condition needs (in body order), the carried values it reads (their
    updates included), and the constant values those nodes read; None if one cannot be folded."""
    producer = {name: n for n in nodes for name in n.outputs if name}
    carried_index = {name: i for i, name in enumerate(carried_names)}
    needed: set[int] = set()
    needed_carried: set[int] = set()
    constants: dict[str, np.ndarray] = {}
    stack = [condition_output]
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if not name or name in seen:
            continue
        seen.add(name)
        value = _known(tensors.get(name))
        if value is not None and name not in carried_index:
            constants[name] = value
            continue
        if name in carried_index:
            position = carried_index[name]
            needed_carried.add(position)
            stack.append(carried_outputs[position])
        elif name in producer:
            step = producer[name]
            if step.op_type not in FOLDERS or step.domain != "" or step.op_type in ("Shape", "Size"):
                return None
            needed.add(id(step))
            stack.extend(step.inputs)
    steps = [n for n in nodes if id(n) in needed]
    return steps, sorted(needed_carried), constants
