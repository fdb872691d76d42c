"""Quantities as people write them: `50ms`, `5mJ`, `256KiB`, `1MB`, `10M`, `100/s`, `5%`.

Bytes: B, kB/KB/MB/GB/TB (powers of 1000) and KiB/MiB/GiB/TiB (powers of 1024). Times: s, ms,
us/µs, ns. Energies: J, mJ, uJ/µJ, nJ. Counts: k/K, M, G, T (powers of 1000) or a plain number.
Rates: a count with `/s`. Shares: `%`.
"""

from __future__ import annotations

import re
from typing import Literal

from onnxcost.errors import OnnxcostError

Kind = Literal["bytes", "seconds", "joules", "count", "rate", "percent"]

_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-zµ%/]*)\s*$")
_COUNT = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
UNITS: dict[Kind, dict[str, float]] = {
    "bytes": {
        "B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
        "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
    },
    "seconds": {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9},
    "joules": {"J": 1.0, "mJ": 1e-3, "uJ": 1e-6, "µJ": 1e-6, "nJ": 1e-9},
    "count": _COUNT,
    "rate": {f"{prefix}/s": scale for prefix, scale in _COUNT.items()} | dict(_COUNT),
    "percent": {"%": 0.01},
}
EXAMPLES: dict[Kind, str] = {"bytes": "256KiB", "seconds": "50ms", "joules": "5mJ", "count": "10M",
                             "rate": "100/s", "percent": "5%"}  # fmt: skip


class UnitError(OnnxcostError):
    """A quantity that does not parse, or a unit of the wrong kind."""


def parse_quantity(text: str | float, kind: Kind, where: str) -> float:
    """The value of `text` in base units (bytes, seconds, joules, items, items/s, a fraction)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if kind in ("count", "bytes", "rate") and text >= 0:
            return float(text)
        raise UnitError(f"{where}: {text!r} needs a unit, e.g. {EXAMPLES[kind]}")
    match = _NUMBER.match(str(text))
    if match is None:
        raise UnitError(f"{where}: {text!r} is not a quantity (e.g. {EXAMPLES[kind]})")
    number, unit = float(match.group(1)), match.group(2)
    units = UNITS[kind]
    if unit not in units:
        if unit == "" and kind in ("seconds", "joules", "percent"):
            raise UnitError(f"{where}: {text!r} needs a unit, e.g. {EXAMPLES[kind]}")
        known = ", ".join(u for u in units if u)
        raise UnitError(f"{where}: {unit!r} is not a unit of {kind} (known: {known})")
    return number * units[unit]
