"""Which operators have cost rules: per domain, against every op onnx.defs defines."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import onnx.defs

from onnxcost.model.nodes import runtime_schemas
from onnxcost.rules.registry import all_rules
from onnxcost.types import DEFAULT_DOMAIN, ML_DOMAIN


@dataclass(frozen=True)
class OpCoverage:
    """One operator: its schema versions, whether it is deprecated, and its rule variants."""

    domain: str
    op_type: str
    schema_versions: tuple[int, ...]
    deprecated: bool
    rule_since: tuple[int, ...]
    formula: str

    @property
    def covered(self) -> bool:
        """True when a rule exists."""
        return bool(self.rule_since)


@functools.lru_cache(maxsize=1)
def _schema_versions() -> dict[tuple[str, str], tuple[tuple[int, ...], bool]]:
    """(domain, op) → (every since_version, deprecated in the newest) from onnx.defs."""
    found: dict[tuple[str, str], list[onnx.defs.OpSchema]] = {}
    for schema in onnx.defs.get_all_schemas_with_history():
        domain = DEFAULT_DOMAIN if schema.domain in ("", "ai.onnx") else schema.domain
        if domain not in (DEFAULT_DOMAIN, ML_DOMAIN):
            continue
        found.setdefault((domain, schema.name), []).append(schema)
    for (domain, op_type), schemas in runtime_schemas().items():
        if domain not in (DEFAULT_DOMAIN, ML_DOMAIN) and not domain.startswith("com.ms.internal"):
            found.setdefault((domain, op_type), []).extend(schemas)
    result = {}
    for key, schemas in found.items():
        schemas.sort(key=lambda s: s.since_version)
        result[key] = (tuple(s.since_version for s in schemas), bool(schemas[-1].deprecated))
    return result


def coverage() -> list[OpCoverage]:
    """Every op onnx.defs knows in ai.onnx and ai.onnx.ml, every op onnxruntime adds in its own
    domains (com.microsoft, ...), and any other op that has a rule, by domain and name."""
    rules = all_rules()
    schemas = _schema_versions()
    keys = sorted(set(schemas) | set(rules))
    out = []
    for key in keys:
        versions, deprecated = schemas.get(key, ((), False))
        variants = rules.get(key, ())
        out.append(
            OpCoverage(
                domain=key[0],
                op_type=key[1],
                schema_versions=versions,
                deprecated=deprecated,
                rule_since=tuple(r.since for r in variants),
                formula=variants[-1].doc if variants else "",
            )
        )
    return out


def summary(entries: list[OpCoverage]) -> dict[str, tuple[int, int]]:
    """domain → (ops with a rule, ops known)."""
    counts: dict[str, tuple[int, int]] = {}
    for entry in entries:
        covered, known = counts.get(entry.domain, (0, 0))
        counts[entry.domain] = (covered + int(entry.covered), known + 1)
    return counts
