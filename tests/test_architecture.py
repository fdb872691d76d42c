"""The package's import graph: no circles, each stage folder imports only itself and earlier
stages, and the central types import nothing above them.

Every `import` and `from ... import` in onnxcost/ counts, inside functions and TYPE_CHECKING
blocks too: a lazy import that closes a circle is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "onnxcost"
# The bottom of the pipeline, in order: each may import only those before it.
FOUNDATION = (
    "onnxcost.errors",
    "onnxcost.symbolic.poly",
    "onnxcost.symbolic.formulas",
    "onnxcost.dtypes",
    "onnxcost.types",
)

# The pipeline, first to last; a module may import its own stage and earlier ones. The package
# root (onnxcost/__init__.py: the public names, imported lazily) comes after all of them.
STAGES = (
    ("onnxcost.errors",),
    ("onnxcost.util",),
    ("onnxcost.symbolic",),
    ("onnxcost.dtypes",),
    ("onnxcost.types",),
    ("onnxcost.model",),
    ("onnxcost.rules",),
    ("onnxcost.shapes",),
    ("onnxcost.cost",),
    ("onnxcost.memory",),
    ("onnxcost.estimate",),
    ("onnxcost.api", "onnxcost.compare", "onnxcost.sweep"),
    ("onnxcost.check",),
    ("onnxcost.measure",),
    ("onnxcost.report",),
    ("onnxcost.cli",),
    ("onnxcost.__main__",),
)


def stage_of(module: str) -> int:
    """The position of a module's stage in STAGES (len(STAGES) for the package root)."""
    for position, members in enumerate(STAGES):
        if any(module == member or module.startswith(member + ".") for member in members):
            return position
    assert module == "onnxcost", f"{module} belongs to no stage: add it to STAGES"
    return len(STAGES)


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> nx.DiGraph:
    """Module → the package's modules it imports (a `from package import name` of a submodule
    names that submodule)."""
    modules = {_module_name(path, package): path for path in package.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                wanted = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            for target in wanted:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
                    if isinstance(node, ast.ImportFrom):
                        break  # `from a.b import c`: module c when it is one, else a.b
    return graph


def test_the_import_graph_has_no_cycles() -> None:
    graph = import_graph()
    assert graph.number_of_nodes() > 100  # the whole package was read
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == [], f"modules that import each other: {cycles}"


def test_every_stage_imports_only_itself_and_earlier_stages() -> None:
    graph = import_graph()
    upward = [(a, b) for a, b in graph.edges if stage_of(b) > stage_of(a)]
    assert upward == [], f"imports of a later stage: {upward}"


def test_the_central_types_import_nothing_above_them() -> None:
    graph = import_graph()
    for position, module in enumerate(FOUNDATION):
        allowed = set(FOUNDATION[:position])
        assert set(graph.successors(module)) <= allowed, (module, set(graph.successors(module)) - allowed)


def test_the_walk_sees_a_cycle_made_by_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / "onnxcost"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from onnxcost.b import f\n")
    (package / "b.py").write_text("def f():\n    from onnxcost import a\n")
    graph = import_graph(package)
    assert {("onnxcost.a", "onnxcost.b"), ("onnxcost.b", "onnxcost.a")} <= set(graph.edges)


def test_the_stage_check_sees_an_upward_import() -> None:
    assert stage_of("onnxcost.report.table") > stage_of("onnxcost.cost.graph")
    assert stage_of("onnxcost.shapes.infer") > stage_of("onnxcost.rules.registry")
