"""Choosing a file with the window's native open dialog: ``POST /api/native/open-file`` stages
the chosen file in place and answers its preview; ``POST /api/import/jobs`` imports it.

The system's dialog is replaced by a plain function in the app config (a test double for the
OS dialog) that records how it was called and answers a path to a small generated file, or
None as a person who cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from recommender.workspace import Workspace
from ui import create_app

URL = "/api/native/open-file"
SMALL_COMMUNITY = "user,item,rating\n" + "".join(
    f"u{user},i{item},{1 + (user + item) % 5}\n" for user in range(6) for item in range(8)
)


class ChoosingDialog:
    """Stands in for the window's ``choose_file``: answers ``path`` and remembers each call."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def __call__(
        self, purpose: str, file_types: tuple[str, ...] = (), suggested_name: str = ""
    ) -> str | None:
        self.calls.append((purpose, tuple(file_types)))
        return None if self.path is None else str(self.path)


@pytest.fixture
def app_with(workspace: Workspace) -> Callable[[ChoosingDialog | None], Flask]:
    """An app whose ``NATIVE_FILE_DIALOG`` is the given dialog (None: server-only mode)."""

    def build(dialog: ChoosingDialog | None) -> Flask:
        return create_app({"WORKSPACE": workspace, "TESTING": True, "NATIVE_FILE_DIALOG": dialog})

    return build


def open_file(app: Flask, body: dict, with_csrf: bool = True):
    headers = {"X-CSRF-Token": app.config["CSRF_TOKEN"]} if with_csrf else {}
    return app.test_client().post(URL, json=body, headers=headers)


def personal_export(workspace: Workspace, folder: Path) -> tuple[Path, list[str]]:
    """A generic export on disk: three demo titles rated 4 and one row with a bad rating."""
    titles = workspace.catalogue(per_page=3)["items"]
    lines = ["Title,Year,Rating"]
    lines += [f'"{item["title"]}",{item["year"]},4' for item in titles]
    lines += ["Broken Row,2001,xyz"]
    path = folder / "my ratings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, [item["item"] for item in titles]


def start_and_wait(app: Flask, workspace: Workspace, body: dict) -> dict:
    """Start importing what the dialog staged and answer the finished job."""
    headers = {"X-CSRF-Token": app.config["CSRF_TOKEN"]}
    client = app.test_client()
    started = client.post("/api/import/jobs", json=body, headers=headers)
    assert started.status_code == 202, started.json
    assert workspace.wait_for_import(30)
    job = client.get(f"/api/import/jobs/{started.json['id']}").json
    assert job["state"] == "finished", job
    return job["result"]


def test_a_personal_file_chosen_in_the_dialog_is_staged_in_place(
    app_with, workspace: Workspace, tmp_path: Path
) -> None:
    path, items = personal_export(workspace, tmp_path)
    dialog = ChoosingDialog(path)
    app = app_with(dialog)
    response = open_file(app, {"purpose": "personal"})
    assert response.status_code == 200, response.json
    preview = response.json
    assert dialog.calls == [("open", ("Ratings (*.csv;*.tsv;*.txt;*.zip)", "All files (*.*)"))]
    assert preview["file"] == str(path)  # read where it is, not copied
    assert (preview["kind"], preview["format"]) == ("personal", "generic")
    assert workspace.my_ratings_map() == {}  # nothing imported before the person says so
    summary = start_and_wait(app, workspace, {"staged_id": preview["staged_id"]})
    assert summary["added"] == 3 and summary["my_ratings"] == 3
    assert summary["report"]["file"] == str(path)
    assert summary["report"]["errors"] == [{"line": 5, "message": "rating 'xyz' is not a number"}]
    rated = {row["item"] for row in app.test_client().get("/api/ratings").json["items"]}
    assert rated == set(items)
    assert path.exists()  # the person's file is left alone


def test_a_community_file_chosen_in_the_dialog_is_stored_under_its_name(
    app_with, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "tiny ratings.csv"
    path.write_text(SMALL_COMMUNITY, encoding="utf-8")
    dialog = ChoosingDialog(path)
    app = app_with(dialog)
    response = open_file(app, {"purpose": "community"})
    assert response.status_code == 200, response.json
    assert dialog.calls[0][0] == "open" and "*.dat" in dialog.calls[0][1][0]
    body = {"staged_id": response.json["staged_id"], "name": "  Tiny club  "}
    answer = start_and_wait(app, workspace, body)
    assert answer["name"] == "Tiny club"
    assert answer["stored"]["ratings"] == 48 and answer["stored"]["users"] == 6
    listed = [c["name"] for c in app.test_client().get("/api/communities").json["items"]]
    assert listed == ["Demo films", "Tiny club"]


def test_a_community_without_a_name_takes_the_files(
    app_with, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "club.csv"
    path.write_text(SMALL_COMMUNITY, encoding="utf-8")
    app = app_with(ChoosingDialog(path))
    response = open_file(app, {"purpose": "community"})
    assert response.status_code == 200, response.json
    assert (
        start_and_wait(app, workspace, {"staged_id": response.json["staged_id"]})["name"] == "club"
    )


@pytest.mark.parametrize("purpose", ["personal", "community"])
def test_closing_the_dialog_imports_nothing(app_with, purpose: str) -> None:
    dialog = ChoosingDialog(None)
    app = app_with(dialog)
    response = open_file(app, {"purpose": purpose})
    assert response.status_code == 200
    assert response.json == {"cancelled": True}
    assert len(dialog.calls) == 1
    client = app.test_client()
    assert client.get("/api/ratings").json["count"] == 0
    assert len(client.get("/api/communities").json["items"]) == 1


@pytest.mark.parametrize("purpose", ["personal", "community"])
def test_a_bad_file_is_one_sentence_and_stores_nothing(
    app_with, tmp_path: Path, purpose: str
) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x00\x01\x02\x03 not text")
    app = app_with(ChoosingDialog(path))
    response = open_file(app, {"purpose": purpose})
    assert response.status_code == 400
    assert response.json == {"error": "photo.csv: is a binary file, not a ratings table."}
    client = app.test_client()
    assert client.get("/api/ratings").json["count"] == 0
    assert len(client.get("/api/communities").json["items"]) == 1


def test_a_vanished_file_is_one_sentence(app_with, tmp_path: Path) -> None:
    response = open_file(app_with(ChoosingDialog(tmp_path / "gone.csv")), {"purpose": "personal"})
    assert response.status_code == 400
    assert response.json == {"error": "gone.csv: the file does not exist."}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, '\'purpose\' must be "personal" or "community".'),
        ({"purpose": "export"}, '\'purpose\' must be "personal" or "community".'),
    ],
)
def test_a_bad_request_is_refused_before_the_dialog_opens(
    app_with, tmp_path: Path, body: dict, message: str
) -> None:
    dialog = ChoosingDialog(tmp_path / "never.csv")
    response = open_file(app_with(dialog), body)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert dialog.calls == []


def test_the_dialog_needs_the_csrf_token(app_with, tmp_path: Path) -> None:
    dialog = ChoosingDialog(tmp_path / "never.csv")
    response = open_file(app_with(dialog), {"purpose": "personal"}, with_csrf=False)
    assert response.status_code == 403
    assert dialog.calls == []


def test_without_a_window_there_is_no_dialog(app_with) -> None:
    response = open_file(app_with(None), {"purpose": "personal"})
    assert response.status_code == 404
    assert response.json == {
        "error": "The system's file dialog exists only inside the Kindred window; upload the file."
    }


@pytest.mark.parametrize("page", ["/import", "/communities"])
def test_pages_offer_the_dialog_only_inside_the_window(app_with, page: str) -> None:
    inside = app_with(ChoosingDialog(None)).test_client().get(page).get_data(as_text=True)
    outside = app_with(None).test_client().get(page).get_data(as_text=True)
    for html in (inside, outside):
        assert 'type="file" name="file"' in html
    assert "data-native-choose" in inside and "Choose a file…" in inside
    assert "data-native-choose" not in outside and "Choose a file…" not in outside
