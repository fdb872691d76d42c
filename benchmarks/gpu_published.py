"""onnxcost's GPU estimates beside published measurements (MLPerf Inference, TensorRT's BERT demo).

    python benchmarks/gpu_published.py            # prints the table (Markdown)
    python benchmarks/gpu_published.py --json     # the rows as JSON

Every published figure below is quoted from one file, named in SOURCES with its repository,
commit and path; benchmarks/GPU_PUBLISHED.md holds the printed table, the sources and what in
each comparison is not like for like.

onnxcost estimates a graph as written: a float32 graph runs at the float32 (non-tensor-core)
peak. The published runs are TensorRT engines in INT8 (MLPerf ResNet-50) or FP16 (BERT demo),
so each figure is estimated on two graphs:

- the float32 graph (`benchmarks/.cache/resnet50.onnx`, `bert_dyn.onnx`), as exported;
- the same graph in the published precision, built here: ResNet-50 quantized to an INT8 QDQ
  graph by onnxruntime's `quantize_static` (costed as run: DQ -> Conv -> Q is one int8
  convolution), or converted to float16 by onnxconverter_common (I/O kept in float32).

The derived graphs go to benchmarks/.cache/ (git-ignored) and are built once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import models  # noqa: E402

CACHE = models.CACHE

# Where each published figure comes from: one file at one commit.
SOURCES: dict[str, str] = {
    "mlperf-v3.0": (
        "MLPerf Inference v3.0, closed division, NVIDIA: github.com/mlcommons/inference_results_v3.0 "
        "@ dad59af09e9e62eceec4bee48794e201d6cf9170, closed/NVIDIA/results/<system>/resnet50/"
        "<scenario>/performance/run_1/mlperf_log_summary.txt; software from closed/NVIDIA/systems/"
        "<system>.json; Offline batch sizes from closed/NVIDIA/configs/resnet50/Offline/__init__.py"
    ),
    "mlperf-v3.1": (
        "MLPerf Inference v3.1, closed division, NVIDIA: github.com/mlcommons/inference_results_v3.1 "
        "@ eaf622a25c00f2b4b1d2c4f5b4f430570429d24a, closed/NVIDIA/results/Orin_TRT/resnet50/"
        "SingleStream/performance/run_1/mlperf_log_summary.txt; closed/NVIDIA/systems/Orin_TRT.json"
    ),
    "trt-bert-8.4.3": (
        "TensorRT BERT demo README, 'Inference performance' tables (BERT Base, FP16 Latency, "
        "Average column): github.com/NVIDIA/TensorRT @ 007c34702bc7878285e3123eb39829a1f9aef3f0, "
        "demo/BERT/README.md (Version Info: TensorRT 8.4.3, CUDA 11.6)"
    ),
}


@dataclass(frozen=True)
class Figure:
    """One published measurement and the onnxcost run that corresponds to it."""

    model: str  # "resnet50" or "bert-base"
    gpu: str  # as the source names it
    profile: str  # the onnxcost profile it is compared with
    runtime: str
    precision: str  # "INT8" or "FP16": the published engine's precision
    scenario: str
    batch: int
    seq: int  # BERT sequence length; 0 for ResNet-50
    metric: str  # what the source reports, as it reports it
    published_batch_s: float  # seconds per batch: the latency, or batch / throughput
    source: str  # a key of SOURCES
    note: str = ""


FIGURES: tuple[Figure, ...] = (
    # MLPerf ResNet-50 v1.5 (224x224, ImageNet), NVIDIA's TensorRT INT8 engines.
    Figure("resnet50", "A100-SXM-80GB", "a100-80gb-sxm", "TensorRT 8.6.0, CUDA 12.0", "INT8",
           "MLPerf SingleStream (edge)", 1, 0, "p90 latency 457,245 ns", 457_245e-9, "mlperf-v3.0",
           "system DGX-A100_A100-SXM-80GBx1_TRT; mean 454,689 ns"),
    Figure("resnet50", "A100-SXM-80GB", "a100-80gb-sxm", "TensorRT 8.6.0, CUDA 12.0", "INT8",
           "MLPerf Offline (edge)", 2048, 0, "42,379.3 samples/s", 2048 / 42_379.3, "mlperf-v3.0",
           "gpu_batch_size 2048, 4 copy streams with inference on them: batches overlap"),
    Figure("resnet50", "H100-SXM-80GB", "h100-sxm", "TensorRT 8.6.0, CUDA 12.0", "INT8",
           "MLPerf Offline (datacenter)", 2048, 0, "91,825.7 samples/s", 2048 / 91_825.7, "mlperf-v3.0",
           "system DGX-H100_H100-SXM-80GBx1_TRT; gpu_batch_size 2048"),
    Figure("resnet50", "L4", "l4", "TensorRT 8.6.0, CUDA 12.0", "INT8",
           "MLPerf SingleStream (edge)", 1, 0, "p90 latency 361,584 ns", 361_584e-9, "mlperf-v3.0",
           "system L4x1_TRT; mean 355,504 ns"),
    Figure("resnet50", "L4", "l4", "TensorRT 8.6.0, CUDA 12.0", "INT8",
           "MLPerf Offline (datacenter/edge)", 32, 0, "13,157.8 samples/s", 32 / 13_157.8, "mlperf-v3.0",
           "gpu_batch_size 32, CUDA graphs, 2 copy streams"),
    Figure("resnet50", "Jetson AGX Orin 64G", "jetson-agx-orin", "Jetpack 5.1.1, TensorRT 8.5.2", "INT8",
           "MLPerf SingleStream (edge)", 1, 0, "p90 latency 640,258 ns", 640_258e-9, "mlperf-v3.1",
           "GPU only (the DLAs are used in Offline only, per the system's hw_notes); mean 636,375 ns"),
    # TensorRT BERT demo, BERT-Base (12 layers, hidden 768, SQuAD head), FP16 engines.
    Figure("bert-base", "A100 (40GB)", "a100-80gb-sxm", "TensorRT 8.4.3, CUDA 11.6", "FP16",
           "demo perf, avg latency", 1, 128, "0.67 ms", 0.67e-3, "trt-bert-8.4.3",
           "A100 40GB (1.56 TB/s), profile is the 80GB SXM (2.04 TB/s)"),
    Figure("bert-base", "A100 (40GB)", "a100-80gb-sxm", "TensorRT 8.4.3, CUDA 11.6", "FP16",
           "demo perf, avg latency", 128, 128, "16.14 ms", 16.14e-3, "trt-bert-8.4.3",
           "A100 40GB (1.56 TB/s), profile is the 80GB SXM (2.04 TB/s)"),
    Figure("bert-base", "A100 (40GB)", "a100-80gb-sxm", "TensorRT 8.4.3, CUDA 11.6", "FP16",
           "demo perf, avg latency", 1, 384, "1.31 ms", 1.31e-3, "trt-bert-8.4.3",
           "A100 40GB (1.56 TB/s), profile is the 80GB SXM (2.04 TB/s)"),
    Figure("bert-base", "T4 (16GB)", "t4", "TensorRT 8.4.3, CUDA 11.6", "FP16",
           "demo perf, avg latency", 1, 128, "1.95 ms", 1.95e-3, "trt-bert-8.4.3"),
    Figure("bert-base", "T4 (16GB)", "t4", "TensorRT 8.4.3, CUDA 11.6", "FP16",
           "demo perf, avg latency", 128, 128, "144.20 ms", 144.20e-3, "trt-bert-8.4.3"),
    Figure("bert-base", "T4 (16GB)", "t4", "TensorRT 8.4.3, CUDA 11.6", "FP16",
           "demo perf, avg latency", 1, 384, "4.04 ms", 4.04e-3, "trt-bert-8.4.3"),
)  # fmt: skip


# --- graphs -------------------------------------------------------------------------------


def _resnet50_dyn(path: Path) -> None:
    """ResNet-50 with a symbolic batch: the batch-1 export with dim 0 of its I/O renamed.

    The graph reshapes nothing by a constant shape (Flatten, GlobalAveragePool), so renaming
    the leading dim is enough; it avoids a second torch export. The export passes 47 Conv
    biases through Identity nodes; they are made initializers again (the same values), so that
    quantize_static sees constant biases and every Conv becomes DQ -> Conv -> Q.
    """
    model = onnx.load(str(models.ensure("resnet50")))
    body = model.graph
    inits = {init.name: init for init in body.initializer}
    kept = []
    for node in body.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            copy = onnx.TensorProto()
            copy.CopyFrom(inits[node.input[0]])
            copy.name = node.output[0]
            body.initializer.append(copy)
        else:
            kept.append(node)
    del body.node[:]
    body.node.extend(kept)
    for value in (*body.input, *body.output):
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    del body.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _float16(source: Path, path: Path) -> None:
    from onnxconverter_common import float16

    model = float16.convert_float_to_float16(onnx.load(str(source)), keep_io_types=True)
    onnx.save(model, str(path))


def _int8_qdq(source: Path, path: Path) -> None:
    """Static INT8 QDQ quantization, calibrated on two random images (the scales do not matter
    to the cost, only where the Q/DQ pairs sit)."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            rng = np.random.default_rng(0)
            self.batches = iter([{"input": rng.standard_normal((1, 3, 224, 224), dtype=np.float32)}
                                 for _ in range(2)])  # fmt: skip

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.batches, None)

    quantize_static(str(source), str(path), Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                    per_channel=True)  # fmt: skip


def graph(model: str, precision: str) -> Path:
    """The graph file of `model` in `precision` ("FP32", "FP16", "INT8"), built if missing."""
    base = CACHE / "resnet50_dyn_gp.onnx" if model == "resnet50" else models.ensure("bert_dyn")
    if model == "resnet50" and not base.exists():
        _resnet50_dyn(base)
    if precision == "FP32":
        return base
    path = base.with_name(f"{base.stem}_{precision.lower()}.onnx")
    if not path.exists():
        if precision == "FP16":
            _float16(base, path)
        elif precision == "INT8" and model == "resnet50":
            _int8_qdq(base, path)
        else:
            raise ValueError(f"no {precision} graph of {model}")
    return path


# --- onnxcost -----------------------------------------------------------------------------


def onnxcost_latency(path: Path, figure: Figure) -> float:
    """`onnxcost analyze PATH --input ... --hw PROFILE --format json`: the estimated latency (s)."""
    exe = shutil.which("onnxcost") or str(Path(sys.executable).with_name("onnxcost"))
    if figure.model == "resnet50":
        inputs = [f"input={figure.batch}x3x224x224"]
    else:
        inputs = [f"{name}={figure.batch}x{figure.seq}" for name in ("input_ids", "attention_mask")]
    # --no-tf32: a float32 graph at the float32 peak, as the fp32 column says (TF32 is the default
    # on Ampere and newer profiles; it changes nothing for the int8 and fp16 graphs)
    args = [exe, "analyze", str(path), "--hw", figure.profile, "--format", "json", "--no-tf32"]
    for spec in inputs:
        args += ["--input", spec]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    if report["unsupported"]:
        raise RuntimeError(f"{path.name}: ops without a cost rule: {report['unsupported']}")
    return float(report["estimate"]["latency_s"])


@dataclass(frozen=True)
class Row:
    figure: Figure
    fp32_s: float  # onnxcost, float32 graph, per batch
    matched_s: float  # onnxcost, graph in the published precision, per batch

    @property
    def ratio_fp32(self) -> float:
        return self.fp32_s / self.figure.published_batch_s

    @property
    def ratio_matched(self) -> float:
        return self.matched_s / self.figure.published_batch_s


def rows() -> Iterator[Row]:
    for figure in FIGURES:
        fp32 = onnxcost_latency(graph(figure.model, "FP32"), figure)
        matched = onnxcost_latency(graph(figure.model, figure.precision), figure)
        yield Row(figure, fp32, matched)


# --- output -------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:,.3f}" if ms < 10 else f"{ms:,.1f}"


def markdown(table: list[Row]) -> str:
    head = (
        "| model | GPU (profile) | published runtime, precision | scenario | batch | published "
        "| published ms / batch | onnxcost, fp32 graph, ms | ratio | onnxcost, graph in the published "
        "precision, ms | ratio |"
    )
    lines = [head, "|" + "---|" * 11]
    for row in table:
        f = row.figure
        model = f"{f.model} (seq {f.seq})" if f.seq else f.model
        lines.append(
            f"| {model} | {f.gpu} (`{f.profile}`) | {f.runtime}, {f.precision} | {f.scenario} | {f.batch} "
            f"| {f.metric} | {_ms(f.published_batch_s)} | {_ms(row.fp32_s)} | {row.ratio_fp32:.2f} "
            f"| {_ms(row.matched_s)} ({f.precision.lower()}) | {row.ratio_matched:.2f} |"
        )
    lines.append("")
    lines.append("ratio = onnxcost ÷ published (per batch; per sample is the same ratio). Sources:")
    for key, text in SOURCES.items():
        lines.append(f"- `{key}`: {text}")
    for i, row in enumerate(table, 1):
        if row.figure.note:
            lines.append(f"- row {i} ({row.figure.model}, {row.figure.gpu}, batch {row.figure.batch}): "
                         f"{row.figure.note}")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    table = list(rows())
    if args.json:
        print(json.dumps([{**asdict(r.figure), "onnxcost_fp32_s": r.fp32_s,
                           "onnxcost_matched_s": r.matched_s, "ratio_fp32": r.ratio_fp32,
                           "ratio_matched": r.ratio_matched} for r in table], indent=2))  # fmt: skip
    else:
        print(markdown(table))


if __name__ == "__main__":
    main()
