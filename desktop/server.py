"""The local web server: the Flask app on waitress, loopback only, in a daemon thread.

The window and server-only mode both talk to this server. It binds ``127.0.0.1`` at the port
asked for (0 means any free one, chosen by the kernel at bind time, so there is no race), and
knows its port before anything connects. Each launch gets a fresh random secret token; the
app refuses requests without it, and refuses Host headers other than the bound address.

Shutting down is done inside waitress's own event loop (through its trigger), so no socket is
closed under a ``select`` running in another thread.
"""

from __future__ import annotations

import http.client
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

import waitress

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

LOOPBACK_HOST = "127.0.0.1"
SERVER_THREADS = 8
READY_TIMEOUT_SECONDS = 10.0
SHUTDOWN_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class ServerAddress:
    """Where a running server listens and the secret every request must carry."""

    host: str
    port: int
    token: str

    @property
    def host_header(self) -> str:
        """The one Host header value the app accepts, e.g. ``127.0.0.1:50123``."""
        return f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The server's root URL without the token."""
        return f"http://{self.host_header}/"

    def entry_url(self, path: str = "") -> str:
        """The URL a browser or the window opens first: ``path`` with ``?token=...``.

        The app trades the token for an HttpOnly cookie and redirects to the clean URL.
        """
        return f"{self.base_url}{path.lstrip('/')}?token={self.token}"


class LocalServer:
    """A waitress server for one Flask app, started and stopped from Python.

    Usage::

        server = LocalServer(port=0)
        app = create_app({..., **server.app_config()})
        server.start(app)          # returns once the server answers HTTP
        ...
        server.shutdown()
    """

    def __init__(self, port: int = 0, host: str = LOOPBACK_HOST) -> None:
        """Bind ``host:port`` now (raises ``OSError`` when that fails, leaving nothing open)."""
        self._token = secrets.token_urlsafe(32)
        listening = bind_socket(host, port)
        self._waitress = waitress.create_server(
            _not_ready_app, sockets=[listening], threads=SERVER_THREADS, ident="Kindred"
        )
        self.address = ServerAddress(
            host=str(self._waitress.effective_host),
            port=int(self._waitress.effective_port),
            token=self._token,
        )
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        log.info("server bound to %s", self.address.host_header)

    def app_config(self) -> dict[str, Any]:
        """The security settings the Flask app needs: the token and the allowed Host."""
        return {
            "SECRET_TOKEN": self.address.token,
            "ALLOWED_HOSTS": [self.address.host_header],
        }

    def start(self, app: Flask) -> None:
        """Serve ``app`` from a daemon thread and wait until the server answers HTTP."""
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        self._waitress.application = app
        self._thread = threading.Thread(target=self._serve, name="kindred-server", daemon=True)
        self._thread.start()
        wait_until_answering(self.address)
        log.info("server answering at %s", self.address.base_url)

    def _serve(self) -> None:
        try:
            self._waitress.run()
        finally:
            self._waitress.task_dispatcher.shutdown(timeout=SHUTDOWN_TIMEOUT_SECONDS)
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop accepting connections, close open ones, stop the worker threads; idempotent."""
        if self._thread is None:
            self._waitress.close()
            self._waitress.task_dispatcher.shutdown(timeout=SHUTDOWN_TIMEOUT_SECONDS)
            self._stopped.set()
            return
        if self._stopped.is_set():
            return
        self._waitress.trigger.pull_trigger(self._close_every_channel)
        self._thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        if self._thread.is_alive():
            log.warning("server thread did not stop within %.0f s", SHUTDOWN_TIMEOUT_SECONDS)
        else:
            log.info("server stopped")

    def _close_every_channel(self) -> None:
        """Runs inside waitress's loop: close the listening socket, every connection and the
        trigger, which empties the loop's map and so ends ``run()``."""
        for dispatcher in list(self._waitress._map.values()):
            if dispatcher is not self._waitress:
                dispatcher.close()
        self._waitress.close()


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``, closed again if binding fails.

    Binding here rather than inside waitress means a busy port costs nothing: waitress would
    already have started its worker threads and left its socket open.
    """
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listening.bind((host, port))
    except OSError:
        listening.close()
        raise
    return listening


def _not_ready_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Placeholder WSGI callable for the moment between binding and ``start``; never served
    because the serving thread only starts once the real app is set."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"Kindred is starting.\n"]


def wait_until_answering(address: ServerAddress, timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Block until the server returns any HTTP response (a 403 without token counts).

    Raises ``TimeoutError`` naming the address when it does not answer in time.
    """
    deadline = time.monotonic() + timeout
    last_error: OSError | None = None
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(address.host, address.port, timeout=1.0)
        try:
            connection.request("HEAD", "/", headers={"Host": address.host_header})
            connection.getresponse().read()
            return
        except OSError as error:
            last_error = error
            time.sleep(0.05)
        finally:
            connection.close()
    raise TimeoutError(
        f"the local server at {address.base_url} did not answer within {timeout:.0f} s "
        f"({last_error})"
    )
