"""Locking the local server down to the Kindred window (or the one browser given its URL).

Checks run before every request, in this order:

1. **Host** (DNS rebinding): when ``ALLOWED_HOSTS`` is set, the Host header must be one of
   them, e.g. ``127.0.0.1:PORT`` or ``localhost:PORT`` of the bound server; else 421.
2. **Access token**: when ``SECRET_TOKEN`` is set, the request must carry it as the
   ``kindred_token`` cookie or the ``X-Kindred-Token`` header. A ``?token=`` query argument
   that matches sets that cookie (HttpOnly, SameSite=Strict) and redirects to the clean URL,
   so the secret leaves the address bar at once. Else 403.
3. **CSRF**: a state-changing request (POST, PUT, PATCH, DELETE) must send the app's CSRF
   token (given to pages in ``<meta name="csrf-token">``) as ``X-CSRF-Token``, and, when it
   sends an Origin header and ``ALLOWED_HOSTS`` is set, come from an allowed origin. Else 403.

Every response carries a strict Content-Security-Policy (scripts, styles and images only from
the app itself; no inline script; no framing), ``X-Frame-Options: DENY``,
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and
``Cache-Control: no-store``; static files get their type from `STATIC_TYPES`, not the system.
Refusals are short plain-text sentences.
"""

from __future__ import annotations

import hmac
from pathlib import PurePosixPath
from urllib.parse import urlencode
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import current_app
from flask import redirect
from flask import request

TOKEN_COOKIE = "kindred_token"
TOKEN_HEADER = "X-Kindred-Token"
TOKEN_QUERY = "token"
CSRF_HEADER = "X-CSRF-Token"
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# The types of the files in ui/static, fixed here rather than guessed from the system: with
# nosniff, a script served under a wrong type (a corrupted Windows registry) would not run.
STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


def loopback_hosts(port: int) -> list[str]:
    """The Host header values under which a server bound to 127.0.0.1:``port`` is reached."""
    return [f"127.0.0.1:{port}", f"localhost:{port}"]


def init_app(app: Flask) -> None:
    """Install the request checks and the response headers on ``app``."""
    app.before_request(_check_request)
    app.after_request(_add_security_headers)
    app.jinja_env.globals["csrf_token"] = lambda: current_app.config["CSRF_TOKEN"]


def _refuse(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _same_secret(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _check_request() -> Response | None:
    """Refuse requests from the wrong host, without the token, or forged from another site."""
    config = current_app.config
    allowed_hosts = config["ALLOWED_HOSTS"]
    if allowed_hosts and request.host not in allowed_hosts:
        return _refuse("Kindred only answers on its own loopback address.", 421)

    secret = config["SECRET_TOKEN"]
    if secret:
        query_token = request.args.get(TOKEN_QUERY)
        if query_token is not None:
            if not _same_secret(query_token, secret):
                return _refuse("This Kindred address has the wrong access token.", 403)
            return _redirect_without_token(secret)
        carried = request.cookies.get(TOKEN_COOKIE) or request.headers.get(TOKEN_HEADER)
        if not _same_secret(carried, secret):
            return _refuse("This Kindred server needs the access token it was started with.", 403)

    if request.method in STATE_CHANGING_METHODS:
        if not _same_secret(request.headers.get(CSRF_HEADER), config["CSRF_TOKEN"]):
            return _refuse("This change was refused: it did not come from a Kindred page.", 403)
        origin = request.headers.get("Origin")
        if allowed_hosts and origin is not None and urlsplit(origin).netloc not in allowed_hosts:
            return _refuse("This change was refused: it came from another site.", 403)
    return None


def _redirect_without_token(secret: str) -> Response:
    """Set the token cookie and send the browser to the same URL without ``?token=``."""
    remaining = [
        (key, value) for key, value in request.args.items(multi=True) if key != TOKEN_QUERY
    ]
    # One leading slash only: "//host/..." would send the browser to another host.
    clean_url = "/" + request.path.lstrip("/") + (f"?{urlencode(remaining)}" if remaining else "")
    response = redirect(clean_url, code=303)
    response.set_cookie(TOKEN_COOKIE, secret, httponly=True, samesite="Strict", path="/")
    return response


def _add_security_headers(response: Response) -> Response:
    for header, value in SECURITY_HEADERS.items():
        response.headers[header] = value
    if request.endpoint == "static" and response.status_code == 200:
        suffix = PurePosixPath(request.path).suffix.lower()
        if suffix in STATIC_TYPES:
            response.headers["Content-Type"] = STATIC_TYPES[suffix]
    return response
