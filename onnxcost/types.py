"""The central immutable values that flow through the pipeline (see docs/design)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from onnxcost.dtypes import nbytes_of
from onnxcost.symbolic.poly import Dim

Status = Literal["ok", "zero", "estimated", "unsupported"]
Bound = Literal["compute", "memory"]

DEFAULT_DOMAIN = ""
ML_DOMAIN = "ai.onnx.ml"
MS_DOMAIN = "com.microsoft"


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """One value of the graph: its shape (None when the rank is unknown), dtype and size."""

    name: str
    shape: tuple[Dim, ...] | None
    dtype: str
    is_constant: bool = False
    is_weight: bool = False
    value: np.ndarray | None = field(default=None, compare=False, repr=False)
    elem_type: str = "tensor"
    # The value derives from the graph's inputs (their data or their shapes): never a weight.
    from_inputs: bool = False
    # Elements (the product of dims) and bytes (numel × itemsize, 4-bit types packed two per
    # byte, rounded up); None when the shape is unknown. Computed once: every stage asks for them.
    numel: Dim | None = field(init=False, compare=False, repr=False)
    nbytes: Dim | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        numel = _numel(self.shape)
        object.__setattr__(self, "numel", numel)
        object.__setattr__(self, "nbytes", None if numel is None else nbytes_of(numel, self.dtype))


def _numel(shape: tuple[Dim, ...] | None) -> Dim | None:
    """The product of dims: plain ints here, formulas by onnxcost.symbolic.formulas."""
    if shape is None:
        return None
    count = 1
    for dim in shape:
        if type(dim) is not int:
            from onnxcost.symbolic.formulas import product

            return product(shape)
        count *= dim
    return count


@dataclass(frozen=True, slots=True)
class UnderivedDim:
    """A dim the input shapes do not determine: the symbol that stands for it (the name `--dim`
    binds), the node it comes from, what it counts, whether the data decides it (NonZero's count,
    a Loop's trips) rather than a gap in onnxcost's rules, the upper bound the graph states
    (`--worst-case` takes it) and the value the analysis used."""

    symbol: str
    node: str
    op_type: str
    what: str
    data_dependent: bool
    bound: Dim | None
    value: Dim


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """One ONNX node with its attributes completed by schema defaults."""

    name: str
    op_type: str
    domain: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: Mapping[str, Any]
    opset: int
    index: int

    @property
    def key(self) -> tuple[str, str]:
        """The registry key of this node: (domain, op_type)."""
        return (self.domain, self.op_type)


@dataclass(frozen=True, slots=True)
class Work:
    """What a cost rule returns: the arithmetic of one node and how much of its tensors it touches.

    `bytes_read` / `bytes_written` override the default (every input read once, every output
    written once) for ops that touch less (Gather, Slice) or nothing (views such as Reshape).
    """

    macs: Dim = 0
    flops: Dim = 0
    status: Status = "ok"
    note: str = ""
    bytes_read_activations: Dim | None = None
    bytes_read_weights: Dim | None = None
    bytes_written: Dim | None = None
    dtype: str | None = None
    macs_by_dtype: Mapping[str, Dim] | None = None
    # Inputs whose stored elements pack several values (4-bit weights in a uint8 blob):
    # input index -> (values held, their dtype). Params count the values; weight bytes stay the
    # stored bytes, filed under that dtype.
    packed: Mapping[int, tuple[Dim, str]] | None = None
    # Which of its op's kernels a runtime runs where the attributes decide it ("generic": a
    # Transpose no fast path takes); "" where one kernel serves.
    kernel: str = ""
    # A fused activation the kernel applies in a pass of its own over the output after it has
    # written it ("Clip" after an NCHWc convolution); "" where none, or where the kernel applies it
    # as it writes (Relu in an NCHWc convolution).
    epilogue: str = ""
    # The bodies a control-flow node runs, each with how many times (If: its branch once; Loop:
    # its body × trips), for an estimate that costs their nodes one by one.
    runs: tuple[tuple[SubgraphCost, Dim], ...] = ()


@dataclass(frozen=True, slots=True)
class NodeCost:
    """The static cost of one node: arithmetic, parameters and bytes moved."""

    name: str
    op_type: str
    domain: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    macs: Dim
    flops: Dim
    params: Dim
    weight_bytes: Dim
    bytes_read_weights: Dim
    bytes_read_activations: Dim
    bytes_written: Dim
    dtype: str
    status: Status
    note: str = ""
    macs_by_dtype: Mapping[str, Dim] = field(default_factory=dict)
    subgraph_unsupported: Mapping[str, int] = field(default_factory=dict)
    packed: Mapping[str, tuple[Dim, str]] = field(default_factory=dict)  # tensor -> (values, dtype)
    kernel: str = ""  # which of its op's kernels runs, where the attributes decide (Work.kernel)
    epilogue: str = ""  # a fused activation run as a pass of its own over the output (Work.epilogue)
    runs: tuple[tuple[SubgraphCost, Dim], ...] = ()  # bodies run, with how many times (Work.runs)

    @property
    def bytes_read(self) -> Dim:
        """Bytes read = weight bytes read + activation bytes read."""
        return self.bytes_read_weights + self.bytes_read_activations


@dataclass(frozen=True, slots=True)
class SubgraphCost:
    """The summed cost of one body graph (an If branch, a Loop or Scan body), run once."""

    macs: Dim
    flops: Dim
    params: Dim
    weight_bytes: Dim
    bytes_read_weights: Dim
    bytes_read_activations: Dim
    bytes_written: Dim
    macs_by_dtype: Mapping[str, Dim]
    unsupported: Mapping[str, int]
    nodes: tuple[NodeCost, ...] = ()  # the body's own node costs, in execution order
    tensors: Mapping[str, TensorInfo] = field(default_factory=dict)  # the body's values
    outputs: tuple[str, ...] = ()  # the body's outputs


@dataclass(frozen=True, slots=True)
class MemoryLevel:
    """One level of a device's memory hierarchy, fastest first."""

    name: str
    capacity_bytes: float
    bandwidth_bytes_per_s: float
    energy_pj_per_byte: float


@dataclass(frozen=True, slots=True)
class EfficiencyStep:
    """Efficiency factor applied to work of at least `min_amount` (FLOPs or bytes)."""

    min_amount: float
    factor: float


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    """A device for the roofline estimator; every figure carries a source in `sources`."""

    name: str
    display_name: str
    kind: Literal["gpu", "cpu", "tpu", "npu", "mcu"]
    clock_hz: float
    peak_ops_per_s: Mapping[str, float]
    memory: tuple[MemoryLevel, ...]
    weights_level: str
    activations_level: str
    kernel_overhead_s: float
    run_power_w: float
    idle_power_w: float
    overlap: bool
    compute_efficiency: tuple[EfficiencyStep, ...]
    memory_efficiency: tuple[EfficiencyStep, ...]
    energy_pj_per_op: Mapping[str, float]
    sources: Mapping[str, str]
    notes: str = ""
    path: str = ""
    # "per_op": energy = ops × energy_pj_per_op + bytes × energy_pj_per_byte + idle power × time;
    # "power": energy = run_power_w × latency (microcontrollers: measured power is nearly constant).
    energy_model: Literal["per_op", "power"] = "per_op"
    # The runtime that executes the graph ("" for none named): the estimator costs the graph as
    # that runtime rewrites and runs it (onnxcost.model.lower).
    runtime: str = ""
    # Threads the calibrated figures hold for, and what a run costs beyond its nodes.
    threads: int = 1
    run_overhead_s: float = 0.0
    # Calibrated costs by op class (onnxcost.estimate.op_classes) and by op type (which take precedence):
    # measured rates or per-element times by size; the roofline serves every other node.
    op_classes: Mapping[str, ClassCost] = field(default_factory=dict)
    op_types: Mapping[str, ClassCost] = field(default_factory=dict)
    # Measured speed-up of each class over one thread (what the threads buy; informational).
    parallel_speedup: Mapping[str, float] = field(default_factory=dict)
    # The spread of the latency the estimate gives (onnxcost.estimate.error_bars): relative errors of the
    # profile's validation by class, as (low, high) factors on the predicted time.
    error_bars: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    # Whether float32 MatMul/Gemm/Conv MACs run as TF32 on tensor cores (the profile's tf32 peak),
    # as onnxruntime's CUDA provider and TensorRT do by default on Ampere and newer GPUs.
    tf32_matmul: bool = False
    # How much longer a light node (element-wise, movement, normalization) takes among a model's heavy
    # kernels (MAC classes) than alone: measured by calibration, 1.0 where nothing says otherwise.
    light_after_heavy: float = 1.0
    # By op-table key, the seconds a kernel call takes beyond its table's time in a model whose
    # footprint (weights read and the peak of live activations) exceeds half the L2: its operands
    # are evicted between runs, while the tables were timed with them in cache. Measured by calibration.
    cold_start_s: Mapping[str, float] = field(default_factory=dict)
    # A kernel that runs one image at a time on one thread (onnxruntime's QLinearConv): each image
    # after the first takes this share of the first's time (its table's time for one image).
    next_image_share: float = 1.0
    # On several threads, the seconds a light node (element-wise, transcendental, movement) or a dynamic
    # quantizer's input pass takes a byte of what a matrix product, LayerNormalization, Softmax or Gelu
    # wrote, for the bytes the other threads' cores wrote ((threads − 1) ÷ threads of them): read
    # from another core's cache. Measured by calibration.
    remote_s_per_byte: float = 0.0


@dataclass(frozen=True, slots=True)
class ClassCost:
    """How fast one op class (or op type) runs, by size, on a calibrated profile: either the
    operations per second reached at a number of operations (MAC classes: 2 per MAC) or the
    seconds per element at a number of elements; log-linear between the measured points."""

    ops_per_s: tuple[tuple[float, float], ...] = ()
    s_per_element: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class NodeEstimate:
    """The roofline estimate of one node on one profile."""

    name: str
    compute_s: float
    memory_s: float
    overhead_s: float
    latency_s: float
    energy_j: float
    bound: Bound
    intensity_flop_per_byte: float
    attainable_flop_per_s: float
    utilization: float
    fused: bool = False


@dataclass(frozen=True, slots=True)
class Estimate:
    """A whole-model estimate: per-node figures and totals."""

    profile: str
    nodes: tuple[NodeEstimate, ...]
    latency_s: float
    energy_j: float
    throughput_per_s: float
    utilization: float
    assumptions: Mapping[str, Any] = field(default_factory=dict)
    # The interval the profile's error bars give (onnxcost.estimate.error_bars); None without bars.
    latency_range_s: tuple[float, float] | None = None
    energy_range_j: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """An execution order with tensor lifetimes, the peak of live bytes and an arena plan."""

    order: tuple[str, ...]
    peak_memory_bytes: int
    peak_step: int
    peak_tensors: tuple[str, ...]
    lower_bound_bytes: int
    arena_bytes: int
    buffers: tuple[Mapping[str, Any], ...]
    strategy: str = "topo"  # "topo" or "min-memory"
    method: str = ""  # how the order was found (exact, beam search on some segments)
    inplace: bool = True
    fuse: bool = True
    topo_peak_bytes: int | None = None  # the file order's peak, for comparison
    warnings: tuple[str, ...] = ()
    fit: Mapping[str, Any] | None = None  # the deployment check against a hardware profile


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the report says about the model file itself."""

    path: str
    ir_version: int
    opsets: Mapping[str, int]
    producer: str
    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]


@dataclass(frozen=True, slots=True)
class OpTypeTotals:
    """Figures summed over every node of one op type."""

    count: int
    macs: Dim
    flops: Dim
    params: Dim
    bytes_read: Dim
    bytes_written: Dim
    latency_s: float | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """Whole-model figures; a figure that does not apply (no hardware given) is None."""

    params: Dim
    weight_bytes: Dim
    macs: Dim
    flops: Dim
    bytes_read: Dim
    bytes_written: Dim
    activation_bytes: Dim
    peak_memory_bytes: Dim | None = None
    latency_s: float | None = None
    energy_j: float | None = None
    macs_by_dtype: Mapping[str, Dim] = field(default_factory=dict)
    weight_bytes_by_dtype: Mapping[str, Dim] = field(default_factory=dict)
    excluded_ops: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one analysis found; renderers in onnxcost.report turn it into text."""

    model: ModelInfo
    bindings: Mapping[str, int]
    hardware: str | None
    nodes: tuple[NodeCost, ...]
    totals: Totals
    by_op_type: Mapping[str, OpTypeTotals]
    unsupported: Mapping[str, int]
    warnings: tuple[str, ...]
    estimate: Estimate | None = None
    schedule: Schedule | None = None
    # dims the analysis worked out beyond the bindings (Loop trips), and those it could not
    derived_dims: Mapping[str, Dim] = field(default_factory=dict)
    underived_dims: tuple[UnderivedDim, ...] = ()
    # with a profile: the weights and the peak of live activations against its memory (fit.py)
    fit: Mapping[str, Any] | None = None
