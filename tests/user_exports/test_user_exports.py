"""Users' own exports in each exporter's dynamic form (zoo.py), bound only with `--input`.

The zoo (ResNet, MobileNetV2, UNet, BERT, GPT with a KV cache, ViT, nn.TransformerEncoder, LSTM,
GRU, CRNN; torch legacy and dynamo exporters, onnxruntime-optimized, transformers-fused,
dynamically and statically quantized, fp16) is built once per machine into a cache
($ONNXCOST_ZOO_DIR or ~/.cache/onnxcost-zoo) by the session fixture. References come from torch
alone: FlopCounterMode ÷ 2 for the MACs, `parameters()` for the params, and from onnx alone for the
file's own count of constants.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import onnxcost
from onnxcost.cli import main
from tests.user_exports.families import families
from tests.user_exports.survey import file_params
from tests.user_exports.zoo import ZooModel, build_zoo

INTEGER_TOTALS = ("params", "weight_bytes", "macs", "flops", "bytes_read", "bytes_written",
                  "activation_bytes", "peak_memory_bytes")  # fmt: skip


@pytest.fixture(scope="session")
def zoo() -> list[ZooModel]:
    """Every file of the zoo (built on first use, then reused while its versions match)."""
    cache = Path(os.environ.get("ONNXCOST_ZOO_DIR") or Path.home() / ".cache" / "onnxcost-zoo")
    return build_zoo(cache)


def _cli(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, (args, result.stderr)
    return json.loads(result.stdout)


def _params_match_torch(model: ZooModel, params: int) -> bool:
    """Within 1% of torch's count, with BatchNorm statistics kept or folded into the conv as the
    exporter chose (the file's extra constants: Clip bounds, Resize scales, quantization scales)."""
    references = (model.torch_params, model.torch_params + model.torch_buffers, model.folded_params)
    return any(abs(params - reference) <= 0.01 * reference for reference in references)


@pytest.mark.parametrize("family", [f.name for f in families()])
def test_every_form_bound_by_input_is_exact(zoo: list[ZooModel], family: str) -> None:
    models = [m for m in zoo if m.family == family]
    assert models, f"no file of {family} was built"
    for model in models:
        path = str(model.path)
        bound = _cli("analyze", path, *model.input_args(), "--hw", "a100-80gb-sxm")
        totals = bound["totals"]
        assert all(type(totals[key]) is int for key in INTEGER_TOTALS), (model.id, totals)
        assert totals["latency_s"] > 0, model.id
        # MACs: FlopCounterMode ÷ 2 at the same shapes (every MAC op of onnxcost is counted there)
        assert totals["macs"] == model.torch_macs, (model.id, totals["macs"], model.torch_macs)
        # params: the same bound or not, the file's own constants (onnx alone), torch's within 1%
        assert onnxcost.analyze(path).totals.params == totals["params"], model.id
        assert totals["params"] == file_params(model.path)[0], model.id
        assert _params_match_torch(model, totals["params"]), (model.id, totals["params"])
        if model.dims:
            by_dim = _cli("analyze", path, *model.dim_args(), "--hw", "a100-80gb-sxm")
            assert by_dim == bound, model.id
        for binding in model.alternates:
            if binding.ort_error:
                continue  # onnxruntime cannot run the file there either (a shape baked in)
            report = onnxcost.analyze(path, inputs=binding.inputs)
            assert report.totals.macs == binding.torch_macs, (model.id, binding.name)
