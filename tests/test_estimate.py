"""The roofline estimator: seed arithmetic, hand-computed nodes, fusion, energy, batch, MCU validation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.cli import main
from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import ProfileError, load_profile, ridge_point
from onnxcost.estimate.roofline import body_nodes, estimate
from onnxcost.report.document import report_document
from onnxcost.symbolic.formulas import symbol
from onnxcost.types import EfficiencyStep, HardwareProfile, MemoryLevel, NodeCost

MODELS = Path(__file__).resolve().parents[1] / "models"


def toy_profile(**changes: object) -> HardwareProfile:
    """A device with round figures: fp32 1 GFLOP/s, int8 4 GOP/s, 1 kB SRAM at 1 GB/s, DRAM at
    100 MB/s holding weights and activations, compute efficiency 0.5, memory efficiency 1."""
    profile = HardwareProfile(
        name="toy", display_name="Toy", kind="cpu", clock_hz=1e9,
        peak_ops_per_s={"float32": 1e9, "int8": 4e9},
        memory=(MemoryLevel("SRAM", 1000, 1e9, 1.0), MemoryLevel("DRAM", 1e9, 1e8, 10.0)),
        weights_level="DRAM", activations_level="DRAM", kernel_overhead_s=1e-6,
        run_power_w=2.0, idle_power_w=0.5, overlap=True,
        compute_efficiency=(EfficiencyStep(0, 0.5),), memory_efficiency=(EfficiencyStep(0, 1.0),),
        energy_pj_per_op={"float32": 4.0, "int8": 1.0}, sources={},
    )  # fmt: skip
    return dataclasses.replace(profile, **changes)


def node(name: str = "n", op_type: str = "MatMul", *, flops: int = 0, macs: int = 0,
         weights: int = 0, reads: int = 0, writes: int = 0, dtype: str = "float32",
         status: str = "ok", inputs: tuple[str, ...] = ("a",), outputs: tuple[str, ...] = ("b",),
         macs_by_dtype: dict[str, int] | None = None) -> NodeCost:  # fmt: skip
    """A NodeCost with the figures a test needs."""
    return NodeCost(
        name=name, op_type=op_type, domain="", inputs=inputs, outputs=outputs, macs=macs,
        flops=flops, params=0, weight_bytes=weights, bytes_read_weights=weights,
        bytes_read_activations=reads, bytes_written=writes, dtype=dtype, status=status,  # type: ignore[arg-type]
        macs_by_dtype=macs_by_dtype if macs_by_dtype is not None else ({dtype: macs} if macs else {}),
    )  # fmt: skip


def save(model: onnx.ModelProto, path: Path) -> str:
    onnx.save(model, str(path))
    return str(path)


def graph_model(nodes: list, inputs: list, outputs: list, weights: list) -> onnx.ModelProto:
    graph = h.make_graph(nodes, "g", inputs, outputs, weights)
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


# ------------------------------------------------------------------ the seed's arithmetic


def test_a100_ridge_point_is_156_with_the_seed_2_tb_s_and_153_with_2039() -> None:
    a100 = load_profile("a100-80gb-sxm")
    # 312e12 FLOP/s ÷ 2.039e12 B/s = 153.0 FLOP/byte (the datasheet bandwidth)
    assert ridge_point(a100, "float16") == pytest.approx(153.0, abs=0.05)
    # the seed's rounded 2 TB/s: 312e12 ÷ 2e12 = 156 FLOP/byte
    hbm = dataclasses.replace(a100.memory[-1], bandwidth_bytes_per_s=2e12)
    seed = dataclasses.replace(a100, memory=(*a100.memory[:-1], hbm))
    assert ridge_point(seed, "float16") == pytest.approx(156.0)


def test_conv_flops_are_2_cin_cout_k2_hout_wout() -> None:
    # Cin 16, Cout 32, k 3, pad 1, 32×32 → Hout = Wout = 32, no bias:
    # 2·16·32·9·32·32 = 9,437,184 FLOPs
    weight = nh.from_array(np.ones((32, 16, 3, 3), np.float32), "w")
    model = graph_model(
        [h.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])],
        [h.make_tensor_value_info("x", T.FLOAT, [1, 16, 32, 32])],
        [h.make_tensor_value_info("y", T.FLOAT, [1, 32, 32, 32])], [weight],
    )  # fmt: skip
    report = onnxcost.analyze(model)
    assert report.nodes[0].flops == 2 * 16 * 32 * 3**2 * 32 * 32 == 9_437_184


def test_self_attention_flops_are_8nd2_plus_4n2d() -> None:
    # N 128 tokens, d 64: four projections [N,d]×[d,d] = 4·2·N·d² = 8Nd² = 4,194,304;
    # scores Q·Kᵀ [N,d]×[d,N] = 2N²d and weights·V [N,N]×[N,d] = 2N²d: 4N²d = 4,194,304;
    # total 8,388,608 FLOPs (the softmax's are counted apart).
    n, d = 128, 64
    weights = [nh.from_array(np.ones((d, d), np.float32), name) for name in ("wq", "wk", "wv", "wo")]
    nodes = [
        h.make_node("MatMul", ["x", "wq"], ["q"], name="q_proj"),
        h.make_node("MatMul", ["x", "wk"], ["k"], name="k_proj"),
        h.make_node("MatMul", ["x", "wv"], ["v"], name="v_proj"),
        h.make_node("Transpose", ["k"], ["kt"], name="k_t", perm=[1, 0]),
        h.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
        h.make_node("Softmax", ["s"], ["p"], name="softmax", axis=-1),
        h.make_node("MatMul", ["p", "v"], ["o"], name="context"),
        h.make_node("MatMul", ["o", "wo"], ["y"], name="o_proj"),
    ]
    model = graph_model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [n, d])],
                        [h.make_tensor_value_info("y", T.FLOAT, [n, d])], weights)  # fmt: skip
    report = onnxcost.analyze(model)
    matmul_flops = sum(c.flops for c in report.nodes if c.op_type == "MatMul")
    assert matmul_flops == 8 * n * d**2 + 4 * n**2 * d == 8_388_608


# ------------------------------------------------------- batch: memory- to compute-bound


def linear_fp16_model() -> onnx.ModelProto:
    """Y[batch,4096] = X[batch,4096] · W[4096,4096], FP16 weights (a Linear layer, no bias)."""
    weight = nh.from_array(np.zeros((4096, 4096), np.float16), "w")
    return graph_model(
        [h.make_node("MatMul", ["x", "w"], ["y"], name="linear")],
        [h.make_tensor_value_info("x", T.FLOAT16, ["batch", 4096])],
        [h.make_tensor_value_info("y", T.FLOAT16, ["batch", 4096])], [weight],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("batch", "bound"),
    [(1, "memory"), (128, "compute")],
)
def test_linear_layer_moves_from_memory_to_compute_bound_with_batch(
    tmp_path: Path, batch: int, bound: str
) -> None:
    path = save(linear_fp16_model(), tmp_path / "linear.onnx")
    result = CliRunner().invoke(main, ["analyze", path, "--hw", "a100-80gb-sxm", "--dim",
                                       f"batch={batch}", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (linear,) = doc["nodes"]
    # FLOPs = batch·2·4096²; bytes = weights 2·4096² + activations read and written 2·(batch·4096·2)
    flops = batch * 2 * 4096**2
    moved = 2 * 4096**2 + 2 * batch * 4096 * 2
    assert linear["intensity_flop_per_byte"] == pytest.approx(flops / moved)
    # batch 1: 33,554,432 / 33,570,816 = 0.9995 ≈ 1 FLOP/byte;
    # batch 128: 4,294,967,296 / 35,651,584 = 120.5 FLOP/byte
    assert linear["intensity_flop_per_byte"] == pytest.approx({1: 0.9995, 128: 120.47}[batch], rel=1e-3)
    assert linear["bound"] == bound
    assert doc["hardware"] == "a100-80gb-sxm"
    assert doc["estimate"]["throughput_per_s"] == pytest.approx(batch / doc["totals"]["latency_s"])


def test_linear_layer_batch_128_time_by_hand() -> None:
    # compute: 4.295e9 FLOP ÷ (312e12 × 0.60 (≥1 GFLOP)) = 22.94 µs
    # memory: weights 33.55 MB from HBM2e ÷ 2.039e12 + activations 2.10 MB from L2 (≤ 40 MB) ÷ 7.22e12,
    #         both ÷ 0.75 (35.7 MB ≥ 10 MB) = (16.457 + 0.290) / 0.75 = 22.33 µs → compute-bound
    report = onnxcost.analyze(linear_fp16_model(), dims={"batch": 128}, hardware="a100-80gb-sxm")
    (linear,) = report.estimate.nodes
    assert linear.compute_s == pytest.approx(128 * 2 * 4096**2 / (312e12 * 0.60))
    memory = (2 * 4096**2 / 2.039e12 + 2 * 128 * 4096 * 2 / 7.22e12) / 0.75
    assert linear.memory_s == pytest.approx(memory)
    assert linear.latency_s == pytest.approx(max(linear.compute_s, memory) + 5e-6)


def test_unbound_dims_ask_for_bindings(tmp_path: Path) -> None:
    with pytest.raises(OnnxcostError, match="--dim"):
        onnxcost.analyze(linear_fp16_model(), hardware="a100-80gb-sxm")
    path = save(linear_fp16_model(), tmp_path / "linear.onnx")
    result = CliRunner().invoke(main, ["analyze", path, "--hw", "a100-80gb-sxm"])
    assert result.exit_code == 2
    assert "batch" in result.stderr and "--dim" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_formulas_are_evaluated_with_bindings() -> None:
    batch = symbol("batch")
    cost = node(flops=2 * batch * 1000, macs=batch * 1000, reads=4 * batch, writes=4 * batch)
    with pytest.raises(OnnxcostError, match="batch"):
        estimate([cost], toy_profile())
    bound = estimate([cost], toy_profile(), bindings={"batch": 3})
    # 6000 FLOP ÷ (1e9 × 0.5) = 12 µs compute; 24 B from SRAM = 24 ns
    assert bound.nodes[0].compute_s == pytest.approx(12e-6)


# ---------------------------------------------------------------- one node by hand


def test_compute_bound_node_by_hand_overlap_and_sum() -> None:
    # 2e6 FLOP ÷ (1e9 × 0.5) = 4 ms compute;
    # 10,000 weight bytes from DRAM ÷ 1e8 = 100 µs; 400 + 400 activation bytes fit the 1 kB SRAM:
    # 800 ÷ 1e9 = 0.8 µs; memory 100.8 µs; overhead 1 µs
    cost = node(flops=2_000_000, macs=1_000_000, weights=10_000, reads=400, writes=400)
    overlapped = estimate([cost], toy_profile()).nodes[0]
    assert overlapped.compute_s == pytest.approx(4e-3)
    assert overlapped.memory_s == pytest.approx(100.8e-6)
    assert overlapped.latency_s == pytest.approx(4e-3 + 1e-6)
    assert overlapped.bound == "compute"
    assert overlapped.intensity_flop_per_byte == pytest.approx(2e6 / 10_800)
    # achieved 2e6 / 4.001e-3 s over the 1e9 peak
    assert overlapped.utilization == pytest.approx(2e6 / 4.001e-3 / 1e9)
    summed = estimate([cost], toy_profile(overlap=False)).nodes[0]
    assert summed.latency_s == pytest.approx(4e-3 + 100.8e-6 + 1e-6)


def test_memory_bound_node_by_hand_with_activations_beyond_sram() -> None:
    # 1,000 FLOP ÷ 0.5e9 = 2 µs; 1e6 weight bytes ÷ 1e8 = 10 ms; activations 1,000 + 1,000 B
    # exceed the 1 kB SRAM, so they come from DRAM: 2,000 ÷ 1e8 = 20 µs
    cost = node(flops=1_000, macs=500, weights=1_000_000, reads=1_000, writes=1_000)
    result = estimate([cost], toy_profile()).nodes[0]
    assert result.compute_s == pytest.approx(2e-6)
    assert result.memory_s == pytest.approx(10e-3 + 20e-6)
    assert result.bound == "memory"
    assert result.latency_s == pytest.approx(10.02e-3 + 1e-6)
    # attainable = min(peak, intensity × bandwidth over the levels used) = 1000/1.002e6 × 1e8
    assert result.attainable_flop_per_s == pytest.approx(1_000 / 1_002_000 * 1e8)


def test_integer_work_runs_at_the_integer_peak() -> None:
    # 1e6 int8 MACs = 2e6 ops + 1e4 element-wise ops of the int8 node, all at 4e9 × 0.5:
    # 2.01e6 / 2e9 = 1.005 ms (at the float32 peak it would be 4.02 ms)
    cost = node(flops=2_010_000, macs=1_000_000, dtype="int8")
    assert estimate([cost], toy_profile()).nodes[0].compute_s == pytest.approx(1.005e-3)
    uint8 = node(flops=2_010_000, macs=1_000_000, dtype="uint8")
    assert estimate([uint8], toy_profile()).nodes[0].compute_s == pytest.approx(1.005e-3)


def test_efficiency_steps_follow_the_node_size() -> None:
    steps = (EfficiencyStep(0, 0.1), EfficiencyStep(1e6, 0.5))
    profile = toy_profile(compute_efficiency=steps)
    small, large = node("s", flops=1_000), node("l", flops=2_000_000)
    result = estimate([small, large], profile)
    assert result.nodes[0].compute_s == pytest.approx(1_000 / (1e9 * 0.1))
    assert result.nodes[1].compute_s == pytest.approx(2e6 / (1e9 * 0.5))


def test_zero_cost_views_pay_no_launch_and_unsupported_nodes_are_skipped() -> None:
    view = node("reshape", "Reshape", status="zero")
    copy = node("transpose", "Transpose", reads=100, writes=100, status="zero")
    unknown = node("mystery", "Mystery", status="unsupported")
    result = estimate([view, copy, unknown], toy_profile())
    assert [n.name for n in result.nodes] == ["reshape", "transpose"]
    assert result.nodes[0].latency_s == 0.0
    assert result.nodes[1].latency_s == pytest.approx(200 / 1e9 + 1e-6)
    assert result.assumptions["skipped_unsupported"] == ["mystery (Mystery)"]


# ---------------------------------------------------------------------------- fusion


def conv_chain_model(relu_consumers: int = 1) -> onnx.ModelProto:
    """x[1,8,16,16] → Conv(3×3, pad 1) → c → Relu → r → Conv → y (and c → Sigmoid when 2 consumers)."""
    w1 = nh.from_array(np.ones((8, 8, 3, 3), np.float32), "w1")
    w2 = nh.from_array(np.ones((8, 8, 3, 3), np.float32), "w2")
    nodes = [
        h.make_node("Conv", ["x", "w1"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
        h.make_node("Relu", ["c"], ["r"], name="relu"),
        h.make_node("Conv", ["r", "w2"], ["y"], name="conv2", pads=[1, 1, 1, 1]),
    ]
    outputs = [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 16, 16])]
    if relu_consumers == 2:
        nodes.append(h.make_node("Sigmoid", ["c"], ["z"], name="sigmoid"))
        outputs.append(h.make_tensor_value_info("z", T.FLOAT, [1, 8, 16, 16]))
    return graph_model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 16, 16])], outputs,
                       [w1, w2])  # fmt: skip


def bytes_moved(result: onnxcost.Report) -> dict[str, float]:
    """Bytes each node moves on the single-level toy profile (memory_s × bandwidth)."""
    assert result.estimate is not None
    return {n.name: n.memory_s * 1e8 for n in result.estimate.nodes}


def single_level() -> HardwareProfile:
    """One memory level, compute and memory time summed: every byte saved shows in the latency."""
    return toy_profile(memory=(MemoryLevel("DRAM", 1e9, 1e8, 10.0),), overlap=False)


def test_fusion_saves_exactly_the_producer_write_and_the_epilogue_read() -> None:
    # c = 1·8·16·16 float32 = 8,192 bytes: conv1 no longer writes it, relu no longer reads it
    fused = onnxcost.analyze(conv_chain_model(), hardware=single_level())
    plain = onnxcost.analyze(conv_chain_model(), hardware=single_level(), fuse=False)
    on, off = bytes_moved(fused), bytes_moved(plain)
    assert off["conv1"] - on["conv1"] == pytest.approx(8_192)
    assert off["relu"] - on["relu"] == pytest.approx(8_192)
    assert on["conv2"] == pytest.approx(off["conv2"])
    relu = {n.name: n for n in fused.estimate.nodes}["relu"]
    assert relu.fused and relu.overhead_s == 0.0
    assert not {n.name: n for n in plain.estimate.nodes}["relu"].fused
    # one launch fewer, 16,384 bytes fewer at 1e8 B/s
    saved = plain.estimate.latency_s - fused.estimate.latency_s
    assert saved == pytest.approx(1e-6 + 16_384 / 1e8)
    assert fused.estimate.assumptions["fused_nodes"] == 1


def test_no_fusion_when_the_producer_output_has_two_consumers() -> None:
    fused = onnxcost.analyze(conv_chain_model(relu_consumers=2), hardware=single_level())
    plain = onnxcost.analyze(conv_chain_model(relu_consumers=2), hardware=single_level(), fuse=False)
    assert bytes_moved(fused) == pytest.approx(bytes_moved(plain))
    assert not any(n.fused for n in fused.estimate.nodes)


def test_bias_add_with_a_constant_fuses_and_a_residual_add_does_not() -> None:
    # MatMul → Add(bias) → Relu chain: Add and Relu fuse; the residual Add of two activations not
    weight = nh.from_array(np.ones((64, 64), np.float32), "w")
    bias = nh.from_array(np.ones((64,), np.float32), "b")
    nodes = [
        h.make_node("MatMul", ["x", "w"], ["m"], name="mm"),
        h.make_node("Add", ["m", "b"], ["a"], name="bias"),
        h.make_node("Relu", ["a"], ["r"], name="relu"),
        h.make_node("Add", ["r", "x"], ["y"], name="residual"),
    ]
    model = graph_model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [4, 64])],
                        [h.make_tensor_value_info("y", T.FLOAT, [4, 64])], [weight, bias])  # fmt: skip
    report = onnxcost.analyze(model, hardware=single_level())
    fused = {n.name: n.fused for n in report.estimate.nodes}
    assert fused == {"mm": False, "bias": True, "relu": True, "residual": False}


def test_a_graph_output_is_never_fused_away() -> None:
    model = conv_chain_model()
    model.graph.output.append(h.make_tensor_value_info("c", T.FLOAT, [1, 8, 16, 16]))
    report = onnxcost.analyze(model, hardware=single_level())
    assert not any(n.fused for n in report.estimate.nodes)


def test_epilogues_fuse_through_folded_qdq_and_as_written_qdq_fuses_too() -> None:
    # AD autoencoder int8, as run: MatMul(int8) → [Q → DQ folded] → Add(bias) fuses; 10 dense layers
    as_run = onnxcost.analyze(MODELS / "ad_autoencoder_int8.onnx", hardware="stm32l4r5")
    fused = {n.name for n in as_run.estimate.nodes if n.fused}
    assert {f"dense{i}/Add" for i in range(1, 11)} <= fused
    # as written: Conv(float) → QuantizeLinear → DequantizeLinear is an epilogue chain
    written = onnxcost.analyze(MODELS / "ic_resnet8_int8.onnx", hardware="stm32l4r5", qdq="as-written")
    fused = {n.name for n in written.estimate.nodes if n.fused}
    assert {"relu_QuantizeLinear", "relu_DequantizeLinear"} <= fused


# ------------------------------------------------------------------------ energy models


def test_per_op_energy_by_hand() -> None:
    # ops 2e6 × 4 pJ = 8 µJ; weights 10,000 B × 10 pJ (DRAM) = 0.1 µJ; activations 800 B × 1 pJ
    # (SRAM) = 0.8 nJ; idle 0.5 W × 4.001 ms = 2.0005 mJ
    cost = node(flops=2_000_000, macs=1_000_000, weights=10_000, reads=400, writes=400)
    result = estimate([cost], toy_profile())
    dynamic = (2e6 * 4 + 10_000 * 10 + 800 * 1) * 1e-12
    assert result.energy_j == pytest.approx(dynamic + 0.5 * 4.001e-3)


def test_power_energy_model_is_run_power_times_latency() -> None:
    cost = node(flops=2_000_000, macs=1_000_000, weights=10_000, reads=400, writes=400)
    result = estimate([cost], toy_profile(energy_model="power"))
    assert result.energy_j == pytest.approx(2.0 * result.latency_s)


def test_totals_sum_the_nodes() -> None:
    costs = [node("a", flops=2_000_000, macs=1_000_000), node("b", flops=1_000, weights=1_000_000)]
    result = estimate(costs, toy_profile(), batch=4)
    assert result.latency_s == pytest.approx(sum(n.latency_s for n in result.nodes))
    assert result.energy_j == pytest.approx(sum(n.energy_j for n in result.nodes))
    assert result.throughput_per_s == pytest.approx(4 / result.latency_s)
    assert result.utilization == pytest.approx(2_001_000 / (result.latency_s * 1e9))
    assert "sequential" in result.assumptions["execution"]


def _chain(name: str, ops: list[str], source: str = "x") -> tuple[list[onnx.NodeProto], str]:
    """Unary nodes one after another on a [100] float tensor; returns them and the last output."""
    nodes = []
    for index, op in enumerate(ops):
        nodes.append(h.make_node(op, [source], [f"{name}{index}"], name=f"{name}{index}"))
        source = f"{name}{index}"
    return nodes, source


def test_a_branch_is_costed_node_by_node_plus_the_if_itself(tmp_path: Path) -> None:
    # Relu and Neg on [100] floats, each: 100 FLOPs / (1 GFLOP/s × 0.5) = 0.2 µs of compute,
    # 400 + 400 bytes in the 1 kB SRAM at 1 GB/s = 0.8 µs, overlapped: 0.8 µs + 1 µs launch = 1.8 µs.
    # The If runs its costlier branch (Relu, Neg: 3.6 µs) and launches once itself: 4.6 µs. As one
    # node of 200 FLOPs and 1,600 bytes (the branch summed) it would have spilled to DRAM at
    # 100 MB/s: 16 µs + 1 µs.
    x = h.make_tensor_value_info("x", T.FLOAT, [100])
    branches = {}
    for tag, ops in (("then", ["Relu", "Neg"]), ("else", ["Neg"])):
        nodes, last = _chain(tag, ops)
        branches[f"{tag}_branch"] = h.make_graph(
            nodes, tag, [], [h.make_tensor_value_info(last, T.FLOAT, [100])]
        )
    graph = h.make_graph([h.make_node("If", ["c"], ["y"], name="if", **branches)], "g",
                         [x, h.make_tensor_value_info("c", T.BOOL, [])],
                         [h.make_tensor_value_info("y", T.FLOAT, [100])])  # fmt: skip
    path = save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), tmp_path / "if.onnx")
    assert onnxcost.analyze(path, hardware=toy_profile()).totals.latency_s == pytest.approx(4.6e-6)
    nodes, last = _chain("flat", ["Relu", "Neg"])
    flat = h.make_graph(nodes, "g", [x], [h.make_tensor_value_info(last, T.FLOAT, [100])])
    flat_path = save(h.make_model(flat, opset_imports=[h.make_opsetid("", 17)]), tmp_path / "flat.onnx")
    assert onnxcost.analyze(flat_path, hardware=toy_profile()).totals.latency_s == pytest.approx(3.6e-6)


def test_a_loop_body_is_costed_node_by_node_times_its_trips(tmp_path: Path) -> None:
    # The body above (Relu, Neg: 3.6 µs) run M = 3 times, and the Loop's own launch: 11.8 µs.
    nodes, last = _chain("body", ["Relu", "Neg"], source="v")
    body = h.make_graph(
        nodes, "body",
        [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("cond", T.BOOL, []),
         h.make_tensor_value_info("v", T.FLOAT, [100])],
        [h.make_tensor_value_info("cond", T.BOOL, []), h.make_tensor_value_info(last, T.FLOAT, [100])],
    )  # fmt: skip
    graph = h.make_graph([h.make_node("Loop", ["trips", "", "x"], ["y"], name="loop", body=body)], "g",
                         [h.make_tensor_value_info("x", T.FLOAT, [100])],
                         [h.make_tensor_value_info("y", T.FLOAT, [100])],
                         [nh.from_array(np.array(3, np.int64), "trips")])  # fmt: skip
    path = save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), tmp_path / "loop.onnx")
    report = onnxcost.analyze(path, hardware=toy_profile())
    assert report.totals.latency_s == pytest.approx(11.8e-6)
    # what validate splits it into: each body node's 1.8 µs, 3 times
    parts = body_nodes(report.nodes[0], toy_profile())
    assert [(p.cost.op_type, p.estimate.latency_s, p.times) for p in parts] == [
        ("Relu", pytest.approx(1.8e-6), 3), ("Neg", pytest.approx(1.8e-6), 3)]  # fmt: skip


# -------------------------------------------------------------------------------- API


def test_analyze_with_hardware_fills_the_report() -> None:
    report = onnxcost.analyze(MODELS / "ic_resnet8.onnx", hardware="a100-80gb-sxm")
    assert report.hardware == "a100-80gb-sxm"
    assert report.totals.latency_s == report.estimate.latency_s > 0
    assert report.totals.energy_j == report.estimate.energy_j > 0
    assert report.by_op_type["Conv"].latency_s > 0
    assert sum(t.latency_s for t in report.by_op_type.values()) == pytest.approx(report.totals.latency_s)
    document = report_document(report)
    assert all(n["bound"] in ("compute", "memory") for n in document["nodes"])
    same = onnxcost.analyze(MODELS / "ic_resnet8.onnx", hardware=load_profile("a100-80gb-sxm"))
    assert same.totals.latency_s == report.totals.latency_s


def test_a_profile_error_is_an_onnxcost_error() -> None:
    assert issubclass(ProfileError, OnnxcostError)
    with pytest.raises(OnnxcostError, match="unknown hardware profile"):
        onnxcost.analyze(MODELS / "ic_resnet8.onnx", hardware="no-such-board")


# ------------------------------------------------------- MCU validation (MLPerf Tiny v1.0)

# Published X-CUBE-AI results (ms, µJ), int8; HARDWARE.md and the sources of the STM32 profiles.
# STM32L4R5: the ±30% band on IC and KWS; the other boards: ±35% with the same logic.
L4R5 = [("ic_resnet8_int8", 227e-3, 10_682e-6), ("kws_dscnn_int8", 75e-3, 3_372e-6)]
OTHER_BOARDS = [
    ("stm32l4r5", "vww_mobilenetv1_025_int8", 225.9e-3, None),
    ("stm32u575", "ic_resnet8_int8", 139.7e-3, 3_642e-6),
    ("stm32u575", "kws_dscnn_int8", 44.2e-3, None),
    ("stm32u575", "vww_mobilenetv1_025_int8", 133.4e-3, None),
    ("stm32u575", "ad_autoencoder_int8", 4.85e-3, None),
    ("stm32h7a3", "ic_resnet8_int8", 54.3e-3, None),
    ("stm32h7a3", "kws_dscnn_int8", 16.8e-3, 2_722e-6),
]


@pytest.mark.parametrize(("model", "latency", "energy"), L4R5)
def test_stm32l4r5_predicts_mlperf_tiny_within_30_percent(model: str, latency: float, energy: float) -> None:
    # the QDQ files costed as run: DQ→Conv→Q is one int8 conv
    report = onnxcost.analyze(MODELS / f"{model}.onnx", hardware="stm32l4r5")
    assert report.totals.macs_by_dtype.keys() == {"int8"}
    assert report.totals.latency_s == pytest.approx(latency, rel=0.30)
    assert report.totals.energy_j == pytest.approx(energy, rel=0.30)


@pytest.mark.parametrize(("board", "model", "latency", "energy"), OTHER_BOARDS)
def test_the_same_logic_predicts_other_stm32_results_within_35_percent(
    board: str, model: str, latency: float, energy: float | None
) -> None:
    report = onnxcost.analyze(MODELS / f"{model}.onnx", hardware=board)
    assert report.totals.latency_s == pytest.approx(latency, rel=0.35)
    if energy is not None:
        assert report.totals.energy_j == pytest.approx(energy, rel=0.35)


def test_the_images_factor_of_a_per_image_kernel() -> None:
    from onnxcost.estimate.roofline import images_factor

    # 4 images, each after the first at 0.9 × the first: (1 + 3 × 0.9) ÷ 4 = 0.925 of 4 × one
    assert images_factor(4, 0.9) == pytest.approx(0.925)
    assert images_factor(1, 0.9) == 1.0
