"""Every real community file in ../shared/data is detected and read correctly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from recommender.importing import read_community

pytestmark = pytest.mark.shared_data


def test_movielens_latest_small_ratings_csv_with_movies_and_links(shared_file):
    community, report = read_community(shared_file("ml-latest-small/ratings.csv"))
    assert report.format == "movielens-csv"
    assert (report.ratings, report.users, report.items) == (100_836, 610, 9_724)
    assert community.scale == (0.5, 5.0)
    assert community.name == "ml-latest-small"
    assert report.skipped == 0 and report.duplicates == 0
    assert list(community.ratings.columns) == ["user", "item", "rating"]
    toy_story = community.items.loc["1"]
    assert (toy_story["title"], toy_story["year"]) == ("Toy Story", 1995)
    assert toy_story["imdb_id"] == "tt0114709"
    assert "Animation" in toy_story["genres"]
    assert community.items.loc["50", "title"] == "The Usual Suspects"
    assert len(community.items) == 9_742  # catalogue items without ratings are kept
    first = community.ratings.iloc[0]
    assert (first["user"], first["item"], first["rating"]) == ("1", "1", 4.0)


def test_movielens_folder_and_zip_give_the_same_community(shared_file, tmp_path: Path):
    folder = shared_file("ml-latest-small")
    archive = tmp_path / "ml-latest-small.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in ("ratings.csv", "movies.csv", "links.csv"):
            zipped.write(folder / name, f"ml-latest-small/{name}")
    from_folder, _ = read_community(folder)
    from_zip, report = read_community(archive)
    assert from_zip.name == from_folder.name == "ml-latest-small"
    assert from_zip.ratings.equals(from_folder.ratings)
    assert report.metadata_files == ["movies.csv", "links.csv"]
    assert from_zip.items.loc["1", "imdb_id"] == "tt0114709"


def test_movielens_100k_u_data_with_latin1_u_item(shared_file):
    community, report = read_community(shared_file("ml-100k/u.data"))
    assert report.format == "movielens-100k"
    assert report.has_header is False and report.delimiter == "tab"
    assert (report.ratings, report.users, report.items) == (100_000, 943, 1_682)
    assert community.scale == (1.0, 5.0)
    assert community.ratings["rating"].value_counts().to_dict() == {
        4.0: 34_174,
        3.0: 27_145,
        5.0: 21_201,
        2.0: 11_370,
        1.0: 6_110,
    }
    titles = set(community.items["title"])
    assert any("é" in title for title in titles), "Latin-1 titles decoded"
    assert community.items.loc["1", "genres"] == "Animation|Children's|Comedy"


@pytest.mark.parametrize("split", ["u1.base", "u1.test", "ua.test"])
def test_movielens_100k_splits(shared_file, split):
    _community, report = read_community(shared_file(f"ml-100k/{split}"))
    assert report.format == "movielens-100k"
    assert report.ratings == {"u1.base": 80_000, "u1.test": 20_000, "ua.test": 9_430}[split]


def test_goodbooks_sample_ratings_with_books(shared_file):
    community, report = read_community(shared_file("goodbooks-10k/samples/ratings.csv"))
    assert report.format == "goodbooks"
    assert report.ratings == 99 and community.scale == (1.0, 5.0)
    hunger_games = community.items.loc["1"]
    assert hunger_games["goodreads_book_id"] == "2767052"
    assert hunger_games["isbn"] == "0439023483"  # the leading zero books.csv lost
    assert hunger_games["year"] == 2008


@pytest.mark.parametrize(
    "export",
    [
        "exports/imdb/ronilaukkarinen_rollekino_imdb_ratings.csv",
        "exports/letterboxd/vikram14s_FeedMovie_ratings.csv",
        "exports/goodreads/bernardkung_goodreads_goodreads_library_export.csv",
    ],
)
def test_personal_exports_are_refused_as_communities(shared_file, export):
    from recommender.errors import RatingsImportError

    with pytest.raises(RatingsImportError, match="your own ratings"):
        read_community(shared_file(export))
