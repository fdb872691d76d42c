"""Every operator, every exporter: each node test model of onnx's backend suite through the CLI.

`onnx.backend.test.case.node.collect_testcases()` builds about 1,900 small models, at least one
per operator of ai.onnx and ai.onnx.ml (and their function-expanded forms). Each is written to
disk and analyzed by `onnxcost analyze FILE --format json` in-process (click's CliRunner). The
checks: the command succeeds without a traceback, no standard op is reported as unsupported,
and, for the computing ops below, MACs/FLOPs equal formulas worked out from the model's own
declared shapes (not from onnxcost's kernels).
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from click.testing import CliRunner

from onnxcost.cli import main

STANDARD_DOMAINS = ("ai.onnx", "ai.onnx.ml")


@dataclass(frozen=True)
class Outcome:
    """One model's CLI run."""

    name: str
    model: onnx.ModelProto
    exit_code: int
    stderr: str
    report: dict[str, Any] | None


def _collect() -> list[Any]:
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the case builders overflow casts on purpose
        return list(collect_testcases())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    folder = tmp_path_factory.mktemp("backend_node_models")
    runner = CliRunner()
    results = []
    for case in _collect():
        path = folder / f"{case.name}.onnx"
        path.write_bytes(case.model.SerializeToString())
        result = runner.invoke(main, ["analyze", str(path), "--format", "json"])
        report = json.loads(result.stdout) if result.exit_code == 0 else None
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += f"\n{type(result.exception).__name__}: {result.exception}"
        results.append(Outcome(case.name, case.model, result.exit_code, stderr, report))
    return results


def test_collection_is_the_whole_suite(outcomes: list[Outcome]) -> None:
    assert len(outcomes) > 1500


def test_every_model_is_analyzed(outcomes: list[Outcome]) -> None:
    failed = [
        f"{o.name}: exit {o.exit_code}: {o.stderr.strip().splitlines()[-1] if o.stderr.strip() else ''}"
        for o in outcomes
        if o.exit_code != 0 or "Traceback" in o.stderr
    ]
    assert not failed, f"{len(failed)} models failed:\n" + "\n".join(failed)


def test_no_standard_op_is_unsupported(outcomes: list[Outcome]) -> None:
    by_op: dict[str, list[str]] = {}
    for outcome in outcomes:
        for label in (outcome.report or {}).get("unsupported", {}):
            if label.split("::")[0] in STANDARD_DOMAINS:
                by_op.setdefault(label, []).append(outcome.name)
    lines = [f"{op} ({len(names)}): {', '.join(names[:3])}" for op, names in sorted(by_op.items())]
    assert not by_op, f"{len(by_op)} op types unsupported:\n" + "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Hand-derived formulas over the shapes the model itself declares (inputs, outputs, initializers).

Shapes = dict[str, tuple[int, ...]]


def _declared_shapes(model: onnx.ModelProto) -> Shapes:
    shapes: Shapes = {t.name: tuple(t.dims) for t in model.graph.initializer}
    for value in (*model.graph.input, *model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if value.type.HasField("tensor_type") and all(d.HasField("dim_value") for d in dims):
            shapes[value.name] = tuple(d.dim_value for d in dims)
    return shapes


def _attrs(node: onnx.NodeProto) -> dict[str, Any]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(node, s: Shapes) -> dict[str, int]:
    # N·Cout·∏out · (Cin / group) · ∏kernel
    x, w, y = s[node.input[0]], s[node.input[1]], s[node.output[0]]
    group = _attrs(node).get("group", 1)
    return {"macs": math.prod(y) * (x[1] // group) * math.prod(w[2:])}


def _conv_transpose(node, s: Shapes) -> dict[str, int]:
    # each input element scatters into Cout/group channels × ∏kernel: N·Cin·∏in · W[1] · ∏kernel
    x, w = s[node.input[0]], s[node.input[1]]
    return {"macs": math.prod(x) * w[1] * math.prod(w[2:])}


def _matmul(node, s: Shapes) -> dict[str, int]:
    # numpy semantics: ∏ broadcast batch · M · K · N, 1-D operands promoted
    a, b = list(s[node.input[0]]), list(s[node.input[1]])
    a = [1, *a] if len(a) == 1 else a
    b = [*b, 1] if len(b) == 1 else b
    batch = np.broadcast_shapes(tuple(a[:-2]), tuple(b[:-2]))
    return {"macs": math.prod(batch) * a[-2] * a[-1] * b[-1]}


def _gemm(node, s: Shapes) -> dict[str, int]:
    # Y = op(A)·op(B): M·K·N
    attrs = _attrs(node)
    a, b = s[node.input[0]], s[node.input[1]]
    m, k = (a[1], a[0]) if attrs.get("transA") else a
    n = b[0] if attrs.get("transB") else b[1]
    return {"macs": m * k * n}


def _einsum(node, s: Shapes) -> dict[str, int] | None:
    # every distinct index letter iterated once per pairwise product: ∏ sizes · (operands − 1)
    equation = _attrs(node)["equation"].decode().replace(" ", "")
    terms = equation.split("->")[0].split(",")
    if "..." in equation or len(terms) < 2:
        return None
    sizes: dict[str, int] = {}
    for term, name in zip(terms, node.input, strict=True):
        for letter, dim in zip(term, s[name], strict=True):
            sizes[letter] = max(sizes.get(letter, 1), dim)
    return {"macs": math.prod(sizes.values()) * (len(terms) - 1)}


def _max_pool(node, s: Shapes) -> dict[str, int]:
    # one compare per window element per output
    return {"flops": math.prod(s[node.output[0]]) * math.prod(_attrs(node)["kernel_shape"])}


def _average_pool(node, s: Shapes) -> dict[str, int]:
    # window adds + one divide per output
    out = math.prod(s[node.output[0]])
    return {"flops": out * (math.prod(_attrs(node)["kernel_shape"]) + 1)}


def _global_average_pool(node, s: Shapes) -> dict[str, int]:
    # one add per input element, one divide per output
    return {"flops": math.prod(s[node.input[0]]) + math.prod(s[node.output[0]])}


def _softmax(node, s: Shapes) -> dict[str, int]:
    # max, subtract, exp, sum, divide per element
    return {"flops": 5 * math.prod(s[node.input[0]])}


def _layer_norm(node, s: Shapes) -> dict[str, int]:
    # per element: mean add, subtract, square, variance add, 1/σ scale, γ scale, (+ β);
    # per row: 2 divides, + ε, sqrt, reciprocal
    x = s[node.input[0]]
    axis = _attrs(node).get("axis", -1) % len(x)
    bias = len(node.input) > 2 and bool(node.input[2])
    return {"flops": math.prod(x) * (6 + int(bias)) + 5 * math.prod(x[:axis])}


FORMULAS: dict[str, Callable[[onnx.NodeProto, Shapes], dict[str, int] | None]] = {
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "MatMul": _matmul,
    "Gemm": _gemm,
    "Einsum": _einsum,
    "MaxPool": _max_pool,
    "AveragePool": _average_pool,
    "GlobalAveragePool": _global_average_pool,
    "Softmax": _softmax,
    "LayerNormalization": _layer_norm,
}


def _single_node_cases(outcomes: Sequence[Outcome], op_type: str) -> list[Outcome]:
    return [o for o in outcomes
            if len(o.model.graph.node) == 1 and o.model.graph.node[0].op_type == op_type
            and o.report is not None]  # fmt: skip


@pytest.mark.parametrize("op_type", sorted(FORMULAS))
def test_figures_match_hand_formulas(outcomes: list[Outcome], op_type: str) -> None:
    checked, wrong = 0, []
    for outcome in _single_node_cases(outcomes, op_type):
        node = outcome.model.graph.node[0]
        shapes = _declared_shapes(outcome.model)
        if any(name and name not in shapes for name in (*node.input, *node.output)):
            continue  # a shape the model does not declare: no hand formula
        expected = FORMULAS[op_type](node, shapes)
        if expected is None:
            continue
        (figures,) = [n for n in outcome.report["nodes"] if n["op_type"] == op_type]
        got = {key: figures[key] for key in expected}
        checked += 1
        if got != expected:
            wrong.append(f"{outcome.name}: expected {expected}, got {got}")
    assert checked, f"no {op_type} case with declared shapes"
    assert not wrong, "\n".join(wrong)


def test_models_are_written_once(tmp_path: Path) -> None:
    names = [case.name for case in _collect()]
    assert len(names) == len(set(names)), "two backend cases share a name (files would collide)"
