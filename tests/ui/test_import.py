"""Importing a personal ratings file through the page's JSON twin, with good and bad rows."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from recommender.workspace import Workspace


def personal_csv(workspace: Workspace) -> tuple[bytes, list[str]]:
    """A generic export: four real demo titles, one unknown title and one unreadable rating."""
    titles = workspace.catalogue(per_page=4)["items"]
    lines = ["Title,Year,Rating"]
    lines += [f'"{item["title"]}",{item["year"]},4' for item in titles]
    lines += ["A Film Nobody Made,1999,3", "Broken Row,2001,xyz"]
    return ("\n".join(lines) + "\n").encode(), [item["item"] for item in titles]


def upload(client: FlaskClient, csrf: dict[str, str], data: bytes, filename: str):
    return client.post(
        "/api/import",
        data={"file": (io.BytesIO(data), filename)},
        headers=csrf,
        content_type="multipart/form-data",
    )


def test_import_page_explains_the_formats(client: FlaskClient) -> None:
    html = client.get("/import").get_data(as_text=True)
    assert "Import your ratings" in html
    assert "Letterboxd" in html and "IMDb" in html and "Goodreads" in html
    assert 'type="file" name="file"' in html


def test_an_export_with_bad_rows_is_imported_and_reported(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace
) -> None:
    data, items = personal_csv(workspace)
    response = upload(client, csrf, data, "my ratings.csv")
    assert response.status_code == 200, response.json
    summary = response.json
    assert summary["added"] == 4 and summary["my_ratings"] == 4
    assert summary["report"]["file"] == "my_ratings.csv"  # the person's file, sanitised
    assert summary["report"]["format"] == "generic"
    assert summary["report"]["errors"] == [{"line": 7, "message": "rating 'xyz' is not a number"}]
    assert [(row["line"], row["title"]) for row in summary["unmatched_rows"]] == [
        (6, "A Film Nobody Made")
    ]
    rated = {row["item"] for row in client.get("/api/ratings").json["items"]}
    assert rated == set(items)


def test_a_file_that_is_not_a_ratings_table_changes_nothing(
    client: FlaskClient, csrf: dict[str, str]
) -> None:
    response = upload(client, csrf, b"\x00\x01\x02\x03 not text", "photo.csv")
    assert response.status_code == 400
    assert response.json == {"error": "photo.csv: is a binary file, not a ratings table."}
    assert client.get("/api/ratings").json["count"] == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "Choose a ratings file to import."), ({"file": (io.BytesIO(b""), "")}, "Choose")],
)
def test_an_upload_without_a_file_is_refused(
    client: FlaskClient, csrf: dict[str, str], data: dict, message: str
) -> None:
    response = client.post(
        "/api/import", data=data, headers=csrf, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert message in response.json["error"]


def test_an_upload_needs_the_csrf_token(client: FlaskClient, workspace: Workspace) -> None:
    data, _items = personal_csv(workspace)
    assert upload(client, {}, data, "mine.csv").status_code == 403
    assert client.get("/api/ratings").json["count"] == 0


def test_an_upload_over_the_size_limit_is_refused(
    client: FlaskClient, csrf: dict[str, str]
) -> None:
    # A hand-made multipart body: the test client would spool a big one to a file of its own.
    head = b'--B\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\n\r\n'
    body = head + b"x" * (16 * 1024 * 1024) + b"\r\n--B--\r\n"
    response = client.post(
        "/api/import", data=body, headers=csrf, content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 413
    assert response.json == {"error": "That upload is too large."}
