"""Closing the window on SIGINT/SIGTERM while Qt's event loop owns the main thread."""

from __future__ import annotations

import logging
import signal
import socket
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class SignalWatcher:
    """Runs ``on_signal`` in a helper thread when SIGINT or SIGTERM arrives.

    While Qt's event loop owns the main thread, Python-level signal handlers only run when Qt
    happens to call back into Python. The C-level handler, though, writes each signal number to
    the wakeup file descriptor at once; a helper thread reads it and reacts.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, on_signal: Callable[[], None]) -> None:
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._writer.setblocking(False)
        self._previous_handlers = {
            signum: signal.signal(signum, self._note_signal) for signum in self.SIGNALS
        }
        self._previous_wakeup_fd = signal.set_wakeup_fd(
            self._writer.fileno(), warn_on_full_buffer=False
        )
        self._thread = threading.Thread(target=self._watch, name="kindred-signals", daemon=True)
        self._thread.start()

    @staticmethod
    def _note_signal(signum: int, frame: object) -> None:
        """The Python-level handler: nothing to do, the watcher thread has already acted."""

    def _watch(self) -> None:
        wanted = {int(signum) for signum in self.SIGNALS}
        while True:
            try:
                received = self._reader.recv(1)
            except OSError:
                return
            if not received:
                return
            if received[0] in wanted:
                log.info("signal %d received: closing the window", received[0])
                self._on_signal()

    def close(self) -> None:
        """Restore the previous signal handling and stop the watcher thread."""
        signal.set_wakeup_fd(self._previous_wakeup_fd)
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._reader.shutdown(socket.SHUT_RDWR)
        self._thread.join(1.0)
        self._reader.close()
        self._writer.close()
