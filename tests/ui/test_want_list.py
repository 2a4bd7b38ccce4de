"""The want-list: toggled on recommendation cards and item pages, listed on My ratings."""

from __future__ import annotations

from flask.testing import FlaskClient
from uitest_support import Person

from recommender.workspace import Workspace


def test_want_and_unwant_through_the_api(
    client: FlaskClient, csrf: dict[str, str], person: Person, workspace: Workspace
) -> None:
    first, second = person.popular_items(2)
    assert client.post("/api/want", json={"item": second}, headers=csrf).json == {
        "item": second,
        "wanted": True,
    }
    client.post("/api/want", json={"item": first}, headers=csrf)
    client.post("/api/want", json={"item": second}, headers=csrf)  # kept once
    listed = client.get("/api/want").json
    assert [item["item"] for item in listed["items"]] == [second, first]
    assert listed["count"] == 2 and all(item["wanted"] for item in listed["items"])
    assert listed["items"][0]["title"] == workspace.community.title_of(second)

    assert client.delete("/api/want", json={"item": second}, headers=csrf).json == {
        "item": second,
        "wanted": False,
    }
    assert workspace.want_list() == [first]


def test_bad_want_requests_are_one_sentence(client: FlaskClient, csrf: dict[str, str]) -> None:
    unknown = client.post("/api/want", json={"item": "no-such-item"}, headers=csrf)
    assert unknown.status_code == 400
    assert unknown.json["error"].startswith("There is no item 'no-such-item'")
    assert client.post("/api/want", json={}, headers=csrf).json == {
        "error": "'item' must be an item id."
    }
    assert client.post("/api/want", json={"item": "x"}).status_code == 403


def test_cards_and_item_pages_show_the_toggle_pressed_when_wanted(
    client: FlaskClient, csrf: dict[str, str], person: Person
) -> None:
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 4.5)
    recommended = client.get("/api/recommendations?n=5").json["items"]
    assert [item["wanted"] for item in recommended] == [False] * 5
    wanted = recommended[0]["item"]
    client.post("/api/want", json={"item": wanted}, headers=csrf)

    again = client.get("/api/recommendations?n=5").json["items"]
    assert [item["wanted"] for item in again] == [True, False, False, False, False]
    html = client.get("/recommendations").get_data(as_text=True)
    assert f'data-want="{wanted}" aria-pressed="true"' in html
    assert html.count('aria-pressed="false"') >= 4

    assert client.get(f"/api/items/{wanted}").json["wanted"] is True
    item_html = client.get(f"/items/{wanted}").get_data(as_text=True)
    assert f'data-want="{wanted}" aria-pressed="true"' in item_html


def test_my_ratings_lists_the_want_list(
    client: FlaskClient, csrf: dict[str, str], person: Person, workspace: Workspace
) -> None:
    html = client.get("/ratings").get_data(as_text=True)
    assert "0 titles on your want-list" in html and "data-want-list hidden" in html
    item = person.popular_items(1)[0]
    client.post("/api/want", json={"item": item}, headers=csrf)
    html = client.get("/ratings").get_data(as_text=True)
    assert "1 title on your want-list" in html
    assert f'data-want="{item}" aria-pressed="true"' in html
    assert workspace.community.title_of(item) in html
