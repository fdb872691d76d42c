"""onnxruntime's graph optimizer at the extended level (FusedConv, FusedGemm, FusedMatMul,
SkipLayerNormalization, Gelu...): a fusion changes no arithmetic, so the optimized graph has
exactly the MACs and FLOPs of its original (a fused bias or activation is counted by the same
table as the separate node it replaces).

At the default ORT_ENABLE_ALL level the CPU optimizer also moves convolutions to the blocked
NCHWc layout (com.microsoft.nchwc), padding channels up to the MLAS block (8 or 16 by CPU): a
model whose channel counts are multiples of 16 keeps its MACs exactly, others gain the padded
channels' work."""

from __future__ import annotations

import onnxruntime as ort
import pytest

from tests.exporters.common import MODELS, analyze_clean, contrib_ops, op_types, ort_optimize

# model → contrib ops the extended level must have produced
FUSIONS = {
    "mobilenetv2": {"FusedConv"},
    "kws_dscnn": {"FusedConv"},
    "ic_resnet8": {"FusedConv"},
    "ad_autoencoder": {"FusedGemm"},
    "transformer_encoder_static": {"FusedMatMul", "SkipLayerNormalization", "Gelu"},
}


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_extended_optimization_keeps_the_figures(name: str, tmp_path) -> None:
    source = MODELS / f"{name}.onnx"
    optimized = ort_optimize(source, tmp_path / f"{name}_extended.onnx")
    assert FUSIONS[name] <= contrib_ops(optimized)
    before, after = analyze_clean(source), analyze_clean(optimized)
    assert after.totals.macs == before.totals.macs
    assert after.totals.flops == before.totals.flops


@pytest.mark.parametrize("name", ["kws_dscnn", "ic_resnet8", "mobilenetv2"])
def test_nchwc_layout_is_costed(name: str, tmp_path) -> None:
    source = MODELS / f"{name}.onnx"
    optimized = ort_optimize(source, tmp_path / f"{name}_all.onnx", ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    domains = {domain for domain, _ in op_types(optimized)}
    before, after = analyze_clean(source), analyze_clean(optimized)
    if "com.microsoft.nchwc" not in domains:
        pytest.skip("this CPU has no NCHWc kernels")
    if name == "mobilenetv2":  # 24-, 160- and 320-channel layers may be padded up to 32, 160, 320
        assert before.totals.macs <= after.totals.macs <= 1.1 * before.totals.macs
    else:  # every channel count (16, 32, 64) is a whole number of blocks
        assert after.totals.macs == before.totals.macs
