"""`onnxcost check --budget` against the same checks run one model × target at a time.

    python benchmarks/check_gate.py [--runs 5]     # prints the figures, writes CHECK_RESULTS.md

The budget file is models/budgets.toml: three MLPerf Tiny int8 models on an MCU (stm32l4r5, with
the min-memory order) and a GPU (t4). One `check --budget` run reads each model once and analyzes
it once for both targets; the six separate runs each start Python, import onnxcost, read and
analyze a model. Each measurement is a whole process; the median of `--runs` is reported.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = "models/budgets.toml"
MODELS = ("kws_dscnn_int8.onnx", "vww_mobilenetv1_025_int8.onnx", "ic_resnet8_int8.onnx")
# The targets of models/budgets.toml as flags (its [defaults] and the override included).
TARGETS = {
    "mcu": ["--hw", "stm32l4r5", "--order", "min-memory", "--max-latency", "250ms", "--max-energy",
            "12mJ", "--max-peak-memory", "64KiB", "--max-model-size", "256KiB", "--require-fit",
            "--require-supported"],
    "gpu": ["--hw", "t4", "--max-latency", "1ms", "--min-throughput", "5000/s", "--require-supported"],
}  # fmt: skip


def _seconds(argv: list[str]) -> float:
    """Wall time of one `python -m onnxcost ...` process (it must exit 0)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "onnxcost", *argv], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Interleaved runs of both ways; the medians and their ratio."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    one, six = [], []
    for _ in range(runs):
        one.append(_seconds(["check", "--budget", BUDGETS]))
        separate = 0.0
        for model in MODELS:
            for name, flags in TARGETS.items():
                extra = ["--max-latency", "300ms"] if name == "mcu" and model.startswith("ic_") else []
                separate += _seconds(["check", f"models/{model}", *flags, *extra])
        six.append(separate)
    budget, apart = statistics.median(one), statistics.median(six)
    lines = [
        "# `onnxcost check`: one budget file against six separate runs",
        "",
        f"Measured {datetime.date.today()} with `python benchmarks/check_gate.py --runs {runs}` (medians of "
        "whole processes, interleaved).",
        "",
        "| how | wall time |",
        "|---|---|",
        f"| `onnxcost check --budget {BUDGETS}` (3 models × 2 targets, 27 checks) | {budget:.3f} s |",
        f"| the same 27 checks as 6 runs, one model × target each | {apart:.3f} s |",
        f"| ratio | {budget / apart:.2f} |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    (Path(__file__).parent / "CHECK_RESULTS.md").write_text(text)


if __name__ == "__main__":
    main()
