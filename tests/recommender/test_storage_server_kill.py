"""Every rating the server has answered survives the server being killed with SIGKILL right
after the answer (issue 5: "every edit durable at once")."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from recommender.storage import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")

REPO_ROOT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r"^Kindred running at (http://127\.0\.0\.1:\d+/)\?token=([\w-]+)$")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
ITEMS = ["d155", "d165", "d340", "d001", "d002", "d003", "d004", "d005"]


def start_server(data_dir: Path, log_dir: Path) -> subprocess.Popen:
    paths = (str(REPO_ROOT), os.environ.get("PYTHONPATH"))
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(path for path in paths if path),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "desktop", "--server-only", "--port", "0",
               "--data-dir", str(data_dir), "--log-dir", str(log_dir)]  # fmt: skip
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


@pytest.mark.parametrize("ratings_before_kill", [1, 3, len(ITEMS)])
def test_ratings_answered_by_the_server_survive_sigkill(tmp_path: Path, ratings_before_kill):
    data_dir = tmp_path / "data"
    server = start_server(data_dir, tmp_path / "logs")
    try:
        assert server.stdout is not None
        match = URL_LINE.match(server.stdout.readline().strip())
        assert match, "the server did not print its address"
        base_url, token = match.groups()
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with browser.open(f"{base_url}?token={token}", timeout=30) as page:
            csrf = CSRF_META.search(page.read().decode("utf-8"))
        assert csrf is not None
        answered = {}
        for number, item in enumerate(ITEMS[:ratings_before_kill]):
            rating = 0.5 + (number % 10) / 2
            request = urllib.request.Request(
                f"{base_url}api/ratings",
                data=json.dumps({"item": item, "rating": rating}).encode(),
                headers={"Content-Type": "application/json", "X-CSRF-Token": csrf.group(1)},
                method="POST",
            )
            with browser.open(request, timeout=30) as response:
                assert response.status == 200
                answered[item] = rating
        os.killpg(server.pid, signal.SIGKILL)  # right after the last answer
        server.wait(timeout=30)
        assert server.returncode == -signal.SIGKILL
    finally:
        stop(server)
    with Store(data_dir) as store:
        assert store.ratings("Demo films") == answered
