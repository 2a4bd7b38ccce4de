"""``python -m desktop --server-only`` as a person runs it: a subprocess on port 0."""

from __future__ import annotations

import http.cookiejar
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from launch_helpers import URL_LINE
from launch_helpers import desktop_command
from launch_helpers import first_line
from launch_helpers import subprocess_environment


def start_server_only(
    processes: list[subprocess.Popen], log_dir: Path, *arguments: str
) -> subprocess.Popen:
    process = subprocess.Popen(
        desktop_command("--server-only", "--log-dir", str(log_dir), *arguments),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_environment(),
        start_new_session=True,
    )
    processes.append(process)
    return process


def test_serves_the_printed_url_until_sigterm(
    processes: list[subprocess.Popen], log_dir: Path
) -> None:
    process = start_server_only(processes, log_dir, "--port", "0")
    line = first_line(process)
    match = URL_LINE.match(line)
    assert match, f"unexpected first line: {line!r}"
    base_url, port, token = match.groups()

    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(f"{base_url}?token={token}", timeout=10) as response:
        assert response.status == 200
        assert response.url == base_url  # the token left the address bar
        assert "Kindred" in response.read().decode("utf-8")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base_url, timeout=10)
    refused.value.close()
    assert refused.value.code == 403

    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert stdout == ""  # exactly one line was printed
    assert "Traceback" not in stderr
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
    assert "stop signal received" in (log_dir / "kindred.log").read_text(encoding="utf-8")


def test_sigint_also_stops_it_cleanly(processes: list[subprocess.Popen], log_dir: Path) -> None:
    process = start_server_only(processes, log_dir)
    assert URL_LINE.match(first_line(process))
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_a_busy_port_exits_1_with_one_sentence(
    processes: list[subprocess.Popen], log_dir: Path
) -> None:
    with socket.socket() as occupied:
        occupied.bind(("127.0.0.1", 0))
        occupied.listen()
        port = occupied.getsockname()[1]
        process = start_server_only(processes, log_dir, "--port", str(port))
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stdout == ""
    assert f"Kindred: cannot listen on 127.0.0.1 port {port}" in stderr
    assert "Traceback" not in stderr


def test_without_a_display_the_window_falls_back_to_server_only(
    processes: list[subprocess.Popen], log_dir: Path
) -> None:
    environment = subprocess_environment()
    environment.pop("DISPLAY", None)
    environment.pop("WAYLAND_DISPLAY", None)
    process = subprocess.Popen(
        desktop_command("--log-dir", str(log_dir)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,
    )
    processes.append(process)
    assert URL_LINE.match(first_line(process))
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert stderr.startswith("No display found")
