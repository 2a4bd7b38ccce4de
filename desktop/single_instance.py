"""One Kindred window per data directory: a second launch hands its file over and exits.

The first window listens on a loopback TCP port and writes ``instance.json`` (port, a random
secret, its pid; readable by the owner only) into the data directory. A later launch reads it,
connects, and sends one JSON line ``{"secret": ..., "file": path-or-null}``; the running
window imports the file (if any), reloads its page and comes to the front, and answers
``{"ok": true}``. When the file is missing or stale (nothing listens), the later launch
becomes the running window itself.

Loopback TCP rather than a Unix socket or a named pipe, so one mechanism works on every
platform; the secret keeps other local users' programs from driving the window.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

INSTANCE_FILE_NAME = "instance.json"
CONNECT_TIMEOUT_SECONDS = 3.0
MAX_MESSAGE_BYTES = 64 * 1024

HandOver = Callable[[str | None], None]


def instance_file(data_directory: Path) -> Path:
    """Where the running window advertises itself."""
    return data_directory / INSTANCE_FILE_NAME


def hand_over(data_directory: Path, file: str | None) -> bool:
    """Pass ``file`` (or just "come to the front") to a running Kindred window.

    Returns True when a running window accepted it, False when there is none to hand over to.
    """
    try:
        advertised = json.loads(instance_file(data_directory).read_text(encoding="utf-8"))
        port, secret = int(advertised["port"]), str(advertised["secret"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    message = {"secret": secret, "file": str(Path(file).resolve()) if file else None}
    try:
        with socket.create_connection(("127.0.0.1", port), CONNECT_TIMEOUT_SECONDS) as link:
            link.sendall(json.dumps(message).encode("utf-8") + b"\n")
            answer = _read_line(link)
    except OSError as error:
        log.info("no running Kindred window answered on port %d (%s)", port, error)
        return False
    try:
        accepted = json.loads(answer).get("ok") is True
    except (ValueError, AttributeError):
        accepted = False
    if accepted:
        log.info("handed over to the running Kindred window (pid %s)", advertised.get("pid"))
    return accepted


class InstanceListener:
    """The running window's side: accept hand-overs and pass each file to ``on_hand_over``."""

    def __init__(self, data_directory: Path, on_hand_over: HandOver) -> None:
        self._file = instance_file(data_directory)
        self._on_hand_over = on_hand_over
        self._secret = secrets.token_urlsafe(32)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self._socket.bind(("127.0.0.1", 0))
            self._socket.listen(4)
            self._advertise(data_directory)
        except OSError:
            self._socket.close()
            raise
        self._thread = threading.Thread(target=self._serve, name="kindred-instance", daemon=True)
        self._thread.start()

    def _advertise(self, data_directory: Path) -> None:
        data_directory.mkdir(parents=True, exist_ok=True)
        advertised = {
            "port": self._socket.getsockname()[1],
            "secret": self._secret,
            "pid": os.getpid(),
        }
        temporary = self._file.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(advertised, handle)
        temporary.replace(self._file)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return  # closed
            with connection:
                connection.settimeout(CONNECT_TIMEOUT_SECONDS)
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        try:
            message = json.loads(_read_line(connection))
            secret = message["secret"]
            file = message.get("file")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignored a malformed hand-over message")
            return
        if not isinstance(secret, str) or not hmac.compare_digest(secret, self._secret):
            log.warning("ignored a hand-over with the wrong secret")
            return
        if file is not None and not isinstance(file, str):
            return
        with contextlib.suppress(OSError):
            connection.sendall(b'{"ok": true}\n')
        self._on_hand_over(file)

    def close(self) -> None:
        """Stop listening and withdraw the advertisement (if it is still ours)."""
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        self._thread.join(2.0)
        try:
            advertised = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return  # already withdrawn
        except (OSError, ValueError) as error:
            log.warning("could not check %s before removing it: %s", self._file, error)
            return
        if isinstance(advertised, dict) and advertised.get("secret") == self._secret:
            self._file.unlink(missing_ok=True)


def _read_line(connection: socket.socket) -> str:
    """Read one newline-terminated message of at most ``MAX_MESSAGE_BYTES``."""
    received = b""
    while not received.endswith(b"\n") and len(received) < MAX_MESSAGE_BYTES:
        chunk = connection.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.decode("utf-8", errors="replace")
