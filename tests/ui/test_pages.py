"""Every HTML page through ``app.test_client()``, on the real demo community."""

from __future__ import annotations

import csv
import io
import logging
import re
from itertools import pairwise

import pytest
from flask import Flask
from flask.testing import FlaskClient
from uitest_support import HOSTILE_TITLES
from uitest_support import ODD_ID
from uitest_support import PAGES
from uitest_support import Person

from recommender.workspace import Workspace


def page_text(client: FlaskClient, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_welcome_says_what_kindred_is_and_offers_three_ways_to_start(client: FlaskClient) -> None:
    html = page_text(client, "/")
    assert "Find films you will like, from people who like what you like." in html
    assert "Demo films" in html or "Demo" in html
    assert 'class="badge badge-demo">Demo data<' in html
    assert 'href="/catalogue">Rate a few titles<' in html
    assert 'href="/import">Import a ratings file<' in html
    assert 'href="/recommendations">See recommendations<' in html
    assert "MovieLens" in html and "never downloads" in html
    assert html.count('href="/communities"') >= 3  # header, community card, guide


@pytest.mark.parametrize("url", [*PAGES, "/items/{first}"])
def test_every_page_shows_the_demo_badge_and_has_no_inline_script_or_style(
    client: FlaskClient, person: Person, url: str
) -> None:
    html = page_text(client, url.format(first=person.popular_items(1)[0]))
    assert "Demo data" in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "inline <script>"
    assert re.search(r"\son[a-z]+\s*=", html) is None, "inline event handler"
    assert re.search(r"\sstyle\s*=", html) is None, "inline style attribute"
    assert re.search(r"https?://", html) is None, "link to another origin"


def test_catalogue_starts_with_the_most_rated_titles_and_a_nudge(
    client: FlaskClient, person: Person
) -> None:
    html = page_text(client, "/catalogue")
    assert "Rate at least 5 titles" in html
    assert "titles this community rates highly, then the ones it rates most often" in html
    assert "You have rated 0." in html
    most_rated = client.get("/api/catalogue?sort=popular&per_page=40").json["items"]
    listed = html[html.index('<ul class="item-list">') :]
    assert re.findall(r'<li class="item-row" data-item="([^"]+)">', listed) == [
        item["item"] for item in most_rated
    ]
    highly_rated = html[html.index("Rated highly by this community") : html.index(listed[:30])]
    tiles = re.findall(r'<li class="tile" data-item="([^"]+)">', highly_rated)
    best = client.get("/api/catalogue?sort=top_rated&per_page=60").json["items"]
    shown_below = {item["item"] for item in most_rated}
    assert tiles == [item["item"] for item in best if item["item"] not in shown_below][:6]


def test_highly_rated_titles_only_greet_newcomers_on_the_plain_first_page(
    client: FlaskClient, person: Person
) -> None:
    assert "Rated highly by this community" not in page_text(client, "/catalogue?genre=Drama")
    assert "Rated highly by this community" not in page_text(client, "/catalogue?page=2")
    person.rate_all(person.popular_items(5), 4.0)
    assert "Rated highly by this community" not in page_text(client, "/catalogue")


def test_catalogue_nudge_turns_into_a_link_after_five_ratings(
    client: FlaskClient, person: Person
) -> None:
    person.rate_all(person.popular_items(5), 4.0)
    html = page_text(client, "/catalogue")
    assert re.search(r'data-nudge data-min-ratings="5" hidden', html)
    assert re.search(r'<div class="nudge nudge-ready" data-ready>', html)
    assert "See your recommendations" in html


def test_catalogue_search_genre_sort_and_paging(client: FlaskClient, workspace) -> None:
    title = workspace.catalogue(per_page=1)["items"][0]["title"]
    html = page_text(client, f"/catalogue?q={title}")
    assert f">{title}</a>" in html.replace("&#39;", "'").replace("&amp;", "&")

    html = page_text(client, "/catalogue?genre=Horror&sort=title")
    shown = re.findall(r'data-item="([^"]+)"', html)
    expected = workspace.catalogue(genre="Horror", sort="title")["items"]
    assert shown == [item["item"] for item in expected]
    assert '<option value="title" selected>' in html
    assert "<option selected>Horror</option>" in html

    html = page_text(client, "/catalogue?page=2&per_page=10")
    assert "Page 2 of" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "page=3" in html and "per_page=10" in html


def test_catalogue_rating_control_shows_the_persons_rating(
    client: FlaskClient, person: Person
) -> None:
    item = person.popular_items(1)[0]
    person.rate(item, 3.5)
    html = page_text(client, "/catalogue")
    control = html[html.index(f'<fieldset class="stars" data-rate-item="{item}"') :]
    control = control[: control.index("</fieldset>")]
    assert re.findall(r'value="([\d.]+)" checked', control) == ["3.5"]
    assert len(re.findall(r'type="radio"', control)) == 10  # ten half stars on a 0.5–5 scale
    assert 'aria-hidden="true" data-rating-value>3.5</span>' in control


def test_on_a_1_to_10_display_the_control_has_ten_points_and_ratings_read_out_of_10(
    client: FlaskClient, person: Person, workspace: Workspace
) -> None:
    item = person.popular_items(1)[0]
    person.rate(item, 3.5)
    workspace.set_display_scale("1-10")
    html = page_text(client, "/catalogue")
    control = html[html.index(f'<fieldset class="stars whole many" data-rate-item="{item}"') :]
    control = control[: control.index("</fieldset>")]
    assert re.findall(r'value="([\d.]+)" checked', control) == ["7.0"]
    assert len(re.findall(r'type="radio"', control)) == 10
    assert 'title="7 out of 10"' in control
    assert 'aria-hidden="true" data-rating-value>7</span>' in control
    mean = workspace.item(item)["community_mean"]
    assert f"Community {2 * mean:.1f}/10 from" in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/catalogue?page=abc", "'page' must be a whole number"),
        ("/catalogue?sort=loudest", "Unknown sort"),
        ("/catalogue?per_page=100000", "'per_page' must be between"),
        ("/recommendations?n=0", "'n' must be between"),
        ("/items/no-such-item", "There is no item"),
        ("/recommendations?user=nobody-here", "is not a member"),
        ("/no/such/page", "There is no such page"),
    ],
)
def test_bad_requests_get_a_friendly_page_not_a_traceback(
    client: FlaskClient, url: str, message: str
) -> None:
    response = client.get(url)
    assert response.status_code in (400, 404)
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert "Traceback" not in html
    assert 'href="/">Back to the start' in html


def test_an_unexpected_failure_is_logged_and_shown_as_one_sentence(
    app: Flask, client: FlaskClient, workspace, monkeypatch, caplog
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(workspace, "catalogue", broken)
    with caplog.at_level(logging.ERROR, logger="ui.errors"):
        response = client.get("/catalogue")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong inside Kindred" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert "secret internals" in caplog.text


def test_recommendations_before_enough_ratings_say_so_and_link_to_the_catalogue(
    client: FlaskClient,
) -> None:
    html = page_text(client, "/recommendations")
    assert "Rate a few titles to get recommendations." in html
    assert 'href="/catalogue">Rate titles in the catalogue' in html
    assert 'class="card recommendation"' not in html


def test_recommendations_show_prediction_confidence_and_why(
    client: FlaskClient, person: Person
) -> None:
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    recommended = client.get("/api/recommendations?n=20").json["items"]
    html = page_text(client, "/recommendations")
    assert "Based on your 5 ratings" in html
    cards = re.findall(r'<li class="card recommendation" data-item="([^"]+)">', html)
    assert cards == [item["item"] for item in recommended]
    first = recommended[0]
    assert f"{first['predicted_rating']:.1f}★" in html
    assert f'<meter min="0" max="1" value="{first["confidence"]}">' in html
    people = "person" if first["kindred_count"] == 1 else "people"
    average = sum(n["rating"] for n in first["neighbours"]) / len(first["neighbours"])
    assert (
        f"Why: {first['kindred_count']} kindred {people} rated it, on average {average:.1f}★"
        in html
    )
    neighbour = first["neighbours"][0]
    assert f"<td>Person {neighbour['user']}</td>" in html
    assert 'Hide<span class="visually-hidden">' in html and ", not interested</span>" in html


def test_recommendations_for_a_community_member(client: FlaskClient, workspace) -> None:
    member = str(workspace.community.ratings["user"].iloc[0])
    html = page_text(client, f"/recommendations?user={member}")
    assert f"Recommended for community member {member}" in html
    assert 'class="card recommendation"' in html
    assert 'class="stars"' not in html  # nobody rates on someone else's behalf


def test_my_ratings_lists_edits_and_is_empty_at_first(client: FlaskClient, person: Person) -> None:
    assert "You have not rated anything yet." in page_text(client, "/ratings")
    first, second = person.popular_items(2)
    person.rate(first, 2.0)
    person.rate(second, 4.5)
    html = page_text(client, "/ratings")
    assert "2 ratings, newest first" in html
    assert html.index(f'data-item="{second}"') < html.index(f'data-item="{first}"')
    assert html.count("data-delete-rating") == 2


def test_item_page_shows_histogram_and_kindred_ratings(
    client: FlaskClient, person: Person, workspace
) -> None:
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    recommended = client.get("/api/recommendations?n=1").json["items"][0]
    item = recommended["item"]
    details = workspace.item(item)
    html = page_text(client, f"/items/{item}")
    assert f"<h1>{details['title']}" in html.replace("&#39;", "'").replace("&amp;", "&")
    assert "How the community rated it" in html
    assert html.count("<meter") == len(details["histogram"])
    assert len(details["kindred_ratings"]) > 0
    first = details["kindred_ratings"][0]
    assert f"<td>Person {first['user']}</td>" in html
    assert "Titles in common" in html and "Similarity runs from −1" in html
    assert first["overlap"] >= 1
    # The same prediction as its recommendation card, before the person rates it.
    assert details["predicted_rating"] == recommended["predicted_rating"]
    assert f"<strong>{recommended['predicted_rating']:.1f}★</strong>" in html
    person.rate(item, 3.0)
    assert workspace.item(item)["predicted_rating"] is None
    assert "Kindred expects you to give it" not in page_text(client, f"/items/{item}")


def test_people_page_before_and_after_rating(client: FlaskClient, person: Person) -> None:
    assert "Rate at least 5 titles to find your kindred people." in page_text(client, "/people")
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    people = client.get("/api/people").json["items"]
    html = page_text(client, "/people")
    assert f"Person {people[0]['user']}</h2>" in html
    assert f"rated {people[0]['overlap']} of the same title" in html
    assert "You agree on" in html
    assert f'href="/recommendations?user={people[0]["user"]}"' in html


@pytest.mark.parametrize("url", [*PAGES, "/items/h1", "/items/h2", "/catalogue?q=img"])
def test_hostile_titles_render_as_text_on_every_page(hostile_app: Flask, url: str) -> None:
    client = hostile_app.test_client()
    csrf = {"X-CSRF-Token": hostile_app.config["CSRF_TOKEN"]}
    for item, rating in [("h2", 5.0), ("h3", 4.5), ("h4", 5.0), ("h5", 1.0), ("h6", 1.0)]:
        client.post("/api/ratings", json={"item": item, "rating": rating}, headers=csrf)
    html = page_text(client, url)
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    assert "<svg" not in html
    assert "<b>Bold</b>" not in html and "<i>test</i>" not in html
    if url in ("/recommendations", "/items/h1", "/catalogue?q=img"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert HOSTILE_TITLES["h4"] not in html  # "&" is escaped too


def test_my_ratings_search(client: FlaskClient, person: Person, workspace) -> None:
    first, second = workspace.catalogue(per_page=2)["items"]
    person.rate(first["item"], 2.0)
    person.rate(second["item"], 4.5)
    word = first["title"].split()[0]
    html = page_text(client, "/ratings", query_string={"q": word})
    assert f'data-item="{first["item"]}"' in html
    assert "matching" in html and "Show all" in html
    answer = client.get("/api/ratings", query_string={"q": word}).json
    assert answer["total"] == 2
    assert first["item"] in [item["item"] for item in answer["items"]]
    assert all(word.casefold() in item["title"].casefold() for item in answer["items"])
    nothing = page_text(client, "/ratings?q=zzzqqqxx")
    assert "None of your ratings matches." in nothing


def test_my_ratings_export_as_csv(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    csrf = {"X-CSRF-Token": hostile_app.config["CSRF_TOKEN"]}
    for item, rating in [("h1", 4.5), ("h4", 2.0)]:
        client.post("/api/ratings", json={"item": item, "rating": rating}, headers=csrf)
    response = client.get("/ratings/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="kindred-ratings-hostile-itesti-community.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["item"], r["title"], r["my_rating"]) for r in rows] == [
        ("h4", "Plain & Simple", "2.0"),
        ("h1", "<img src=x onerror=alert(1)>", "4.5"),
    ]
    assert all(r["rated_at"] for r in rows)


def test_export_defuses_spreadsheet_formulas(client: FlaskClient, workspace, monkeypatch) -> None:
    rated = [
        {"item": "x", "title": "=HYPERLINK(1)", "year": None, "my_rating": 3.0, "rated_at": "t"},
        {"item": "=HYPERLINK(2)", "title": "-1", "year": None, "my_rating": 3.0, "rated_at": "t"},
    ]
    monkeypatch.setattr(workspace, "my_ratings", lambda: rated)
    text = client.get("/ratings/export.csv").get_data(as_text=True)
    assert text.splitlines()[1:] == ["x,'=HYPERLINK(1),,3.0,t", "'=HYPERLINK(2),'-1,,3.0,t"]


def test_hidden_titles_have_a_json_twin_and_a_place_on_my_ratings(
    client: FlaskClient, workspace
) -> None:
    assert client.get("/api/hidden").json == {"items": [], "count": 0, **_display(workspace)}
    item = workspace.catalogue(per_page=1)["items"][0]
    workspace.hide(item["item"])
    answer = client.get("/api/hidden").json
    assert [row["item"] for row in answer["items"]] == [item["item"]] and answer["count"] == 1
    html = page_text(client, "/ratings")
    assert "Hidden titles" in html and "Show again" in html


def _display(workspace) -> dict:
    return {"display_scale": workspace.display_scale().as_dict()}


def test_my_ratings_come_a_hundred_to_a_page(client: FlaskClient, workspace) -> None:
    items = [item["item"] for item in workspace.catalogue(per_page=150)["items"]]
    for item in items:
        workspace.rate(item, 3.5)
    first = client.get("/api/ratings").json
    assert (first["count"], first["page"], first["pages"], len(first["items"])) == (150, 1, 2, 100)
    second = client.get("/api/ratings?page=2").json
    assert len(second["items"]) == 50
    assert {r["item"] for r in first["items"]} | {r["item"] for r in second["items"]} == set(items)
    assert client.get("/api/ratings?page=99").json["page"] == 2
    html = page_text(client, "/ratings?page=2")
    assert "Page 2 of 2" in html and "← Previous" in html


def test_recommendations_export_as_csv(client: FlaskClient, workspace) -> None:
    assert "/recommendations/export.csv" not in page_text(client, "/recommendations")
    for item in workspace.catalogue(genre="Comedy", per_page=5)["items"]:
        workspace.rate(item["item"], 4.5)
    assert "/recommendations/export.csv" in page_text(client, "/recommendations")
    response = client.get("/recommendations/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="kindred-recommendations-'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = workspace.recommendations(n=50)["items"]
    assert [row["item"] for row in rows] == [item["item"] for item in expected]
    assert rows[0]["rank"] == "1" and rows[0]["predicted_rating"]


def test_about_says_where_data_lives_and_what_kindred_is_built_with(
    client: FlaskClient, workspace
) -> None:
    html = page_text(client, "/about")
    assert f"<code>{workspace.data_dir}</code>" in html
    assert "Kindred 0.1.0" in html
    assert "people and their ratings are simulated" in html
    assert '<th scope="row">Flask</th><td>the local web app</td><td>BSD-3-Clause</td>' in html
    assert "LGPL-3.0" in html
    about = client.get("/api/about").json
    assert about["data_dir"] == str(workspace.data_dir)
    flask_row = next(row for row in about["third_party"] if row["name"] == "Flask")
    assert flask_row["version"] == "3.1.3"


def test_recommendations_and_people_explain_their_numbers(
    client: FlaskClient, person: Person
) -> None:
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    recommendations = page_text(client, "/recommendations")
    assert "How Kindred makes these" in recommendations
    assert "total similarity of the kindred people" in recommendations
    people = page_text(client, "/people")
    assert "Similarity runs from −1 (opposite tastes)" in people


def test_with_a_few_ratings_recommendations_show_with_a_nudge(
    client: FlaskClient, person: Person
) -> None:
    person.rate_all(person.popular_items(2, genre="Sci-Fi"), 5.0)
    html = page_text(client, "/recommendations")
    assert "Based on only 2 rating(s): rate at least 5 for better picks." in html
    assert '<div class="nudge" data-not-enough>' in html
    assert 'href="/catalogue">Rate titles in the catalogue' in html
    assert 'class="card recommendation"' in html


def test_an_item_id_with_url_and_markup_characters_works_everywhere(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    csrf = {"X-CSRF-Token": hostile_app.config["CSRF_TOKEN"]}
    catalogue = page_text(client, "/catalogue?q=loud")
    link = re.search(r'<a href="(/items/[^"]+)">Loud Morning</a>', catalogue).group(1)
    assert link == "/items/odd/%22id%22%20&amp;%20%3F%23%3Cx%3E"
    item_page = page_text(client, link.replace("&amp;", "&"))
    assert "<h1>Loud Morning" in item_page
    assert 'data-rate-item="odd/&#34;id&#34; &amp; ?#&lt;x&gt;"' in item_page
    saved = client.post("/api/ratings", json={"item": ODD_ID, "rating": 2.5}, headers=csrf)
    assert saved.json["item"] == ODD_ID and saved.json["my_rating"] == 2.5
    assert (
        client.get(link.replace("&amp;", "&").replace("/items/", "/api/items/")).json["my_rating"]
        == 2.5
    )


@pytest.mark.parametrize("url", [*PAGES, "/items/{first}", "/catalogue?genre=Drama"])
def test_headings_start_at_one_and_never_skip_a_level(
    client: FlaskClient, person: Person, url: str
) -> None:
    first = person.popular_items(1)[0]
    if url != "/catalogue":  # the newcomer's catalogue is checked as it is
        person.rate_all(person.popular_items(5, genre="Sci-Fi"), 4.5)
    levels = [
        int(level)
        for level in re.findall(r"<h([1-6])\b", page_text(client, url.format(first=first)))
    ]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in pairwise(levels))


@pytest.mark.parametrize("url", [*PAGES, "/items/{first}"])
def test_the_page_head_holds_only_head_things(
    client: FlaskClient, person: Person, url: str
) -> None:
    html = page_text(client, url.format(first=person.popular_items(1)[0]))
    head = html[: html.index("<body")]
    allowed = r"<!doctype html>|</?(html|head|meta|title|link|script)\b[^>]*>"
    assert "<" not in re.sub(allowed, "", head), "something that is not a head element"
    title = re.search(r"<title>(.*?)</title>", head, re.DOTALL).group(1)
    assert "<" not in title and title.endswith(" · Kindred")
