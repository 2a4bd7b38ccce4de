"""The Settings page and its API: community, model options, data directory, clearing data."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from uitest_support import Person

from recommender.workspace import Workspace


def test_the_page_shows_the_community_options_with_help_and_the_data_dir(
    client: FlaskClient, workspace: Workspace
) -> None:
    html = client.get("/settings").get_data(as_text=True)
    assert workspace.community.name in html
    assert 'href="/communities"' in html
    assert str(workspace.data_dir) in html
    assert 'name="k"' in html and 'value="40"' in html
    assert '<option value="pearson_baseline" selected>' in html
    assert "Kindred people per title" in html and "Default: 40." in html
    assert "Clear my data…" in html


def test_the_json_twin_lists_every_option_with_its_default(client: FlaskClient) -> None:
    settings = client.get("/api/settings").json
    names = [option["name"] for option in settings["model"]["options"]]
    assert names[:2] == ["k", "similarity"] and "shrinkage" in names and "damping" in names
    assert settings["model"]["changed"] == {}
    assert settings["communities"][0]["current"] is True
    assert settings["data_dir"]


def test_changing_options_refits_lazily_and_persists(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, person: Person
) -> None:
    person.rate_all(person.popular_items(5), 4.5)
    before = client.get("/api/recommendations?n=5").json
    assert workspace.model().k == 40
    response = client.post("/api/settings", json={"k": 5, "similarity": "msd"}, headers=csrf)
    assert response.status_code == 200
    assert response.json["model"]["changed"] == {"k": 5, "similarity": "msd"}
    assert workspace._model is None, "refitted on next use, not now"
    after = client.get("/api/recommendations?n=5").json
    assert workspace.model().k == 5 and workspace.model().similarity == "msd"
    assert len(after["items"]) == len(before["items"]) == 5
    html = client.get("/settings").get_data(as_text=True)
    assert 'value="5"' in html and '<option value="msd" selected>' in html
    assert workspace.store.get_setting("model_options") == {"k": 5, "similarity": "msd"}

    reset = client.delete("/api/settings", headers=csrf)
    assert reset.json["model"]["changed"] == {}
    assert workspace.model().k == 40


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"k": 0}, "Kindred people per title must be at least 1."),
        ({"k": "many"}, "Kindred people per title must be a number."),
        ({"similarity": "<b>x</b>"}, "How likeness is measured must be one of: "),
        ({"colour": "blue"}, "Unknown model option 'colour'"),
        ([1, 2], "The request body must be a JSON object."),
    ],
)
def test_bad_options_are_one_sentence_and_change_nothing(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, body, error: str
) -> None:
    response = client.post("/api/settings", json=body, headers=csrf)
    assert response.status_code == 400
    assert response.json["error"].startswith(error)
    assert client.get("/api/settings").json["model"]["changed"] == {}
    assert workspace.store.get_setting("model_options") is None


def test_changes_need_the_csrf_token(client: FlaskClient) -> None:
    assert client.post("/api/settings", json={"k": 5}).status_code == 403
    assert client.post("/api/clear-data", json={"confirm": True}).status_code == 403


def test_clearing_needs_a_confirmation(
    client: FlaskClient, csrf: dict[str, str], person: Person, workspace: Workspace
) -> None:
    person.rate_all(person.popular_items(2), 4.0)
    for body in ({}, {"confirm": "yes"}, {"confirm": False}):
        response = client.post("/api/clear-data", json=body, headers=csrf)
        assert response.status_code == 400
        assert response.json == {"error": "Clearing your data needs 'confirm': true."}
    bad = client.post(
        "/api/clear-data", json={"confirm": True, "include_communities": "yes"}, headers=csrf
    )
    assert bad.json == {"error": "'include_communities' must be true or false."}
    assert len(workspace.my_ratings_map()) == 2


def test_clearing_forgets_ratings_hidden_seen_and_want_list_but_keeps_options(
    client: FlaskClient, csrf: dict[str, str], person: Person, workspace: Workspace
) -> None:
    items = person.popular_items(6)
    person.rate_all(items[:3], 4.0)
    client.post("/api/hidden", json={"item": items[3]}, headers=csrf)
    client.post("/api/want", json={"item": items[4]}, headers=csrf)
    workspace.store.mark_seen(workspace.community.name, items[5])
    client.post("/api/settings", json={"k": 10}, headers=csrf)

    response = client.post("/api/clear-data", json={"confirm": True}, headers=csrf)
    assert response.status_code == 200
    assert response.json == {
        "community": workspace.community.name,
        "cleared": {"ratings": 3, "hidden": 1, "seen": 1, "want_list": 1},
        "deleted_communities": [],
    }
    name = workspace.community.name
    assert workspace.my_ratings_map() == {}
    assert workspace.store.hidden(name) == workspace.store.seen(name) == []
    assert workspace.want_list() == []
    assert workspace.model().k == 10, "model options are kept"


def test_clearing_with_communities_deletes_the_imported_ones_only(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, tmp_path
) -> None:
    community_file = tmp_path / "small.csv"
    ratings = [f"u{u},i{i},{1 + (u + i) % 5}" for u in range(6) for i in range(8)]
    rows = ["user,item,rating", *ratings]
    community_file.write_text("\n".join(rows) + "\n")
    workspace.import_community(community_file, "Small")
    assert [c["name"] for c in client.get("/api/settings").json["communities"]][1:] == ["Small"]
    html = client.get("/settings").get_data(as_text=True)
    assert "Also delete every imported community" in html

    response = client.post(
        "/api/clear-data", json={"confirm": True, "include_communities": True}, headers=csrf
    )
    assert response.json["deleted_communities"] == ["Small"]
    assert len(client.get("/api/settings").json["communities"]) == 1


def test_the_rating_scale_is_chosen_in_settings_with_plain_help(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, person: Person
) -> None:
    html = client.get("/settings").get_data(as_text=True)
    assert "Your rating scale" in html and "8 out of 10 on IMDb is 4 stars" in html
    assert '<option value="auto" selected>' in html
    assert client.get("/api/settings").json["display_scale"]["preference"] == "auto"

    answer = client.post("/api/display-scale", json={"preference": "1-10"}, headers=csrf)
    assert answer.status_code == 200
    assert answer.json["display_scale"]["current"]["scale"] == [1.0, 10.0]
    assert client.get("/api/status").json["display_scale"]["name"] == "1-10"

    item = person.popular_items(1)[0]
    rated = client.post("/api/ratings", json={"item": item, "display_rating": 6}, headers=csrf)
    assert (rated.json["my_rating"], rated.json["my_rating_display"]) == (3.0, 6.0)
    listed = client.get("/api/ratings").json
    assert listed["display_scale"]["name"] == "1-10"
    assert listed["items"][0]["my_rating_display"] == 6.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"preference": "stars"}, "'stars' is not a rating scale Kindred can show; choose one of:"),
        ({}, "'None' is not a rating scale Kindred can show"),
        ([], "The request body must be a JSON object."),
    ],
)
def test_a_bad_rating_scale_is_one_sentence_and_changes_nothing(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, body, message
) -> None:
    workspace.set_display_scale("1-5")
    answer = client.post("/api/display-scale", json=body, headers=csrf)
    assert answer.status_code == 400
    assert answer.json["error"].startswith(message)
    assert workspace.display_scale_setting()["preference"] == "1-5"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"display_rating": 8.5}, "A rating on the 1–10 scale goes in steps of 1; got 8.5."),
        ({"display_rating": 0}, "A rating on the 1–10 scale must be between 1 and 10; got 0."),
        ({"display_rating": "8"}, "'display_rating' must be a number."),
    ],
)
def test_a_rating_off_the_display_scale_is_refused_and_nothing_stored(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, person: Person, body, message
) -> None:
    workspace.set_display_scale("1-10")
    item = person.popular_items(1)[0]
    answer = client.post("/api/ratings", json={"item": item, **body}, headers=csrf)
    assert answer.status_code == 400
    assert answer.json == {"error": message}
    assert workspace.my_ratings_map() == {}
