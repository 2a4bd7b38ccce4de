"""A later launch hands its file to the running window instead of opening a second one."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from desktop.single_instance import InstanceListener
from desktop.single_instance import hand_over
from desktop.single_instance import instance_file


class Received:
    """Collects what the listener was handed, and signals each arrival."""

    def __init__(self) -> None:
        self.files: list[str | None] = []
        self.arrived = threading.Event()

    def __call__(self, file: str | None) -> None:
        self.files.append(file)
        self.arrived.set()


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def listener(tmp_path: Path, received: Received):
    running = InstanceListener(tmp_path / "data", received)
    yield running
    running.close()


def test_a_file_reaches_the_running_window(
    tmp_path: Path, listener: InstanceListener, received: Received
) -> None:
    export = tmp_path / "ratings.csv"
    assert hand_over(tmp_path / "data", str(export))
    assert received.arrived.wait(5)
    assert received.files == [str(export.resolve())]


def test_without_a_file_the_window_is_only_raised(
    tmp_path: Path, listener: InstanceListener, received: Received
) -> None:
    assert hand_over(tmp_path / "data", None)
    assert received.arrived.wait(5)
    assert received.files == [None]


def test_the_advertisement_is_private_and_withdrawn_on_close(
    tmp_path: Path, received: Received
) -> None:
    running = InstanceListener(tmp_path / "data", received)
    advertised = instance_file(tmp_path / "data")
    assert advertised.stat().st_mode & 0o077 == 0
    running.close()
    assert not advertised.exists()
    assert not hand_over(tmp_path / "data", None)


def test_a_wrong_secret_is_ignored(
    tmp_path: Path, listener: InstanceListener, received: Received
) -> None:
    advertised = instance_file(tmp_path / "data")
    forged = json.loads(advertised.read_text())
    forged["secret"] = "guessed"
    advertised.write_text(json.dumps(forged))
    assert not hand_over(tmp_path / "data", None)
    assert not received.arrived.wait(0.5)


def test_a_stale_advertisement_means_no_running_window(tmp_path: Path) -> None:
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        port = closed_port.getsockname()[1]
    (tmp_path / "data").mkdir()
    instance_file(tmp_path / "data").write_text(json.dumps({"port": port, "secret": "s"}))
    assert not hand_over(tmp_path / "data", None)


@pytest.mark.parametrize("content", ["", "not json", '{"port": "x"}', "[]"])
def test_a_damaged_advertisement_means_no_running_window(tmp_path: Path, content: str) -> None:
    instance_file(tmp_path).write_text(content)
    assert not hand_over(tmp_path, None)


def test_garbage_on_the_port_changes_nothing(
    tmp_path: Path, listener: InstanceListener, received: Received
) -> None:
    port = json.loads(instance_file(tmp_path / "data").read_text())["port"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as link:
        link.sendall(b"\xff\xfe garbage\n")
        link.shutdown(socket.SHUT_WR)
        assert link.recv(100) == b""
    assert not received.arrived.wait(0.5)
    assert hand_over(tmp_path / "data", None)  # still serving
