"""The PyInstaller build: ``build.spec`` makes ``Kindred/`` that passes its own self-test and
serves like the source app. Takes minutes, so it runs only with ``KINDRED_TEST_PACKAGE=1``.

The build goes to a temporary folder (not ``dist/``); its time and size are written to
``test-artifacts/package.json`` for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from launch_helpers import REPO_ROOT
from launch_helpers import URL_LINE
from launch_helpers import first_line

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(
        os.environ.get("KINDRED_TEST_PACKAGE") != "1",
        reason="builds the app with PyInstaller (minutes); set KINDRED_TEST_PACKAGE=1",
    ),
]

BUILD_TIMEOUT_SECONDS = 1500


def folder_size(folder: Path) -> int:
    """Bytes on disk, counting each file once (PyInstaller links shared libraries)."""
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


@pytest.fixture(scope="module")
def packaged_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(REPO_ROOT / "build.spec"),
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        env={key: value for key, value in os.environ.items() if key != "KINDRED_ONEFILE"},
    )
    build_seconds = time.monotonic() - started
    assert completed.returncode == 0, completed.stderr[-4000:]
    folder = work / "dist" / "Kindred"
    report = {
        "build_seconds": round(build_seconds, 1),
        "dist_megabytes": round(folder_size(folder) / 1e6, 1),
        "platform": sys.platform,
    }
    artifacts = REPO_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "package.json").write_text(json.dumps(report, indent=2) + "\n")
    return folder / "Kindred"


@pytest.mark.timeout(BUILD_TIMEOUT_SECONDS + 300)
def test_packaged_app_passes_its_self_test(packaged_app: Path, tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(packaged_app), "--self-test", "--log-dir", str(tmp_path / "logs")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "self-test ok\n"


@pytest.mark.timeout(BUILD_TIMEOUT_SECONDS + 300)
def test_packaged_app_serves_like_the_source_one(
    packaged_app: Path, tmp_path: Path, processes: list[subprocess.Popen]
) -> None:
    process = subprocess.Popen(
        [str(packaged_app), "--server-only", "--log-dir", str(tmp_path / "logs")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    processes.append(process)
    match = URL_LINE.match(first_line(process))
    assert match
    base_url, _, token = match.groups()
    request = urllib.request.Request(f"{base_url}catalogue", headers={"X-Kindred-Token": token})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert "Demo films" in response.read().decode("utf-8")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base_url, timeout=10)
    refused.value.close()
    assert refused.value.code == 403
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
