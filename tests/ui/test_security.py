"""The local server's locks: access token, Host check, CSRF and the security headers.

Most tests use the test client; the last ones start a real server on 127.0.0.1 and talk HTTP.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from recommender.workspace import Workspace
from ui import create_app
from ui.security import CONTENT_SECURITY_POLICY
from ui.security import loopback_hosts

SECRET = "per-launch-secret"
HOST = "127.0.0.1:5555"


@pytest.fixture
def locked_app(workspace: Workspace) -> Flask:
    """The app as the launcher configures it: token, Host list and CSRF token."""
    return create_app(
        {"WORKSPACE": workspace, "SECRET_TOKEN": SECRET, "ALLOWED_HOSTS": loopback_hosts(5555)}
    )


class LoopbackClient(FlaskClient):
    """A test client whose requests go to ``http://127.0.0.1:5555`` like the window's."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{HOST}")
        return super().open(*args, **kwargs)


@pytest.fixture
def locked(locked_app: Flask) -> FlaskClient:
    locked_app.test_client_class = LoopbackClient
    return locked_app.test_client()


def assert_security_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_policy_forbids_inline_script_and_other_origins() -> None:
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY


def test_without_a_configured_token_pages_are_open(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("url", ["/", "/api/status", "/static/kindred.css", "/no-such-page"])
def test_no_token_is_refused_with_a_plain_sentence(locked: FlaskClient, url: str) -> None:
    response = locked.get(url)
    assert response.status_code == 403
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == (
        "This Kindred server needs the access token it was started with.\n"
    )
    assert_security_headers(response)


def test_a_wrong_token_is_refused(locked: FlaskClient) -> None:
    assert locked.get("/?token=guess").status_code == 403
    assert locked.get("/", headers={"X-Kindred-Token": "guess"}).status_code == 403
    locked.set_cookie("kindred_token", "guess", domain="127.0.0.1")
    assert locked.get("/").status_code == 403


def test_the_token_in_the_url_becomes_a_strict_cookie_and_leaves_the_url(
    locked: FlaskClient,
) -> None:
    response = locked.get("/catalogue?q=alien&token=" + SECRET + "&page=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/catalogue?q=alien&page=2"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"kindred_token={SECRET};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert locked.get("/catalogue?q=alien&page=2").status_code == 200  # the cookie now opens it
    with locked.get("/static/js/kindred.js") as script:
        assert script.status_code == 200


def test_the_token_header_opens_the_api(locked: FlaskClient) -> None:
    response = locked.get("/api/status", headers={"X-Kindred-Token": SECRET})
    assert response.status_code == 200
    assert response.json["community"]["is_demo"] is True


@pytest.mark.parametrize("host", ["evil.example:5555", "127.0.0.1:5556", "localhost", "[::1]:5555"])
def test_a_foreign_host_header_is_refused_even_with_the_token(
    locked: FlaskClient, host: str
) -> None:
    response = locked.get("/", headers={"Host": host, "X-Kindred-Token": SECRET})
    assert response.status_code == 421
    assert response.get_data(as_text=True) == "Kindred only answers on its own loopback address.\n"


def test_localhost_with_the_right_port_is_accepted(locked: FlaskClient) -> None:
    response = locked.get("/", headers={"Host": "localhost:5555", "X-Kindred-Token": SECRET})
    assert response.status_code == 200


def first_item(client: FlaskClient, headers: dict[str, str]) -> str:
    return client.get("/api/catalogue?per_page=1", headers=headers).json["items"][0]["item"]


def test_changes_need_the_csrf_token(locked: FlaskClient, locked_app: Flask) -> None:
    token = {"X-Kindred-Token": SECRET}
    item = first_item(locked, token)
    body = {"item": item, "rating": 4.0}
    for headers in (token, {**token, "X-CSRF-Token": "forged"}):
        for method in (locked.post, locked.delete):
            refused = method("/api/ratings", json=body, headers=headers)
            assert refused.status_code == 403
            assert "did not come from a Kindred page" in refused.get_data(as_text=True)
    assert locked.get("/api/ratings", headers=token).json["count"] == 0

    csrf = {**token, "X-CSRF-Token": locked_app.config["CSRF_TOKEN"]}
    assert locked.post("/api/ratings", json=body, headers=csrf).status_code == 200
    assert locked.get("/api/ratings", headers=token).json["count"] == 1


def test_csrf_is_checked_without_an_access_token_too(client: FlaskClient, person) -> None:
    item = person.popular_items(1)[0]
    assert client.post("/api/ratings", json={"item": item, "rating": 4.0}).status_code == 403


def test_a_cross_site_change_is_refused_by_its_origin(
    locked: FlaskClient, locked_app: Flask
) -> None:
    headers = {"X-Kindred-Token": SECRET, "X-CSRF-Token": locked_app.config["CSRF_TOKEN"]}
    item = first_item(locked, headers)
    body = {"item": item, "rating": 4.0}
    refused = locked.post(
        "/api/ratings", json=body, headers={**headers, "Origin": "https://evil.example"}
    )
    assert refused.status_code == 403
    assert "came from another site" in refused.get_data(as_text=True)
    same_site = locked.post(
        "/api/ratings", json=body, headers={**headers, "Origin": f"http://{HOST}"}
    )
    assert same_site.status_code == 200


def test_pages_carry_the_csrf_token_for_their_scripts(client: FlaskClient, app: Flask) -> None:
    html = client.get("/").get_data(as_text=True)
    assert f'<meta name="csrf-token" content="{app.config["CSRF_TOKEN"]}">' in html


@pytest.mark.parametrize(
    "url", ["/", "/api/status", "/static/kindred.css", "/no-such-page", "/api/items/nope"]
)
def test_every_response_carries_the_security_headers(client: FlaskClient, url: str) -> None:
    with client.get(url) as response:
        assert_security_headers(response)


@pytest.mark.parametrize(
    "url",
    [
        "/static/../__init__.py",
        "/static/%2e%2e/__init__.py",
        "/static/..%2f__init__.py",
        "/static//etc/passwd",
    ],
)
def test_static_files_cannot_escape_their_folder(client: FlaskClient, url: str) -> None:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert b"create_app" not in response.data and b"root:" not in response.data


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/js/kindred.js", "text/javascript; charset=utf-8"),
        ("/static/kindred.css", "text/css; charset=utf-8"),
        ("/static/star.svg", "image/svg+xml"),
    ],
)
def test_static_files_have_fixed_types(client: FlaskClient, path: str, content_type: str) -> None:
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == content_type


def test_a_body_over_the_size_limit_is_refused(client: FlaskClient, csrf: dict[str, str]) -> None:
    too_big = b"x" * (16 * 1024 * 1024 + 1)
    response = client.post(
        "/api/ratings", data=too_big, content_type="application/json", headers=csrf
    )
    assert response.status_code == 413
    assert response.json == {"error": "That upload is too large."}


@pytest.fixture
def real_server(locked_app: Flask) -> Iterator[int]:
    """The locked app on a real loopback socket at a free port; shut down afterwards."""
    server = make_server("127.0.0.1", 0, locked_app, threaded=True)
    locked_app.config["ALLOWED_HOSTS"] = loopback_hosts(server.server_port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    status, body, _headers = http_exchange(port, path, headers)
    return status, body


def http_exchange(port: int, path: str, headers: dict[str, str]) -> tuple[int, str, dict]:
    """GET ``path`` exactly as given (no client-side normalising) from the real server."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    finally:
        connection.close()


def test_over_real_http_the_token_and_host_are_enforced(real_server: int) -> None:
    host = f"127.0.0.1:{real_server}"
    assert http_get(real_server, "/api/status", {"Host": host})[0] == 403
    assert http_get(real_server, "/api/status", {"Host": f"evil.example:{real_server}"})[0] == 421
    status, body = http_get(real_server, "/api/status", {"Host": host, "X-Kindred-Token": SECRET})
    assert status == 200 and '"is_demo":true' in body


@pytest.mark.parametrize(
    "path", ["/static/../__init__.py", "/static/%2e%2e/security.py", "/static/..%5csecurity.py"]
)
def test_over_real_http_static_paths_cannot_escape(real_server: int, path: str) -> None:
    headers = {"Host": f"127.0.0.1:{real_server}", "X-Kindred-Token": SECRET}
    status, body = http_get(real_server, path, headers)
    assert status == 404
    assert "create_app" not in body and "hmac" not in body


def test_over_real_http_the_token_redirect_never_leaves_the_app(real_server: int) -> None:
    headers = {"Host": f"127.0.0.1:{real_server}"}
    status, _body, response_headers = http_exchange(
        real_server, f"//evil.example/path?token={SECRET}", headers
    )
    assert status == 303
    assert response_headers["Location"] == "/evil.example/path"


def test_page_scripts_never_parse_data_as_html() -> None:
    scripts = Path(__file__).resolve().parents[2] / "ui" / "static" / "js"
    sinks = re.compile(r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(")
    for script in sorted(scripts.glob("*.js")):
        code = "\n".join(
            line for line in script.read_text().splitlines() if not line.strip().startswith("//")
        )
        assert sinks.search(code) is None, f"{script.name} uses an HTML or code sink"
