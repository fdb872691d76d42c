"""Output files are written whole or not at all (onnxcost.util.atomic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onnxcost.errors import OnnxcostError
from onnxcost.util.atomic import write_atomically, write_text


def test_a_file_is_written_and_nothing_else_is_left(tmp_path: Path) -> None:
    write_text(tmp_path / "report.json", "{}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert (tmp_path / "report.json").read_text() == "{}\n"


def test_a_failure_midway_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def fails(temporary: str) -> None:
        Path(temporary).write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OnnxcostError, match=r"cannot write .*No space left on device"):
        write_atomically(target, fails)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_missing_folder_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(OnnxcostError, match="cannot write"):
        write_text(tmp_path / "missing" / "report.json", "{}\n")
