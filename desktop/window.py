"""The Kindred window: pywebview on its Qt backend (PySide6 through QtPy).

Why Qt on PySide6: pywebview's Qt backend is self-contained from pip (no system WebKitGTK), and
PySide6 is LGPL where PyQt6 is GPL. ``webview.start`` must own the main thread, so everything
slow (importing the engine, opening the community, fitting) runs in a helper thread while the
window already shows a small "Loading Kindred…" page; once the local server answers, the
window navigates to it.

The window remembers its size and position in ``window.json`` in the data directory. Links to
other sites open in the system browser: pywebview does that for ``target=_blank`` links, and a
request interceptor on the page does it for ordinary links (see ``install_link_guard``).
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import sys
import threading
import webbrowser
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

WINDOW_TITLE = "Kindred"
DEFAULT_SIZE = (1200, 800)
MINIMUM_SIZE = (800, 600)
MAXIMUM_SANE_SIZE = 20000
BACKGROUND_COLOUR = "#f7f6fb"


def has_display() -> bool:
    """Whether a window can be shown: on Linux and other X11/Wayland systems that means
    ``DISPLAY`` or ``WAYLAND_DISPLAY`` is set; Windows and macOS always have one."""
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def prepare_qt_environment() -> None:
    """Select PySide6 for QtPy and, when running as root, turn off Chromium's sandbox.

    QtWebEngine refuses to start as root unless its sandbox is disabled; as an ordinary
    user the sandbox stays on.
    """
    os.environ["QT_API"] = "pyside6"
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
        log.warning("running as root: QtWebEngine's sandbox is disabled (--no-sandbox)")


@dataclass
class WindowGeometry:
    """The window's size and, once known, its position on screen."""

    width: int = DEFAULT_SIZE[0]
    height: int = DEFAULT_SIZE[1]
    x: int | None = None
    y: int | None = None

    @classmethod
    def load(cls, path: Path) -> WindowGeometry:
        """Read a saved geometry; a missing, unreadable or implausible file gives the default."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            log.warning("ignoring window state %s: %s", path, error)
            return cls()
        if not isinstance(saved, dict):
            log.warning("ignoring window state %s: not a JSON object", path)
            return cls()
        return cls.from_mapping(saved)

    @classmethod
    def from_mapping(cls, saved: dict[str, object]) -> WindowGeometry:
        """Keep each saved value only if it is a plausible integer; sizes at least the minimum."""
        geometry = cls()
        width, height = saved.get("width"), saved.get("height")
        if _is_int(width) and _is_int(height):
            geometry.width = min(max(width, MINIMUM_SIZE[0]), MAXIMUM_SANE_SIZE)
            geometry.height = min(max(height, MINIMUM_SIZE[1]), MAXIMUM_SANE_SIZE)
        x, y = saved.get("x"), saved.get("y")
        if _is_int(x) and _is_int(y) and abs(x) < MAXIMUM_SANE_SIZE and abs(y) < MAXIMUM_SANE_SIZE:
            geometry.x, geometry.y = x, y
        return geometry

    def save(self, path: Path) -> None:
        """Write the geometry atomically (a temporary file renamed over the old one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self)), encoding="utf-8")
        temporary.replace(path)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def should_open_externally(url: str, app_origin: str | None) -> bool:
    """Whether a top-level navigation to ``url`` belongs in the system browser.

    Once the app is loaded, only pages of its own origin stay in the window; other web pages
    go to the system browser; anything else (``file:``, ``javascript:``) goes nowhere.
    """
    parts = urlsplit(url)
    if app_origin is None or f"{parts.scheme}://{parts.netloc}" == app_origin:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_foreign_navigation(url: str, app_origin: str | None) -> bool:
    """Whether a top-level navigation leaves the app (refused in the window)."""
    if app_origin is None:
        return False
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" != app_origin


def open_in_system_browser(url: str) -> None:
    """Hand ``url`` to the system browser without blocking the window."""
    parts = urlsplit(url)
    log.info("opening in the system browser: %s://%s%s", parts.scheme, parts.netloc, parts.path)
    threading.Thread(target=webbrowser.open, args=(url, 2), daemon=True).start()


def install_link_guard(native_window: object, app_origin: Callable[[], str | None]) -> object:
    """Keep the window on the app: other sites open in the system browser, the rest is refused.

    Done in Qt (a page-level request interceptor) rather than in page script, because the
    app's Content-Security-Policy rightly forbids the ``eval``/``new Function`` that
    pywebview's JavaScript bridge and ``evaluate_js`` need. Must run on the GUI thread;
    returns the interceptor, which the caller keeps alive.
    """
    from qtpy.QtWebEngineCore import QWebEngineUrlRequestInfo
    from qtpy.QtWebEngineCore import QWebEngineUrlRequestInterceptor

    main_frame = QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame

    class LinkGuard(QWebEngineUrlRequestInterceptor):
        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
            if info.resourceType() != main_frame:
                return
            url = info.requestUrl().toString()
            origin = app_origin()
            if not is_foreign_navigation(url, origin):
                return
            info.block(True)
            if should_open_externally(url, origin):
                open_in_system_browser(url)
            else:
                log.warning("refused to open %.200s in the window", url)

    guard = LinkGuard()
    native_window.webview.page().setUrlRequestInterceptor(guard)
    return guard


def loading_page() -> str:
    """The page shown at once while Kindred starts: the icon, the name and a spinner."""
    from desktop.paths import icon_file

    try:
        icon = base64.b64encode(icon_file().read_bytes()).decode("ascii")
        icon_tag = f'<img src="data:image/png;base64,{icon}" width="96" height="96" alt="">'
    except OSError:
        icon_tag = ""
    return LOADING_TEMPLATE.replace("{icon}", icon_tag).replace("{message}", "Loading Kindred…")


def error_page(sentence: str) -> str:
    """A page saying, in one sentence, why Kindred could not start."""
    message = f"Kindred could not start: {html.escape(sentence)}"
    return (
        LOADING_TEMPLATE.replace("{icon}", "")
        .replace("{message}", message)
        .replace('class="spinner"', 'class="spinner" hidden')
    )


LOADING_TEMPLATE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kindred</title>
<style>
  html, body {{ height: 100%; margin: 0; background: {BACKGROUND_COLOUR};
    font-family: system-ui, "DejaVu Sans", sans-serif; color: #2d2a4a; }}
  main {{ height: 100%; display: flex; flex-direction: column; align-items: center;
    justify-content: center; gap: 18px; text-align: center; padding: 0 10%; }}
  .spinner {{ width: 28px; height: 28px; border: 4px solid #d9d4f0;
    border-top-color: #3b2f8f; border-radius: 50%; animation: spin 0.9s linear infinite; }}
  @keyframes spin {{ to {{ transform: rotate(360deg); }} }}
</style></head>
<body><main>{{icon}}<p>{{message}}</p><div class="spinner"></div></main></body></html>
"""


class KindredWindow:
    """One pywebview window whose content comes from a server started in the background.

    ``start_server`` runs in a helper thread after the window is shown; it returns the URL to
    open (with the access token) or raises a ``KindredError`` whose sentence is shown in the
    window. ``run`` blocks the main thread until the window is closed.
    """

    def __init__(self, geometry_file: Path, icon: Path | None) -> None:
        self._geometry_file = geometry_file
        self._geometry = WindowGeometry.load(geometry_file)
        self._icon = icon
        self._app_origin: str | None = None
        self._window = None
        self._link_guard: object | None = None
        self._started = threading.Event()
        self._closed = threading.Event()
        self.startup_failed = False

    def run(self, start_server: Callable[[], str]) -> None:
        """Show the window, load the app once ``start_server`` returns, block until closed."""
        import webview

        webview.settings["OPEN_EXTERNAL_LINKS_IN_BROWSER"] = True
        webview.settings["ALLOW_DOWNLOADS"] = True
        geometry = self._geometry
        self._window = webview.create_window(
            WINDOW_TITLE,
            html=loading_page(),
            width=geometry.width,
            height=geometry.height,
            x=geometry.x,
            y=geometry.y,
            min_size=MINIMUM_SIZE,
            background_color=BACKGROUND_COLOUR,
            text_select=True,
        )
        self._window.events.before_show += self._on_before_show
        self._window.events.loaded += self._on_loaded
        self._window.events.resized += self._on_resized
        self._window.events.moved += self._on_moved
        self._window.events.closing += self._on_closing
        icon = str(self._icon) if self._icon is not None and self._icon.exists() else None
        webview.start(self._load_app, args=(start_server,), gui="qt", icon=icon)
        self._started.wait()

    def close(self) -> None:
        """Close the window from any thread (used for SIGTERM); the same path as the close
        button, so the geometry is saved and ``run`` returns."""
        if self._window is not None and not self._closed.is_set():
            self._window.destroy()

    def bring_to_front(self, reload: bool = False) -> None:
        """Show, un-minimise and raise the window (another launch asked for it); ``reload``
        shows the page again with fresh data."""
        if self._window is None or self._closed.is_set():
            return
        self._window.restore()
        self._window.show()
        self._window.on_top = True
        self._window.on_top = False
        if reload and self._app_origin is not None:
            current = self._window.get_current_url()
            if current and current.startswith(self._app_origin):
                self._window.load_url(current)
        log.info("brought to the front by another launch")

    def choose_file(
        self, purpose: str, file_types: Sequence[str] = (), suggested_name: str = ""
    ) -> str | None:
        """Ask the person for a file with the system's own open or save dialog.

        ``purpose`` is "open" or "save"; ``file_types`` are pywebview filters such as
        ``"Ratings (*.csv;*.zip)"``. Returns the chosen path, or None when the person cancels
        or the window is gone. Callable from any thread (the web server's, typically); it
        blocks until the dialog closes. The app gets it as ``NATIVE_FILE_DIALOG``.
        """
        import webview

        if self._window is None or self._closed.is_set():
            return None
        dialog = webview.FileDialog.SAVE if purpose == "save" else webview.FileDialog.OPEN
        chosen = self._window.create_file_dialog(
            dialog, save_filename=suggested_name, file_types=tuple(file_types)
        )
        if not chosen:
            return None
        return str(chosen) if isinstance(chosen, str) else str(chosen[0])

    def _load_app(self, start_server: Callable[[], str]) -> None:
        from recommender.errors import KindredError

        try:
            url = start_server()
        except KindredError as error:
            log.error("start-up failed: %s", error)
            self._show_failure(str(error))
            return
        except Exception:
            log.exception("start-up failed unexpectedly")
            self._show_failure("an unexpected error; details are in the log.")
            return
        finally:
            self._started.set()
        if self._closed.is_set():
            log.info("the window was closed before Kindred finished starting")
            return
        parts = urlsplit(url)
        self._app_origin = f"{parts.scheme}://{parts.netloc}"
        self._window.load_url(url)

    def _show_failure(self, sentence: str) -> None:
        self.startup_failed = True
        if not self._closed.is_set():
            self._window.load_html(error_page(sentence))

    def _on_before_show(self, window: object) -> None:
        self._link_guard = install_link_guard(self._window.native, lambda: self._app_origin)

    def _on_loaded(self, window: object) -> None:
        parts = urlsplit(self._window.get_current_url() or "")
        if parts.scheme in ("http", "https"):
            log.info("window loaded %s://%s%s", parts.scheme, parts.netloc, parts.path)
        else:
            log.info("window loaded the start-up page")

    def _on_resized(self, width: int, height: int) -> None:
        self._geometry.width, self._geometry.height = int(width), int(height)

    def _on_moved(self, x: int, y: int) -> None:
        self._geometry.x, self._geometry.y = int(x), int(y)

    def _on_closing(self) -> None:
        try:
            self._geometry.save(self._geometry_file)
        except OSError as error:
            log.warning("could not save the window's size to %s: %s", self._geometry_file, error)
        self._closed.set()
        log.info("window closing")
