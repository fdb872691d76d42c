"""Quantities as people write them (onnxcost.check.units)."""

from __future__ import annotations

import pytest

from onnxcost.check.units import UnitError, parse_quantity


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("50ms", "seconds", 0.05), ("120us", "seconds", 120e-6), ("120 µs", "seconds", 120e-6),
        ("2s", "seconds", 2.0), ("5mJ", "joules", 5e-3), ("300uJ", "joules", 300e-6),
        ("256KiB", "bytes", 262_144), ("1MiB", "bytes", 1_048_576), ("1MB", "bytes", 1_000_000),
        ("64kB", "bytes", 64_000), ("10M", "count", 10e6), ("2.5G", "count", 2.5e9),
        ("30k", "count", 30_000), ("1e9", "count", 1e9), (1200, "count", 1200), ("100/s", "rate", 100),
        ("1.5k/s", "rate", 1500), ("5%", "percent", 0.05), ("0.5 %", "percent", 0.005),
    ],
)  # fmt: skip
def test_quantities_in_base_units(text: str, kind: str, value: float) -> None:
    assert parse_quantity(text, kind, "--x") == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("50", "seconds", "needs a unit, e.g. 50ms"), ("5ms", "bytes", "'ms' is not a unit of bytes"),
        ("5 furlongs", "bytes", "'furlongs' is not a unit of bytes"),
        ("fast", "seconds", "'fast' is not a quantity"),
        ("-5ms", "seconds", "'-5ms' is not a quantity"), (True, "count", "True is not a quantity"),
    ],
)  # fmt: skip
def test_a_quantity_that_does_not_parse_names_where_and_why(text: object, kind: str, message: str) -> None:
    with pytest.raises(UnitError, match="--x") as error:
        parse_quantity(text, kind, "--x")  # type: ignore[arg-type]
    assert message in str(error.value)
