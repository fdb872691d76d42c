"""`onnxcost check` through the command line: exit codes 0/1/2, the table, JSON, Markdown and
JUnit outputs, regressions against a baseline, budget files, and the README's CI recipes."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from onnxcost.api import analyze
from onnxcost.check import gate
from onnxcost.cli import main

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
KWS = str(MODELS / "kws_dscnn_int8.onnx")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_generous_budget_passes_and_a_tight_one_fails() -> None:
    # DS-CNN int8 on the L4R5: 75.9 ms, 3.45 mJ, 2,656,768 MACs, 16,000 B peak, 29,720 B of weights
    budgets = ["--max-latency", "100ms", "--max-energy", "5mJ", "--max-peak-memory", "64KiB",
               "--max-model-size", "32KiB", "--max-macs", "3M", "--max-params", "30k", "--require-fit",
               "--require-supported"]  # fmt: skip
    code, out, err = run("check", KWS, "--hw", "stm32l4r5", *budgets)
    assert code == 0, err
    assert "passed: 8 of 8 checks hold" in out
    code, out, _ = run("check", KWS, "--hw", "stm32l4r5", "--max-latency", "50ms", "--max-macs", "2.5M")
    assert code == 1
    # 75.9 ms against 50 ms; 2,656,768 MACs against 2.5 M: 156,768 over (-6.3%)
    assert "max-latency: latency 75.9 ms, limit ≤ 50 ms, margin -25.9 ms (-51.8%)" in out
    assert "max-macs: macs 2.66 M, limit ≤ 2.5 M, margin -157 k (-6.3%)" in out
    assert "FAILED: 0 of 2 checks hold" in out


def test_a_real_model_bound_by_input(corpus: dict[str, Path]) -> None:
    """PaddleOCR's detector from the rapidocr wheel: 2,301,935,744 MACs at 640×640, 1,171,841 params."""
    path = str(corpus["rapidocr_det_ppocrv4"])
    shape = ["--input", "x=1x3x640x640", "--hw", "l4"]
    assert run("check", path, *shape, "--max-macs", "2.4G", "--max-params", "1.2M")[0] == 0
    code, out, _ = run("check", path, *shape, "--max-macs", "2.2G", "--format", "json")
    assert code == 1
    (verdict,) = json.loads(out)["results"][0]["checks"]
    assert (verdict["value"], verdict["limit"], verdict["passed"]) == (2_301_935_744, 2.2e9, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hw", "t4", "--max-latency", "5parsecs"], "--max-latency: 'parsecs' is not a unit of seconds"),
        (["--hw", "t4", "--max-latency", "5"], "--max-latency: '5' needs a unit, e.g. 50ms"),
        (["--max-latency", "5ms"], "max-latency needs a hardware profile (add --hw NAME)"),
        (["--hw", "t4"], "no budget to check"),
        (["--hw", "t4", "--max-macs", "1M", "--max-increase", "wider=3%"], "no figure 'wider'"),
        (["--hw", "nowhere", "--max-macs", "1M"], "nowhere"),
    ],
    ids=["unit", "no-unit", "no-hw", "no-budget", "bad-figure", "bad-profile"],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, _, err = run("check", KWS, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err


def test_a_figure_unbound_dims_leave_a_formula_is_exit_2() -> None:
    encoder = str(MODELS / "transformer_encoder.onnx")  # input_ids [batch, seq]
    code, _, err = run("check", encoder, "--max-macs", "1G")
    assert code == 2
    assert "max-macs" in err and "depends on unbound dims (batch, seq)" in err, err
    assert run("check", encoder, "--input", "input_ids=1x128", "--max-macs", "1G")[0] == 0


def test_junit_parses_names_each_check_and_carries_the_figures(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    args = ["check", KWS, "--hw", "stm32l4r5", "--max-latency", "50ms", "--max-macs", "3M",
            "--require-fit", "--junit", str(junit)]  # fmt: skip
    assert run(*args)[0] == 1
    root = ET.parse(junit).getroot()
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "3", "1")
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name").split(": ")[-1] for c in cases] == ["max-latency", "max-macs", "require-fit"]
    failure = cases[0].find("failure")
    assert failure is not None and "latency 75.9 ms, limit ≤ 50 ms" in failure.get("message")
    first = junit.read_bytes()
    run(*args)
    assert junit.read_bytes() == first  # deterministic: no timestamps, no times


def test_markdown_is_a_table(tmp_path: Path) -> None:
    code, out, _ = run("check", KWS, "--hw", "stm32l4r5", "--max-latency", "50ms", "--max-macs", "3M",
                       "--format", "md")  # fmt: skip
    assert code == 1
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert rows[1] == "|---|---|---|---|---|---|---|"
    assert all(row.count("|") == 8 for row in rows)  # 7 cells each
    assert "❌ **fail**" in rows[2] and "✅ pass" in rows[3]


def _mlp(hidden: int) -> onnx.ModelProto:
    """x[1, 64] → Gemm 64×hidden → Relu → Gemm hidden×64 → Relu → Gemm 64×10."""
    rng = np.random.default_rng(0)
    shapes = [(64, hidden), (hidden, 64), (64, 10)]
    inits = [nh.from_array(rng.standard_normal(s).astype(np.float32), f"w{i}") for i, s in enumerate(shapes)]
    nodes = [
        h.make_node("MatMul", ["x", "w0"], ["a"], name="fc0"), h.make_node("Relu", ["a"], ["b"], name="r0"),
        h.make_node("MatMul", ["b", "w1"], ["c"], name="fc1"), h.make_node("Relu", ["c"], ["d"], name="r1"),
        h.make_node("MatMul", ["d", "w2"], ["y"], name="fc2"),
    ]  # fmt: skip
    graph = h.make_graph(nodes, "mlp", [h.make_tensor_value_info("x", T.FLOAT, [1, 64])],
                         [h.make_tensor_value_info("y", T.FLOAT, [1, 10])], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def test_a_baseline_catches_exactly_the_figures_a_wider_layer_grew(tmp_path: Path) -> None:
    """The release has a 64→64→64 MLP; the pull request widens the hidden layer to 72 (+12.5%
    on its two matrices). Every figure that grew more than 5% fails, and only those."""
    release, widened = tmp_path / "release" / "mlp.onnx", tmp_path / "pr" / "mlp.onnx"
    for path, hidden in ((release, 64), (widened, 72)):
        path.parent.mkdir()
        onnx.save(_mlp(hidden), str(path))
    baseline = tmp_path / "baseline.json"
    assert run("analyze", str(release), "--hw", "t4", "--format", "json", "-o", str(baseline))[0] == 0
    same = run("check", str(release), "--hw", "t4", "--baseline", str(baseline), "--max-increase", "5%")
    assert same[0] == 0, same[1]
    code, out, _ = run("check", str(widened), "--hw", "t4", "--baseline", str(baseline),
                       "--max-increase", "5%", "--format", "json")  # fmt: skip
    assert code == 1
    checks = json.loads(out)["results"][0]["checks"]
    old = json.loads(baseline.read_text())
    new = json.loads(run("analyze", str(widened), "--hw", "t4", "--format", "json")[1])
    grown = set()
    for figure, (section, key) in gate_fields().items():
        before, after = old[section][key], new[section][key]
        shrank = figure == "throughput" and after < before * 0.95
        if shrank or (figure != "throughput" and after > before * 1.05):
            grown.add(figure)
    assert {c["figure"] for c in checks if not c["passed"]} == grown
    # by hand: MACs 64·64 + 64·64 + 64·10 = 8,832 → 64·72 + 72·64 + 64·10 = 9,856 (+11.6%)
    macs = next(c for c in checks if c["figure"] == "macs")
    assert (macs["baseline"], macs["value"], macs["passed"]) == (8_832, 9_856, False)
    loose = run("check", str(widened), "--hw", "t4", "--baseline", str(baseline), "--max-increase", "5%",
                *(arg for f in grown for arg in ("--max-increase", f"{f}=20%")))  # fmt: skip
    assert loose[0] == 0, loose[1]


def gate_fields() -> dict[str, tuple[str, str]]:
    from onnxcost.check.verdicts import BASELINE_FIELDS

    return BASELINE_FIELDS


def test_a_budget_file_checks_every_model_on_every_target_with_one_analysis_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    real = gate.prepare
    monkeypatch.setattr(gate, "prepare", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    code, out, err = run("check", "--budget", str(MODELS / "budgets.toml"), "--format", "json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert [(Path(r["model"]).name, r["target"]) for r in results] == [
        (m, t) for m in ("kws_dscnn_int8.onnx", "vww_mobilenetv1_025_int8.onnx", "ic_resnet8_int8.onnx")
        for t in ("mcu", "gpu")
    ]  # fmt: skip
    assert len(calls) == 3  # one analysis per model: both targets share its binding
    latency = {(Path(r["model"]).name, r["target"]): c for r in results for c in r["checks"]
               if c["check"] == "max-latency"}  # fmt: skip
    assert latency[("ic_resnet8_int8.onnx", "mcu")]["limit"] == pytest.approx(0.3)  # the override
    assert latency[("kws_dscnn_int8.onnx", "mcu")]["limit"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[target]]\nhw = "t4"\nmax_latncy = "1ms"\n', "unknown key 'max_latncy'"),
        ('[[target]]\nhw = "t4"\nmax-latency = "fast"\n', "'fast' is not a quantity"),
        ('models = ["*.nothing"]\n[[target]]\nhw = "t4"\n', "'*.nothing' matches no file"),
        ("[defaults]\nmax-macs = '1M'\n", "no [[target]] table"),
        ('[[target]]\nmax-latency = "1ms"\n', "max-latency needs a hardware profile"),
        ('[[target]]\nhw = "t4"\n[[override]]\nmodel = "x"\ntarget = "cpu"\n', "no target named 'cpu'"),
        ("[[target\n", "not valid TOML"),
    ],
    ids=["unknown-key", "bad-unit", "no-match", "no-target", "needs-hw", "override-target", "toml"],
)
def test_a_bad_budget_file_is_one_line_naming_the_problem(tmp_path: Path, text: str, message: str) -> None:
    budget = tmp_path / "budgets.toml"
    budget.write_text(text)
    code, _, err = run("check", KWS, "--budget", str(budget))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err and str(budget) in err, err


def _readme_block(language: str, marker: str) -> str:
    readme = (ROOT / "README.md").read_text()
    for block in re.findall(rf"```{language}\n(.*?)```", readme, flags=re.S):
        if marker in block:
            return block
    raise AssertionError(f"no ```{language} block with {marker!r} in the README")


def _shell(line: str, cwd: Path, env: dict[str, str]) -> int:
    """A recipe's command, with `onnxcost` run by this test's Python."""
    command = line.replace("onnxcost ", f"{shlex.quote(sys.executable)} -m onnxcost ", 1)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
    return done.returncode


def _workspace(tmp_path: Path) -> Path:
    """A copy of the budget file and the sample models it names, as a user's repository holds them."""
    (tmp_path / "models").mkdir()
    names = ("budgets.toml", "kws_dscnn_int8.onnx", "vww_mobilenetv1_025_int8.onnx", "ic_resnet8_int8.onnx")
    for name in names:
        shutil.copy(MODELS / name, tmp_path / "models" / name)
    return tmp_path


def test_the_readme_budget_file_is_the_shipped_one() -> None:
    assert _readme_block("toml", "[[target]]") == (MODELS / "budgets.toml").read_text()


def test_the_github_actions_recipe_runs_as_written(tmp_path: Path) -> None:
    import os

    workspace = _workspace(tmp_path)
    summary = tmp_path / "step-summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    recipe = _readme_block("yaml", "GITHUB_STEP_SUMMARY").splitlines()
    steps = [line.split("run: ", 1)[1] for line in recipe if "run: " in line and "pip install" not in line]
    assert [_shell(step, workspace, env) for step in steps] == [0, 0]
    root = ET.parse(workspace / "onnxcost-junit.xml").getroot()
    assert root.get("tests") == "27" and root.get("failures") == "0"  # 3 models × (6 MCU + 3 GPU)
    assert "| model | target | check | value | limit | margin | result |" in summary.read_text()


def test_the_pre_commit_hook_runs_as_written(tmp_path: Path) -> None:
    import os

    workspace = _workspace(tmp_path)
    (entry,) = [line.split("entry: ", 1)[1] for line in _readme_block("yaml", "pre-commit").splitlines()
                if "entry: " in line]  # fmt: skip
    assert _shell(entry, workspace, dict(os.environ)) == 0
    budgets = workspace / "models" / "budgets.toml"
    budgets.write_text(budgets.read_text().replace('max-latency = "250ms"', 'max-latency = "50ms"'))
    assert _shell(entry, workspace, dict(os.environ)) == 1  # the hook blocks the commit


def test_strict_holds_hardware_budgets_at_the_top_of_the_interval() -> None:
    # MobileNetV2 on generic-x86: 9.05 ms, interval 4.68–28.2 ms (the "*" bar 0.51–3.15 over the
    # kernels and overheads): a 20 ms budget holds on the estimate, not on its upper end
    model = str(MODELS / "mobilenetv2.onnx")
    code, out, _ = run("check", model, "--hw", "generic-x86", "--max-latency", "20ms", "--format", "json")
    assert code == 0
    code, out, _ = run(
        "check", model, "--hw", "generic-x86", "--max-latency", "20ms", "--strict", "--format", "json"
    )
    assert code == 1
    verdict = json.loads(out)["results"][0]["checks"][0]
    report = analyze(model, hardware="generic-x86")
    assert verdict["value"] == pytest.approx(report.estimate.latency_range_s[1])


def test_strict_on_a_profile_without_error_bars_says_so() -> None:
    code, out, _ = run("check", KWS, "--hw", "rp2040", "--max-latency", "8s", "--strict")
    assert code == 0 and "rp2040 has no error bars" in out
