"""`onnxcost ops`: the operator coverage table."""

from __future__ import annotations

import io
import json

import click
from rich.console import Console
from rich.table import Table

from onnxcost.cli.options import emit, output_options
from onnxcost.cost.coverage import OpCoverage, coverage, summary


@click.command("ops")
@click.option("--domain", default=None, help="Only this domain (ai.onnx, ai.onnx.ml, com.microsoft).")
@click.option("--missing", is_flag=True, help="Only the ops without a rule.")
@output_options(("table", "json"))
def command(domain: str | None, missing: bool, fmt: str, output: str | None) -> None:
    """Show which operators have cost rules, per domain and opset, with their formulas."""
    entries = coverage()
    if domain is not None:
        wanted = "" if domain in ("ai.onnx", "") else domain
        entries = [e for e in entries if e.domain == wanted]
    totals = summary(entries)
    if missing:
        entries = [e for e in entries if not e.covered]
    if fmt == "json":
        emit(json.dumps(_document(entries, totals), indent=2), output)
        return
    emit(_render(entries, totals), output)


def _document(entries: list[OpCoverage], totals: dict[str, tuple[int, int]]) -> dict:
    return {
        "coverage": {
            (d or "ai.onnx"): {"covered": c, "known": k} for d, (c, k) in sorted(totals.items())
        },
        "ops": [
            {
                "domain": e.domain or "ai.onnx",
                "op_type": e.op_type,
                "schema_versions": list(e.schema_versions),
                "deprecated": e.deprecated,
                "rule_since": list(e.rule_since),
                "formula": e.formula,
            }
            for e in entries
        ],
    }


def _render(entries: list[OpCoverage], totals: dict[str, tuple[int, int]]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, color_system=None)
    head = Table(title="Coverage")
    for name in ("domain", "ops with a rule", "ops known", "share"):
        head.add_column(name, justify="left" if name == "domain" else "right")
    for domain, (covered, known) in sorted(totals.items()):
        head.add_row(domain or "ai.onnx", str(covered), str(known), f"{covered / known:.0%}")
    console.print(head)
    table = Table(title="Operators")
    for name in ("domain", "op", "opset versions", "rule since", "cost model"):
        table.add_column(name)
    for e in entries:
        versions = ",".join(map(str, e.schema_versions)) + (" (deprecated)" if e.deprecated else "")
        since = ",".join(map(str, e.rule_since)) if e.covered else "—"
        table.add_row(e.domain or "ai.onnx", e.op_type, versions, since, e.formula or "no rule")
    console.print(table)
    return buffer.getvalue()
