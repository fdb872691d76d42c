"""Human-readable figures: SI for counts and rates, IEC for bytes, formulas left as they are."""

from __future__ import annotations

from onnxcost.symbolic.formulas import to_json
from onnxcost.types import Dim

_SI = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_IEC = ((2**60, "EiB"), (2**50, "PiB"), (2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"),
        (2**10, "KiB"))  # fmt: skip


def si(value: Dim | float | None, unit: str = "") -> str:
    """4090000000 → '4.09 G' + unit; a formula is returned as its string."""
    if value is None:
        return "-"
    plain = to_json(value)
    if isinstance(plain, str):
        return f"{plain} {unit}".strip()
    for scale, prefix in _SI:
        if abs(plain) >= scale:
            return f"{plain / scale:.3g} {prefix}{unit}"
    return f"{plain:.3g} {unit}".strip() if isinstance(plain, float) else f"{plain} {unit}".strip()


def iec(value: Dim | float | None) -> str:
    """102236160 → '97.5 MiB'; a formula is returned as its string with 'B'."""
    if value is None:
        return "-"
    plain = to_json(value)
    if isinstance(plain, str):
        return f"{plain} B"
    for scale, suffix in _IEC:
        if abs(plain) >= scale:
            return f"{plain / scale:.3g} {suffix}"
    return f"{plain:.0f} B"


def seconds(value: float | None) -> str:
    """0.00184 → '1.84 ms'."""
    if value is None:
        return "-"
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value / 1e-9:.3g} ns" if value else "0 s"  # under a nanosecond: 4.95e-10 → '0.495 ns'


def joules(value: float | None) -> str:
    """0.0106 → '10.6 mJ'."""
    if value is None:
        return "-"
    for scale, suffix in ((1.0, "J"), (1e-3, "mJ"), (1e-6, "µJ"), (1e-9, "nJ")):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value:.3g} J"
