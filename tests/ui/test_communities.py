"""Communities through the page and its JSON twin: import, switch, delete."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

SMALL_COMMUNITY = (
    "user,item,rating\n"
    + "".join(
        f"u{user},i{item},{1 + (user + item) % 5}\n" for user in range(6) for item in range(8)
    )
).encode()


def import_community(client: FlaskClient, csrf: dict[str, str], name: str | None = None):
    data: dict[str, object] = {"file": (io.BytesIO(SMALL_COMMUNITY), "tiny ratings.csv")}
    if name is not None:
        data["name"] = name
    return client.post(
        "/api/communities", data=data, headers=csrf, content_type="multipart/form-data"
    )


def test_the_demo_is_listed_in_use_and_cannot_be_deleted(
    client: FlaskClient, csrf: dict[str, str]
) -> None:
    listed = client.get("/api/communities").json["items"]
    assert [(c["name"], c["is_demo"], c["current"]) for c in listed] == [("Demo films", True, True)]
    html = client.get("/communities").get_data(as_text=True)
    assert 'class="badge badge-current">In use<' in html
    assert "data-delete" not in html
    refused = client.delete("/api/communities", json={"name": "Demo films"}, headers=csrf)
    assert refused.status_code == 400
    assert refused.json == {"error": "The demo community is built in and cannot be deleted."}


def test_import_switch_and_delete_a_community(client: FlaskClient, csrf: dict[str, str]) -> None:
    imported = import_community(client, csrf, name="Tiny <b>club</b>")
    assert imported.status_code == 200, imported.json
    assert imported.json["name"] == "Tiny <b>club</b>"
    assert imported.json["stored"]["ratings"] == 48
    assert imported.json["report"]["file"] == "tiny_ratings.csv"

    html = client.get("/communities").get_data(as_text=True)
    assert "Tiny &lt;b&gt;club&lt;/b&gt;" in html and "<b>club</b>" not in html
    assert "Use this community" in html

    status = client.post(
        "/api/communities/current", json={"name": "Tiny <b>club</b>"}, headers=csrf
    ).json
    assert status["community"]["name"] == "Tiny <b>club</b>" and not status["community"]["is_demo"]
    catalogue = client.get("/api/catalogue").json
    assert {item["item"] for item in catalogue["items"]} == {f"i{n}" for n in range(8)}
    assert "Demo data" not in client.get("/catalogue").get_data(as_text=True)

    deleted = client.delete("/api/communities", json={"name": "Tiny <b>club</b>"}, headers=csrf)
    assert deleted.json == {"deleted": "Tiny <b>club</b>", "current": "Demo films"}
    assert client.get("/api/status").json["community"]["is_demo"] is True


@pytest.mark.parametrize(
    ("method", "url", "body", "message"),
    [
        ("post", "/api/communities/current", {"name": "Nobody"}, "Nobody"),
        ("delete", "/api/communities", {"name": "Nobody"}, "no stored community named 'Nobody'"),
        ("post", "/api/communities/current", {"name": ""}, "'name' must be the name"),
        ("delete", "/api/communities", {}, "'name' must be the name"),
    ],
)
def test_unknown_or_missing_names_are_refused(
    client: FlaskClient, csrf: dict[str, str], method: str, url: str, body: dict, message: str
) -> None:
    response = getattr(client, method)(url, json=body, headers=csrf)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert client.get("/api/status").json["community"]["is_demo"] is True


def test_a_bad_community_file_changes_nothing(client: FlaskClient, csrf: dict[str, str]) -> None:
    response = client.post(
        "/api/communities",
        data={"file": (io.BytesIO(b"\x00\x01binary"), "bad.csv")},
        headers=csrf,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "bad.csv" in response.json["error"]
    assert len(client.get("/api/communities").json["items"]) == 1


def test_changes_to_communities_need_the_csrf_token(client: FlaskClient) -> None:
    assert import_community(client, {}).status_code == 403
    assert client.post("/api/communities/current", json={"name": "demo"}).status_code == 403
