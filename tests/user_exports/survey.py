"""Run the onnxcost CLI as a user would on every file of the zoo and write SURVEY.md.

Usage: python tests/user_exports/survey.py [--zoo /tmp/zoo] [--out tests/user_exports/SURVEY.md] [--jobs 2]

Per file: `analyze --input ... --format json`, the same with `--hw a100-80gb-sxm`,
`schedule --input ... --hw stm32h743 --format json`, `analyze --format json` with no binding, and
`analyze --dim NAME=N ...` where the inputs' dims have plain names, `analyze` at batch 1, and
`analyze` at each of the family's other bindings (`ZooModel.alternates`) that onnxruntime runs.
The raw runs go to `ZOO/survey.json` (`--reuse-runs` re-reads them), the findings to
`ZOO/findings.json`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import onnx  # noqa: E402
from onnx import TensorProto  # noqa: E402

from tests.user_exports.zoo import ZooModel, build_zoo, load_failures, load_notes  # noqa: E402

GPU, MCU = "a100-80gb-sxm", "stm32h743"
MAC_OPS = {
    "Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "Gemm", "MatMul", "MatMulInteger", "QLinearMatMul",
    "Einsum", "LSTM", "GRU", "RNN", "FusedConv", "FusedGemm", "FusedMatMul", "DynamicQuantizeMatMul",
    "MatMulIntegerToFloat", "Attention", "MultiHeadAttention", "QAttention", "DynamicQuantizeLSTM",
}  # fmt: skip
NOT_PARAM_DTYPES = {TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL, TensorProto.STRING}
FUNCTIONS = {"floor", "ceiling", "Max", "Min", "Mod", "Abs", "FloorDiv", "sqrt", "log", "exp"}
TIMEOUT_S = 300
# inputs that hold no weights: scales, zero points, Resize scales, Clip bounds (with every one-element
# constant, the "auxiliary" constants a params count may add to torch's)
AUX_INPUTS: dict[str, set[int]] = {
    "Resize": {1, 2, 3}, "Upsample": {1}, "Clip": {1, 2}, "Pad": {1, 2, 3},
    "QuantizeLinear": {1, 2}, "DequantizeLinear": {1, 2}, "DynamicQuantizeLinear": set(),
    "MatMulInteger": {2, 3}, "ConvInteger": {2, 3}, "DynamicQuantizeMatMul": {2, 3},
    "MatMulIntegerToFloat": {2, 3, 4, 5}, "DynamicQuantizeLSTM": {8, 9, 10, 11},
    "QLinearConv": {1, 2, 4, 5, 6, 7}, "QLinearMatMul": {1, 2, 4, 5, 6, 7},
}  # fmt: skip
CHECKED_TOTALS = (
    "macs",
    "flops",
    "params",
    "weight_bytes",
    "bytes_read",
    "bytes_written",
    "activation_bytes",
)
RUN_ORDER = ("analyze", "analyze --hw", "schedule --hw", "unbound", "analyze --dim", "batch 1", "alt: ")


@dataclass(frozen=True)
class Run:
    """One onnxcost command and what came back."""

    name: str
    argv: list[str]
    rc: int
    report: dict[str, Any] | None
    stderr: str


@dataclass
class Finding:
    """What the survey found for one file."""

    id: str
    form: str
    rcs: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    formulas: dict[str, list[str]] = field(default_factory=dict)  # run → totals keys left as formulas
    symbols: dict[str, list[str]] = field(default_factory=dict)  # run → leftover symbol names
    params: dict[str, Any] = field(default_factory=dict)
    macs: dict[str, Any] = field(default_factory=dict)
    latency_s: Any = None
    peak_memory_bytes: Any = None
    dim_form_equal: bool | None = None
    unbound_at_binding: list[str] = field(default_factory=list)  # unbound formula at the dims ≠ bound figure
    unbound_symbols: list[str] = field(default_factory=list)  # symbols of the unbound totals
    warnings: list[str] = field(default_factory=list)
    unsupported: dict[str, Any] = field(default_factory=dict)


# --- running ------------------------------------------------------------------------------------


def onnxcost_command() -> str:
    """The onnxcost console script next to this Python, as a user of the virtualenv would call it."""
    script = Path(sys.executable).parent / "onnxcost"
    return str(script) if script.exists() else "onnxcost"


def commands(model: ZooModel) -> dict[str, list[str]]:
    """The onnxcost invocations of one file, by name."""
    path, inputs = str(model.path), model.input_args()
    runs = {
        "analyze": ["analyze", path, *inputs, "--format", "json"],
        "analyze --hw": ["analyze", path, *inputs, "--hw", GPU, "--format", "json"],
        "schedule --hw": ["schedule", path, *inputs, "--hw", MCU, "--format", "json"],
        "unbound": ["analyze", path, "--format", "json"],
    }
    if "batch" in model.dims:
        runs["batch 1"] = ["analyze", path, *model.batch_one_args(), "--format", "json"]
    for binding in model.alternates:
        if not binding.ort_error:
            runs[f"alt: {binding.name}"] = ["analyze", path, *binding.input_args(), "--format", "json"]
    if model.dims:
        runs["analyze --dim"] = ["analyze", path, *model.dim_args(), "--format", "json"]
    return runs


def run(name: str, argv: list[str]) -> Run:
    """Run one onnxcost command; its JSON report when it printed one."""
    try:
        done = subprocess.run([onnxcost_command(), *argv], capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Run(name, argv, -1, None, f"timed out after {TIMEOUT_S} s")
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else None
    except ValueError:
        report = None
    if report and isinstance(report.get("nodes"), list):  # keep what the survey reads
        report["nodes"] = [{"op_type": n["op_type"], "macs": n["macs"]} for n in report["nodes"]]
    return Run(name, argv, done.returncode, report, done.stderr)


def run_all(model: ZooModel) -> list[Run]:
    """Every command of one file."""
    return [run(name, argv) for name, argv in commands(model).items()]


# --- reading the results ------------------------------------------------------------------------


def formula_keys(totals: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(key, formula) for every value of `totals` that is a string, nested dicts included."""
    for key, value in totals.items():
        if isinstance(value, dict):
            yield from formula_keys(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield f"{prefix}{key}", value


def symbol_names(formula: str) -> set[str]:
    """The free symbol names of a formula string."""
    return {name for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula) if name not in FUNCTIONS}


def shorten(text: str, limit: int = 240) -> str:
    """The last meaningful stderr lines in one line, cut in the middle when long."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    joined = " | ".join(lines[-3:])
    return joined if len(joined) <= limit else f"{joined[: limit // 2]} … {joined[-limit // 2 :]}"


def file_params(path: Path) -> tuple[int, int]:
    """The file's params by the README's rule, counted with onnx alone, and how many of them are auxiliary."""
    graph = onnx.load(str(path), load_external_data=False).graph
    dq_inputs = {n.input[0] for n in graph.node if n.op_type == "DequantizeLinear"}
    tensors = {t.name: t for t in graph.initializer}
    for node in graph.node:
        values = [a.t for a in node.attribute if a.name == "value"]
        if node.op_type == "Constant" and values:
            tensors[node.output[0]] = values[0]
    aux = {name for n in graph.node for i, name in enumerate(n.input) if i in AUX_INPUTS.get(n.op_type, ())}
    counted = {name: _numel(t.dims) for name, t in tensors.items()
               if t.data_type not in NOT_PARAM_DTYPES or name in dq_inputs}  # fmt: skip
    return sum(counted.values()), sum(size for name, size in counted.items() if size == 1 or name in aux)


def _numel(dims: Any) -> int:
    """Element count of a shape."""
    count = 1
    for d in dims:
        count *= int(d)
    return count


def core_macs(report: dict[str, Any]) -> Any:
    """Σ per-node MACs of convolution, matrix-product, attention and recurrent ops ("symbolic" if any is)."""
    values = [n["macs"] for n in report["nodes"] if n["op_type"] in MAC_OPS]
    if any(isinstance(v, str) for v in values):
        return "symbolic"
    return sum(values)


def examine(model: ZooModel, runs: list[Run]) -> Finding:
    """Read one file's runs into a Finding."""
    finding = Finding(model.id, model.form)
    by_name = {r.name: r for r in runs}
    warned: dict[str, list[str]] = {}
    for r in runs:
        finding.rcs[r.name] = r.rc
        if r.rc != 0:
            finding.errors[r.name] = shorten(r.stderr) or "(no stderr)"
        elif r.stderr.strip():
            warned.setdefault(f"stderr: {shorten(r.stderr)}", []).append(r.name)
        if r.report and isinstance(r.report.get("warnings"), list):
            for warning in r.report["warnings"]:
                warned.setdefault(shorten(str(warning), 400), []).append(r.name)
        if r.report and r.name != "unbound":
            _leftovers(finding, r)
    finding.warnings = [f"{', '.join(names)}: {text}" for text, names in warned.items()]
    bound, unbound = by_name["analyze"].report, by_name["unbound"].report
    if bound:
        _figures(finding, model, by_name)
    _hardware(finding, by_name)
    if bound and unbound:
        _unbound_at_binding(finding, model, bound["totals"], unbound["totals"])
    dim_run = by_name.get("analyze --dim")
    if dim_run and dim_run.report and bound:
        finding.dim_form_equal = dim_run.report["totals"] == bound["totals"]
    return finding


def _leftovers(finding: Finding, r: Run) -> None:
    """Record the totals of a bound run that are still formulas, and their symbols."""
    totals = r.report.get("totals") if "totals" in r.report else _schedule_totals(r.report)
    keys = list(formula_keys(totals or {}))
    if keys:
        finding.formulas[r.name] = [k for k, _ in keys]
        finding.symbols[r.name] = sorted(set().union(*(symbol_names(f) for _, f in keys)))


def _unbound_at_binding(
    finding: Finding, model: ZooModel, bound: dict[str, Any], unbound: dict[str, Any]
) -> None:
    """Evaluate the unbound formulas at the inputs' named dims; each must equal the bound figure."""
    formulas = dict(formula_keys({k: unbound.get(k) for k in CHECKED_TOTALS}))
    finding.unbound_symbols = sorted(set().union(*(symbol_names(f) for f in formulas.values())))
    for key in CHECKED_TOTALS:
        want, formula = bound.get(key), unbound.get(key)
        value = evaluate(formula, model.dims) if isinstance(formula, str) else formula
        if value != want:
            finding.unbound_at_binding.append(
                f"{key}: {formula!r} at {model.dims} = {value!r}, bound {want!r}"
            )


def evaluate(formula: str, dims: dict[str, int]) -> int | float | str:
    """A formula's value at `dims` (sympy), or a string naming the symbols `dims` lacks."""
    import sympy

    names = symbol_names(formula)
    if not names <= set(dims):
        return f"unevaluable: {sorted(names - set(dims))}"
    symbols = {name: sympy.Symbol(name, integer=True, positive=True) for name in names}
    value = sympy.sympify(formula, locals=symbols).subs({symbols[n]: dims[n] for n in names})
    if not value.is_number:
        return f"unevaluable: {value}"
    return int(value) if value.is_integer else float(value)


def _schedule_totals(report: dict[str, Any]) -> dict[str, Any]:
    """The numbers of a schedule report that must be integers once every input is bound."""
    keys = ("peak_memory_bytes", "topo_peak_bytes", "lower_bound_bytes", "arena_bytes")
    return {k: report.get(k) for k in keys}


def _figures(finding: Finding, model: ZooModel, runs: dict[str, Run]) -> None:
    """Params and MACs of the bound analysis against the unbound one and the references."""
    bound, unbound = runs["analyze"].report or {}, runs["unbound"].report
    totals = bound["totals"]
    constants, auxiliary = file_params(model.path)
    finding.params = {
        "bound": totals["params"],
        "unbound": unbound["totals"]["params"] if unbound else None,
        "file": constants,
        "auxiliary": auxiliary,
        "torch": model.torch_params,
        "torch+buffers": model.torch_params + model.torch_buffers,
        "bn_folded": model.folded_params,
    }
    finding.macs = {"bound": totals["macs"], "core": core_macs(bound), "torch": model.torch_macs}
    batch_one = runs.get("batch 1")
    if batch_one is not None:
        finding.macs["batch 1"] = batch_one.report["totals"]["macs"] if batch_one.report else None
    alternates = {}
    for binding in model.alternates:
        alt = runs.get(f"alt: {binding.name}")
        if alt is not None:
            got = alt.report["totals"]["macs"] if alt.report else None
            alternates[binding.name] = [got, binding.torch_macs]
    finding.macs["alternates"] = alternates
    finding.unsupported = dict(bound.get("unsupported", {}))
    if totals.get("excluded_ops"):
        finding.unsupported["excluded_ops"] = totals["excluded_ops"]


def _hardware(finding: Finding, by_name: dict[str, Run]) -> None:
    """Latency of the GPU analysis and peak memory of the MCU schedule."""
    hw, schedule = by_name["analyze --hw"].report, by_name["schedule --hw"].report
    if hw:
        finding.latency_s = hw["totals"].get("latency_s")
    if schedule:
        finding.peak_memory_bytes = schedule.get("peak_memory_bytes")


# --- judging ------------------------------------------------------------------------------------


def param_verdict(params: dict[str, Any]) -> str:
    """Which reference the bound params equal (plus the file's auxiliary constants), or the delta."""
    got = params.get("bound")
    if not isinstance(got, int):
        return f"not an integer: {got!r}"
    problems = []
    if params.get("unbound") != got:
        problems.append(f"unbound {params.get('unbound')!r} ≠ bound {got:,}")
    if got != params["file"]:
        problems.append(
            f"onnxcost {got:,} ≠ file's constants {params['file']:,} (Δ {got - params['file']:+,})"
        )
    refs = {k: params[k] for k in ("torch", "torch+buffers", "bn_folded")}
    aux = params["auxiliary"]
    for key, ref in refs.items():
        if got in (ref, ref + aux):
            extra = f" + {aux} auxiliary" if got != ref else ""
            return "; ".join([f"= {key}{extra}", *problems])
    nearest = min(refs, key=lambda k: abs(got - aux - refs[k]))
    delta = got - aux - refs[nearest]
    return "; ".join([f"Δ {delta:+,} vs {nearest} {refs[nearest]:,} + {aux} auxiliary", *problems])


def mac_verdict(macs: dict[str, Any]) -> str:
    """How the bound MACs compare with torch's."""
    got, want = macs.get("bound"), macs.get("torch")
    if not isinstance(got, int):
        return f"not an integer: {got!r}"
    core = macs.get("core")
    note = f" (core ops {core:,})" if isinstance(core, int) and core != got else ""
    one = macs.get("batch 1", want // 2)
    if one != want // 2:
        note += f"; batch 1: {one!r}, torch ÷ 2 = {want // 2:,}"
    for name, (alt, alt_want) in macs.get("alternates", {}).items():
        if alt != alt_want:
            note += f"; {name}: {alt!r} vs torch {alt_want:,}"
    if got == want:
        return "= torch" + note
    return f"{got:,} vs torch {want:,}: Δ {got - want:+,} ({got / want:.4f}×){note}"


def is_mac_mismatch(finding: Finding) -> bool:
    """Whether a file's MACs (bound, batch 1 or another binding) differ from torch's."""
    return mac_verdict(finding.macs) != "= torch" if finding.macs else False


def is_param_mismatch(finding: Finding) -> bool:
    """Whether a file's params match none of the references, or bound ≠ unbound, or ≠ the file's constants."""
    return not param_verdict(finding.params).startswith("= ") or ";" in param_verdict(finding.params)


# --- the report ---------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """A table cell."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value).replace("|", "\\|") if value is not None else "—"


def _rc_cell(finding: Finding) -> str:
    """Exit codes in command order."""
    alternates = [rc for name, rc in finding.rcs.items() if name.startswith("alt: ")]
    codes = [str(finding.rcs.get(name, "·")) for name in RUN_ORDER[:-1]]
    return " ".join([*codes, ",".join(map(str, alternates)) or "·"])


def table(findings: list[Finding]) -> list[str]:
    """The per-file table."""
    lines = [
        "| file | exit codes | totals all numbers | leftover symbols | params | MACs | latency (A100) "
        "| peak (H743) | --dim = --input |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in findings:
        symbols = sorted(set().union(*f.symbols.values())) if f.symbols else []
        lines.append("| " + " | ".join([
            f"`{f.id}`", _rc_cell(f), "no" if f.formulas else ("yes" if f.rcs.get("analyze") == 0 else "—"),
            ", ".join(f"`{s}`" for s in symbols) or "—", param_verdict(f.params) if f.params else "—",
            mac_verdict(f.macs) if f.macs else "—", _cell(f.latency_s), _cell(f.peak_memory_bytes),
            _cell(f.dim_form_equal),
        ]) + " |")  # fmt: skip
    return lines


def failure_sections(findings: list[Finding]) -> list[str]:
    """The failures, grouped by kind."""
    out: list[str] = []
    errors = [(f.id, name, msg) for f in findings for name, msg in f.errors.items()]
    out += _section("Non-zero exits", [f"- `{i}` `{n}`: {m}" for i, n, m in errors])
    leftovers = [f"- `{f.id}`: " + "; ".join(f"{run}: {', '.join(f.formulas[run])} over {', '.join(syms)}"
                                               for run, syms in f.symbols.items())
                 for f in findings if f.formulas]  # fmt: skip
    out += _section("Symbols left after binding every input", leftovers)
    hw = [f"- `{f.id}`: latency_s {f.latency_s!r}, peak_memory_bytes {f.peak_memory_bytes!r}"
          for f in findings if f.rcs.get("analyze --hw") == 0 and not _numbers(f)]  # fmt: skip
    out += _section("--hw / schedule figures that are not numbers", hw)
    out += _section("Param mismatches", [f"- `{f.id}`: {param_verdict(f.params)}" for f in findings
                                         if f.params and is_param_mismatch(f)])  # fmt: skip
    out += _section("MAC mismatches", [f"- `{f.id}`: {mac_verdict(f.macs)}" for f in findings
                                       if is_mac_mismatch(f)])  # fmt: skip
    out += _section(
        "--dim form ≠ --input form", [f"- `{f.id}`" for f in findings if f.dim_form_equal is False]
    )
    out += _section("Unsupported ops", [f"- `{f.id}`: {f.unsupported}" for f in findings if f.unsupported])
    out += _section(
        "Warnings (verbatim, shortened)", [f"- `{f.id}`: {w}" for f in findings for w in f.warnings]
    )
    return out


def _numbers(finding: Finding) -> bool:
    """Whether the GPU latency and the MCU peak memory are numbers."""
    return isinstance(finding.latency_s, int | float) and isinstance(finding.peak_memory_bytes, int)


def _section(title: str, items: list[str]) -> list[str]:
    """A markdown section, 'none' when empty."""
    return ["", f"### {title} ({len(items)})", "", *(items or ["none"])]


def zoo_sections(zoo: list[ZooModel], zoo_dir: Path) -> list[str]:
    """What the zoo could not build, its per-family notes, and the symbol names its files declare."""
    failed = [f"- `{f.id}` ({f.stage}): {f.error}" for f in load_failures(zoo_dir)]
    notes = [f"- {family}: {note}" for family, items in load_notes(zoo_dir).items() for note in items]
    symbols = [f"- `{m.id}`: {declared_symbols(m)}" for m in zoo]
    return [
        *_section("Forms the zoo could not produce", failed),
        *_section("Zoo notes", notes),
        *_section("Symbol names each file declares (inputs, outputs, value_info)", symbols),
    ]


def declared_symbols(model: ZooModel) -> str:
    """A file's dim_params: plain names listed, `unk__N` counted, formulas quoted."""
    unknown = [s for s in model.symbols if re.fullmatch(r"unk__\d+", s)]
    named = [f"`{s}`" for s in model.symbols if s not in unknown]
    return ", ".join(named + ([f"{len(unknown)} × `unk__N`"] if unknown else [])) or "none"


def markdown(zoo: list[ZooModel], findings: list[Finding], zoo_dir: Path) -> str:
    """SURVEY.md."""
    versions = json.loads((zoo_dir / "zoo.json").read_text())["versions"]
    head = [
        "# Survey: onnxcost on dynamic-shape exports, bound by input shape",
        "",
        "Generated by `python tests/user_exports/survey.py` (do not edit by hand). "
        f"Zoo: {len(zoo)} files from `tests/user_exports/zoo.py`; versions {versions}.",
        "",
        f"Per file: `onnxcost analyze FILE --input ... --format json` (analyze), the same with `--hw {GPU}`, "
        f"`onnxcost schedule FILE --input ... --hw {MCU} --format json`, "
        "`onnxcost analyze FILE --format json` (unbound), `--dim NAME=N` for the inputs' named dims, "
        "`analyze` with every `batch` axis set to 1, and `analyze` at the family's other bindings "
        "(odd image sizes, one time step, GPT decode with seq 1 and with an empty cache, seq 7) where "
        "onnxruntime runs the file there. Exit codes are in that order (· = not run). "
        "Params: `= torch` is Σ `parameters()`, `torch+buffers` adds BatchNorm running stats, "
        "`bn_folded` is the count with BatchNorm folded into the conv; `auxiliary` are the file's "
        "one-element constants and the scales, zero points, Resize scales and Clip bounds (which the "
        "README's rule counts as params); `file's constants` is that rule counted with onnx alone. "
        "MACs are compared with FlopCounterMode ÷ 2 (oneDNN off, SDPA math, recurrent cells included) "
        "at the same shapes; at batch 1 with half the bound figure (every model is linear in batch).",
    ]
    summary = [
        "",
        "## Summary",
        "",
        f"- files: {len(findings)}; with a non-zero exit: {sum(bool(f.errors) for f in findings)}",
        f"- symbols left after binding every input: {sum(bool(f.formulas) for f in findings)}",
        f"- param mismatches: {sum(bool(f.params) and is_param_mismatch(f) for f in findings)}",
        f"- MAC mismatches: {sum(is_mac_mismatch(f) for f in findings)}",
        f"- --dim ≠ --input: {sum(f.dim_form_equal is False for f in findings)}",
        f"- unbound formula at the binding ≠ bound: {sum(bool(f.unbound_at_binding) for f in findings)}",
    ]
    body = ["", "## Per file", "", *table(findings), "", "## Failures", *failure_sections(findings)]
    return "\n".join([*head, *summary, *body, "", "## Zoo", *zoo_sections(zoo, zoo_dir), ""])


def load_runs(path: Path) -> list[list[Run]]:
    """The runs a previous survey saved."""
    return [[Run(**r) for r in entry["runs"]] for entry in json.loads(path.read_text())]


def main() -> None:
    """Build the zoo, survey it, write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", type=Path, default=Path("/tmp/zoo"))
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("SURVEY.md"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reuse-runs", action="store_true", help="re-read ZOO/survey.json, run nothing")
    args = parser.parse_args()
    zoo = build_zoo(args.zoo, jobs=args.jobs)
    saved = args.zoo / "survey.json"
    if args.reuse_runs:
        all_runs = load_runs(saved)
    else:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            all_runs = list(pool.map(run_all, zoo))
        saved.write_text(json.dumps([{"id": m.id, "runs": [asdict(r) for r in runs]}
                                     for m, runs in zip(zoo, all_runs, strict=True)], indent=1))  # fmt: skip
    findings = [examine(model, runs) for model, runs in zip(zoo, all_runs, strict=True)]
    (args.zoo / "findings.json").write_text(json.dumps([asdict(f) for f in findings], indent=1, default=str))
    args.out.write_text(markdown(zoo, findings, args.zoo))
    print(f"{len(findings)} files surveyed; wrote {args.out}")


if __name__ == "__main__":
    main()
