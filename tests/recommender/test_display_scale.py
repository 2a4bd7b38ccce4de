"""The person's display scale: conversion both ways, the rating control's steps, choosing the
default from imported ratings, and the stored preference with one-sentence refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender import display_scale
from recommender.display_scale import NAMED_SCALES
from recommender.display_scale import add_display_fields
from recommender.display_scale import community_display
from recommender.display_scale import from_display
from recommender.display_scale import resolve
from recommender.display_scale import to_display
from recommender.errors import KindredError
from recommender.workspace import Workspace

MOVIELENS = (0.5, 5.0)
IMDB = NAMED_SCALES["1-10"]
GOODREADS = NAMED_SCALES["1-5"]


def test_every_half_star_is_a_whole_imdb_point_and_back() -> None:
    for half_stars in range(1, 11):
        rating = half_stars / 2
        shown = to_display(rating, MOVIELENS, IMDB)
        assert shown == 2 * rating
        assert from_display(shown, IMDB, MOVIELENS) == rating


def test_goodreads_stars_round_trip_through_the_community_scale() -> None:
    for stars in (1, 2, 3, 4, 5):
        stored = from_display(stars, GOODREADS, MOVIELENS)
        assert MOVIELENS[0] <= stored <= MOVIELENS[1]
        assert to_display(stored, MOVIELENS, GOODREADS) == pytest.approx(stars)
    # 0.5 + (r - 1) · 4.5 / 4: the ends map onto the ends, 3 onto the middle.
    assert from_display(1, GOODREADS, MOVIELENS) == 0.5
    assert from_display(3, GOODREADS, MOVIELENS) == pytest.approx(2.75)
    assert from_display(5, GOODREADS, MOVIELENS) == 5.0


def test_shown_values_are_clipped_to_the_display_scale() -> None:
    assert to_display(5.0000001, MOVIELENS, IMDB) == 10.0
    assert to_display(0.4999999, MOVIELENS, IMDB) == 1.0
    assert to_display(None, MOVIELENS, IMDB) is None
    assert to_display(4.13, MOVIELENS, IMDB) == 8.26


def test_half_stars_are_offered_only_where_the_scale_has_them() -> None:
    half_stars = community_display(MOVIELENS)
    assert half_stars.steps() == [0.5 * n for n in range(1, 11)]
    assert IMDB.steps() == [float(n) for n in range(1, 11)]
    # A 1–5 community still draws five stars of halves; ½ is shown but below its scale.
    goodbooks = community_display((1.0, 5.0))
    assert goodbooks.steps()[0] == 0.5 and goodbooks.nearest_step(0.5) == 1.0
    assert half_stars.nearest_step(3.74) == 3.5 and half_stars.nearest_step(3.75) == 4.0
    assert GOODREADS.nearest_step(to_display(4.0, MOVIELENS, GOODREADS)) == 4.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (8.5, "A rating on the 1–10 scale goes in steps of 1; got 8.5."),
        (11, "A rating on the 1–10 scale must be between 1 and 10; got 11."),
        (0, "A rating on the 1–10 scale must be between 1 and 10; got 0."),
        ("8", "The rating '8' is not a number."),
        (True, "The rating 'True' is not a number."),
        (float("nan"), "The rating 'nan' is not a number."),
    ],
)
def test_a_rating_off_the_display_scale_is_refused_in_one_sentence(value, message) -> None:
    with pytest.raises(KindredError) as refused:
        from_display(value, IMDB, MOVIELENS)
    assert str(refused.value) == message


def test_the_default_follows_most_imported_ratings_else_the_community() -> None:
    imdb, goodreads = (1.0, 10.0), (1.0, 5.0)
    assert resolve("auto", MOVIELENS, [imdb, imdb, goodreads, None]) is IMDB
    assert resolve("auto", MOVIELENS, []).name == "community"
    assert resolve("auto", MOVIELENS, [(0.0, 100.0)]).name == "community"  # no control for it
    assert resolve("community", MOVIELENS, [imdb]).bounds == MOVIELENS
    assert resolve("1-5", MOVIELENS, [imdb]) is GOODREADS


def test_display_fields_sit_beside_the_community_values() -> None:
    view = {
        "my_rating": 4.0,
        "predicted_rating": 4.5,
        "community_mean": None,
        "neighbours": [{"user": "u", "similarity": 0.5, "rating": 3.0}],
        "agree": [{"mine": 5.0, "theirs": 4.5}],
    }
    add_display_fields(view, MOVIELENS, IMDB)
    add_display_fields(view, MOVIELENS, IMDB)  # twice is harmless
    assert view["my_rating"] == 4.0 and view["my_rating_display"] == 8.0
    assert view["predicted_rating_display"] == 9.0
    assert view["community_mean_display"] is None
    assert view["neighbours"][0]["rating_display"] == 6.0
    assert view["agree"][0] == {
        "mine": 5.0,
        "theirs": 4.5,
        "mine_display": 10.0,
        "theirs_display": 9.0,
    }


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path / "data")
    yield workspace
    workspace.close()


def test_the_preference_is_stored_and_a_bad_one_changes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    assert workspace.display_scale_setting()["preference"] == "auto"
    assert workspace.status()["display_scale"]["scale"] == [0.5, 5.0]
    workspace.set_display_scale("1-10")
    for bad in ("0-100", None, 10):
        with pytest.raises(KindredError, match=r"^'.*' is not a rating scale Kindred can show"):
            workspace.set_display_scale(bad)
    workspace.close()
    reopened = Workspace(tmp_path / "data")
    try:
        assert reopened.display_scale_setting()["preference"] == "1-10"
        assert reopened.status()["display_scale"]["name"] == "1-10"
    finally:
        reopened.close()


def test_a_rating_given_out_of_10_is_stored_on_the_community_scale_with_its_original(
    workspace: Workspace,
) -> None:
    item = workspace.catalogue(per_page=1)["items"][0]["item"]
    workspace.set_display_scale("1-10")
    answer = workspace.rate(item, 7, on_display_scale=True)
    assert answer["my_rating"] == 3.5 and answer["my_rating_display"] == 7.0
    [row] = workspace.store.rating_rows(workspace.community.name)
    assert (row["rating"], row["rating_original"], row["scale_original"]) == (3.5, 7.0, (1, 10))
    with pytest.raises(KindredError, match="steps of 1"):
        workspace.rate(item, 7.5, on_display_scale=True)
    assert workspace.my_ratings_map() == {item: 3.5}
    # Ratings made in the app do not move the default: only imported ones do.
    workspace.set_display_scale("auto")
    assert workspace.display_scale().name == "community"
    assert workspace.my_ratings()[0]["my_rating_display"] == 3.5


def test_imported_imdb_ratings_make_1_to_10_the_default(workspace: Workspace) -> None:
    items = [item["item"] for item in workspace.catalogue(per_page=3)["items"]]
    rows = [
        {"item": item, "rating": value / 2, "rating_original": value, "scale_original": (1, 10)}
        for item, value in zip(items, (8, 6, 9), strict=True)
    ]
    workspace.store.set_ratings(workspace.community.name, rows, source="imdb")
    assert workspace.display_scale() is display_scale.NAMED_SCALES["1-10"]
    shown = {row["item"]: row["my_rating_display"] for row in workspace.my_ratings()}
    assert shown == dict(zip(items, (8.0, 6.0, 9.0), strict=True))
