"""The command line of ``python -m desktop`` and where it puts data and logs."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import pytest

from desktop import paths
from desktop.launcher import build_parser
from desktop.launcher import configure_logging


def test_defaults_open_the_window_on_any_free_port() -> None:
    args = build_parser().parse_args([])
    assert (args.server_only, args.self_test, args.port, args.data_dir) == (False, False, 0, None)


def test_server_only_with_port_and_data_dir() -> None:
    args = build_parser().parse_args(["--server-only", "--port", "8123", "--data-dir", "/tmp/k"])
    assert args.server_only and args.port == 8123 and args.data_dir == "/tmp/k"


@pytest.mark.parametrize("port", ["-1", "65536", "eighty"])
def test_a_bad_port_is_one_clear_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--port", port])
    assert exit_info.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_server_only_and_self_test_exclude_each_other() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--server-only", "--self-test"])


def test_help_names_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--server-only", "--self-test", "--port", "--data-dir", "KINDRED_DATA_DIR"):
        assert option in text


def test_data_dir_option_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINDRED_DATA_DIR", str(tmp_path / "from-env"))
    assert paths.data_dir(None) == tmp_path / "from-env"
    assert paths.data_dir(str(tmp_path / "explicit")) == tmp_path / "explicit"


def test_log_dir_follows_option_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_data_dirs: Path
) -> None:
    monkeypatch.setenv("KINDRED_LOG_DIR", str(tmp_path / "env-logs"))
    assert paths.log_dir(None) == tmp_path / "env-logs"
    assert paths.log_dir(tmp_path / "cli-logs") == tmp_path / "cli-logs"
    monkeypatch.delenv("KINDRED_LOG_DIR")
    # The root conftest moved XDG_STATE_HOME into a temporary folder.
    assert paths.log_dir(None).is_relative_to(isolated_data_dirs)


@pytest.mark.usefixtures("restore_root_logging")
def test_logging_writes_a_rotating_file(tmp_path: Path) -> None:
    log_path = configure_logging(tmp_path / "logs")
    logging.getLogger("desktop.test").info("a line for the log file")
    root = logging.getLogger()
    for handler in root.handlers:
        handler.flush()
    assert log_path == tmp_path / "logs" / "kindred.log"
    assert "a line for the log file" in log_path.read_text(encoding="utf-8")
    assert any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers)


@pytest.mark.usefixtures("restore_root_logging")
def test_an_unwritable_log_dir_falls_back_to_stderr(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the log folder should be")
    assert configure_logging(blocker / "logs") is None
