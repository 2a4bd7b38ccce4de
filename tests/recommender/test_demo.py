"""The embedded demo community: a real catalogue, simulated people, visible taste groups."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from recommender import demo as demo_module
from recommender.community import Community
from recommender.demo import GENRES
from recommender.demo import MAX_RATINGS_PER_PERSON
from recommender.demo import MIN_RATINGS_PER_PERSON
from recommender.demo import _build
from recommender.demo import demo_community
from recommender.demo import demo_taste_groups
from recommender.demo import load_catalogue
from recommender.errors import KindredError

DIGEST_SCRIPT = """
import hashlib
from recommender.demo import demo_community
ratings = demo_community().ratings
print(hashlib.sha256(ratings.to_csv(index=False).encode()).hexdigest())
"""


def ratings_digest(community: Community) -> str:
    return hashlib.sha256(community.ratings.to_csv(index=False).encode()).hexdigest()


def test_catalogue_is_well_formed():
    catalogue = load_catalogue()
    assert catalogue.index.name == "item"
    assert catalogue.index.is_unique
    assert all(item.startswith("d") for item in catalogue.index)
    assert len(catalogue) >= 300
    assert str(catalogue["year"].dtype) == "Int64"
    assert catalogue["year"].between(1900, 2030).all()
    assert (catalogue["title"].str.strip() != "").all()
    every_genre = set(catalogue["genres"].str.split("|").explode())
    assert every_genre <= set(GENRES)
    known_ids = catalogue.loc[catalogue["imdb_id"] != "", "imdb_id"]
    assert known_ids.str.fullmatch(r"tt\d{7,8}").all()
    assert known_ids.is_unique
    assert catalogue.loc["d001", "title"] == "The Cabinet of Dr. Caligari"


def test_catalogue_spans_decades_and_genres():
    catalogue = load_catalogue()
    decades = (catalogue["year"] // 10 * 10).value_counts()
    assert set(range(1930, 2030, 10)) <= set(decades.index)
    genre_counts = catalogue["genres"].str.split("|").explode().value_counts()
    assert (genre_counts.reindex(list(GENRES)).fillna(0) >= 10).all()


def test_demo_community_shape_and_labels():
    community = demo_community()
    assert community.name == "Demo films"
    assert community.is_demo is True
    assert community.scale == (0.5, 5.0)
    assert list(community.ratings.columns) == ["user", "item", "rating"]
    assert list(community.items.columns) == ["title", "year", "genres", "imdb_id"]
    assert 350 <= community.n_users <= 450
    assert community.ratings["user"].str.fullmatch(r"demo-\d{3}").all()
    assert community.ratings["item"].isin(community.items.index).all()
    assert community.title_of("d001") == "The Cabinet of Dr. Caligari"


def test_ratings_respect_scale_and_half_stars():
    ratings = demo_community().ratings["rating"]
    assert ratings.dtype == np.float64
    assert ratings.between(0.5, 5.0).all()
    assert np.all(ratings * 2 == np.round(ratings * 2))
    # A believable spread: not everything at the top, the low end used too.
    assert 3.2 < ratings.mean() < 4.0
    assert (ratings <= 2.0).mean() > 0.03
    assert (ratings == 5.0).mean() < 0.3


def test_every_person_rates_between_20_and_80_distinct_films():
    ratings = demo_community().ratings
    per_person = ratings.groupby("user").size()
    assert per_person.min() >= MIN_RATINGS_PER_PERSON
    assert per_person.max() <= MAX_RATINGS_PER_PERSON
    assert not ratings.duplicated(["user", "item"]).any()


def test_popularity_is_long_tailed():
    per_film = demo_community().ratings["item"].value_counts()
    # The most-rated film has far more ratings than the typical one.
    assert per_film.iloc[0] > 5 * per_film.median()
    top_tenth = per_film.iloc[: len(per_film) // 10].sum()
    assert top_tenth / per_film.sum() > 0.25


def test_same_seed_builds_equal_communities_and_cache_returns_same_object():
    first = demo_community()
    assert demo_community() is first
    rebuilt = _build.__wrapped__(20261204)[0]
    assert rebuilt is not first
    pd.testing.assert_frame_equal(rebuilt.ratings, first.ratings)
    pd.testing.assert_frame_equal(rebuilt.items, first.items)


def test_different_seed_builds_a_different_community():
    assert ratings_digest(demo_community(7)) != ratings_digest(demo_community())


def test_build_does_not_depend_on_the_hash_seed():
    digests = set()
    for hash_seed in ("1", "12345"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        completed = subprocess.run(
            [sys.executable, "-c", DIGEST_SCRIPT],
            capture_output=True,
            text=True,
            env=environment,
            check=True,
            timeout=120,
        )
        digests.add(completed.stdout.strip())
    assert digests == {ratings_digest(demo_community())}


@pytest.mark.parametrize(
    ("taste_group", "genre"),
    [
        ("sci-fi and action", "Sci-Fi"),
        ("animation and family", "Animation"),
        ("horror and thriller", "Horror"),
        ("comedy", "Comedy"),
        ("drama and romance", "Romance"),
    ],
)
def test_taste_groups_show_in_favourite_films(taste_group: str, genre: str):
    """A group's ten favourite films per person carry its genre far more often than average."""
    community = demo_community()
    groups = demo_taste_groups()
    ratings = community.ratings.join(community.items["genres"], on="item")
    has_genre = ratings["genres"].str.split("|").apply(lambda genres: genre in genres)
    members = ratings["user"].map(groups) == taste_group
    favourites = (
        ratings[members]
        .sort_values(["user", "rating"], ascending=[True, False])
        .groupby("user")
        .head(10)
    )
    favourite_share = has_genre[favourites.index].mean()
    overall_share = has_genre.mean()
    assert favourite_share > 0.5
    assert favourite_share > 2.5 * overall_share


def test_classic_film_buffs_favour_old_films():
    community = demo_community()
    groups = demo_taste_groups()
    ratings = community.ratings.join(community.items["year"], on="item")
    buffs = ratings[ratings["user"].map(groups) == "classic-film buffs"]
    favourites = (
        buffs.sort_values(["user", "rating"], ascending=[True, False]).groupby("user").head(10)
    )
    assert (favourites["year"] < 1970).mean() > 0.5
    assert (ratings["year"] < 1970).mean() < 0.25


def test_every_person_has_a_taste_group():
    groups = demo_taste_groups()
    assert set(groups.index) == set(demo_community().ratings["user"])
    assert groups.value_counts().min() >= 30


def test_a_missing_catalogue_is_one_clear_sentence(monkeypatch, tmp_path):
    monkeypatch.setattr(demo_module, "asset_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(KindredError, match=r"demo catalogue .* cannot be read") as refused:
        load_catalogue()
    assert "\n" not in str(refused.value)
