"""The check's outputs: a table, Markdown (for $GITHUB_STEP_SUMMARY), the `onnxcost.check/1`
JSON document and JUnit XML (one testcase per model × target × check; no timestamps)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

from onnxcost.check.verdicts import CheckResult, TargetResult, Verdict
from onnxcost.report.units import iec, joules, seconds, si

SCHEMA = "onnxcost.check/1"


def quantity(value: float | int | bool | None, kind: str) -> str:
    """A figure in human units: 1.84 ms, 97.5 MiB, 4.09 G, 120 /s, yes."""
    if value is None:
        return "-"
    if kind == "flag":
        return "yes" if value else "no"
    if kind == "seconds":
        return seconds(value)
    if kind == "joules":
        return joules(value)
    if kind == "bytes":
        return iec(value)
    if kind == "rate":
        return si(value, "/s")
    return si(value)


def _margin(verdict: Verdict) -> str:
    """'+7.34 M (73.4%)': how far inside the limit; negative beyond it."""
    if verdict.margin is None:
        return "-"
    sign = "+" if verdict.margin >= 0 else "-"
    text = f"{sign}{quantity(abs(verdict.margin), verdict.kind)}"
    return text if verdict.margin_ratio is None else f"{text} ({verdict.margin_ratio:+.1%})"


def _limit(verdict: Verdict) -> str:
    """'≤ 50 ms', '≥ 100 /s', 'required', or the baseline's value and the allowed growth."""
    if verdict.kind == "flag":
        return "required" if verdict.limit else "not required"
    bound = "≥" if verdict.figure == "throughput" else "≤"
    return f"{bound} {quantity(verdict.limit, verdict.kind)}"


def _value(verdict: Verdict) -> str:
    if verdict.baseline is not None:
        return f"{quantity(verdict.baseline, verdict.kind)} → {quantity(verdict.value, verdict.kind)}"
    return quantity(verdict.value, verdict.kind)


def summary_line(verdict: Verdict) -> str:
    """One line per check: 'max-latency: latency 80.2 ms, limit ≤ 50 ms, margin -30.2 ms (-60.4%)'."""
    text = f"{verdict.check}: {verdict.figure} {_value(verdict)}, limit {_limit(verdict)}"
    if verdict.margin is not None:
        text += f", margin {_margin(verdict)}"
    return f"{text}; {verdict.detail}" if verdict.detail else text


def _rows(result: CheckResult) -> list[tuple[TargetResult, Verdict]]:
    return [(target, verdict) for target in result.results for verdict in target.verdicts]


def render_check_table(result: CheckResult, width: int = 140) -> str:
    """The verdicts as a table, the failures spelled out under it, then the overall result."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    table = Table(title="onnxcost check")
    for name in ("model", "target", "check", "value", "limit", "margin", "result"):
        table.add_column(name, justify="right" if name in ("value", "limit", "margin") else "left")
    for target, verdict in _rows(result):
        table.add_row(target.model, target.target, verdict.check, _value(verdict), _limit(verdict),
                      _margin(verdict), "pass" if verdict.passed else "FAIL")  # fmt: skip
    console.print(table)
    for target, verdict in _rows(result):
        if not verdict.passed:
            console.print(f"FAIL {target.model} on {target.target}: {summary_line(verdict)}")
    for target in result.results:
        for warning in target.warnings:
            console.print(f"warning: {target.model} on {target.target}: {warning}")
    failed = sum(not v.passed for _, v in _rows(result))
    console.print(f"{'passed' if result.passed else 'FAILED'}: {len(_rows(result)) - failed} of "
                  f"{len(_rows(result))} checks hold")  # fmt: skip
    return buffer.getvalue()


def render_check_markdown(result: CheckResult) -> str:
    """A GitHub-flavoured Markdown table for a step summary or a pull-request comment."""
    failed = sum(not v.passed for _, v in _rows(result))
    plural = "s" if failed > 1 else ""
    head = "✅ every budget holds" if result.passed else f"❌ {failed} check{plural} failed"
    lines = [
        f"### onnxcost check: {head}",
        "",
        "| model | target | check | value | limit | margin | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for target, verdict in _rows(result):
        status = "✅ pass" if verdict.passed else "❌ **fail**"
        cells = [target.model, target.target, verdict.check, _value(verdict), _limit(verdict),
                 _margin(verdict), status]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    details = [f"- **{t.model}** on {t.target}: {summary_line(v)}"
               for t, v in _rows(result) if not v.passed]  # fmt: skip
    return "\n".join([*lines, *(["", *details] if details else [])]) + "\n"


def check_document(result: CheckResult) -> dict[str, Any]:
    """The `onnxcost.check/1` document: every model × target with its figures and checks."""
    return {
        "schema": SCHEMA,
        "passed": result.passed,
        "results": [
            {
                "model": target.model,
                "target": target.target,
                "hardware": target.hw,
                "bindings": dict(target.bindings),
                "passed": target.passed,
                "figures": dict(target.figures.values),
                "checks": [_check_item(v) for v in target.verdicts],
                "warnings": list(target.warnings),
            }
            for target in result.results
        ],
    }


def _check_item(verdict: Verdict) -> dict[str, Any]:
    return {
        "check": verdict.check, "figure": verdict.figure, "value": verdict.value, "limit": verdict.limit,
        "baseline": verdict.baseline, "margin": verdict.margin, "margin_ratio": verdict.margin_ratio,
        "passed": verdict.passed, "detail": verdict.detail,
    }  # fmt: skip


def render_junit(result: CheckResult) -> str:
    """JUnit XML: a testsuite per model × target, a testcase per check (failures carry the
    figures in their message); the same input gives the same bytes."""
    rows = _rows(result)
    failures = sum(not v.passed for _, v in rows)
    root = ET.Element("testsuites", name="onnxcost check", tests=str(len(rows)), failures=str(failures))
    for target in result.results:
        failed = sum(not v.passed for v in target.verdicts)
        suite = ET.SubElement(root, "testsuite", name=f"{target.model} on {target.target}",
                              tests=str(len(target.verdicts)), failures=str(failed))  # fmt: skip
        for verdict in target.verdicts:
            case = ET.SubElement(suite, "testcase", classname=f"onnxcost.check.{target.target}",
                                 name=f"{target.model}: {verdict.check}")  # fmt: skip
            line = summary_line(verdict)
            if verdict.passed:
                ET.SubElement(case, "system-out").text = line
            else:
                ET.SubElement(case, "failure", message=line, type="budget").text = line
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
