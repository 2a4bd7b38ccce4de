"""The JSON twins under ``/api`` through ``app.test_client()``, on the real demo community."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from uitest_support import Person

from recommender.workspace import Workspace
from ui import create_app

ITEM_FIELDS = {
    "item",
    "title",
    "year",
    "genres",
    "my_rating",
    "community_mean",
    "community_count",
    # the same ratings in the person's display scale (recommender.display_scale)
    "my_rating_display",
    "community_mean_display",
}
RECOMMENDATION_FIELDS = ITEM_FIELDS | {
    "predicted_rating",
    "predicted_rating_display",
    "baseline_rating",  # what Kindred would expect without kindred people
    "baseline_rating_display",
    "confidence",
    "score",
    "kindred_count",
    "neighbours",
    "wanted",  # added by the interface: is it on the want-list
}


def test_status_describes_the_demo_community(client: FlaskClient) -> None:
    status = client.get("/api/status").json
    assert status["community"]["is_demo"] is True
    assert status["community"]["scale"] == [0.5, 5.0]
    assert status["my_ratings"] == 0
    assert status["enough_ratings"] is False
    assert status["min_ratings"] == 5


def test_catalogue_pages_search_and_filters(client: FlaskClient, workspace: Workspace) -> None:
    page = client.get("/api/catalogue?per_page=7&page=2&sort=title").json
    assert page == workspace.with_display(workspace.catalogue(per_page=7, page=2, sort="title"))
    assert page["display_scale"]["scale"] == [0.5, 5.0]
    assert len(page["items"]) == 7
    assert set(page["items"][0]) == ITEM_FIELDS
    horror = client.get("/api/catalogue?genre=Horror").json
    assert horror["total"] > 0
    assert all("Horror" in item["genres"] for item in horror["items"])
    title = page["items"][0]["title"]
    found = client.get("/api/catalogue", query_string={"q": title}).json
    assert title in [item["title"] for item in found["items"]]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/catalogue?sort=loudest", 400, "Unknown sort 'loudest'"),
        ("/api/catalogue?page=-1", 400, "'page' must be between"),
        ("/api/catalogue?per_page=x", 400, "'per_page' must be a whole number"),
        ("/api/recommendations?n=abc", 400, "'n' must be a whole number"),
        ("/api/recommendations?n=0", 400, "'n' must be between 1 and 200"),
        ("/api/recommendations?user=nobody-here", 404, "'nobody-here' is not a member"),
        ("/api/items/no-such-item", 404, "There is no item 'no-such-item'"),
        ("/api/people?n=100000", 400, "'n' must be between"),
        ("/api/nothing-here", 404, "There is no such page in Kindred."),
    ],
)
def test_bad_requests_answer_one_sentence_as_json(
    client: FlaskClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"}
    assert message in response.json["error"]


def test_a_rating_is_saved_returned_and_survives_a_restart(
    tmp_path: Path, client: FlaskClient, person: Person
) -> None:
    item = person.popular_items(1)[0]
    saved = person.rate(item, 4.5)
    assert saved["item"] == item and saved["my_rating"] == 4.5
    listed = client.get("/api/ratings").json
    assert listed["count"] == 1
    assert listed["items"][0]["item"] == item and "rated_at" in listed["items"][0]

    restarted = Workspace(tmp_path / "data")
    try:
        answer = create_app({"WORKSPACE": restarted}).test_client().get("/api/ratings").json
    finally:
        restarted.store.close()
    assert [(r["item"], r["my_rating"]) for r in answer["items"]] == [(item, 4.5)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"item": "no-such-item", "rating": 4.0}, "There is no item 'no-such-item'"),
        ({"item": "{first}", "rating": 9}, "A rating must be between 0.5 and 5"),
        ({"item": "{first}", "rating": "four"}, "'rating' must be a number."),
        ({"item": "{first}", "rating": True}, "'rating' must be a number."),
        ({"item": "{first}"}, "'rating' must be a number."),
        ({"rating": 4.0}, "'item' must be an item id."),
        ({"item": 12, "rating": 4.0}, "'item' must be an item id."),
        ([1, 2], "The request body must be a JSON object."),
    ],
)
def test_bad_ratings_are_refused_and_change_nothing(
    client: FlaskClient, csrf: dict[str, str], person: Person, body: object, message: str
) -> None:
    first = person.popular_items(1)[0]
    person.rate(first, 3.0)
    if isinstance(body, dict) and body.get("item") == "{first}":
        body = {**body, "item": first}
    response = client.post("/api/ratings", json=body, headers=csrf)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert [(r["item"], r["my_rating"]) for r in client.get("/api/ratings").json["items"]] == [
        (first, 3.0)
    ]


def test_a_body_that_is_not_json_is_refused(client: FlaskClient, csrf: dict[str, str]) -> None:
    response = client.post("/api/ratings", data="item=1", headers=csrf)
    assert response.status_code == 400
    assert response.json == {"error": "The request body must be a JSON object."}


def test_delete_returns_the_previous_rating_for_undo(
    client: FlaskClient, csrf: dict[str, str], person: Person
) -> None:
    item = person.popular_items(1)[0]
    person.rate(item, 2.5)
    removed = client.delete("/api/ratings", json={"item": item}, headers=csrf)
    assert removed.status_code == 200
    assert removed.json == {"item": item, "previous_rating": 2.5}
    assert client.get("/api/ratings").json["count"] == 0
    person.rate(item, removed.json["previous_rating"])  # what Undo does
    assert client.get("/api/ratings").json["items"][0]["my_rating"] == 2.5


def test_recommendations_for_a_community_member(client: FlaskClient, workspace: Workspace) -> None:
    member = str(workspace.community.ratings["user"].iloc[0])
    answer = client.get(f"/api/recommendations?user={member}&n=10").json
    assert answer["for"] == member
    assert answer["enough_ratings"] is True
    assert 0 < len(answer["items"]) <= 10
    assert set(answer["items"][0]) == RECOMMENDATION_FIELDS
    seen = set(
        workspace.community.ratings.loc[workspace.community.ratings["user"] == member, "item"]
    )
    assert not seen & {item["item"] for item in answer["items"]}
    scores = [item["score"] for item in answer["items"]]
    assert scores == sorted(scores, reverse=True)
    lowest, highest = workspace.community.scale
    assert all(lowest <= item["predicted_rating"] <= highest for item in answer["items"])
    assert all(0 <= item["confidence"] <= 1 for item in answer["items"])
    first = answer["items"][0]
    assert first["kindred_count"] == len(first["neighbours"]) > 0
    assert set(first["neighbours"][0]) == {"user", "similarity", "rating", "rating_display"}


def test_recommendations_for_the_person_follow_their_ratings(
    client: FlaskClient, person: Person
) -> None:
    assert client.get("/api/recommendations").json["enough_ratings"] is False
    rated = person.popular_items(5, genre="Sci-Fi")
    person.rate_all(rated, 5.0)
    answer = client.get("/api/recommendations?n=10").json
    assert answer["for"] == "you" and answer["based_on"] == 5 and answer["enough_ratings"]
    recommended = [item["item"] for item in answer["items"]]
    assert len(recommended) == 10
    assert not set(rated) & set(recommended)

    person.rate(recommended[0], 1.0)  # rating in place removes it from the list
    after = [item["item"] for item in client.get("/api/recommendations?n=10").json["items"]]
    assert recommended[0] not in after


def test_hiding_a_recommendation_and_undoing_it(
    client: FlaskClient, csrf: dict[str, str], person: Person
) -> None:
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    first = client.get("/api/recommendations?n=5").json["items"][0]["item"]
    hidden = client.post("/api/hidden", json={"item": first}, headers=csrf)
    assert hidden.json == {"item": first, "hidden": True}
    after = [item["item"] for item in client.get("/api/recommendations?n=5").json["items"]]
    assert first not in after
    client.delete("/api/hidden", json={"item": first}, headers=csrf)
    restored = client.get("/api/recommendations?n=5").json["items"][0]["item"]
    assert restored == first


def test_item_details(client: FlaskClient, person: Person, workspace: Workspace) -> None:
    item = person.popular_items(1)[0]
    details = client.get(f"/api/items/{item}").json
    assert details == {**workspace.item(item), "wanted": False}
    assert sum(details["histogram"].values()) == details["community_count"]


def test_people_list_kindred_neighbours(client: FlaskClient, person: Person) -> None:
    nobody = client.get("/api/people").json
    assert (nobody["based_on"], nobody["items"]) == (0, [])
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    people = client.get("/api/people?n=5").json
    assert people["based_on"] == 5
    assert 0 < len(people["items"]) <= 5
    similarities = [p["similarity"] for p in people["items"]]
    assert similarities == sorted(similarities, reverse=True)
    assert {"user", "similarity", "overlap", "agree", "disagree"} == set(people["items"][0])


def test_wrong_method_is_a_json_405(client: FlaskClient, csrf: dict[str, str]) -> None:
    response = client.put("/api/ratings", json={}, headers=csrf)
    assert response.status_code == 405
    assert response.json == {"error": "That action is not allowed here."}


def test_an_unexpected_failure_is_a_json_500_without_internals(
    client: FlaskClient, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(workspace, "status", broken)
    response = client.get("/api/status")
    assert response.status_code == 500
    assert response.json == {
        "error": "Something went wrong inside Kindred; the details are in its log."
    }


def test_the_app_opens_its_own_workspace_in_the_data_dir(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path / "own")})
    workspace = app.extensions["kindred.workspace"]
    try:
        assert workspace.data_dir == tmp_path / "own"
        assert app.test_client().get("/api/status").json["community"]["is_demo"] is True
    finally:
        workspace.close()


def test_without_a_data_dir_the_app_uses_kindred_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINDRED_DATA_DIR", str(tmp_path / "from-environment"))
    app = create_app()
    workspace = app.extensions["kindred.workspace"]
    try:
        assert workspace.data_dir == tmp_path / "from-environment"
    finally:
        workspace.close()
