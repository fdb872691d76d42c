"""Output files written whole or not at all: into a temporary file beside the target, renamed
over it once complete (a failure midway leaves no half-written report)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from onnxcost.errors import OnnxcostError


def write_atomically(target: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call `write(temporary path)`, then rename that file to `target`; OnnxcostError (one line)
    when the folder cannot take it."""
    path = Path(target)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    except OSError as exc:
        raise OnnxcostError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise OnnxcostError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    """`text` into `target`, atomically."""

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)

    write_atomically(target, write)
