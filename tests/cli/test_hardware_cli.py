"""`onnxcost hardware list|show`, `onnxcost roofline` and `analyze --hw` through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from onnxcost.cli import main
from onnxcost.estimate.hardware import figure_keys, load_profile, profile_names

MODELS = Path(__file__).resolve().parents[2] / "models"
TESTS = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (wrapped lines read as one)."""
    return re.sub(r"\s+", " ", text)


# ----------------------------------------------------------------------------- hardware


def test_hardware_list_names_every_bundled_profile() -> None:
    code, out, _ = run("hardware", "list")
    assert code == 0
    for name in profile_names():
        assert name in out
    assert "312 TFLOP/s" in out and "624 TOP/s" in out  # the A100's fp16 and int8 peaks
    assert "2.04 TB/s" in out  # its HBM2e


def test_hardware_list_json_has_every_profile() -> None:
    code, out, _ = run("hardware", "list", "--format", "json")
    assert code == 0
    assert sorted(p["name"] for p in json.loads(out)) == profile_names()


@pytest.mark.parametrize("name", profile_names())
def test_hardware_show_prints_every_figure_with_its_source(name: str) -> None:
    code, out, _ = run("hardware", "show", name)
    assert code == 0
    profile = load_profile(name)
    text = flat(out)
    for key in figure_keys(profile):
        assert key in out
        assert flat(profile.sources[key]) in text, key
    code, out, _ = run("hardware", "show", name, "--format", "json")
    figures = json.loads(out)["figures"]
    assert set(figures) == set(figure_keys(profile))
    assert all(entry["source"] for entry in figures.values())


def test_hardware_show_reads_a_user_file_and_rejects_unknown_names(tmp_path: Path) -> None:
    source = Path(load_profile("stm32l4r5").path)
    copy = tmp_path / "my-board.toml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("hardware", "show", str(copy))
    assert code == 0 and "stm32l4r5" in out and "120 MHz" in out
    code, _, err = run("hardware", "show", "no-such-board")
    assert code == 2 and "unknown hardware profile" in err
    assert len(err.strip().splitlines()) == 1


def test_an_invalid_profile_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n', encoding="utf-8")
    code, _, err = run("analyze", str(MODELS / "kws_dscnn.onnx"), "--hw", str(bad))
    assert code == 2
    assert "bad.toml" in err and "missing required key" in err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------ analyze --hw


def test_analyze_hw_adds_latency_energy_and_bound() -> None:
    code, out, _ = run("analyze", str(MODELS / "kws_dscnn_int8.onnx"), "--hw", "stm32l4r5",
                       "--format", "json")  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert doc["hardware"] == "stm32l4r5"
    assert doc["totals"]["latency_s"] > 0 and doc["totals"]["energy_j"] > 0
    assert doc["by_op_type"]["Conv"]["latency_s"] > 0
    convs = [n for n in doc["nodes"] if n["op_type"] == "Conv"]
    assert all(n["bound"] == "compute" and n["latency_s"] > 0 for n in convs)
    assert doc["estimate"]["assumptions"]["energy_model"] == "run_power_w x latency"


def test_analyze_hw_table_shows_the_estimate() -> None:
    code, out, _ = run("analyze", str(MODELS / "ic_resnet8.onnx"), "--hw", "a100-80gb-sxm")
    assert code == 0
    for label in ("latency", "throughput", "energy", "utilization", "bound", "fusion"):
        assert label in out
    assert "compute" in out or "memory" in out


def test_no_fuse_costs_more() -> None:
    args = ("analyze", str(MODELS / "ic_resnet8.onnx"), "--hw", "a100-80gb-sxm", "--format", "json")
    _, fused, _ = run(*args)
    _, plain, _ = run(*args, "--no-fuse")
    assert json.loads(plain)["totals"]["latency_s"] > json.loads(fused)["totals"]["latency_s"]


# -------------------------------------------------------------------------------- roofline


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<svg")])
def test_roofline_writes_a_chart(tmp_path: Path, suffix: str, magic: bytes) -> None:
    chart = tmp_path / f"chart{suffix}"
    code, out, err = run("roofline", str(MODELS / "ic_resnet8_int8.onnx"), "--hw", "stm32l4r5",
                         "-o", str(chart))  # fmt: skip
    assert code == 0, err
    assert str(chart) in out
    data = chart.read_bytes()
    assert magic in data[:400]
    assert len(data) > 10_000


def test_roofline_binds_dims_and_rejects_bad_paths(tmp_path: Path) -> None:
    model = MODELS / "transformer_encoder.onnx"
    chart = tmp_path / "t.png"
    code, _, err = run("roofline", str(model), "--hw", "a100-80gb-sxm", "-o", str(chart))
    assert code == 2 and "--dim" in err
    code, _, err = run("roofline", str(model), "--hw", "a100-80gb-sxm", "--dim", "batch=2",
                       "--dim", "seq=64", "-o", str(chart))  # fmt: skip
    assert code == 0, err
    assert chart.exists()
    code, _, err = run("roofline", str(model), "--hw", "a100-80gb-sxm", "-o", str(tmp_path / "t.txt"))
    assert code == 2 and ".png" in err
    code, _, _ = run("roofline", str(model), "-o", str(chart))
    assert code == 2  # --hw is required


def test_roofline_without_matplotlib_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    code, _, err = run("roofline", str(MODELS / "kws_dscnn_int8.onnx"), "--hw", "stm32l4r5",
                       "-o", str(tmp_path / "k.png"))  # fmt: skip
    assert code == 2
    assert "matplotlib" in err and "onnxcost[plot]" in err
    assert len(err.strip().splitlines()) == 1
