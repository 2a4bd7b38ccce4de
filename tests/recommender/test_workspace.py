"""The Workspace against the real demo community, the real model and a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recommender.community import Community
from recommender.errors import KindredError
from recommender.workspace import MIN_RATINGS
from recommender.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "data")


def popular_items_of_genre(workspace: Workspace, genre: str, count: int) -> list[str]:
    page = workspace.catalogue(genre=genre, sort="popular", per_page=count)
    return [item["item"] for item in page["items"]]


def test_fresh_workspace_is_on_labelled_demo_data(workspace: Workspace) -> None:
    status = workspace.status()
    assert status["community"]["is_demo"] is True
    assert status["community"]["users"] >= 200
    assert status["community"]["items"] >= 200
    assert status["my_ratings"] == 0
    assert status["enough_ratings"] is False


def test_ratings_persist_across_restarts(tmp_path: Path) -> None:
    first = Workspace(tmp_path / "data")
    item = first.catalogue(per_page=1)["items"][0]["item"]
    first.rate(item, 4.5)
    first.store.close()
    reopened = Workspace(tmp_path / "data")
    assert reopened.my_ratings_map() == {item: 4.5}
    assert reopened.my_ratings()[0]["my_rating"] == 4.5


@pytest.mark.parametrize(
    ("rating", "message"),
    [(7, "between 0.5 and 5"), ("abc", "not a number"), (float("nan"), "between")],
)
def test_bad_ratings_are_refused_and_change_nothing(
    workspace: Workspace, rating: object, message: str
) -> None:
    item = workspace.catalogue(per_page=1)["items"][0]["item"]
    workspace.rate(item, 3.0)
    with pytest.raises(KindredError, match=message):
        workspace.rate(item, rating)  # type: ignore[arg-type]
    assert workspace.my_ratings_map() == {item: 3.0}


def test_unknown_item_is_refused(workspace: Workspace) -> None:
    with pytest.raises(KindredError, match="no item 'nope'"):
        workspace.rate("nope", 4.0)
    with pytest.raises(KindredError, match="no item"):
        workspace.item("nope")


def test_no_ratings_gives_a_nudge_not_an_error(workspace: Workspace) -> None:
    answer = workspace.recommendations(n=10)
    assert answer["items"] == []
    assert answer["enough_ratings"] is False
    assert "Rate a few titles" in answer["message"]


def test_recommendations_follow_taste_and_explain_themselves(workspace: Workspace) -> None:
    liked = popular_items_of_genre(workspace, "Sci-Fi", MIN_RATINGS)
    for item in liked:
        workspace.rate(item, 5.0)
    answer = workspace.recommendations(n=10)
    assert answer["enough_ratings"] is True
    assert answer["based_on"] == MIN_RATINGS
    items = answer["items"]
    assert len(items) == 10
    assert not set(liked) & {item["item"] for item in items}
    for item in items:
        assert 0.5 <= item["predicted_rating"] <= 5.0
        assert 0.0 <= item["confidence"] <= 1.0
        assert item["kindred_count"] == len(item["neighbours"]) > 0
        assert all(0.5 <= n["rating"] <= 5.0 for n in item["neighbours"])
        assert item["title"]
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_rating_in_place_changes_the_list(workspace: Workspace) -> None:
    for item in popular_items_of_genre(workspace, "Sci-Fi", MIN_RATINGS):
        workspace.rate(item, 5.0)
    before = [item["item"] for item in workspace.recommendations(n=10)["items"]]
    workspace.rate(before[0], 1.0)
    workspace.hide(before[1])
    after = [item["item"] for item in workspace.recommendations(n=10)["items"]]
    assert before[0] not in after
    assert before[1] not in after
    workspace.unhide(before[1])
    assert before[1] in [i["item"] for i in workspace.recommendations(n=50)["items"]]


def test_unrate_returns_the_previous_rating_for_undo(workspace: Workspace) -> None:
    item = workspace.catalogue(per_page=1)["items"][0]["item"]
    workspace.rate(item, 2.5)
    assert workspace.unrate(item) == {"item": item, "previous_rating": 2.5}
    assert workspace.my_ratings_map() == {}


def test_recommendations_for_a_community_member(workspace: Workspace) -> None:
    member = str(workspace.community.ratings["user"].iloc[0])
    answer = workspace.recommendations(n=5, user=member)
    assert answer["for"] == member
    seen = set(
        workspace.community.ratings.loc[workspace.community.ratings["user"] == member, "item"]
    )
    assert answer["items"]
    assert not seen & {item["item"] for item in answer["items"]}
    with pytest.raises(KindredError, match="not a member"):
        workspace.recommendations(user="nobody-at-all")


def test_neighbours_list_agreement(workspace: Workspace) -> None:
    for item in popular_items_of_genre(workspace, "Drama", 8):
        workspace.rate(item, 4.0)
    people = workspace.neighbours(n=5)
    assert people["based_on"] == 8
    assert len(people["items"]) == 5
    similarities = [person["similarity"] for person in people["items"]]
    assert similarities == sorted(similarities, reverse=True)
    for person in people["items"]:
        assert person["overlap"] >= 1
        assert len(person["agree"]) >= 1
        for title in person["agree"]:
            assert title["mine"] == 4.0


def test_item_page_histogram_counts_every_rating(workspace: Workspace) -> None:
    item = workspace.catalogue(per_page=1)["items"][0]
    details = workspace.item(item["item"])
    assert sum(details["histogram"].values()) == item["community_count"]
    assert details["kindred_ratings"] == []


def small_community() -> Community:
    ratings = pd.DataFrame(
        {
            "user": ["a", "a", "b", "b", "c", "c", "d"],
            "item": ["x", "y", "x", "z", "x", "y", "w"],
            "rating": [5.0, 3.0, 4.0, 2.0, 3.0, 4.0, 1.0],
        }
    )
    items = pd.DataFrame(
        {
            "title": ["Amélie", "Alien", "Zardoz", "Wall-E"],
            "year": pd.array([2001, 1979, 1974, None], dtype="Int64"),
            "genres": ["Comedy|Romance", "Horror|Sci-Fi", "Sci-Fi", "Animation"],
        },
        index=pd.Index(["x", "y", "z", "w"], name="item"),
    )
    return Community("Tiny", ratings, items, scale=(1.0, 5.0))


def test_catalogue_statistics_search_sort_and_paging(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, community=small_community())
    popular = workspace.catalogue(sort="popular")
    assert [item["item"] for item in popular["items"]] == ["x", "y", "w", "z"]
    first = popular["items"][0]
    assert (first["community_count"], first["community_mean"]) == (3, 4.0)
    assert workspace.catalogue(query="amelie")["items"][0]["title"] == "Amélie"
    assert [i["item"] for i in workspace.catalogue(genre="Sci-Fi", sort="title")["items"]] == [
        "y",
        "z",
    ]
    assert [i["year"] for i in workspace.catalogue(sort="year")["items"]] == [
        2001,
        1979,
        1974,
        None,
    ]
    second_page = workspace.catalogue(sort="title", per_page=3, page=2)
    assert (second_page["total"], second_page["pages"], len(second_page["items"])) == (4, 2, 1)
    past_the_end = workspace.catalogue(sort="title", per_page=3, page=999)
    assert (past_the_end["page"], past_the_end["items"]) == (2, second_page["items"])
    assert workspace.catalogue()["genres"] == ["Animation", "Comedy", "Horror", "Romance", "Sci-Fi"]
    with pytest.raises(KindredError, match="Unknown sort"):
        workspace.catalogue(sort="random")
