"""Fixtures for the desktop tests (helpers for subprocesses are in ``launch_helpers``)."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from launch_helpers import stop_process


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "package: builds the PyInstaller app (only with KINDRED_TEST_PACKAGE=1)"
    )


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "logs"


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts (each in its own session); killed afterwards if still alive."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        stop_process(process)


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    """Remove and close the handlers a test's call of ``configure_logging`` added."""
    root = logging.getLogger()
    handlers_before, level_before = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers_before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level_before)
