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
import importlib.util
import logging
import logging.handlers
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from desktop import paths
from desktop.server import LocalServer
from desktop.signals import SignalWatcher
from recommender.errors import KindredError

if TYPE_CHECKING:
    from desktop.single_instance import InstanceListener
    from recommender.workspace import Workspace

log = logging.getLogger(__name__)

LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3
# What the window imports: pywebview with its Qt backend on PySide6 (the `window` extra).
WINDOW_MODULES = ("webview", "qtpy", "PySide6")
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
    # The window's native open/save dialog, handed to the app as NATIVE_FILE_DIALOG.
    file_dialog: Callable[..., str | None] | None = None


@dataclass(frozen=True)
class StartedApp:
    """A served app: the URL to open first and the workspace behind it."""

    url: str
    workspace: Workspace


def start_app(server: LocalServer, options: StartOptions) -> StartedApp:
    """Open the workspace, import a file if given, fit the model and serve the app on
    ``server``.

    A person who has rated enough titles starts on their recommendations, anyone else on the
    welcome page. An unknown community is a ``KindredError``; a file that cannot be imported
    is reported and skipped, the app starts anyway.
    """
    from recommender.workspace import Workspace
    from ui import create_app

    # Start-up milestones (benchmarks/startup.py reads them from the log).
    log.info("engine and web app imported")
    workspace = Workspace(options.data_directory)
    log.info("workspace opened on community %s", workspace.community.name)
    try:
        if options.community:
            workspace.use_community(options.community)
        if options.ratings_file:
            import_ratings_file(workspace, Path(options.ratings_file))
        config: dict[str, Any] = {
            "DATA_DIR": str(options.data_directory),
            "WORKSPACE": workspace,
            "NATIVE_FILE_DIALOG": options.file_dialog,
            **server.app_config(),
        }
        app = create_app(config)
        workspace.warm_up()
        log.info("model fitted and catalogue ready")
        server.start(app)
        start_page = "recommendations" if workspace.status()["enough_ratings"] else ""
    except BaseException:
        workspace.close()
        raise
    return StartedApp(server.address.entry_url(start_page), workspace)


def import_ratings_file(workspace: Workspace, path: Path) -> int:
    """Import a personal export (IMDb, Letterboxd, Goodreads, CSV) into the current
    community; returns how many ratings were added or changed.

    A file that cannot be read changes nothing and is reported in one sentence.
    """
    from recommender.errors import RatingsImportError

    try:
        summary = workspace.import_personal(path)
    except RatingsImportError as error:
        log.error("not imported: %s", error, extra=SHOWN_TO_PERSON)
        print(f"Kindred: {path} was not imported: {error}", file=sys.stderr, flush=True)
        return 0
    log.info("imported %s: %s", path, summary["summary"])
    return int(summary["added"]) + int(summary["changed"])


def serve_until_signalled(options: StartOptions) -> int:
    """Server-only mode: print the URL once, serve until SIGINT/SIGTERM, exit 0."""
    stop = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda signum, frame: stop.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    server = bind_server(options.port)
    started: StartedApp | None = None
    try:
        started = start_app(server, options)
        print(f"Kindred running at {started.url}", flush=True)
        while not stop.wait(0.5):
            pass
        log.info("stop signal received")
    finally:
        server.shutdown()
        if started is not None:
            started.workspace.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def run_window(options: StartOptions) -> int:
    """Window mode: show the window at once, start the server behind it, exit when closed.

    When a Kindred window is already open on the same data directory, hand the file over to
    it (it imports the file and comes to the front) and exit 0 instead.
    """
    from desktop.single_instance import hand_over
    from desktop.window import KindredWindow
    from desktop.window import prepare_qt_environment

    missing = [name for name in WINDOW_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise KindredError(
            f"the window needs {' and '.join(missing)} (pip install 'kindred[window]'); "
            "--server-only serves Kindred to a browser instead."
        )
    if hand_over(options.data_directory, options.ratings_file):
        print("Kindred is already open; it has been brought to the front.", file=sys.stderr)
        return 0
    prepare_qt_environment()
    window = KindredWindow(paths.window_state_file(options.data_directory), paths.icon_file())
    servers: list[LocalServer] = []

    def start_server() -> StartedApp:
        server = bind_server(options.port)
        servers.append(server)
        return start_app(server, replace(options, file_dialog=window.choose_file))

    # numpy must be imported by one thread only: the Qt binding imports it on this thread while
    # the start-up thread imports pandas, and a concurrent first import of numpy can fail with
    # "partially initialized module 'numpy._core'" (seen once in ~45 launches). Importing it
    # here first (~0.1 s) makes both later imports plain look-ups.
    importlib.import_module("numpy")
    # Start the heavy imports and the fit now, while Qt starts and paints the loading page.
    started = run_in_background(start_server, name="kindred-startup")

    def on_hand_over(file: str | None) -> None:
        if file and started.exception() is None:
            import_ratings_file(started.result().workspace, Path(file))
        window.bring_to_front(reload=bool(file))

    listener = start_listener(options.data_directory, on_hand_over)
    signals = SignalWatcher(window.close)
    try:
        window.run(lambda: started.result().url)
    finally:
        signals.close()
        if listener is not None:
            listener.close()
        for server in servers:
            server.shutdown()
        if started.done() and started.exception() is None:
            started.result().workspace.close()
    log.info("Kindred window closed")
    return 1 if window.startup_failed else 0


def start_listener(
    data_directory: Path, on_hand_over: Callable[[str | None], None]
) -> InstanceListener | None:
    """Listen for later launches; without it Kindred still works, just not single-instance."""
    from desktop.single_instance import InstanceListener

    try:
        return InstanceListener(data_directory, on_hand_over)
    except OSError as error:
        log.warning("later launches will open their own window: %s", error)
        return None


def run_in_background(work: Callable[[], StartedApp], name: str) -> Future[StartedApp]:
    """Run ``work`` in a daemon thread; its result or exception arrives through the future."""
    future: Future[StartedApp] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
