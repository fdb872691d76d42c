"""Control flow: If, Loop and Scan cost what their bodies cost, times how often they run."""

from __future__ import annotations

from collections.abc import Mapping

from onnxcost.rules.dim_names import UNBOUNDED_TRIPS, trip_symbol_name
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import normalize, rank_value, symbol
from onnxcost.types import Dim, SubgraphCost, Work

# Unbound dims are given this value only to decide which If branch is costlier.
RANKING_DIM = 64
IF_BRANCHES = ("max", "min", "then", "else")


def scaled_body(body: SubgraphCost, times: Dim, note: str, estimated: bool = False) -> Work:
    """A body's cost × `times` runs (estimated when the body has unsupported ops or the caller
    says the count is an assumption), in the dtype of the body's costliest node by FLOPs."""
    costliest = max(body.nodes, key=lambda cost: _rank(cost.flops), default=None)
    return Work(
        dtype=costliest.dtype if costliest is not None and costliest.dtype else None,
        macs=normalize(body.macs * times),
        flops=normalize(body.flops * times),
        bytes_read_weights=normalize(body.bytes_read_weights * times),
        bytes_read_activations=normalize(body.bytes_read_activations * times),
        bytes_written=normalize(body.bytes_written * times),
        macs_by_dtype={k: normalize(v * times) for k, v in body.macs_by_dtype.items()},
        note=note,
        status="estimated" if body.unsupported or estimated else "ok",
        runs=((body, times),),
    )


def _rank(value: Dim) -> float:
    return rank_value(value, RANKING_DIM)


@rule("If")
def if_op(view: NodeView) -> Work:
    """Cost = the branch a known condition takes, else the costlier by FLOPs (--if-branch picks)."""
    branches: Mapping[str, SubgraphCost] = view.subgraph_costs
    choice = str(view.options.get("if_branch", "max"))
    then_cost, else_cost = branches["then_branch"], branches["else_branch"]
    condition = view.value(0)
    if condition is not None and condition.size == 1 and condition.dtype != object:
        taken = bool(condition.reshape(-1)[0])
        return scaled_body(then_cost if taken else else_cost, 1,
                       f"{'then' if taken else 'else'} branch (condition known)")  # fmt: skip
    if choice == "then":
        picked = "then"
    elif choice == "else":
        picked = "else"
    else:
        then_bigger = _rank(then_cost.flops) >= _rank(else_cost.flops)
        picked = "then" if then_bigger == (choice == "max") else "else"
    body = then_cost if picked == "then" else else_cost
    return scaled_body(body, 1, f"{picked} branch ({choice})")


def loop_trips(view: NodeView) -> Dim:
    """Trip count: what the shape stage derived (a condition simulated, a --dim binding), else the
    value of M when static, else a symbol named after the node."""
    name = trip_symbol_name(view.node.name)
    dims = view.options.get("dims", {})
    if name in dims:
        return dims[name]
    value = view.value(0)
    has_cond = view.has_input(1)
    if value is not None and value.size == 1:
        trips = int(value.reshape(-1)[0])
        if trips < UNBOUNDED_TRIPS or not has_cond:
            return trips
    return symbol(name)


@rule("Loop")
def loop(view: NodeView) -> Work:
    """Cost = body cost × trip count (M when static; else the symbol NODE_trips, bound with --dim)."""
    trips = loop_trips(view)
    note = f"body × {trips} trips" if isinstance(trips, int) else f"body × {trips} (bind with --dim)"
    return scaled_body(view.subgraph_costs["body"], trips, note)


@rule("Scan")
def scan(view: NodeView) -> Work:
    """Cost = body cost × scan length (the scan axis of the first scan input)."""
    num_scan = int(view.attr("num_scan_inputs"))
    shape = view.in_shape(len(view.inputs) - num_scan)
    if view.opset < 9:
        length = shape[1]  # opset 8: axis 0 is the batch, the scan runs over axis 1
    else:
        axes = view.attr("scan_input_axes") or [0] * num_scan
        length = shape[int(axes[0]) % len(shape)]
    return scaled_body(view.subgraph_costs["body"], length, f"body × {length} iterations")
