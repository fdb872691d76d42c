"""onnxruntime's graph optimizer at the extended level (FusedConv, FusedGemm, FusedMatMul,
SkipLayerNormalization, Gelu...): a fusion changes no arithmetic, so the optimized graph has
exactly the MACs and FLOPs of its original (a fused bias or activation is counted by the same
table as the separate node it replaces)."""

from __future__ import annotations

import pytest

from tests.exporters.common import MODELS, analyze_clean, contrib_ops, ort_optimize

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
