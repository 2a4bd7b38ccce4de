"""What the launcher does before serving: the community to open and a file to import."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from launch_helpers import desktop_command
from launch_helpers import imdb_export
from launch_helpers import subprocess_environment

from desktop import launcher
from desktop.launcher import StartOptions
from desktop.launcher import bind_server
from desktop.launcher import import_ratings_file
from desktop.launcher import start_app
from recommender.workspace import Workspace


def test_a_file_imports_the_matching_titles(tmp_path: Path) -> None:
    export = imdb_export(
        tmp_path,
        [
            ("tt0010323", 8, "The Cabinet of Dr. Caligari", 1920),
            ("tt0012349", 10, "The Kid", 1921),
            ("tt9999999", 7, "Not In The Demo", 2020),
        ],
    )
    with Workspace(tmp_path / "data") as workspace:
        assert import_ratings_file(workspace, export) == 2
        assert workspace.my_ratings_map() == {"d001": 4.0, "d002": 5.0}


def test_an_unreadable_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\x01 not a ratings file")
    with Workspace(tmp_path / "data") as workspace:
        workspace.rate("d001", 3.0)
        assert import_ratings_file(workspace, broken) == 0
        assert workspace.my_ratings_map() == {"d001": 3.0}
    assert capsys.readouterr().err.startswith(f"Kindred: {broken} was not imported:")


def test_a_person_with_enough_ratings_starts_on_recommendations(tmp_path: Path) -> None:
    export = imdb_export(
        tmp_path,
        [
            ("tt0010323", 8, "The Cabinet of Dr. Caligari", 1920),
            ("tt0012349", 10, "The Kid", 1921),
        ],
    )
    server = bind_server(0)
    started = start_app(server, StartOptions(tmp_path / "data", ratings_file=str(export)))
    server.shutdown()
    started.workspace.close()
    first_url = started.url
    assert first_url.startswith(server.address.base_url + "?token=")  # 2 ratings: welcome
    with Workspace(tmp_path / "data") as workspace:
        for item in ("d003", "d004", "d005"):
            workspace.rate(item, 4.0)
    server = bind_server(0)
    started = start_app(server, StartOptions(tmp_path / "data"))
    server.shutdown()
    started.workspace.close()
    url = started.url
    assert url.startswith(server.address.base_url + "recommendations?token=")


def test_an_unknown_community_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    log_directory = tmp_path / "logs"
    command = desktop_command(
        "--server-only", "--community", "nosuch", "--data-dir", str(tmp_path / "data"),
        "--log-dir", str(log_directory),
    )  # fmt: skip
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, env=subprocess_environment(), timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the launcher did not exit within 60 s; its log:\n{log_tail(log_directory)}")
    # Failed once in a combined run and never again (see the report of that investigation):
    # if it fails again, the message carries everything needed to tell why.
    explained = (
        f"exit status {completed.returncode}\nstdout: {completed.stdout!r}\n"
        f"stderr: {completed.stderr!r}\nlog:\n{log_tail(log_directory)}"
    )
    assert completed.returncode == 1, explained
    assert completed.stdout == "", explained
    assert completed.stderr == "Kindred: There is no stored community named 'nosuch'.\n", explained


def log_tail(log_directory: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of the launcher's log file (timestamps show a loaded machine)."""
    log_file = log_directory / "kindred.log"
    if not log_file.is_file():
        return f"(no log file at {log_file})"
    return "\n".join(log_file.read_text(encoding="utf-8").splitlines()[-lines:])


@pytest.mark.usefixtures("restore_root_logging")
def test_without_the_window_extra_it_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_find_spec = launcher.importlib.util.find_spec
    monkeypatch.setattr(
        launcher.importlib.util,
        "find_spec",
        lambda name, *rest: None if name == "webview" else real_find_spec(name, *rest),
    )
    monkeypatch.setenv("DISPLAY", ":99")
    status = launcher.main(["--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path)])
    assert status == 1
    error = capsys.readouterr().err
    assert error.startswith("Kindred: the window needs webview (pip install 'kindred[window]')")


def test_community_option_starts_on_that_stored_community(tmp_path: Path) -> None:
    rows = ["user,item,rating"]
    for user in range(1, 7):
        rows += [f"u{user},m{item},{1 + (user + item) % 5}" for item in range(1, 9)]
    community_file = tmp_path / "tiny.csv"
    community_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Workspace(tmp_path / "data") as workspace:
        workspace.import_community(community_file, name="tiny")
        assert workspace.community.is_demo  # importing does not select it
    server = bind_server(0)
    started = start_app(server, StartOptions(tmp_path / "data", community="tiny"))
    server.shutdown()
    try:
        assert started.workspace.community.name == "tiny"
        assert started.workspace.status()["community"]["users"] == 6
    finally:
        started.workspace.close()
