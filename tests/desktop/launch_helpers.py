"""Helpers for running ``python -m desktop`` as a subprocess in tests.

Every subprocess inherits the isolated ``KINDRED_DATA_DIR`` and XDG folders of the root
conftest; tests give it its own ``--log-dir`` so that they can read what the launcher logged.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60
# The one line --server-only prints: base URL, port, token.
URL_LINE = re.compile(r"^Kindred running at (http://127\.0\.0\.1:(\d+)/)\?token=([\w-]+)$")


def desktop_command(*arguments: str) -> list[str]:
    """The command line that runs the launcher from the source tree with this Python."""
    return [sys.executable, "-m", "desktop", *arguments]


def subprocess_environment() -> dict[str, str]:
    """The test's environment, with the repository importable and Python output unbuffered."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(REPO_ROOT), environment.get("PYTHONPATH")) if part
    )
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Make sure a test's process and its process group are gone (after a failed assertion)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it exited between poll and kill
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def first_line(process: subprocess.Popen, timeout: float = START_TIMEOUT_SECONDS) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"no output within {timeout} s")
    return process.stdout.readline().rstrip("\n")


IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors"
)


def imdb_export(folder: Path, rows: list[tuple[str, int, str, int]]) -> Path:
    """A small IMDb ratings export: (IMDb id, rating 1-10, title, year) per row."""
    lines = [IMDB_HEADER]
    for imdb_id, rating, title, year in rows:
        url = f"https://www.imdb.com/title/{imdb_id}/"
        lines.append(
            f"{imdb_id},{rating},2024-01-02,{title},{title},{url},Movie,8.0,90,{year},Drama,"
            f"1000,{year}-01-01,Someone"
        )
    path = folder / "ratings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
