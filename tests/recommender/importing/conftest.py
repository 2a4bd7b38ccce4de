"""Helpers for the importer tests: real shared files (skipped when absent) and tiny fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def shared_file(shared_data: Path) -> Callable[[str], Path]:
    """Return a function giving a file of the shared data, skipping the test when it is absent."""

    def find(relative: str) -> Path:
        path = shared_data / relative
        if not path.exists():
            pytest.skip(f"shared test file {relative} not found in {shared_data}")
        return path

    return find


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a small generated fixture (text in an encoding, or raw bytes) and return its path."""

    def make(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return make
