"""The local server over real HTTP: loopback, token, Host check, clean shutdown."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.launcher import StartOptions
from desktop.launcher import bind_server
from desktop.launcher import start_app
from desktop.server import LocalServer
from recommender.errors import KindredError


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    local_server = bind_server(0)
    started = start_app(local_server, StartOptions(tmp_path / "data"))
    try:
        yield local_server
    finally:
        local_server.shutdown()
        started.workspace.close()


def request(
    server: LocalServer, path: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(server.address.host, server.address.port, timeout=10)
    all_headers = {"Host": server.address.host_header, **(headers or {})}
    connection.request("GET", path, headers=all_headers)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_binds_loopback_on_a_free_port(server: LocalServer) -> None:
    assert server.address.host == "127.0.0.1"
    assert 0 < server.address.port < 65536
    assert server.address.base_url == f"http://127.0.0.1:{server.address.port}/"


def test_the_token_url_sets_a_cookie_that_opens_the_app(server: LocalServer) -> None:
    entry = request(server, f"/?token={server.address.token}")
    assert entry.status == 303
    cookie = entry.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = request(server, "/", {"Cookie": cookie.split(";")[0]})
    assert page.status == 200
    assert b"Kindred" in page.body  # type: ignore[attr-defined]


def test_without_the_token_is_forbidden(server: LocalServer) -> None:
    assert request(server, "/").status == 403
    assert request(server, "/?token=guessed").status == 403


def test_another_host_header_is_refused(server: LocalServer) -> None:
    header = {"Host": f"attacker.example:{server.address.port}", "X-Kindred-Token": "x"}
    assert request(server, "/", header).status == 421


def test_each_launch_gets_a_new_token() -> None:
    first, second = LocalServer(), LocalServer()
    try:
        assert first.address.token != second.address.token
        assert len(first.address.token) >= 40
    finally:
        first.shutdown()
        second.shutdown()


def test_shutdown_closes_the_port_and_stops_every_thread(tmp_path: Path) -> None:
    threads_before = set(threading.enumerate())
    local_server = bind_server(0)
    started = start_app(local_server, StartOptions(tmp_path / "data"))
    port = local_server.address.port
    assert request(local_server, "/").status == 403
    local_server.shutdown()
    local_server.shutdown()  # idempotent
    started.workspace.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert set(threading.enumerate()) <= threads_before


def test_a_busy_port_is_one_sentence() -> None:
    with socket.socket() as occupied:
        occupied.bind(("127.0.0.1", 0))
        occupied.listen()
        port = occupied.getsockname()[1]
        with pytest.raises(KindredError, match=f"cannot listen on 127.0.0.1 port {port}"):
            bind_server(port)
