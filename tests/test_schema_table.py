"""onnxcost.model.schema_table: the snapshot of onnx's schemas the analysis reads instead of onnx.defs."""

from __future__ import annotations

import onnx
import onnx.defs
import pytest

from onnxcost.model import nodes, schema_render, schema_table


def test_the_table_is_what_the_generator_prints_from_its_onnx() -> None:
    if onnx.__version__ != schema_table.ONNX_VERSION:
        # another onnx: the table is not read (onnx.defs is, slower); regenerate it for speed
        assert nodes.schema_facts("", "Conv", 22) == nodes.live_schema_facts("", "Conv", 22)
        return
    with open(schema_table.__file__, encoding="utf-8") as handle:
        assert schema_render.render() == handle.read()


def test_every_schema_version_reads_as_onnx_defs_says() -> None:
    checked = 0
    for schema in onnx.defs.get_all_schemas_with_history():
        domain = "" if schema.domain == "ai.onnx" else schema.domain
        for opset in (schema.since_version, schema.since_version + 1):
            live = nodes.live_schema_facts(domain, schema.name, opset)
            assert nodes.schema_facts(domain, schema.name, opset) == live, (schema.name, opset)
            checked += 1
    assert checked > 1200  # 659 schema versions × 2 with onnx 1.23


@pytest.mark.parametrize(("op", "opset"), [("Add", 6), ("Add", 14), ("Conv", 1), ("MatMul", 1)])
def test_an_opset_older_than_the_op_reads_the_newest_schema_like_onnx_defs(op: str, opset: int) -> None:
    # Conv and MatMul begin at version 1; Add's broadcast attribute went away in version 7
    assert nodes.schema_facts("", op, opset) == nodes.live_schema_facts("", op, opset)
    assert nodes.schema_facts("", op, 0) == nodes.live_schema_facts("", op, 0)


def test_unknown_ops_are_unknown_in_the_table_too() -> None:
    assert nodes.schema_facts("", "NoSuchOp", 17) is None
    assert nodes.schema_facts("com.microsoft", "Attention", 1) is None  # onnxruntime's, not onnx's
    assert nodes.is_known_op("com.microsoft", "Attention", 1)
