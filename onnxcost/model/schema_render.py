"""Writes onnxcost/model/schema_table.py from the installed onnx's operator schemas.

python -m onnxcost.model.schema_render > onnxcost/model/schema_table.py
"""

from __future__ import annotations

import math
from typing import Any

import onnx
import onnx.defs

from onnxcost.model.nodes import live_schema_facts
from onnxcost.model.schema_table import __doc__ as TABLE_DOC

HEADER = f'''"""{TABLE_DOC}"""

from __future__ import annotations

from typing import Any

'''


def _literal(value: Any) -> str:
    """Python source for a default value (floats that repr cannot spell included)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, int | float | str)


def render() -> str:
    """The source of onnxcost/model/schema_table.py, from the installed onnx."""
    versions: dict[tuple[str, str], list[str]] = {}
    schemas = sorted(onnx.defs.get_all_schemas_with_history(),
                     key=lambda s: (s.domain, s.name, s.since_version))  # fmt: skip
    for schema in schemas:
        domain = "" if schema.domain == "ai.onnx" else schema.domain
        facts = live_schema_facts(domain, schema.name, schema.since_version)
        if facts is None:
            continue
        if not all(_plain(v) for _, v in facts.defaults):
            entry = f"({schema.since_version},)"
        else:
            defaults = "(" + "".join(f"({n!r}, {_literal(v)}), " for n, v in facts.defaults) + ")"
            signature = f"{facts.inputs!r}, {facts.outputs!r}, {facts.arity!r}"
            entry = f"({schema.since_version}, {defaults}, {signature})"
        versions.setdefault((domain, schema.name), []).append(entry)
    lines = [HEADER + f"ONNX_VERSION = {onnx.__version__!r}",
             "SCHEMAS: dict[tuple[str, str], tuple[tuple[Any, ...], ...]] = {"]  # fmt: skip
    for key, entries in versions.items():
        lines.append(f"    {key!r}: ({', '.join(entries)},),")
    lines.append("}  # fmt: skip")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
