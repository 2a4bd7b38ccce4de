"""The staged import flow through ``app.test_client()``: stage, preview, start, poll, cancel,
and download the skipped rows; every bad request is one sentence and changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender.workspace import Workspace
from ui import create_app

COMMUNITY = "film,person,score\n" + "".join(
    f"u{user},m{item},{1 + (user + item) % 5}\n" for user in range(6) for item in range(5)
)


def stage(client: FlaskClient, csrf: dict, content: bytes, name: str = "mine.csv"):
    return client.post(
        f"/api/import/staged?name={name}",
        data=content,
        headers={**csrf, "Content-Type": "application/octet-stream"},
    )


def export_with_bad_rows(workspace: Workspace) -> bytes:
    titles = workspace.catalogue(per_page=4)["items"]
    lines = ["Title,Year,Rating", *[f'"{t["title"]}",{t["year"]},4' for t in titles]]
    lines += ["Broken Row,2001,xyz", "@SUM(A1),2002,-x"]
    return ("\n".join(lines) + "\n").encode()


def finished_job(client: FlaskClient, workspace: Workspace, job_id: str) -> dict:
    assert workspace.wait_for_import(30)
    response = client.get(f"/api/import/jobs/{job_id}")
    assert response.status_code == 200
    return response.json


def test_stage_preview_import_and_download_the_skipped_rows(
    client: FlaskClient, csrf: dict, workspace: Workspace
) -> None:
    response = stage(client, csrf, export_with_bad_rows(workspace))
    assert response.status_code == 201, response.json
    preview = response.json
    assert (preview["file"], preview["kind"], preview["format"]) == (
        "mine.csv",
        "personal",
        "generic",
    )
    assert [c["role"] for c in preview["columns"]] == ["title", "year", "rating"]
    assert preview["rows"][4] == ["Broken Row", "2001", "xyz"]
    assert client.get(f"/api/import/staged/{preview['staged_id']}").json == preview

    started = client.post(
        "/api/import/jobs", json={"staged_id": preview["staged_id"]}, headers=csrf
    )
    assert started.status_code == 202 and started.json["state"] == "running"
    job = finished_job(client, workspace, started.json["id"])
    assert job["state"] == "finished" and job["rows_read"] == 6
    result = job["result"]
    assert result["added"] == 4 and result["report"]["skipped_rows"] == 2

    download = client.get(f"/api/imports/{result['import_id']}/skipped.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="mine-skipped-rows.csv"'
    )
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[1][:3] == ["6", "rating", "rating 'xyz' is not a number"]
    assert rows[2][0] == "7" and rows[2][3:] == ["'-x", "'@SUM(A1),2002,-x"]


def test_corrected_roles_and_kind_reach_the_import(
    client: FlaskClient, csrf: dict, workspace: Workspace
) -> None:
    preview = stage(client, csrf, COMMUNITY.encode(), "club.csv").json
    assert preview["kind"] == "community"
    body = {
        "staged_id": preview["staged_id"],
        "kind": "community",
        "columns": {"user": 0, "item": 1, "rating": 2},
        "name": "Club",
    }
    started = client.post("/api/import/jobs", json=body, headers=csrf)
    assert started.status_code == 202, started.json
    result = finished_job(client, workspace, started.json["id"])["result"]
    assert result["name"] == "Club" and result["stored"]["users"] == 6


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"columns": {"user": 0, "item": 0, "rating": 2}}, "cannot be both the user and the item"),
        ({"columns": {"user": 0, "item": 1}}, "choose the rating column"),
        ({"columns": {"user": 0, "item": 1, "rating": 9}}, "column 10 does not exist"),
        ({"columns": ["user"]}, "'columns' must map each role"),
        ({"columns": {"user": True, "item": 1, "rating": 2}}, "'columns' must map each role"),
        ({"kind": "everybody"}, 'must be "personal" or "community"'),
        ({"kind": "personal"}, "no user column"),
        ({"staged_id": "unknown"}, "no longer waiting to be imported"),
        ({"staged_id": 7}, "'staged_id' must name a staged file"),
        ({"name": 5}, "'name' must be text"),
    ],
)
def test_bad_starts_are_refused_with_one_sentence(
    client: FlaskClient, csrf: dict, workspace: Workspace, body: dict, message: str
) -> None:
    staged_id = stage(client, csrf, COMMUNITY.encode(), "club.csv").json["staged_id"]
    response = client.post("/api/import/jobs", json={"staged_id": staged_id, **body}, headers=csrf)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert len(workspace.communities()) == 1 and workspace.import_job("x") is None


def test_a_file_that_is_no_table_is_refused_when_staged(client: FlaskClient, csrf: dict) -> None:
    response = stage(client, csrf, b"\x00\x01\x02 not a table", "holiday.csv")
    assert response.status_code == 400
    assert response.json == {"error": "holiday.csv: is a binary file, not a ratings table."}
    assert stage(client, csrf, b"x,y\n1,2\n", "").json == {
        "error": "'name' must give the file's name."
    }


def test_a_huge_upload_is_refused_with_a_sentence(workspace: Workspace) -> None:
    app = create_app(
        {"WORKSPACE": workspace, "TESTING": True, "IMPORT_UPLOAD_MAX_BYTES": 2 * 1024**2}
    )
    csrf = {"X-CSRF-Token": app.config["CSRF_TOKEN"]}
    response = stage(app.test_client(), csrf, b"1,2,3\n" * 600_000, "huge.csv")
    assert response.status_code == 413
    assert response.json["error"].startswith("The file is larger than the 2 MB an upload may be")
    # Bigger than the app's 16 MB form limit is fine for a staged upload under its own limit.
    big = create_app({"WORKSPACE": workspace, "TESTING": True})
    csrf = {"X-CSRF-Token": big.config["CSRF_TOKEN"]}
    content = COMMUNITY.encode() + b"u12345,m67890,3\n" * 1_100_000
    assert len(content) > 16 * 1024**2
    response = stage(big.test_client(), csrf, content, "big.csv")
    assert response.status_code == 201, response.json


def test_unknown_jobs_and_finished_jobs(
    client: FlaskClient, csrf: dict, workspace: Workspace
) -> None:
    assert client.get("/api/import/jobs/nope").status_code == 404
    assert client.post("/api/import/jobs/nope/cancel", headers=csrf).status_code == 404
    assert client.get("/api/imports/424242/skipped.csv").status_code == 404
    staged_id = stage(client, csrf, COMMUNITY.encode(), "club.csv").json["staged_id"]
    job_id = client.post("/api/import/jobs", json={"staged_id": staged_id}, headers=csrf).json["id"]
    finished_job(client, workspace, job_id)
    response = client.post(f"/api/import/jobs/{job_id}/cancel", headers=csrf)
    assert response.status_code == 400
    assert response.json == {
        "error": "That import has already finished; there is nothing to cancel."
    }


def test_a_staged_file_can_be_discarded(client: FlaskClient, csrf: dict) -> None:
    staged_id = stage(client, csrf, COMMUNITY.encode(), "club.csv").json["staged_id"]
    assert client.delete(f"/api/import/staged/{staged_id}", headers=csrf).status_code == 200
    assert client.get(f"/api/import/staged/{staged_id}").status_code == 400


def test_changes_need_the_csrf_token(client: FlaskClient) -> None:
    assert client.post("/api/import/staged?name=a.csv", data=b"a,b\n").status_code == 403
    assert client.post("/api/import/jobs", json={"staged_id": "x"}).status_code == 403
    assert client.post("/api/import/jobs/x/cancel").status_code == 403


def test_the_json_twin_of_the_page(client: FlaskClient) -> None:
    answer = client.get("/api/import").json
    assert answer["native_dialog"] is False and answer["upload_max_bytes"] == 1024**3
    assert answer["status"]["community"]["is_demo"] is True


def test_the_native_dialog_stages_in_place(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "club.csv"
    path.write_text(COMMUNITY)
    app: Flask = create_app(
        {"WORKSPACE": workspace, "TESTING": True, "NATIVE_FILE_DIALOG": lambda *a, **k: str(path)}
    )
    csrf = {"X-CSRF-Token": app.config["CSRF_TOKEN"]}
    client = app.test_client()
    preview = client.post("/api/native/open-file", json={"purpose": "community"}, headers=csrf)
    assert preview.status_code == 200 and preview.json["file"] == str(path)
    job_id = client.post(
        "/api/import/jobs", json={"staged_id": preview.json["staged_id"]}, headers=csrf
    ).json["id"]
    job = finished_job(client, workspace, job_id)
    assert job["result"]["name"] == "club" and path.exists()
