"""ONNX files as users export them with dynamic shapes, and reference figures computed without onnxcost.

`build_zoo(out_dir)` exports ten small PyTorch models (ResNet, MobileNetV2, UNet, BERT, GPT with a
KV cache, ViT, nn.TransformerEncoder, LSTM, GRU, CRNN) with torch's legacy (TorchScript) and dynamo
exporters in their dynamic form, derives from those the files onnxruntime's graph optimizer
(basic, extended), its transformers optimizer, its dynamic and static (QDQ) quantizers and
onnxconverter_common's fp16 conversion write, runs every file once in onnxruntime at the bound
shapes (float forms must match torch to 1e-3 × max(1, largest |output|); quantized forms only run),
and returns one `ZooModel` per file. Each also carries the family's other bindings (`alternates`:
batch 1 with odd image sizes, one time step, GPT decode with seq 1 and with an empty cache, seq 7),
torch's MACs there, and whether onnxruntime runs the file there.

Reference figures, per file, at the bound input shapes:

* `torch_macs`: FlopCounterMode's total ÷ 2 with oneDNN off, SDPA on its math kernel and the MHA
  fast path off, so that conv, linear (addmm/mm), bmm/matmul and the LSTM/GRU cell products are
  all counted. ONNX spells these as Conv/ConvTranspose, Gemm or MatMul(+Add), MatMul, and LSTM/GRU
  (or their com.microsoft fused/quantized variants). With oneDNN on (torch's CPU default)
  FlopCounterMode counts nothing for nn.LSTM (its mkldnn_rnn kernel has no formula; GRU is still
  counted); the recurrent MACs are also computed by formula (gates·H·(I+H) per step, batch row and
  direction, `recurrent_macs`) and checked equal to what FlopCounterMode counts.
* `torch_params`: Σ numel of `model.parameters()`. `torch_buffers`: Σ numel of the float buffers
  (BatchNorm running mean and variance), which would become initializers where a
  BatchNormalization stayed in the graph. `folded_params`: the parameter count with every
  BatchNorm folded into the conv before it, −2C per BatchNorm and +C where that conv had no bias;
  with torch 2.13 both exporters fold every BatchNorm of the zoo (the legacy one in its eval
  peephole pass, the dynamo one in onnxscript's optimizer), so the CNN files match this count.
  Integer buffers (position ids) are not params. Every parameter is perturbed after init, since
  exporters write equal tensors once (untrained LayerNorms, zero biases and the layers that
  nn.TransformerEncoder deep-copies would otherwise make the files hold fewer params than torch).
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

from tests.user_exports import forms
from tests.user_exports.families import Family, build_model, families
from tests.user_exports.reference import (
    MacCount,
    make_feeds,
    max_abs_diff,
    param_counts,
    run_onnx,
    torch_reference,
)

ZOO_VERSION = 3
MANIFEST = "zoo.json"
FLOAT_TOLERANCE = 1e-3  # × max(1, largest |output|)
FP16_TOLERANCE = 5e-2


@dataclass(frozen=True)
class Binding:
    """Another binding of a file's inputs (batch 1, odd sizes, one step, empty cache), torch's MACs there."""

    name: str
    inputs: dict[str, tuple[int, ...]] = field(hash=False)
    torch_macs: int
    ort_error: str = ""  # why onnxruntime could not run the file there (or differs from torch); "" if it did

    def input_args(self) -> list[str]:
        """`--input NAME=AxBxC` for every graph input."""
        return [a for name, shape in self.inputs.items() for a in ("--input", f"{name}={_shape(shape)}")]


@dataclass(frozen=True)
class ZooModel:
    """One ONNX file of the zoo, the shapes to bind and its reference figures."""

    id: str
    family: str
    form: str  # legacy, dynamo, legacy.ort_basic, dynamo.transformers, legacy.qdynamic_matmul...
    exporter: str  # legacy or dynamo: the torch exporter the file comes from
    path: Path
    inputs: dict[str, tuple[int, ...]] = field(hash=False)  # every graph input → its bound shape
    dims: dict[str, int] = field(hash=False)  # plain-name dim_params of the inputs → bound value
    declared: dict[str, tuple[int | str, ...]] = field(hash=False)  # input shapes as the file says
    symbols: tuple[str, ...]  # every dim_param on inputs, outputs and value_info
    opsets: dict[str, int] = field(hash=False)
    external_data: bool
    torch_macs: int
    recurrent_macs: int  # included in torch_macs
    torch_params: int
    torch_buffers: int
    folded_params: int
    max_abs_diff: float  # onnxruntime vs torch at the bound shapes
    tolerance: float | None  # None: quantized, run but not compared
    notes: tuple[str, ...] = ()
    alternates: tuple[Binding, ...] = ()

    def input_args(self) -> list[str]:
        """`--input NAME=AxBxC` for every graph input."""
        return [a for name, shape in self.inputs.items() for a in ("--input", f"{name}={_shape(shape)}")]

    def batch_one_args(self) -> list[str]:
        """`--input` for every graph input, its axes named "batch" set to 1 (the bound batch is 2)."""
        args = []
        for name, shape in self.inputs.items():
            one = tuple(1 if d == "batch" else v for d, v in zip(self.declared[name], shape, strict=True))
            args += ["--input", f"{name}={_shape(one)}"]
        return args

    def dim_args(self) -> list[str]:
        """`--dim NAME=N` for every plain-name dim of the inputs."""
        return [a for name, value in self.dims.items() for a in ("--dim", f"{name}={value}")]


@dataclass(frozen=True)
class ZooFailure:
    """A form the zoo tried to produce and could not (or whose outputs did not match torch)."""

    id: str
    family: str
    form: str
    stage: str  # export | check | skipped
    error: str


@dataclass(frozen=True)
class _Step:
    """One form to produce: from `source` (a form, or None for the torch model) by `make`."""

    form: str
    source: str | None
    make: Callable[[nn.Module, Family, Path, Path], str | None]
    tolerance: float | None


def _shape(shape: tuple[int, ...]) -> str:
    """2x3x224x224."""
    return "x".join(str(d) for d in shape)


def _versions() -> dict[str, str]:
    """What a cached build must match."""
    import onnxscript

    return {"zoo": str(ZOO_VERSION), "torch": torch.__version__, "onnx": onnx.__version__,
            "onnxruntime": ort.__version__, "onnxscript": onnxscript.__version__}  # fmt: skip


# --- the forms ----------------------------------------------------------------------------------


def _legacy(fastpath: bool, at_bound: bool = False) -> Callable[[nn.Module, Family, Path, Path], None]:
    """Step maker of the legacy exporter."""
    return lambda model, family, _, dst: forms.export_legacy(model, family, dst, fastpath, at_bound)


def _dynamo(fastpath: bool) -> Callable[[nn.Module, Family, Path, Path], None]:
    """Step maker of the dynamo exporter."""
    return lambda model, family, _, dst: forms.export_dynamo(model, family, dst, fastpath)


def _ort(level: ort.GraphOptimizationLevel) -> Callable[[nn.Module, Family, Path, Path], None]:
    """Step maker of onnxruntime's graph optimizer."""
    return lambda _m, _f, src, dst: forms.ort_optimize(src, dst, level)


def _qdynamic(op_types: list[str] | None) -> Callable[[nn.Module, Family, Path, Path], None]:
    """Step maker of quantize_dynamic."""
    return lambda _m, _f, src, dst: forms.quantize_dynamic_form(src, dst, op_types)


def _transformers() -> Callable[[nn.Module, Family, Path, Path], str]:
    """Step maker of onnxruntime.transformers' optimize_model."""
    return lambda _m, family, src, dst: forms.transformers_optimize(src, dst, family)


def _qdq() -> Callable[[nn.Module, Family, Path, Path], None]:
    """Step maker of quantize_static to QDQ."""
    return lambda _m, family, src, dst: forms.quantize_qdq(src, dst, family)


def _fp16(keep_io_types: bool) -> Callable[[nn.Module, Family, Path, Path], None]:
    """Step maker of the fp16 conversion."""
    return lambda _m, _f, src, dst: forms.to_fp16(src, dst, keep_io_types)


def _plan(family: Family) -> list[_Step]:
    """Every form of a family, each after its source."""
    levels = ort.GraphOptimizationLevel
    steps = [
        _Step("legacy", None, _legacy(False, bool(family.legacy_at_bound)), FLOAT_TOLERANCE),
        _Step("dynamo", None, _dynamo(False), FLOAT_TOLERANCE),
    ]
    if family.legacy_at_bound:
        steps.append(_Step("legacy_example", None, _legacy(False), FLOAT_TOLERANCE))
    if family.fastpath:
        steps.append(_Step("legacy_fastpath", None, _legacy(True), FLOAT_TOLERANCE))
        steps.append(_Step("dynamo_fastpath", None, _dynamo(True), FLOAT_TOLERANCE))
    for src in ("legacy", "dynamo"):
        steps.append(_Step(f"{src}.ort_basic", src, _ort(levels.ORT_ENABLE_BASIC), FLOAT_TOLERANCE))
        steps.append(_Step(f"{src}.ort_extended", src, _ort(levels.ORT_ENABLE_EXTENDED), FLOAT_TOLERANCE))
        if family.transformer:
            steps.append(_Step(f"{src}.transformers", src, _transformers(), FLOAT_TOLERANCE))
        steps.append(_Step(f"{src}.qdynamic", src, _qdynamic(None), None))
    steps.append(_Step("legacy.qdynamic_matmul", "legacy", _qdynamic(["MatMul"]), None))
    if family.qdq:
        steps += [_Step(f"{src}.qdq", src, _qdq(), None) for src in ("legacy", "dynamo")]
    if family.fp16_keep_io is not None:
        steps.append(_Step("legacy.fp16", "legacy", _fp16(family.fp16_keep_io), FP16_TOLERANCE))
    return steps


# --- building one family ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    """What every file of a family is checked and figured against."""

    feeds: dict[str, np.ndarray]
    outputs: list[np.ndarray]
    macs: MacCount
    params: tuple[int, int, int]
    alternates: dict[str, tuple[dict[str, np.ndarray], list[np.ndarray], MacCount]]


def _reference(model: nn.Module, family: Family) -> _Reference:
    """torch's outputs, MACs and params of a family at the bound shapes and at its alternate bindings."""
    feeds = make_feeds(family.inputs)
    outputs, macs = torch_reference(model, feeds)
    alternates = {}
    for name, shapes in family.alternates.items():
        alt_feeds = make_feeds(family.inputs, seed=2, shapes=shapes)
        alternates[name] = (alt_feeds, *torch_reference(model, alt_feeds))
    return _Reference(feeds, outputs, macs, param_counts(model), alternates)


def _family_notes(family: Family, ref: _Reference) -> list[str]:
    """Notes that hold for every file of a family."""
    notes = [family.legacy_at_bound] if family.legacy_at_bound else []
    if ref.macs.recurrent_hand:
        hand, counted = ref.macs.recurrent_hand, ref.macs.recurrent_counted
        notes.append(f"recurrent MACs by formula {hand:,}, FlopCounterMode (oneDNN off) {counted:,}")
    if ref.macs.default_macs != ref.macs.macs:
        notes.append(
            "FlopCounterMode on torch's defaults (oneDNN on, MHA/encoder fast path on, no_grad) counts "
            f"{ref.macs.default_macs:,} MACs, not {ref.macs.macs:,}"
        )
    return notes


def _compare(
    path: Path, feeds: dict[str, np.ndarray], want: list[np.ndarray], tolerance: float | None
) -> float:
    """Max |onnxruntime − torch| of a file at `feeds`; raises when over tolerance."""
    declared = forms.declared_shapes(path)
    got = run_onnx(path, {name: feeds[name] for name in declared})
    diff = max_abs_diff(got, want)
    scale = max(1.0, *(float(np.max(np.abs(o))) for o in want))
    if tolerance is not None and not diff <= tolerance * scale:
        raise AssertionError(
            f"onnxruntime differs from torch by {diff:.3g} (tolerance {tolerance * scale:.3g})"
        )
    if tolerance is None and diff == float("inf"):
        raise AssertionError("onnxruntime's outputs do not have torch's shapes")
    return diff


def _checked(path: Path, family: Family, ref: _Reference, tolerance: float | None) -> tuple[dict, float]:
    """Bound shapes of the file's inputs and its max |onnxruntime − torch|; raises when over tolerance."""
    declared = forms.declared_shapes(path)
    bound = {i.name: i.bound for i in family.inputs}
    missing = sorted(set(declared) - set(bound))
    if missing:
        raise ValueError(f"graph inputs the family does not define: {missing}")
    return {name: bound[name] for name in declared}, _compare(path, ref.feeds, ref.outputs, tolerance)


def _alternates(path: Path, family: Family, ref: _Reference, tolerance: float | None) -> tuple[Binding, ...]:
    """The family's other bindings for one file, each run in onnxruntime."""
    declared = forms.declared_shapes(path)
    bindings = []
    for name, (feeds, outputs, macs) in ref.alternates.items():
        try:
            _compare(path, feeds, outputs, tolerance)
            error = ""
        except Exception as exc:
            error = _error(exc)
        shapes = {n: family.alternates[name][n] for n in declared}
        bindings.append(Binding(name, shapes, macs.macs, error))
    return tuple(bindings)


def _zoo_model(path: Path, family: Family, step: _Step, ref: _Reference, note: str | None) -> ZooModel:
    """Check a produced file and describe it."""
    inputs, diff = _checked(path, family, ref, step.tolerance)
    declared = forms.declared_shapes(path)
    params, buffers, folded = ref.params
    notes = tuple(n for n in (note, forms.contrib_summary(path)) if n)
    return ZooModel(
        id=f"{family.name}.{step.form}", family=family.name, form=step.form,
        exporter=step.form.split(".")[0].split("_")[0], path=path, inputs=inputs,
        dims=forms.dim_bindings(declared, inputs), declared=declared, symbols=forms.symbols(path),
        opsets=forms.opsets(path), external_data=forms.has_external_data(path),
        torch_macs=ref.macs.macs, recurrent_macs=ref.macs.recurrent_hand, torch_params=params,
        torch_buffers=buffers, folded_params=folded, max_abs_diff=diff, tolerance=step.tolerance, notes=notes,
        alternates=_alternates(path, family, ref, step.tolerance),
    )  # fmt: skip


def _error(exc: BaseException) -> str:
    """An exception in one line, its middle cut when long."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 400 else f"{text[:200]} … {text[-200:]}"
    return f"{type(exc).__name__}: {text}"


def build_family(name: str, out_dir: Path) -> tuple[list[ZooModel], list[ZooFailure], list[str]]:
    """Every form of one family: the files made, the forms that failed, the family's notes."""
    family = next(f for f in families() if f.name == name)
    model = build_model(family)
    ref = _reference(model, family)
    made: dict[str, Path] = {}
    models, failures = [], []
    for step in _plan(family):
        fid = f"{family.name}.{step.form}"
        if step.source is not None and step.source not in made:
            failures.append(
                ZooFailure(fid, family.name, step.form, "skipped", f"source {step.source} failed")
            )
            continue
        path = out_dir / f"{fid}.onnx"
        stage = "export"
        try:
            note = step.make(model, family, made.get(step.source or "", path), path)
            stage = "check"
            models.append(_zoo_model(path, family, step, ref, note))
            made[step.form] = path
        except Exception as exc:
            failures.append(ZooFailure(fid, family.name, step.form, stage, _error(exc)))
    return models, failures, _family_notes(family, ref)


# --- the manifest -------------------------------------------------------------------------------


def _to_json(model: ZooModel) -> dict[str, Any]:
    """A manifest entry (path relative to the zoo directory)."""
    return asdict(model) | {"path": model.path.name}


def _from_json(entry: dict[str, Any], out_dir: Path) -> ZooModel:
    """A ZooModel from its manifest entry."""
    return ZooModel(**(entry | {
        "path": out_dir / entry["path"],
        "inputs": {k: tuple(v) for k, v in entry["inputs"].items()},
        "declared": {k: tuple(v) for k, v in entry["declared"].items()},
        "symbols": tuple(entry["symbols"]),
        "notes": tuple(entry["notes"]),
        "alternates": tuple(Binding(**(b | {"inputs": {k: tuple(v) for k, v in b["inputs"].items()}}))
                            for b in entry["alternates"]),
    }))  # fmt: skip


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest of a complete build with this zoo's versions in `out_dir`, or None."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("versions") != _versions():
        return None
    if not all((out_dir / entry["path"]).is_file() for entry in manifest["models"]):
        return None
    return manifest


def load_failures(out_dir: Path) -> list[ZooFailure]:
    """The forms a build in `out_dir` could not produce."""
    manifest = read_manifest(out_dir)
    return [ZooFailure(**entry) for entry in manifest["failures"]] if manifest else []


def load_notes(out_dir: Path) -> dict[str, list[str]]:
    """Per-family notes of a build in `out_dir`."""
    manifest = read_manifest(out_dir)
    return manifest["notes"] if manifest else {}


def _write_manifest(out_dir: Path, results: list[tuple[list[ZooModel], list[ZooFailure], list[str]]]) -> None:
    """Write the manifest atomically, last, so that its presence means a complete build."""
    manifest = {
        "versions": _versions(),
        "models": [_to_json(m) for models, _, _ in results for m in models],
        "failures": [asdict(f) for _, failed, _ in results for f in failed],
        "notes": {models[0].family: notes for models, _, notes in results if models and notes},
    }
    with tempfile.NamedTemporaryFile("w", dir=out_dir, suffix=".tmp", delete=False) as tmp:
        json.dump(manifest, tmp, indent=1)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, out_dir / MANIFEST)


def _worker_init(threads: int) -> None:
    """Limit a build worker's torch threads."""
    torch.set_num_threads(threads)


def build_zoo(out_dir: Path, jobs: int | None = None) -> list[ZooModel]:
    """Build the zoo into `out_dir` (or reuse a complete build of this version there) and list its files."""
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    if manifest is None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MANIFEST).unlink(missing_ok=True)
        names = [f.name for f in families()]
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(names)))
        threads = max(1, (os.cpu_count() or 1) // jobs)
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(jobs, context, _worker_init, (threads,)) as pool:
            results = list(pool.map(build_family, names, [out_dir] * len(names)))
        _write_manifest(out_dir, results)
        manifest = read_manifest(out_dir)
        assert manifest is not None
    return [_from_json(entry, out_dir) for entry in manifest["models"]]


if __name__ == "__main__":
    import sys

    zoo = build_zoo(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/zoo"))
    print(f"{len(zoo)} files")
