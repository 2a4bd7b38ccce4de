"""The real Kindred window under Xvfb: it opens on the recommendations, shows real content
(screenshot not blank), remembers its size, and SIGTERM closes it with exit status 0 and no
process left behind.

The screenshot is saved to ``test-artifacts/window.png`` (the README's picture is a copy).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from launch_helpers import REPO_ROOT
from launch_helpers import desktop_command
from launch_helpers import imdb_export
from launch_helpers import subprocess_environment

from recommender.workspace import Workspace

pytestmark = pytest.mark.window

SCREEN = (1280, 800)
LOAD_TIMEOUT_SECONDS = 90
MIN_DISTINCT_COLOURS = 200
ARTIFACT = REPO_ROOT / "test-artifacts" / "window.png"


def require_tools() -> None:
    for tool, package in (("xvfb-run", "xvfb"), ("import", "imagemagick"), ("convert", "")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install {package or 'imagemagick'})")


def rate_five_demo_titles(data_dir: Path) -> list[str]:
    """Give the person five ratings, so the window starts on their recommendations."""
    with Workspace(data_dir) as workspace:
        popular = workspace.statistics.sort_values("count", ascending=False).index[:5]
        for item in popular:
            workspace.rate(str(item), 5.0)
        return [str(entry["title"]) for entry in workspace.recommendations(n=3)["items"]]


def wait_for_log(log_file: Path, pattern: str, process: subprocess.Popen) -> re.Match[str]:
    deadline = time.monotonic() + LOAD_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Kindred exited early with {process.returncode}: {process.stderr.read()}")
        if log_file.exists():
            found = re.search(pattern, log_file.read_text(encoding="utf-8"))
            if found:
                return found
        time.sleep(0.2)
    pytest.fail(f"'{pattern}' not logged within {LOAD_TIMEOUT_SECONDS} s")


def display_of(pid: int) -> dict[str, str]:
    """DISPLAY and XAUTHORITY of the launcher, which xvfb-run chose for it."""
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    variables = dict(entry.decode().split("=", 1) for entry in raw if b"=" in entry)
    return {name: variables[name] for name in ("DISPLAY", "XAUTHORITY") if name in variables}


def distinct_colours(image: Path) -> int:
    output = subprocess.run(
        ["convert", str(image), "-format", "%k", "info:"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(output.strip())


def screenshot_when_painted(target: Path, display: dict[str, str]) -> int:
    """Screenshot the root window until the page is painted (many colours); return the count."""
    environment = {**os.environ, **display}
    colours = 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(1.0)
        subprocess.run(["import", "-window", "root", str(target)], env=environment, check=True)
        colours = distinct_colours(target)
        if colours >= MIN_DISTINCT_COLOURS:
            break
    return colours


def processes_left_in_group(group: int, grace_seconds: float = 10.0) -> str:
    """The ``ps`` lines of processes still in ``group`` after a grace period (xvfb-run stops
    Xvfb without waiting for it), or "" when none is left."""
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return ""
        time.sleep(0.2)
    listing = subprocess.run(
        ["ps", "-o", "pid,stat,args", "-g", str(group)], capture_output=True, text=True
    )
    return listing.stdout


def hand_over_a_file_from_a_second_launch(
    tmp_path: Path, data_dir: Path, display: dict[str, str], log_file: Path
) -> None:
    """A second ``python -m desktop FILE`` gives FILE to the open window and exits at once."""
    export = imdb_export(
        tmp_path,
        [("tt0010323", 8, "The Cabinet of Dr. Caligari", 1920), ("tt0012349", 10, "The Kid", 1921)],
    )
    second = subprocess.run(
        desktop_command(
            "--data-dir", str(data_dir), "--log-dir", str(tmp_path / "second-logs"), str(export)
        ),
        capture_output=True,
        text=True,
        env={**subprocess_environment(), **display},
        timeout=60,
    )
    assert second.returncode == 0, second.stderr
    assert "already open" in second.stderr
    # Generous: on a loaded 2-core machine the import and the reload can take a while.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log_text = log_file.read_text(encoding="utf-8")
        if log_text.count("window loaded http") >= 2 and "2 new ratings" in log_text:
            break
        time.sleep(0.2)
    assert "2 new ratings" in log_text
    assert "brought to the front by another launch" in log_text
    assert log_text.count("window loaded http") >= 2, "the page was not reloaded"


def test_window_shows_recommendations_and_closes_cleanly(
    tmp_path: Path, log_dir: Path, processes: list[subprocess.Popen]
) -> None:
    require_tools()
    data_dir = tmp_path / "data"
    recommended = rate_five_demo_titles(data_dir)
    assert recommended, "the demo data gave no recommendations to show"
    (data_dir / "window.json").write_text(
        json.dumps({"width": 1280, "height": 800, "x": 0, "y": 0})
    )

    process = subprocess.Popen(
        [
            "xvfb-run",
            "-a",
            "-s",
            f"-screen 0 {SCREEN[0]}x{SCREEN[1]}x24",
            *desktop_command("--data-dir", str(data_dir), "--log-dir", str(log_dir)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_environment(),
        start_new_session=True,
    )
    processes.append(process)
    log_file = log_dir / "kindred.log"
    launcher_pid = int(wait_for_log(log_file, r"Kindred starting \(pid (\d+)\)", process)[1])
    wait_for_log(log_file, r"window loaded http://127\.0\.0\.1:\d+/recommendations", process)

    shot = tmp_path / "window.png"
    colours = screenshot_when_painted(shot, display_of(launcher_pid))
    ARTIFACT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACT)
    assert colours >= MIN_DISTINCT_COLOURS, f"the window looks blank ({colours} colours)"

    hand_over_a_file_from_a_second_launch(tmp_path, data_dir, display_of(launcher_pid), log_file)

    os.kill(launcher_pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert processes_left_in_group(process.pid) == ""
    log_text = log_file.read_text(encoding="utf-8")
    assert "window closing" in log_text and "server stopped" in log_text
    saved = json.loads((data_dir / "window.json").read_text())
    assert (saved["width"], saved["height"]) == SCREEN
