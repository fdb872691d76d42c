"""Speed and memory of onnxcost beside onnx-tool and the onnx.load floor, each a whole process.

    python benchmarks/run.py            # 5 runs per case, writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick    # 1 run per case, a smoke test (writes nothing)
    python benchmarks/run.py --baseline DIR   # this tree beside another checkout (A/B, prints)

Every measurement is one child process: wall time from spawn to exit, peak RSS from the
kernel's rusage of that child (`/usr/bin/time -f %M`). Runs are interleaved (run 1 of every
case and tool, then run 2, ...) so that a slow spell of the machine spreads over all of them.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import models  # noqa: E402

PROFILE = "a100-80gb-sxm"
# A baseline whose first run takes longer than this is run once (noted in the table).
SLOW_S = 120.0
# A run longer than this is killed and reported as such.
TIMEOUT_S = 180.0
TIME = "/usr/bin/time"
SWEEP_PROFILES = (
    "a100-80gb-sxm", "h100-sxm", "h200", "l4", "t4", "rtx-4090", "jetson-agx-orin",
    "jetson-orin-nano", "tpu-v4", "tpu-v5e", "xeon-8480", "generic-x86", "apple-m2",
    "raspberry-pi-5", "coral-edge-tpu", "stm32h743", "stm32f746", "esp32-s3", "nrf52840",
    "rp2040",
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One model: its group (a-d in the issue), onnxcost's bindings, onnx-tool's input shapes."""

    name: str
    group: str
    dims: tuple[str, ...] = ()
    shapes: tuple[str, ...] = ()
    external: bool = False


TOTALS = ("import json, sys; t = json.load(open(sys.argv[1]))['totals']; "
          "print(json.dumps({'macs': t['macs'], 'params': t['params']}))")
TEXT = ("input_ids=1x128", "attention_mask=1x128")
SYNTHETIC_DIMS = ("batch=1", "seq=128")
CASES = (
    Case("resnet50", "a", shapes=("input=1x3x224x224",)),
    Case("bert", "b", shapes=TEXT),
    Case("gpt2", "b", shapes=TEXT),
    Case("bert_ext", "c", shapes=TEXT, external=True),
    Case("gpt2_ext", "c", shapes=TEXT, external=True),
    Case("synthetic_1k", "d", SYNTHETIC_DIMS, ("x=1x128x32",)),
    Case("synthetic_10k", "d", SYNTHETIC_DIMS, ("x=1x128x32",)),
    Case("synthetic_100k", "d", SYNTHETIC_DIMS, ("x=1x128x32",)),
)
TOOLS = ("onnxcost", "onnx-tool", "onnx.load", "onnx.load+infer_shapes")


@dataclass
class Samples:
    wall_s: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    failed: str = ""
    figures: dict[str, object] = field(default_factory=dict)


def measure(argv: Sequence[str], timeout_s: float = TIMEOUT_S) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS MiB, exit code, stdout or the error) of one child process.

    The child runs under /usr/bin/time, which forks it from a tiny process: its peak RSS is its
    own (a child forked from this script would start with this script's pages counted).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".time") as usage:
        start = time.perf_counter()
        child = subprocess.Popen([TIME, "-o", usage.name, "-f", "%M", *argv], stdout=out, stderr=err,
                                 start_new_session=True)  # fmt: skip
        # a blocking wait (Popen.wait with a timeout polls, in steps of up to 50 ms)
        timer = threading.Timer(timeout_s, os.killpg, (child.pid, signal.SIGKILL))
        timer.start()
        child.wait()
        wall = time.perf_counter() - start
        timer.cancel()
        if wall >= timeout_s:
            return wall, 0.0, -9, f"killed after {timeout_s:.0f} s"
        lines = Path(usage.name).read_text().split()
        rss_kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace")
        if child.returncode:
            text = err.read().decode(errors="replace")
    return wall, rss_kib / 1024, child.returncode, text


def has_hw_option() -> bool:
    """True when `onnxcost analyze` takes --hw (the estimator is in)."""
    help_text = subprocess.run([sys.executable, "-m", "onnxcost", "analyze", "--help"],
                               capture_output=True, text=True).stdout  # fmt: skip
    return "--hw" in help_text


# `--baseline DIR`: the same command run from another checkout (`env -C` makes it the working
# folder, which `python -m onnxcost` imports from), interleaved with this tree's runs.
BASELINE = "onnxcost (baseline)"
TREES = {"onnxcost": str(HERE.parent)}


def command(tool: str, case: Case, path: Path, hw: bool, output: str = "/dev/null") -> list[str]:
    if tool in (*TREES, "onnxcost"):
        chdir = ["env", "-C", TREES[tool]] if BASELINE in TREES else []
        argv = [*chdir, sys.executable, "-m", "onnxcost", "analyze", str(path)]
        argv += ["--format", "json", "-o", output]
        argv += ["--hw", PROFILE] if hw else []
        for dim in case.dims:
            argv += ["--dim", dim]
        return argv
    probe = {"onnx-tool": "onnx_tool", "onnx.load": "load", "onnx.load+infer_shapes": "infer"}[tool]
    return [sys.executable, str(HERE / "probe.py"), probe, str(path), *case.shapes]


def file_mib(path: Path) -> float:
    """Size of the model file plus its external-data file, if any."""
    size = path.stat().st_size
    data = path.with_suffix(".onnx.data")
    return size / 2**20, (data.stat().st_size / 2**20 if data.exists() else 0.0)


def run_cases(
    cases: Sequence[Case], runs: int, hw: bool, tools: Sequence[str] = TOOLS
) -> dict[tuple[str, str], Samples]:
    results = {(c.name, t): Samples() for c in cases for t in tools}
    paths = {c.name: models.ensure(c.name) for c in cases}
    for run in range(runs):
        for case in cases:
            for tool in tools:
                samples = results[case.name, tool]
                if samples.failed or (run > 0 and samples.wall_s and samples.wall_s[0] > SLOW_S):
                    continue
                wall, rss, code, text = measure(command(tool, case, paths[case.name], hw))
                if code:
                    samples.failed = (text.strip().splitlines() or ["failed"])[-1][:120]
                    continue
                samples.wall_s.append(wall)
                samples.rss_mib.append(rss)
                if tool == "onnx-tool" and not samples.figures:
                    samples.figures = json.loads(text.strip().splitlines()[-1])
                print(f"  run {run + 1}/{runs} {case.name:15} {tool:24} {wall:7.2f} s {rss:8.1f} MiB",
                      file=sys.stderr, flush=True)  # fmt: skip
    for case in cases:  # the figures onnxcost found, from one more (unmeasured) run
        with tempfile.NamedTemporaryFile(suffix=".json") as handle:
            _, _, code, _ = measure(command("onnxcost", case, paths[case.name], hw, handle.name))
            if code == 0:  # read in a child: a 100k-node report would bloat this process
                _, _, _, text = measure([sys.executable, "-c", TOTALS, handle.name])
                results[case.name, "onnxcost"].figures = json.loads(text)
    return results


SWEEPS = (("resnet50_dyn", ()), ("bert_dyn", ("seq=128",)), ("synthetic_1k", ("seq=128",)),
          ("synthetic_10k", ("seq=128",)))  # fmt: skip


def run_sweep(model: str, runs: int, dims: Sequence[str]) -> dict[str, Samples]:
    """A 20-profile x 3-batch sweep against one analysis with one profile, whole processes."""
    path = str(models.ensure(model))
    extra = [a for d in dims for a in ("--dim", d)]
    single = [sys.executable, "-m", "onnxcost", "analyze", path, "--hw", PROFILE, "--format", "json",
              "-o", "/dev/null", "--dim", "batch=1", *extra]  # fmt: skip
    sweep = [sys.executable, "-m", "onnxcost", "sweep", path, "--format", "csv", "-o", "/dev/null",
             "--quiet", "--dim", "batch=1,8,64", *extra]  # fmt: skip
    for profile in SWEEP_PROFILES:
        sweep += ["--hw", profile]
    results = {"analyze, 1 profile, batch=1": Samples(), "sweep, 20 profiles x batch 1,8,64": Samples()}
    for _ in range(runs):
        for (label, samples), argv in zip(results.items(), (single, sweep), strict=True):
            wall, rss, code, text = measure(argv)
            if code:
                samples.failed = (text.strip().splitlines() or ["failed"])[-1][:120]
                continue
            samples.wall_s.append(wall)
            samples.rss_mib.append(rss)
            print(f"  sweep {model} {label:36} {wall:7.2f} s {rss:8.1f} MiB", file=sys.stderr, flush=True)
    return results


def stat(values: Sequence[float], digits: int) -> str:
    if not values:
        return "—"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f} (n=1)"
    return f"{med:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def median(samples: Samples) -> float | None:
    return statistics.median(samples.wall_s) if samples.wall_s else None


def machine() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
        ram = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return [
        f"- machine: {os.cpu_count()} cores, {ram} RAM, {cpu}; {platform.system()} {platform.release()}",
        f"- date: {datetime.date.today().isoformat()}",
        f"- Python {platform.python_version()}; onnx {version('onnx')}, onnxruntime "
        f"{version('onnxruntime')}, onnx-tool {version('onnx-tool')}, onnxcost {version('onnxcost')}",
    ]


def table(cases: Sequence[Case], results: dict[tuple[str, str], Samples]) -> list[str]:
    lines = [
        "| case | model | file MiB (+ext data) | tool | wall s: median (min–max) "
        "| peak RSS MiB: median (min–max) |",
        "|---|---|---|---|---|---|",
    ]
    for case in cases:
        size, data = file_mib(models.path_of(case.name))
        shown = f"{size:.1f}" + (f" (+{data:.1f})" if data else "")
        for tool in TOOLS:
            samples = results[case.name, tool]
            if samples.failed:
                lines.append(f"| {case.group} | {case.name} | {shown} | {tool} "
                             f"| failed: {samples.failed} | |")  # fmt: skip
                continue
            lines.append(f"| {case.group} | {case.name} | {shown} | {tool} | {stat(samples.wall_s, 3)} "
                         f"| {stat(samples.rss_mib, 0)} |")  # fmt: skip
    return lines


def figures(cases: Sequence[Case], results: dict[tuple[str, str], Samples]) -> list[str]:
    lines = ["| model | onnxcost MACs | onnx-tool MACs | onnxcost params | onnx-tool params |",
             "|---|---|---|---|---|"]  # fmt: skip
    for case in cases:
        ours = results[case.name, "onnxcost"].figures
        theirs = results[case.name, "onnx-tool"].figures
        lines.append(f"| {case.name} | {ours.get('macs', '—')} | {theirs.get('macs', '—')} "
                     f"| {ours.get('params', '—')} | {theirs.get('params', '—')} |")  # fmt: skip
    return lines


def goals(cases: Sequence[Case], results: dict[tuple[str, str], Samples]) -> list[str]:
    def t(name: str, tool: str) -> float | None:
        return median(results[name, tool]) if (name, tool) in results else None

    def rss(name: str) -> float | None:
        values = results[name, "onnxcost"].rss_mib if (name, "onnxcost") in results else []
        return statistics.median(values) if values else None

    out = []
    names = {c.name for c in cases}
    for case in cases:
        ours, tool, load = t(case.name, "onnxcost"), t(case.name, "onnx-tool"), t(case.name, "onnx.load")
        if ours is None:
            continue
        if case.group == "b":
            ok = tool is not None and load is not None and ours <= tool / 2 and ours < load
            out.append(f"- {case.name} (b): onnxcost {ours:.3f} s ≤ ½ onnx-tool ({(tool or 0) / 2:.3f} s) "
                       f"and < onnx.load ({load or 0:.3f} s): {'met' if ok else 'NOT met'}")  # fmt: skip
        if case.group in ("a", "d") and tool is not None:
            out.append(f"- {case.name} ({case.group}): onnxcost {ours:.3f} s < onnx-tool {tool:.3f} s: "
                       f"{'met' if ours < tool else 'NOT met'}")  # fmt: skip
        peak = rss(case.name)
        if peak is not None and case.group in ("a", "b", "c"):
            size, _ = file_mib(models.path_of(case.name))
            limit = 300.0 if case.external else 0.3 * size + 150
            out.append(f"- {case.name} peak RSS {peak:.0f} MiB ≤ {limit:.0f} MiB "
                       f"({'300 MiB, external data' if case.external else '0.3 × file + 150 MiB'}): "
                       f"{'met' if peak <= limit else 'NOT met'}")  # fmt: skip
    if {"synthetic_10k", "synthetic_100k"} <= names:
        small, big = t("synthetic_10k", "onnxcost"), t("synthetic_100k", "onnxcost")
        if small and big:
            out.append(f"- linear growth: 100k / 10k nodes = {big / small:.1f}× (≤ 12×): "
                       f"{'met' if big / small <= 12 else 'NOT met'}")  # fmt: skip
    return out


def sweep_lines(found: dict[str, dict[str, Samples]]) -> list[str]:
    lines = ["| model | command | wall s: median (min–max) | peak RSS MiB: median (min–max) |",
             "|---|---|---|---|"]  # fmt: skip
    verdicts = []
    for model, results in found.items():
        for label, samples in results.items():
            if samples.failed:
                lines.append(f"| {model} | {label} | failed: {samples.failed} | |")
            else:
                lines.append(f"| {model} | {label} | {stat(samples.wall_s, 3)} "
                             f"| {stat(samples.rss_mib, 0)} |")  # fmt: skip
        single, sweep = (median(s) for s in results.values())
        if single and sweep:
            verdict = "met" if sweep < 2 * single else "NOT met"
            verdicts.append(f"- {model}: sweep / single analysis = {sweep / single:.2f}× (< 2×): {verdict}")
    return [*lines, "", *verdicts]


def _side_by_side(
    results: dict[tuple[str, str], Samples], cases: Sequence[Case], runs: int, load: float
) -> int:
    """Prints this tree's and the baseline's median wall time and peak RSS per case, and B/A."""
    print(f"{runs} interleaved runs per case; load average at the start {load:.2f}")
    print(f"baseline: {TREES[BASELINE]}")
    print("| model | this tree, s | baseline, s | this / baseline | this tree, MiB | baseline, MiB |")
    print("|---|---|---|---|---|---|")
    for case in cases:
        a, b = results[case.name, "onnxcost"], results[case.name, BASELINE]
        if a.failed or b.failed or not a.wall_s or not b.wall_s:
            print(f"| {case.name} | {a.failed or '-'} | {b.failed or '-'} | | | |")
            continue
        wall_a, wall_b = statistics.median(a.wall_s), statistics.median(b.wall_s)
        print(f"| {case.name} | {wall_a:.3f} ({min(a.wall_s):.3f}–{max(a.wall_s):.3f}) | "
              f"{wall_b:.3f} ({min(b.wall_s):.3f}–{max(b.wall_s):.3f}) | {wall_a / wall_b:.3f} | "
              f"{statistics.median(a.rss_mib):.0f} | {statistics.median(b.rss_mib):.0f} |")  # fmt: skip
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="one run per case; RESULTS.md is not written")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", nargs="*", help="only these models (names as in models.py)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep measurement")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--baseline", help="another checkout of onnxcost, measured beside this one")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(args.runs, 1)
    cases = [c for c in CASES if not args.cases or c.name in args.cases]
    if args.baseline:
        TREES[BASELINE] = str(Path(args.baseline).resolve())
    # pip compiles an installed package to bytecode; an editable install (and an environment
    # with PYTHONDONTWRITEBYTECODE) would otherwise recompile onnxcost on every start.
    for tree in TREES.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(tree) / "onnxcost")],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    load_before = os.getloadavg()[0]
    hw = has_hw_option()
    if args.baseline:
        return _side_by_side(run_cases(cases, runs, hw, ("onnxcost", BASELINE)), cases, runs, load_before)
    results = run_cases(cases, runs, hw)
    lines = [
        "# Benchmark results",
        "",
        "Recorded by `python benchmarks/run.py` (models built by `benchmarks/models.py` into the",
        "git-ignored `benchmarks/.cache/`). Each figure is a whole separate process: wall time from",
        "spawn to exit and the child's peak RSS (rusage), median of the runs with min–max; runs of all",
        "cases and tools are interleaved.",
        "",
        *machine(),
        f"- runs per case: {runs}; 1-minute load average when the run started: {load_before:.2f}",
        "- onnxcost byte-compiled first (`python -m compileall onnxcost`, as pip does on install)",
        "",
        "Tools: **onnxcost** = `onnxcost analyze MODEL"
        + (f" --hw {PROFILE}" if hw else "")
        + " --format json -o /dev/null` (with `--dim batch=1 --dim seq=128` for the synthetic graphs);",
        "**onnx-tool** = `onnx_tool.Model(path)`, `graph_reorder_nodes()`, `shape_infer(inputs)` with",
        "the same input shapes, `profile()` (shapes + MACs + params; no table printed); **onnx.load** =",
        "`onnx.load(path)` (external data included); **onnx.load+infer_shapes** = the same plus",
        "`onnx.shape_inference.infer_shapes(model)`. Groups: (a) ResNet-50, (b) BERT-base and GPT-2",
        "small with embedded weights, (c) the same with external data, (d) synthetic transformer",
        "graphs of 1k, 10k and 100k nodes.",
        "",
        *table(cases, results),
        "",
        "Figures found (onnx-tool counts element-wise ops as MACs too, onnxcost counts them as FLOPs):",
        "",
        *figures(cases, results),
        "",
        "## Goals",
        "",
        *goals(cases, results),
    ]
    if not args.no_sweep:
        found = {model: run_sweep(model, runs, dims) for model, dims in SWEEPS}
        lines += [
            "",
            "## Sweep",
            "",
            f"One `onnxcost analyze MODEL --hw {PROFILE} --dim batch=1` against `onnxcost sweep MODEL` with",
            "20 `--hw` profiles and `--dim batch=1,8,64` (60 estimates from one analysis with batch",
            "symbolic); `seq=128` bound in both for BERT and the synthetic graphs. `resnet50_dyn` is",
            "the ResNet-50 export with a symbolic batch, `bert_dyn` the BERT-base export with symbolic",
            "batch and seq (weights embedded in both).",
            "",
            *sweep_lines(found),
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
