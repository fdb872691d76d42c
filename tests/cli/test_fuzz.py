"""Mutated models never crash onnxcost: every run exits 0 or 2 with at most one stderr line."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import onnx
import pytest
from click.testing import CliRunner

from onnxcost.cli import main

MODELS = Path(__file__).resolve().parents[2] / "models"
SOURCES = ["kws_dscnn.onnx", "ic_resnet8_int8.onnx", "transformer_encoder.onnx"]


def _run(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["analyze", str(path), "--format", "json"])
    return result.exit_code, result.stderr


def _check(code: int, stderr: str) -> None:
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr
    if code == 2:
        assert len([line for line in stderr.splitlines() if line.strip()]) == 1, stderr


@pytest.mark.parametrize("seed", range(3))
def test_byte_mutations(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        data = bytearray((MODELS / rng.choice(SOURCES)).read_bytes())
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.5:
                data[position] = rng.randrange(256)
            elif choice < 0.75:
                del data[position : position + rng.randint(1, 64)]
            else:
                data[position:position] = rng.randbytes(rng.randint(1, 16))
        path = tmp_path / "mutated.onnx"
        path.write_bytes(bytes(data))
        _check(*_run(path))


def _mutate(model: onnx.ModelProto, rng: random.Random) -> None:
    graph = model.graph
    node = rng.choice(graph.node)
    choice = rng.random()
    if choice < 0.25 and node.attribute:
        attr = rng.choice(node.attribute)
        if attr.ints:
            attr.ints[rng.randrange(len(attr.ints))] = rng.choice([0, -1, -5, 3, 1000, 2**31])
        elif attr.type == onnx.AttributeProto.INT:
            attr.i = rng.choice([0, -1, 7, 2**40])
    elif choice < 0.4:
        node.op_type = rng.choice(["Conv", "MatMul", "Gemm", "Reshape", "Concat", "Gather", "Slice"])
    elif choice < 0.55 and node.input:
        produced = [name for other in graph.node for name in other.output]
        node.input[rng.randrange(len(node.input))] = rng.choice(produced)
    elif choice < 0.7:
        dims = graph.input[0].type.tensor_type.shape.dim
        if dims:
            dims[rng.randrange(len(dims))].dim_value = rng.choice([0, 1, 3, 7, 10**6])
    elif choice < 0.85 and graph.initializer:
        tensor = rng.choice(graph.initializer)
        if tensor.dims:
            tensor.dims[rng.randrange(len(tensor.dims))] = rng.choice([0, 1, 3, 2**20])
    else:
        del node.input[-1:]


@pytest.mark.parametrize("seed", range(3))
def test_structural_mutations(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    bases = [onnx.load(str(MODELS / name)) for name in SOURCES]
    for _ in range(25):
        model = copy.deepcopy(rng.choice(bases))
        for _ in range(rng.randint(1, 4)):
            _mutate(model, rng)
        path = tmp_path / "mutated.onnx"
        path.write_bytes(model.SerializeToString())
        _check(*_run(path))


def test_a_short_run_of_the_long_fuzz() -> None:
    """benchmarks/fuzz.py on 8 cases: every command on each mutated real model keeps the contract."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fuzz", Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"
    )
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    models = sorted(MODELS.glob("*.onnx"))
    rng = random.Random(7)
    for index in range(8):
        for command, code, seconds, err in fuzz.run_case(
            (index, str(rng.choice(models)), rng.randrange(2**32))
        ):
            assert not fuzz.broken(code, seconds, err), f"{command}: {err}"


def test_the_long_fuzz_sees_a_file_opened_outside_the_model_folder(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fuzz_audit", Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"
    )
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    folder = tmp_path / "case"
    folder.mkdir()
    outside = tmp_path / "secret.bin"  # beside the case's folder: what `../secret.bin` reaches
    opened = [str(folder / "m.onnx"), "/proc/self/status", str(outside), str(folder / ".." / "secret.bin")]
    assert fuzz.strays(opened, str(folder)) == [str(outside), str(folder / ".." / "secret.bin")]
