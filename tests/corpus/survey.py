"""Run the onnxcost CLI on every corpus model with all inputs bound and tabulate it against the references."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fetch import fetch, load_models

INT_TOTALS = ("params", "weight_bytes", "macs", "flops", "bytes_read", "bytes_written", "activation_bytes",
              "peak_memory_bytes")  # fmt: skip
INT_SCHEDULE = ("peak_memory_bytes", "topo_peak_bytes", "lower_bound_bytes", "arena_bytes")
FUNCTIONS = {"floor", "ceiling", "Max", "Min", "Mod", "Abs", "Piecewise", "sqrt", "log"}
SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_.:]*")


def input_args(inputs: dict[str, list[int]]) -> list[str]:
    """--input NAME=AxBxC for every input; a scalar is NAME= ."""
    bound = [f"{name}={'x'.join(map(str, shape))}" for name, shape in inputs.items()]
    return [arg for text in bound for arg in ("--input", text)]


def run(cli: list[str], args: list[str], timeout: int = 600) -> dict:
    """Run one onnxcost command with -o to a temp file; rc, the JSON (or None) and stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        try:
            proc = subprocess.run([*cli, *args, "--format", "json", "-o", str(out)], capture_output=True,
                                  text=True, timeout=timeout)  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"rc": "timeout", "json": None, "stderr": f"timed out after {timeout} s"}
        doc = json.loads(out.read_text()) if proc.returncode == 0 and out.exists() else None
        return {"rc": proc.returncode, "json": doc, "stderr": proc.stderr.strip()}


def non_integers(values: dict, keys: tuple[str, ...]) -> dict[str, object]:
    """The figures among keys (and the *_by_dtype maps) that are not plain integers."""
    bad = {k: values.get(k) for k in keys if type(values.get(k)) is not int}
    for group in ("macs_by_dtype", "weight_bytes_by_dtype"):
        for dtype, value in (values.get(group) or {}).items():
            if type(value) is not int:
                bad[f"{group}.{dtype}"] = value
    return bad


def symbols(values: object) -> set[str]:
    """Identifiers inside the formula strings of a JSON value."""
    if isinstance(values, str):
        return {s for s in SYMBOL.findall(values) if s not in FUNCTIONS}
    if isinstance(values, dict):
        return set().union(*(symbols(v) for v in values.values())) if values else set()
    if isinstance(values, list):
        return set().union(*(symbols(v) for v in values)) if values else set()
    return set()


def survey_model(cli: list[str], model: dict, path: Path) -> dict:
    """The three commands on one model and what their output says."""
    args = input_args(model["inputs"])
    if "if_branch" in model:  # the branch the reference's onnxruntime run took
        args += ["--if-branch", model["if_branch"]]
    analyze = run(cli, ["analyze", str(path), *args])
    hw = run(cli, ["analyze", str(path), *args, "--hw", "a100-80gb-sxm"])
    schedule = run(cli, ["schedule", str(path), *args, "--hw", "stm32h743"])
    row: dict = {"id": model["id"], "rc": [analyze["rc"], hw["rc"], schedule["rc"]],
                 "stderr": [analyze["stderr"], hw["stderr"], schedule["stderr"]]}  # fmt: skip
    if analyze["json"]:
        doc = analyze["json"]
        totals = doc["totals"]
        row["non_integer"] = non_integers(totals, INT_TOTALS)
        row["symbols"] = sorted(symbols({k: v for k, v in totals.items() if k != "excluded_ops"}))
        row["excluded_ops"] = totals.get("excluded_ops", [])
        row["params"] = totals.get("params")
        row["macs"] = totals.get("macs")
        counted = set(model.get("core_ops", [])) | {"If", "Loop", "Scan"}
        per_op: dict[str, list] = {}
        for node in doc["nodes"]:
            if node["op_type"] in counted and node["macs"] != 0:
                per_op.setdefault(node["op_type"], []).append(node["macs"])
        row["per_op_macs"] = {op: sum(v) if all(type(x) is int for x in v) else v for op, v in per_op.items()}
        numbers = [x for v in per_op.values() for x in v]
        row["core_macs"] = sum(numbers) if all(type(x) is int for x in numbers) else "formula"
        row["warnings"] = doc.get("warnings", [])
        row["unsupported"] = doc.get("unsupported", {})
    if hw["json"]:
        totals = hw["json"]["totals"]
        row["hw_non_integer"] = non_integers(totals, INT_TOTALS)
        row["hw_latency"] = totals.get("latency_s")
        row["hw_symbols"] = sorted(symbols({k: v for k, v in totals.items() if k != "excluded_ops"}))
    if schedule["json"]:
        doc = schedule["json"]
        row["schedule_non_integer"] = non_integers(doc, INT_SCHEDULE)
        fit = doc.get("fit") or {}
        row["schedule_fits"] = fit.get("fits")
        row["schedule_warnings"] = doc.get("warnings", [])
    return row


def _short(text: object, limit: int = 160) -> str:
    """One table-safe line of at most limit characters."""
    line = " ".join(str(text).split()).replace("|", "\\|")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _compare(got: object, want: object) -> str:
    """'ok' when equal, else got vs want with the difference."""
    if want is None:
        return f"{_short(got, 60)} (no ref)"
    if got == want:
        return f"ok {want:,}"
    if isinstance(got, int) and isinstance(want, int):
        return f"**{got:,} vs {want:,}** (Δ {got - want:+,})"
    return f"**{_short(got, 80)}** vs {want:,}"


def markdown(rows: list[dict], models: dict[str, dict], cli: str) -> str:
    """The survey table and per-model details as Markdown."""
    out = [f"Command: `{cli}`. Columns: exit codes of `analyze --format json` / "
           "`analyze --hw a100-80gb-sxm` / `schedule --hw stm32h743`; non-integer totals (JSON strings "
           "are formulas); leftover symbols; params and core MACs (sum of per-node `macs` over "
           "`core_ops` and If/Loop/Scan nodes, which carry their bodies' MACs) against models.toml (params: "
           "the float constants plus the integer weights integer ops read, as the README counts them; "
           "`--if-branch` as the reference run took where models.toml says).", "",
           "| model | rc | non-integer totals | symbols left | params | core MACs | first error / warning |",
           "|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        model = models[row["id"]]
        note = next((s for s in row["stderr"] if s), "") or "; ".join(row.get("warnings", [])[:1])
        non_int = ", ".join(sorted(row.get("non_integer", {}))) or ("—" if "non_integer" in row else "n/a")
        syms = ", ".join(row.get("symbols", [])) or ("—" if "symbols" in row else "n/a")
        reference = model.get("params", 0) + model.get("int_weight_params", 0)  # README's params rule
        params = _compare(row.get("params"), reference) if "params" in row else "n/a"
        macs = _compare(row.get("core_macs"), model.get("core_macs")) if "core_macs" in row else "n/a"
        rc = "/".join(str(r) for r in row["rc"])
        out.append(f"| {row['id']} | {rc} | {_short(non_int, 80)} | {_short(syms, 80)} | {params} | {macs} "
                   f"| {_short(note)} |")  # fmt: skip
    return "\n".join(out) + "\n"


def main() -> None:
    """Survey every model and write the Markdown table and the raw rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cli", default="onnxcost", help="command that runs onnxcost (default: onnxcost)")
    parser.add_argument("--cache", type=Path, default=None, help="corpus cache dir")
    parser.add_argument("--md", type=Path, default=None, help="write the Markdown table here")
    parser.add_argument("--json", type=Path, default=None, help="write the raw rows here")
    parser.add_argument("--only", nargs="*", default=None, help="model ids")
    opts = parser.parse_args()
    paths = fetch(opts.cache)
    models = {m["id"]: m for m in load_models() if not opts.only or m["id"] in opts.only}
    cli = shlex.split(opts.cli)
    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(lambda m: survey_model(cli, m, paths[m["id"]]), models.values()))
    text = markdown(rows, models, opts.cli)
    if opts.md:
        opts.md.write_text(text)
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=1, default=str))
    print(text)


if __name__ == "__main__":
    main()
