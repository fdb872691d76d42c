"""Prints onnxcost/rules/index.py's RULE_MODULES from what importing each rule module registers.

python -m onnxcost.rules.index_render
"""

from __future__ import annotations

import ast
import importlib
import sys
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from onnxcost.rules import registry, shape_rules


def registrations() -> dict[tuple[str, str], tuple[str, ...]]:
    """What importing each rule module registers beyond the rule modules it imports (these are
    imported first); in a fresh interpreter only (a module imported before registers nothing)."""
    modules = _dependencies_first(registry.rule_modules())
    loaded = [name for name in modules if f"onnxcost.rules.{name}" in sys.modules]
    if loaded:
        raise RuntimeError(f"rule modules imported already ({', '.join(loaded)}): use a fresh interpreter")
    registered: dict[tuple[str, str], list[str]] = {}
    changed_by: dict[tuple[str, Any], str] = {}
    for name in modules:
        before = _tables()
        importlib.import_module(f"onnxcost.rules.{name}")
        for entry, value in _tables().items():
            if before.get(entry) == value:
                continue
            if entry in changed_by:  # a second module replacing a rule: lazy imports would differ
                raise RuntimeError(f"{entry} is registered by both {changed_by[entry]} and {name}")
            changed_by[entry] = name
            registered.setdefault(entry[1], []).append(name)
    return {key: tuple(dict.fromkeys(names)) for key, names in sorted(registered.items())}


def _dependencies_first(modules: list[str]) -> list[str]:
    """The modules ordered so that every one comes after the rule modules it imports."""
    folder = Path(__file__).parent
    graph: dict[str, set[str]] = {}
    for name in modules:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        graph[name] = {m for m in modules if f"onnxcost.rules.{m}" in imported and m != name}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return order


def _tables() -> dict[tuple[str, Any], Any]:
    """Every registered rule: ('cost' | 'shape' | 'dtype', (domain, op_type)) → its function(s)."""
    found: dict[tuple[str, Any], Any] = {}
    for key, variants in registry._RULES.items():
        found["cost", key] = tuple(rule.fn for rule in variants)
    for op_type, fn in shape_rules.SHAPE_RULES.items():
        found["shape", ("", op_type)] = fn
    for key, fn in shape_rules.DOMAIN_SHAPE_RULES.items():
        found["domain shape", key] = fn
    for key, fn in shape_rules.DOMAIN_DTYPE_RULES.items():
        found["dtype", key] = fn
    return found


if __name__ == "__main__":
    print("RULE_MODULES: dict[tuple[str, str], tuple[str, ...]] = {")
    for (domain, op_type), names in registrations().items():
        modules = "".join(f'"{name}", ' for name in names).rstrip(" ")
        print(f'    ("{domain}", "{op_type}"): ({modules}),')
    print("}")
