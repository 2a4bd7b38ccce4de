"""``python -m desktop``: parse the command line and run Kindred in one of its three modes.

* window (default): the pywebview window over the local server; without a display it says so
  in one line and serves without a window;
* ``--server-only``: the local server alone, printing the one URL (with its access token) a
  browser can open, until SIGINT or SIGTERM;
* ``--self-test``: render real recommendations once on the demo data, then exit.

Everything a person can get wrong (a busy port, an unusable data directory) ends with one
sentence on stderr and exit status 1, never a traceback; details go to the rotating log file.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from desktop import paths
from desktop.server import LocalServer
from recommender.errors import KindredError

if TYPE_CHECKING:
    from recommender.workspace import Workspace

log = logging.getLogger(__name__)

LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Pass as ``extra=`` when the same sentence is printed for the person: it goes to the log file
# only, so stderr does not say it twice.
SHOWN_TO_PERSON = {"shown_to_person": True}


def not_shown_to_person(record: logging.LogRecord) -> bool:
    """Console filter: drop records whose message was already printed for the person."""
    return not getattr(record, "shown_to_person", False)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m desktop`` (and of the packaged ``Kindred``)."""
    parser = argparse.ArgumentParser(
        prog="kindred",
        description=(
            "Kindred: recommendations from your own ratings by people with kindred taste. "
            "Opens the Kindred window; everything stays on this computer."
        ),
        epilog=(
            "The data directory defaults to the platform's user data folder; KINDRED_DATA_DIR "
            "overrides it, --data-dir overrides both. Logs go to the platform's log folder "
            "(KINDRED_LOG_DIR or --log-dir to change it)."
        ),
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--server-only",
        action="store_true",
        help="serve on 127.0.0.1 without a window and print the URL to open in a browser",
    )
    mode.add_argument(
        "--self-test",
        action="store_true",
        help="compute and render recommendations on the demo data once, print 'self-test ok'",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=0,
        metavar="N",
        help="port to serve on (default: any free port)",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="where your ratings are kept")
    parser.add_argument(
        "--community",
        metavar="NAME",
        help="start with this stored community selected (default: the demo community)",
    )
    parser.add_argument("--log-dir", metavar="DIR", help="where the log files are written")
    parser.add_argument("--verbose", action="store_true", help="also log debug details")
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a ratings export to import at start (IMDb, Letterboxd, Goodreads or a CSV)",
    )
    return parser


def port_number(text: str) -> int:
    """argparse type: a TCP port 0-65535, 0 meaning any free port."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 0-65535")
    return port


def configure_logging(log_directory: Path, verbose: bool = False) -> Path | None:
    """Log to a rotating file in ``log_directory`` and, for warnings and worse, to stderr.

    Returns the log file, or None when the directory cannot be written (then stderr only).
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter(LOG_FORMAT)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(formatter)
    console.addFilter(not_shown_to_person)
    root.addHandler(console)
    log_path = paths.log_file(log_directory)
    try:
        log_directory.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        log.warning("cannot write the log file %s (%s); logging to stderr only", log_path, error)
        return None
    file_handler.setFormatter(formatter)
    root.addHandler(file_handler)
    return log_path


def main(argv: list[str] | None = None) -> int:
    """Run Kindred; returns the process exit status."""
    args = build_parser().parse_args(argv)
    data_directory = paths.data_dir(args.data_dir)
    log_path = configure_logging(paths.log_dir(args.log_dir), args.verbose)
    log.info(
        "Kindred starting (pid %d): data in %s, log in %s", os.getpid(), data_directory, log_path
    )

    if args.self_test:
        from desktop.selftest import run_self_test

        return run_self_test()

    from desktop.window import has_display

    if not args.server_only and not has_display():
        print(
            "No display found (DISPLAY and WAYLAND_DISPLAY are unset): "
            "serving Kindred without a window.",
            file=sys.stderr,
            flush=True,
        )
        args.server_only = True
    options = StartOptions(data_directory, args.port, args.community, args.file)
    try:
        if args.server_only:
            return serve_until_signalled(options)
        return run_window(options)
    except KindredError as error:
        log.error("%s", error, extra=SHOWN_TO_PERSON)
        print(f"Kindred: {error}", file=sys.stderr, flush=True)
        return 1


def bind_server(port: int) -> LocalServer:
    """Bind the local server, turning "address in use" and similar into one sentence."""
    try:
        return LocalServer(port=port)
    except OSError as error:
        reason = error.strerror or str(error)
        raise KindredError(f"cannot listen on 127.0.0.1 port {port}: {reason}.") from error


@dataclass(frozen=True)
class StartOptions:
    """What the command line asks of the app: where, on which port, with what."""

    data_directory: Path
    port: int = 0
    community: str | None = None
    ratings_file: str | None = None


def start_app(server: LocalServer, options: StartOptions) -> str:
    """Open the workspace, import a file if given, fit the model, serve the app on ``server``;
    return the URL to open.

    A person who has rated enough titles starts on their recommendations, anyone else on the
    welcome page. An unknown community is a ``KindredError``; a file that cannot be imported
    is reported and skipped, the app starts anyway.
    """
    from recommender.commands.common import open_workspace
    from ui import create_app

    workspace = open_workspace(str(options.data_directory), options.community)
    if options.ratings_file:
        import_ratings_file(workspace, Path(options.ratings_file))
    config: dict[str, Any] = {
        "DATA_DIR": str(options.data_directory),
        "WORKSPACE": workspace,
        **server.app_config(),
    }
    app = create_app(config)
    workspace.warm_up()
    server.start(app)
    start_page = "recommendations" if workspace.status()["enough_ratings"] else ""
    return server.address.entry_url(start_page)


def import_ratings_file(workspace: Workspace, path: Path) -> int:
    """Rate every title of a personal export that matches the community; returns how many.

    A file that cannot be read changes nothing and is reported in one sentence.
    """
    from recommender.errors import RatingsImportError
    from recommender.importing import read_personal

    try:
        personal, _ = read_personal(path, workspace.community)
    except RatingsImportError as error:
        log.error("not imported: %s", error, extra=SHOWN_TO_PERSON)
        print(f"Kindred: {path} was not imported: {error}", file=sys.stderr, flush=True)
        return 0
    for item, rating in personal.as_dict().items():
        workspace.rate(item, rating)
    log.info(
        "imported %d rating(s) from %s (%d row(s) matched no title)",
        len(personal.ratings),
        path,
        len(personal.unmatched),
    )
    return len(personal.ratings)


def serve_until_signalled(options: StartOptions) -> int:
    """Server-only mode: print the URL once, serve until SIGINT/SIGTERM, exit 0."""
    stop = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda signum, frame: stop.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    server = bind_server(options.port)
    try:
        url = start_app(server, options)
        print(f"Kindred running at {url}", flush=True)
        while not stop.wait(0.5):
            pass
        log.info("stop signal received")
    finally:
        server.shutdown()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def run_window(options: StartOptions) -> int:
    """Window mode: show the window at once, start the server behind it, exit when closed."""
    from desktop.window import KindredWindow
    from desktop.window import prepare_qt_environment

    prepare_qt_environment()
    window = KindredWindow(paths.window_state_file(options.data_directory), paths.icon_file())
    servers: list[LocalServer] = []

    def start_server() -> str:
        server = bind_server(options.port)
        servers.append(server)
        return start_app(server, options)

    # Start the heavy imports and the fit now, while Qt starts and paints the loading page.
    app_url = run_in_background(start_server, name="kindred-startup")
    signals = SignalWatcher(window.close)
    try:
        window.run(app_url.result)
    finally:
        signals.close()
        for server in servers:
            server.shutdown()
    log.info("Kindred window closed")
    return 1 if window.startup_failed else 0


def run_in_background(work: Callable[[], str], name: str) -> Future[str]:
    """Run ``work`` in a daemon thread; its result or exception arrives through the future."""
    future: Future[str] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


class SignalWatcher:
    """Runs ``on_signal`` in a helper thread when SIGINT or SIGTERM arrives.

    While Qt's event loop owns the main thread, Python-level signal handlers only run when Qt
    happens to call back into Python. The C-level handler, though, writes each signal number to
    the wakeup file descriptor at once; a helper thread reads it and reacts.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, on_signal: Callable[[], None]) -> None:
        import socket

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
        import socket

        signal.set_wakeup_fd(self._previous_wakeup_fd)
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._reader.shutdown(socket.SHUT_RDWR)
        self._thread.join(1.0)
        self._reader.close()
        self._writer.close()
