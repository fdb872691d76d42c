"""The sample models in models/, analyzed by onnxcost, against the published figures.

MACs: MLPerf Tiny (HARDWARE.md) and torchvision (MODELS.md), within 2%. Params: the
reference architectures' counts after batch-norm folding (models/README.md explains why
the MLPerf "K" figures are file sizes, not parameter counts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import onnxcost

MODELS = Path(__file__).resolve().parents[1] / "models"
MAC_OPS = {"Conv", "Gemm", "MatMul"}

# file → (published MACs, reference params after BN folding)
PUBLISHED = {
    "kws_dscnn": (2.66e6, 22_604),
    "vww_mobilenetv1_025": (7.49e6, 210_850),
    "ic_resnet8": (12.53e6, 77_706),
    "ad_autoencoder": (0.264e6, 265_864),
    # torchvision MobileNetV2: 300.8 M MACs; 3,504,872 params incl. BN weight+bias, which
    # folding turns into 17,056 fewer (one bias per channel instead of two values) + 2 Clip bounds
    "mobilenetv2": (300.8e6, 3_504_872 - 17_056 + 2),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_macs_and_params_match_published(name: str) -> None:
    macs, params = PUBLISHED[name]
    report = onnxcost.analyze(MODELS / f"{name}.onnx")
    assert report.unsupported == {}
    counted = sum(n.macs for n in report.nodes if n.op_type in MAC_OPS)
    assert counted == pytest.approx(macs, rel=0.02)
    assert report.totals.params == pytest.approx(params, rel=0.02)


@pytest.mark.parametrize("name", ["kws_dscnn", "vww_mobilenetv1_025", "ic_resnet8",
                                  "ad_autoencoder"])  # fmt: skip
def test_int8_qdq_form_has_the_same_macs(name: str) -> None:
    float_report = onnxcost.analyze(MODELS / f"{name}.onnx")
    int8_report = onnxcost.analyze(MODELS / f"{name}_int8.onnx")
    assert int8_report.unsupported == {}
    assert int8_report.totals.macs == float_report.totals.macs
