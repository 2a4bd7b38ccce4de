"""The array readers behind the Workspace's pages give what the ratings DataFrame gives: the
same per-item statistics, the same member ratings, the same item ratings; on the demo, on a
generated community in memory, and on the same community stored and memory-mapped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.catalogue import TOP_RATED_PRIOR_COUNT
from recommender.catalogue import fold_text
from recommender.community import Community
from recommender.community_ratings import folded_titles
from recommender.community_ratings import item_ratings
from recommender.community_ratings import item_slices
from recommender.community_ratings import item_statistics
from recommender.community_ratings import item_totals
from recommender.community_ratings import member_ratings
from recommender.community_ratings import member_slices
from recommender.demo import demo_community
from recommender.storage.arrays import read_arrays
from recommender.storage.arrays import write_arrays


def generated_community(seed: int = 5) -> Community:
    """Long-tailed activity, half-star ratings, string ids, and catalogue items nobody rated
    (the first and the last), which the statistics must list with count 0."""
    generator = np.random.default_rng(seed)
    rows = []
    for user in range(70):
        size = int(generator.integers(3, 40))
        items = generator.choice(np.arange(1, 119), size=size, replace=False)
        stars = generator.integers(1, 11, size=size) / 2
        rows += [
            (f"u{user}", f"m{item}", float(star)) for item, star in zip(items, stars, strict=True)
        ]
    ratings = pd.DataFrame(rows, columns=["user", "item", "rating"]).sample(
        frac=1.0, random_state=seed
    )
    catalogue = [f"m{item}" for item in range(0, 121)]
    items = pd.DataFrame(
        {
            "title": [f"Film {item}" for item in catalogue],
            "year": pd.array([1990 + n % 30 for n in range(len(catalogue))], dtype="Int64"),
            "genres": "Drama|Comedy",
        },
        index=pd.Index(catalogue, name="item"),
    )
    return Community("Generated", ratings.reset_index(drop=True), items, (0.5, 5.0))


def stored(community: Community, folder: Path) -> Community:
    write_arrays(community, folder, {"format": "test"})
    return read_arrays(folder).to_community()


@pytest.fixture(params=["demo", "generated", "stored generated", "stored demo"])
def community(request: pytest.FixtureRequest, tmp_path: Path) -> Community:
    chosen = demo_community() if request.param.endswith("demo") else generated_community()
    return stored(chosen, tmp_path / "stored") if request.param.startswith("stored") else chosen


def frame_statistics(community: Community) -> pd.DataFrame:
    """The reference: what the catalogue computed from the ratings DataFrame with a groupby
    before it read the arrays. One row per catalogue item: ``count``, ``mean`` and the
    Bayesian ``top_score``.

    ``top_score = (C·m + Σ r) / (C + n)`` where ``m`` is the community's mean rating, ``n`` the
    item's number of ratings and ``C`` = ``TOP_RATED_PRIOR_COUNT``: an item rated 5 by one person
    does not outrank one rated 4.6 by hundreds.
    """
    grouped = community.ratings.groupby("item", sort=False)["rating"].agg(["count", "sum"])
    statistics = pd.DataFrame(index=community.items.index)
    statistics["count"] = grouped["count"].reindex(statistics.index).fillna(0).astype(np.int64)
    rating_sum = grouped["sum"].reindex(statistics.index).fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        statistics["mean"] = rating_sum / statistics["count"].where(statistics["count"] > 0)
    overall_mean = float(community.ratings["rating"].mean()) if len(community.ratings) else 0.0
    prior = TOP_RATED_PRIOR_COUNT
    statistics["top_score"] = (prior * overall_mean + rating_sum) / (prior + statistics["count"])
    statistics["title"] = community.items["title"].astype(str)
    statistics["folded_title"] = statistics["title"].map(fold_text)
    statistics["year"] = community.items.get("year", pd.Series(pd.NA, index=statistics.index))
    statistics["genres"] = community.items.get("genres", pd.Series("", index=statistics.index))
    return statistics


def frame_of(community: Community) -> pd.DataFrame:
    """The ratings DataFrame as the pages used to read it (decoded, for a stored one)."""
    return community.ratings.astype({"user": str, "item": str})


def test_statistics_equal_the_groupby_over_the_frame(community: Community) -> None:
    from_arrays = item_statistics(community)
    pd.testing.assert_frame_equal(from_arrays, frame_statistics(community))
    assert from_arrays["count"].sum() == community.n_ratings
    if community.name == "Generated":
        assert from_arrays.loc[["m0", "m120"], "count"].tolist() == [0, 0]


def test_totals_skip_nobody_and_count_unrated_items_as_zero(community: Community) -> None:
    totals = item_totals(community.rating_arrays())
    expected = frame_of(community).groupby("item")["rating"].agg(["count", "sum"])
    joined = totals.join(expected, rsuffix="_frame")
    assert (totals["count"] > 0).all()  # the layout holds rated items only
    np.testing.assert_array_equal(joined["count"], joined["count_frame"])
    np.testing.assert_array_equal(joined["sum"], joined["sum_frame"])


def test_member_ratings_equal_their_rows_of_the_frame(community: Community) -> None:
    frame = frame_of(community)
    users = [*frame["user"].drop_duplicates().head(12).tolist(), "nobody"]
    found = member_ratings(community.rating_arrays(), users)
    for user, ratings in zip(users, found, strict=True):
        own = frame[frame["user"] == user]
        assert ratings == dict(zip(own["item"], own["rating"].astype(float), strict=True))
        assert all(type(item) is str for item in ratings)
    assert found[-1] == {}


def test_item_ratings_equal_their_rows_of_the_frame(community: Community) -> None:
    frame = frame_of(community)
    statistics = item_statistics(community)
    unrated = statistics.index[statistics["count"] == 0].tolist()[:1]
    for item in [*frame["item"].drop_duplicates().head(15).tolist(), *unrated, "no such item"]:
        raters = item_ratings(community.rating_arrays(), item)
        expected = frame[frame["item"] == item]
        assert list(raters.columns) == ["user", "rating"]
        assert sorted(zip(raters["user"], raters["rating"], strict=True)) == sorted(
            zip(expected["user"], expected["rating"].astype(float), strict=True)
        )
        assert raters["rating"].dtype == np.float64


def test_slices_answer_membership_and_counts_without_a_pass(community: Community) -> None:
    frame = frame_of(community)
    members = member_slices(community.rating_arrays())
    per_user = frame["user"].value_counts()
    assert len(members) == community.n_users
    for user, count in per_user.head(10).items():
        assert user in members
        assert len(members[user]) == count
    assert "nobody" not in members and 7 not in members and ["a"] not in members
    with pytest.raises(KeyError):
        members["nobody"]
    items = item_slices(community.rating_arrays())
    assert sorted(items) == sorted(frame["item"].unique())


def test_statistics_of_a_community_without_ratings() -> None:
    empty = Community(
        "Empty",
        pd.DataFrame({"user": [], "item": [], "rating": []}).astype(
            {"user": str, "item": str, "rating": float}
        ),
        pd.DataFrame(
            {"title": ["A"], "year": pd.array([2000], dtype="Int64"), "genres": [""]},
            index=pd.Index(["a"], name="item"),
        ),
        (1.0, 5.0),
    )
    statistics = item_statistics(empty)
    assert statistics.loc["a", "count"] == 0
    assert np.isnan(statistics.loc["a", "mean"])
    assert member_ratings(empty.rating_arrays(), ["x"]) == [{}]
    assert item_ratings(empty.rating_arrays(), "a").empty


def test_folded_titles_equal_fold_text_for_plain_and_accented_titles() -> None:
    titles = pd.Series(["Amélie", "AMELIE", "Cœur", "Straße", "", "Ça ira", "plain"])
    expected = titles.map(fold_text)
    pd.testing.assert_series_equal(folded_titles(titles), expected)
