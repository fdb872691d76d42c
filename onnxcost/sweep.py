"""Models × hardware profiles × dim bindings from one analysis per model.

Each model is analyzed once with the swept dims left symbolic (a dim with a single value is
bound up front). Every binding then substitutes its values into the distinct formulas of that
analysis (each formula once, however many nodes share it): the totals are its formulas
evaluated, the peak memory is the schedule of the bound shapes, and the estimator binds each
distinct node of its plan once, for every profile; all equal `analyze(model, dims=binding)`.

Three cases need more than substitution. A value the folder evaluates only once the dims are
numbers (a Shape chain through an op it cannot fold over formulas) is a run-time value in the
symbolic analysis but a folded constant once bound (Shape chains themselves fold over formulas,
so this is rare): when a binding makes new constants, the rules run again on the bound shapes
(the shape stage, the expensive one, is not repeated). Where the symbolic analysis left a dim it
could not express (`unk_N`), that binding is analyzed directly.
A formula that is 0 at a binding can make a node a view, which the plan made over formulas
cannot know: that binding is costed again on the bound graph too.

Pure: `sweep` returns rows and prints nothing; models can run in a process pool (`jobs`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import onnx

from onnxcost.api import _batch, _runtime_tensors, prepare
from onnxcost.cost.graph import Graph, build_graph
from onnxcost.cost.nodes import cost_nodes
from onnxcost.cost.totals import model_totals
from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import load_profile
from onnxcost.estimate.roofline import EstimatePlan, estimate_plan, estimate_profiles, plan_estimate
from onnxcost.memory.fit import fit_memory
from onnxcost.memory.plan import weight_bytes
from onnxcost.memory.schedule import MemoryOptions, peak_memory
from onnxcost.model.load import LoadedModel, load_model
from onnxcost.model.lower import LOWERABLE
from onnxcost.rules.dim_names import input_dim_name
from onnxcost.shapes.bindings import canonical_name
from onnxcost.shapes.infer import infer_shapes
from onnxcost.shapes.values import NONDETERMINISTIC_OPS, WEIGHT_GENERATORS, is_runtime_data
from onnxcost.symbolic.formulas import dim_param_names, free_names, substitute
from onnxcost.types import Dim, Estimate, HardwareProfile, ModelInfo, NodeCost, Totals

Model = str | os.PathLike[str] | onnx.ModelProto
Profile = str | os.PathLike[str] | HardwareProfile

# NodeCost figures that may be formulas.
_COST_FIGURES = ("macs", "flops", "params", "weight_bytes", "bytes_read_weights",
                 "bytes_read_activations", "bytes_written")  # fmt: skip
ROW_FIELDS = ("model", "profile", "bindings", "macs", "flops", "params", "weight_bytes",
              "peak_memory_bytes", "latency_s", "throughput_per_s", "energy_j", "fits")  # fmt: skip


@dataclass(frozen=True, slots=True)
class SweepRow:
    """One (model, profile, binding): the model's figures and the profile's estimate."""

    model: str
    profile: str
    bindings: Mapping[str, int]
    macs: int
    flops: int
    params: int
    weight_bytes: int
    peak_memory_bytes: int | None
    latency_s: float
    throughput_per_s: float
    energy_j: float
    fits: bool | None = None  # weights and peak activations in the profile's memory (None: no peak)

    def to_dict(self) -> dict[str, Any]:
        """Plain values in ROW_FIELDS order."""
        return {name: (dict(self.bindings) if name == "bindings" else getattr(self, name))
                for name in ROW_FIELDS}  # fmt: skip


@dataclass(frozen=True)
class _Analysis:
    """One model analyzed with the swept dims symbolic."""

    label: str
    graph: Graph
    costs: tuple[NodeCost, ...]
    formulas: frozenset[Dim]  # every distinct non-integer figure and dim
    qdq: str
    totals: Totals  # as formulas (no peak memory)
    folded: Mapping[str, bool]  # values a binding makes constant (see _newly_constant)
    plan: EstimatePlan  # fusion and distinct nodes, as formulas
    worst_case: bool = False  # data-dependent sizes at their stated bounds


def grid_bindings(grid: Mapping[str, Sequence[int]]) -> list[dict[str, int]]:
    """Every combination of the grid's values, the last dim varying fastest."""
    names = list(grid)
    for name in names:
        if not grid[name]:
            raise OnnxcostError(f"--dim {name}: no values to sweep")
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]


def sweep(
    models: Sequence[Model],
    profiles: Sequence[Profile],
    grid: Mapping[str, Sequence[int]],
    jobs: int = 1,
    *,
    fuse: bool = True,
    qdq: str = "as-run",
    on_model_done: Callable[[str], None] | None = None,
    worst_case: bool = False,
) -> list[SweepRow]:
    """Rows for every model × binding × profile of `grid`, in that order.

    A model takes the grid's dims that name dims of its inputs and ignores the others (see
    `unused_dims`). `jobs` > 1 analyzes models in that many processes;
    `on_model_done(label)` is called as each model finishes (for a progress bar); `worst_case`
    gives data-dependent sizes the upper bounds the graphs state.
    """
    if not models:
        raise OnnxcostError("no model to sweep")
    if not profiles:
        raise OnnxcostError("no hardware profile to sweep (--hw NAME, repeatable)")
    loaded_profiles = tuple(p if isinstance(p, HardwareProfile) else load_profile(p) for p in profiles)
    grid = {name: tuple(values) for name, values in grid.items()}
    grid_bindings(grid)  # validates before any work starts
    results: list[list[SweepRow] | None] = [None] * len(models)
    if jobs <= 1 or len(models) == 1:
        for index, model in enumerate(models):
            results[index] = sweep_model(model, loaded_profiles, grid, fuse=fuse, qdq=qdq,
                                         worst_case=worst_case)  # fmt: skip
            if on_model_done is not None:
                on_model_done(_label(model))
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=min(jobs, len(models))) as pool:
            futures = {
                pool.submit(
                    sweep_model, model, loaded_profiles, grid, fuse=fuse, qdq=qdq, worst_case=worst_case
                ): index
                for index, model in enumerate(models)
            }
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                if on_model_done is not None:
                    on_model_done(_label(models[index]))
    return [row for found in results for row in found or ()]


def unused_dims(rows: Sequence[SweepRow], grid: Mapping[str, Sequence[int]]) -> list[str]:
    """Grid dims that no model of the sweep has (a typo, as a rule)."""
    used = {name for row in rows for name in row.bindings}
    return [name for name in grid if name not in used]


def sweep_model(
    model: Model,
    profiles: Sequence[HardwareProfile],
    grid: Mapping[str, Sequence[int]],
    *,
    fuse: bool = True,
    qdq: str = "as-run",
    worst_case: bool = False,
) -> list[SweepRow]:
    """Rows of one model: one symbolic analysis, then every binding and profile from it (only
    the grid's dims the model has are swept)."""
    loaded = load_model(model)
    grid = {canonical_name(name): values for name, values in grid.items()}
    grid = {name: values for name, values in grid.items() if name in _dim_names(loaded.proto)}
    plain = [profile for profile in profiles if not _lowers(profile, qdq)]
    analysis = _analyze(loaded, _label(model), grid, qdq, fuse, worst_case) if plain else None
    rows = []
    for binding in grid_bindings(grid):
        plain_rows = [] if analysis is None else _binding_rows(analysis, loaded, binding, plain, fuse)
        found = {id(profile): row for profile, row in zip(plain, plain_rows, strict=True)}
        for profile in profiles:
            if _lowers(profile, qdq):
                found[id(profile)] = _lowered_row(loaded, _label(model), binding, profile, worst_case)
        rows.extend(found[id(profile)] for profile in profiles)
    return rows


def _lowers(profile: HardwareProfile, qdq: str) -> bool:
    """Whether a profile costs the graph as its runtime rewrites it (onnxcost.model.lower)."""
    return profile.runtime in LOWERABLE and qdq == "as-run"


def _lowered_row(
    loaded: LoadedModel, label: str, binding: Mapping[str, int], profile: HardwareProfile, worst_case: bool
) -> SweepRow:
    """The row of a profile that names its runtime: the graph that runtime runs, bound and costed
    (what `analyze --hw` gives for it), its own fusion being in the graph."""
    analysis = prepare(
        loaded, dict(binding), worst_case=worst_case, runtime=profile.runtime, threads=profile.threads
    )
    return _rows(label, analysis.graph, analysis.costs, binding, [profile], False, analysis.qdq)[0]


def _binding_rows(
    analysis: _Analysis,
    loaded: LoadedModel,
    binding: Mapping[str, int],
    profiles: Sequence[HardwareProfile],
    fuse: bool,
) -> list[SweepRow]:
    """The rows of one binding: the analysis's formulas evaluated; the shapes bound for the peak
    memory. Costed again on the bound graph where substitution is not enough (new constants, or
    a formula that is 0 here, which can make a node a view); analyzed directly where a formula
    keeps an underived dim."""
    qdq = analysis.qdq
    values = {formula: substitute(formula, binding) for formula in analysis.formulas}
    if any(not isinstance(v, int) for v in values.values()):
        graph, costs = _pipeline(loaded, binding, qdq, analysis.worst_case)
        return _rows(analysis.label, graph, costs, binding, profiles, fuse, qdq)
    graph = _bound_graph(analysis.graph, analysis.folded, values, binding)
    if analysis.folded or 0 in values.values():
        costs = cost_nodes(graph, {"dims": dict(binding), "if_branch": "max", "qdq": qdq})
        return _rows(analysis.label, graph, costs, binding, profiles, fuse, qdq)
    peak = peak_memory(graph, MemoryOptions(fuse=fuse, qdq=qdq))
    totals = replace(analysis.totals, peak_memory_bytes=peak)
    # each distinct node's formulas evaluated (the fusion planned over formulas is the bound one
    # here: no formula is 0)
    estimates = estimate_plan(analysis.plan, profiles, batch=_batch_of(graph, binding), bindings=binding,
                              per_node=False, live_bytes=peak)  # fmt: skip
    return _table(analysis.label, binding, totals, profiles, estimates, weight_bytes(graph))


def _label(model: Model) -> str:
    if isinstance(model, onnx.ModelProto):
        return model.graph.name or "model"
    return os.fspath(model)


def _analyze(
    loaded: LoadedModel,
    label: str,
    grid: Mapping[str, Sequence[int]],
    qdq: str,
    fuse: bool,
    worst_case: bool = False,
) -> _Analysis:
    """Shapes (single-valued dims bound) → graph → costs; the distinct formulas, the totals and
    the estimator's plan as formulas."""
    fixed = {name: values[0] for name, values in grid.items() if len(set(values)) == 1}
    graph, costs = _pipeline(loaded, fixed, qdq, worst_case)
    formulas: set[Dim] = set()
    for cost in costs:
        formulas.update(v for v in _figures(cost) if not isinstance(v, int))
    for info in graph.tensors.values():
        if info.shape is not None:
            formulas.update(d for d in info.shape if not isinstance(d, int))
    totals = model_totals(costs, _runtime_tensors(graph, qdq), weights=graph.weights(),
                          quantized=graph.all_quantized_payloads())  # fmt: skip
    formulas.update(v for v in (totals.macs, totals.flops, totals.params, totals.weight_bytes)
                    if not isinstance(v, int))  # fmt: skip
    plan = plan_estimate(costs, fuse=fuse, tensors=graph.tensors, graph_outputs=graph.outputs)
    return _Analysis(label, graph, costs, frozenset(formulas), qdq, totals, _newly_constant(graph), plan,
                     worst_case)  # fmt: skip


def _pipeline(
    loaded: LoadedModel, dims: Mapping[str, int], qdq: str, worst_case: bool = False
) -> tuple[Graph, tuple[NodeCost, ...]]:
    """The stages of `analyze` up to the NodeCosts, with its options."""
    shaped = infer_shapes(loaded, dims, worst_case=worst_case)
    graph = build_graph(shaped)
    costs = cost_nodes(graph, {"dims": dict(shaped.bindings), "if_branch": "max", "qdq": qdq})
    return graph, costs


def _dim_names(proto: onnx.ModelProto) -> set[str]:
    """Names of the dims of the model's inputs: the names they declare, and for an unnamed one
    (`?`, -1, empty) the name onnxcost gives it (`x_d0`)."""
    initializers = {t.name for t in proto.graph.initializer}
    names: set[str] = set()
    for value in proto.graph.input:
        if value.name in initializers:
            continue
        for axis, dim in enumerate(value.type.tensor_type.shape.dim):
            found = dim_param_names(dim.dim_param) if dim.HasField("dim_param") else set()
            if not found and not (dim.HasField("dim_value") and dim.dim_value >= 0):
                found = {input_dim_name(value.name, axis)}
            names |= found
    return names


def _figures(cost: NodeCost) -> Iterable[Dim]:
    yield from (getattr(cost, name) for name in _COST_FIGURES)
    yield from cost.macs_by_dtype.values()


def _newly_constant(graph: Graph) -> dict[str, bool]:
    """Values that binding the dims makes constant, each with whether it is a weight.

    The same rule as the shape stage: a node's outputs are constant when all its inputs are
    (deterministic ops without bodies), or when they were folded, unless they are data made at
    run time from the inputs (is_runtime_data); a folded value over symbolic dims is an object
    array in the symbolic analysis and becomes a number when bound. Nothing derived from the
    inputs is a weight.
    """
    tensors = graph.tensors
    constant = {name for name, info in tensors.items() if info.is_constant}
    found: dict[str, bool] = {}
    for node in graph.nodes:
        deterministic = node.op_type not in NONDETERMINISTIC_OPS and not any(
            isinstance(v, onnx.GraphProto) for v in node.attrs.values()
        )
        all_constant = deterministic and all(name in constant for name in node.inputs if name)
        for name in node.outputs:
            info = tensors.get(name) if name else None
            if info is None or info.is_constant or is_runtime_data(node.op_type, info):
                continue
            if all_constant or info.value is not None:
                constant.add(name)
                found[name] = all_constant and node.op_type in WEIGHT_GENERATORS and not info.from_inputs
    return found


def _bound_graph(
    graph: Graph, folded: Mapping[str, bool], values: Mapping[Dim, int], binding: Mapping[str, int]
) -> Graph:
    """The graph's tensors with bound shapes (`values`: each formula's number), and bound values
    and constness for `folded` ones."""
    tensors = {}
    for name, info in graph.tensors.items():
        if info.shape is not None and not all(isinstance(d, int) for d in info.shape):
            info = replace(info, shape=tuple(d if isinstance(d, int) else values[d] for d in info.shape))
        if name in folded:
            value = _bound_value(info.value, binding)
            info = replace(info, is_constant=True, is_weight=folded[name], value=value)
        tensors[name] = info
    return replace(graph, tensors=tensors)


def _bound_value(value: np.ndarray | None, binding: Mapping[str, int]) -> np.ndarray | None:
    """A folded value over symbolic dims as the numbers it takes under `binding`."""
    if value is None or value.dtype != object:
        return value
    items = [substitute(v, binding) if not isinstance(v, int | float) else v for v in value.reshape(-1)]
    if not all(isinstance(v, int) for v in items):
        return None
    return np.array(items, dtype=np.int64).reshape(value.shape)


def _rows(
    label: str,
    graph: Graph,
    costs: tuple[NodeCost, ...],
    binding: Mapping[str, int],
    profiles: Sequence[HardwareProfile],
    fuse: bool,
    qdq: str,
) -> list[SweepRow]:
    """Totals and peak memory of one binding of numbers, and the estimate on every profile."""
    totals = model_totals(
        costs,
        _runtime_tensors(graph, qdq),
        weights=graph.weights(),
        quantized=graph.all_quantized_payloads(),
        peak_memory_bytes=(peak := peak_memory(graph, MemoryOptions(fuse=fuse, qdq=qdq))),
    )
    estimates = estimate_profiles(costs, profiles, fuse=fuse, tensors=graph.tensors,
                                  graph_outputs=graph.outputs, batch=_batch_of(graph, binding),
                                  per_node=False, live_bytes=peak)  # fmt: skip
    return _table(label, binding, totals, profiles, estimates, weight_bytes(graph))


def _batch_of(graph: Graph, binding: Mapping[str, int]) -> int:
    """Inferences per run, as `analyze` counts them."""
    info = ModelInfo(path="", ir_version=0, opsets={}, producer="",
                     inputs=tuple(graph.tensors[name] for name in graph.inputs), outputs=())  # fmt: skip
    return _batch(binding, info)


def _table(
    label: str,
    binding: Mapping[str, int],
    totals: Totals,
    profiles: Sequence[HardwareProfile],
    estimates: Sequence[Estimate],
    stored_bytes: int,
) -> list[SweepRow]:
    """One row per profile: the model's totals under `binding` (formulas evaluated), its estimate
    and whether its weights (`stored_bytes`) and peak activations fit the profile's memory."""

    def number(value: Dim) -> int:
        return _int(substitute(value, binding))

    rows = []
    peak = None if totals.peak_memory_bytes is None else number(totals.peak_memory_bytes)
    for profile, found in zip(profiles, estimates, strict=True):
        fits = None if peak is None else bool(fit_memory(profile, peak, stored_bytes)["fits"])
        rows.append(SweepRow(
            model=label, profile=profile.name, bindings=dict(binding), macs=number(totals.macs),
            flops=number(totals.flops), params=number(totals.params),
            weight_bytes=number(totals.weight_bytes), peak_memory_bytes=peak,
            latency_s=found.latency_s, throughput_per_s=found.throughput_per_s, energy_j=found.energy_j,
            fits=fits,
        ))  # fmt: skip
    return rows


def _int(value: Dim) -> int:
    """A bound total; a formula here means a dim the grid does not bind."""
    if isinstance(value, int):
        return value
    names = ", ".join(sorted(free_names(value)))
    raise OnnxcostError(
        f"the sweep needs every dim bound, but a total depends on {names}: add --dim NAME=INT"
    )
