"""The window's remembered geometry, the external-link bridge and the start-up pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import window
from desktop.window import MINIMUM_SIZE
from desktop.window import WindowGeometry


def test_geometry_round_trips_through_its_file(tmp_path: Path) -> None:
    state_file = tmp_path / "data" / "window.json"
    WindowGeometry(width=1000, height=700, x=12, y=34).save(state_file)
    assert WindowGeometry.load(state_file) == WindowGeometry(1000, 700, 12, 34)


def test_missing_file_gives_the_default_size(tmp_path: Path) -> None:
    geometry = WindowGeometry.load(tmp_path / "absent.json")
    assert (geometry.width, geometry.height, geometry.x, geometry.y) == (1200, 800, None, None)


@pytest.mark.parametrize(
    "content",
    ["not json", "[1, 2]", '{"width": "wide", "height": 700}', '{"width": true, "height": 9}'],
)
def test_unusable_file_gives_the_default(tmp_path: Path, content: str) -> None:
    state_file = tmp_path / "window.json"
    state_file.write_text(content, encoding="utf-8")
    assert WindowGeometry.load(state_file) == WindowGeometry()


def test_sizes_below_the_minimum_are_raised_to_it(tmp_path: Path) -> None:
    state_file = tmp_path / "window.json"
    state_file.write_text(json.dumps({"width": 100, "height": 50, "x": 5, "y": 6}))
    geometry = WindowGeometry.load(state_file)
    assert (geometry.width, geometry.height) == MINIMUM_SIZE
    assert (geometry.x, geometry.y) == (5, 6)


def test_absurd_positions_are_dropped(tmp_path: Path) -> None:
    state_file = tmp_path / "window.json"
    state_file.write_text(json.dumps({"width": 900, "height": 700, "x": 10**9, "y": 0}))
    assert WindowGeometry.load(state_file) == WindowGeometry(900, 700, None, None)


APP = "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("url", "external", "foreign"),
    [
        ("https://www.imdb.com/title/tt0111161/", True, True),
        ("http://letterboxd.com/film/x/", True, True),
        ("http://127.0.0.1:5000/recommendations", False, False),
        ("http://127.0.0.1:5001/", True, True),
        ("file:///etc/passwd", False, True),
        ("javascript:alert(1)", False, True),
    ],
)
def test_links_leave_the_window_only_for_other_web_sites(
    url: str, external: bool, foreign: bool
) -> None:
    assert window.should_open_externally(url, APP) is external
    assert window.is_foreign_navigation(url, APP) is foreign


def test_before_the_app_loads_nothing_is_redirected() -> None:
    assert not window.should_open_externally("https://example.org/", None)
    assert not window.is_foreign_navigation("data:text/html,loading", None)


def test_the_system_browser_gets_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(window.webbrowser, "open", lambda url, new=0: opened.append(url))
    window.open_in_system_browser("https://www.imdb.com/")
    for thread in window.threading.enumerate():
        if thread is not window.threading.current_thread() and thread.daemon:
            thread.join(5)
    assert opened == ["https://www.imdb.com/"]


def test_loading_page_shows_the_icon_and_a_message() -> None:
    page = window.loading_page()
    assert "Loading Kindred…" in page and "data:image/png;base64," in page


def test_error_page_escapes_the_reason() -> None:
    page = window.error_page("bad <dir>")
    assert "bad &lt;dir&gt;" in page and "<dir>" not in page


def test_no_display_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not window.has_display()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert window.has_display()


def test_root_gets_the_sandbox_flag_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QT_API", raising=False)
    monkeypatch.setattr(window.os, "geteuid", lambda: 0)
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    window.prepare_qt_environment()
    window.prepare_qt_environment()
    assert window.os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--disable-gpu --no-sandbox"
    assert window.os.environ["QT_API"] == "pyside6"


def test_ordinary_users_keep_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QT_API", raising=False)
    monkeypatch.setattr(window.os, "geteuid", lambda: 1000)
    monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    window.prepare_qt_environment()
    assert "QTWEBENGINE_CHROMIUM_FLAGS" not in window.os.environ


class DialogWindow:
    """Stands in for pywebview's Window: records the dialog asked for, returns ``answer``."""

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.asked: list[tuple[object, str, tuple[str, ...]]] = []

    def create_file_dialog(self, dialog_type, save_filename="", file_types=()):
        self.asked.append((dialog_type, save_filename, file_types))
        return self.answer


@pytest.fixture
def kindred_window(tmp_path: Path) -> window.KindredWindow:
    return window.KindredWindow(tmp_path / "window.json", icon=None)


def test_open_dialog_returns_the_chosen_path(kindred_window: window.KindredWindow) -> None:
    import webview

    native = DialogWindow(("/home/me/ratings.csv",))
    kindred_window._window = native
    chosen = kindred_window.choose_file("open", ["Ratings (*.csv;*.zip)"])
    assert chosen == "/home/me/ratings.csv"
    assert native.asked == [(webview.FileDialog.OPEN, "", ("Ratings (*.csv;*.zip)",))]


def test_save_dialog_suggests_a_name(kindred_window: window.KindredWindow) -> None:
    import webview

    native = DialogWindow("/home/me/kindred-ratings.csv")
    kindred_window._window = native
    assert kindred_window.choose_file("save", suggested_name="kindred-ratings.csv") == (
        "/home/me/kindred-ratings.csv"
    )
    assert native.asked[0][:2] == (webview.FileDialog.SAVE, "kindred-ratings.csv")


def test_a_cancelled_dialog_or_no_window_gives_none(
    kindred_window: window.KindredWindow,
) -> None:
    assert kindred_window.choose_file("open") is None
    kindred_window._window = DialogWindow(None)
    assert kindred_window.choose_file("open") is None
