"""``python -m desktop --self-test``: real recommendations rendered once, or a clear failure."""

from __future__ import annotations

import subprocess

import pytest
from launch_helpers import desktop_command
from launch_helpers import subprocess_environment

from desktop import selftest
from recommender.workspace import Workspace


def test_self_test_passes_on_the_demo_data(tmp_path) -> None:
    completed = subprocess.run(
        desktop_command("--self-test", "--log-dir", str(tmp_path / "logs")),
        capture_output=True,
        text=True,
        env=subprocess_environment(),
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "self-test ok\n"
    log_text = (tmp_path / "logs" / "kindred.log").read_text(encoding="utf-8")
    assert "self-test ok; recommended" in log_text


def test_self_test_leaves_no_data_behind(isolated_data_dirs, tmp_path) -> None:
    assert selftest.run_self_test() == 0
    assert not (isolated_data_dirs / "kindred-data").exists()


def test_a_failing_check_exits_1_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_recommendations(self: Workspace, n: int = 20, user: str | None = None) -> dict:
        return {"items": [], "message": None}

    monkeypatch.setattr(Workspace, "recommendations", no_recommendations)
    assert selftest.run_self_test() == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("self-test failed: only 0 recommendation(s)")
