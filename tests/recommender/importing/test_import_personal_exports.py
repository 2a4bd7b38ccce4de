"""Personal exports (real samples and generated ones) are detected and matched."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from recommender.community import Community
from recommender.errors import RatingsImportError
from recommender.importing import read_community
from recommender.importing import read_personal

IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors"
)
GOODREADS_HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,"
    "Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,"
    "Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,"
    "Private Notes,Read Count,Owned Copies"
)


@pytest.fixture
def films() -> Community:
    """A tiny MovieLens-like community with IMDb ids and awkward titles."""
    items = pd.DataFrame(
        {
            "title": [
                "The Usual Suspects",
                "The City of Lost Children (Cité des enfants perdus, La)",
                "Amélie (Fabuleux destin d'Amélie Poulain, Le)",
                "Heat",
                "Heat",
            ],
            "year": pd.array([1995, 1995, 2001, 1995, 1986], dtype="Int64"),
            "genres": "",
            "imdb_id": ["tt0114814", "tt0112682", "tt0211915", "tt0113277", None],
        },
        index=pd.Index(["50", "29", "4973", "6", "9000"], name="item"),
    )
    ratings = pd.DataFrame(
        {
            "user": ["1", "1", "2", "2", "3"],
            "item": ["50", "29", "4973", "6", "6"],
            "rating": [4.0, 3.5, 5.0, 4.0, 3.0],
        }
    )
    return Community("films", ratings, items, (0.5, 5.0))


def test_imdb_export_matches_by_tt_id_and_converts_the_scale(write, films):
    text = (
        IMDB_HEADER + "\n"
        "tt0114814,9,2020-01-02,The Usual Suspects,https://x,movie,8.5,106,1995,Crime,1,1995-08-16,Singer\n"
        "tt0113277,,2020-01-03,Heat,https://x,movie,8.3,170,1995,Crime,1,1995-12-15,Mann\n"
        "tt9999999,7,2020-01-04,Unknown Film,https://x,movie,6.0,90,2020,Drama,1,2020-01-01,X\n"
        "tt0211915,10,2020-01-05,Amélie,https://x,movie,8.3,122,2001,Comedy,1,2001-04-25,Jeunet\n"
    )
    personal, report = read_personal(write("imdb.csv", text, "cp1252"), films)
    assert report.format == "imdb" and report.encoding == "cp1252"
    assert {r.item: (r.rating, r.original_rating) for r in personal.ratings} == {
        "50": (4.5, 9.0),
        "4973": (5.0, 10.0),
    }
    assert personal.seen == ("6",), "a row without a rating is remembered as seen"
    assert [(u.line, u.reason) for u in personal.unmatched] == [
        (4, "neither its IMDb id nor its title is in the community")
    ]
    assert (report.matched, report.unmatched) == (2, 1)
    assert personal.as_dict() == {"50": 4.5, "4973": 5.0}


def test_letterboxd_zip_with_watched_and_watchlist(tmp_path: Path, films):
    archive = tmp_path / "letterboxd-someone-2026.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "ratings.csv",
            "Date,Name,Year,Letterboxd URI,Rating\r\n"
            "2021-01-01,The Usual Suspects,1995,https://boxd.it/a,4.5\r\n"
            "2021-01-02,The City of Lost Children,1995,https://boxd.it/b,3\r\n"
            "2021-01-03,Heat,1996,https://boxd.it/c,5\r\n"
            "2021-01-04,Nothing Like It,1999,https://boxd.it/d,2\r\n",
        )
        zipped.writestr(
            "watched.csv",
            "Date,Name,Year,Letterboxd URI\r\n2021-01-01,Amelie,2001,https://boxd.it/e\r\n",
        )
        zipped.writestr(
            "watchlist.csv",
            "Date,Name,Year,Letterboxd URI\r\n2021-01-01,Heat,1986,https://boxd.it/f\r\n",
        )
        zipped.writestr("deleted/ratings.csv", "Date,Name,Year,Letterboxd URI,Rating\r\n")
    personal, report = read_personal(archive, films)
    assert report.format == "letterboxd"
    assert personal.as_dict() == {"50": 4.5, "29": 3.0, "6": 5.0}, "Heat 1996 is Heat 1995 (±1)"
    assert personal.seen == ("4973",) and personal.want == ("9000",)
    assert [u.title for u in personal.unmatched] == ["Nothing Like It"]


def test_goodreads_export_zero_is_unrated_and_shelves(write):
    books = pd.DataFrame(
        {
            "title": ["Dune", "Emma"],
            "year": pd.array([1965, 1815], dtype="Int64"),
            "genres": "",
            "goodreads_book_id": ["234225", "6969"],
            "isbn": ["0441013597", "0141439580"],
        },
        index=pd.Index(["1", "2"], name="item"),
    )
    community = Community(
        "books", pd.DataFrame({"user": ["u"], "item": ["1"], "rating": [4.0]}), books, (1.0, 5.0)
    )
    rest = ",,,,,"
    text = (
        GOODREADS_HEADER + "\n"
        f'234225,Dune,Frank Herbert,"Herbert, Frank",,"=""0441013597""","=""9780441013593""",5,4.2,Ace,PB,600,2005,1965,2020/01/01,2019/12/01,,,read{rest}\n'  # noqa: E501
        f'999,Emma,Jane Austen,"Austen, Jane",,"=""0141439580""","=""""",0,3.9,P,PB,400,2003,1815,,2019/12/01,to-read,,to-read{rest}\n'  # noqa: E501
    )
    personal, report = read_personal(write("goodreads_library_export.csv", text), community)
    assert report.format == "goodreads"
    assert [(r.item, r.rating, r.matched_by) for r in personal.ratings] == [
        ("1", 5.0, "Goodreads book id")
    ]
    assert personal.want == ("2",), "matched through its ISBN"


def test_generic_personal_files(write, films):
    personal, report = read_personal(write("mine.csv", "item,rating\n50,4\n6,2.5\nzzz,3\n"), films)
    assert report.format == "generic"
    assert personal.as_dict() == {"50": 4.0, "6": 2.5}
    personal, _ = read_personal(write("tt.csv", "id;score\ntt0114814;4,5\n"), films)
    assert personal.as_dict() == {"50": 4.5}
    titled = "title,year,rating\nUsual Suspects, The,1995,5\n"
    personal, _ = read_personal(
        write("t.csv", '"title","year","rating"\n"Usual Suspects, The",1995,5\n'), films
    )
    assert personal.as_dict() == {"50": 5.0}
    assert titled  # the unquoted form would be ambiguous; the quoted one is what spreadsheets write


def test_without_a_community_items_keep_the_export_ids(write):
    text = (
        IMDB_HEADER
        + "\ntt0114814,8,2020-01-02,The Usual Suspects,u,movie,8.5,106,1995,Crime,1,x,y\n"
    )
    personal, report = read_personal(write("imdb.csv", text))
    assert personal.as_dict() == {"tt0114814": 8.0}
    assert report.matched is None


def test_a_community_file_is_refused_as_personal(write):
    with pytest.raises(RatingsImportError, match="as a community"):
        read_personal(write("r.csv", "userId,movieId,rating\n1,2,3\n"))


@pytest.fixture
def latest_small(shared_file) -> Community:
    return read_community(shared_file("ml-latest-small"))[0]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("export", "fmt", "encoding", "rows", "at_least_matched"),
    [
        ("imdb/ronilaukkarinen_rollekino_imdb_ratings.csv", "imdb", "cp1252", 3086, 2060),
        ("imdb/TylerGrossi_Movie-Rankings_imdb_ratings.csv", "imdb", "utf-8", 963, 184),
        ("letterboxd/mororke2026_classic-cinema_ratings.csv", "letterboxd", "utf-8", 346, 180),
        ("letterboxd/vikram14s_FeedMovie_ratings.csv", "letterboxd", "utf-8", 94, 46),
    ],
)
def test_real_film_exports(
    shared_file, latest_small, export, fmt, encoding, rows, at_least_matched
):
    personal, report = read_personal(shared_file(f"exports/{export}"), latest_small)
    assert (report.format, report.encoding, report.rows_read) == (fmt, encoding, rows)
    assert report.skipped == 0
    assert report.matched >= at_least_matched
    assert report.matched + report.unmatched == rows
    low, high = latest_small.scale
    assert all(low <= r.rating <= high for r in personal.ratings)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("export", "rows", "unrated", "in_goodbooks"),
    [
        ("ErinBecker_book-tracking_goodreads_library_export.csv", 1197, 583, 337),
        ("bernardkung_goodreads_goodreads_library_export.csv", 501, 67, 324),
    ],
)
def test_real_goodreads_exports_against_goodbooks(
    shared_file, tmp_path, export, rows, unrated, in_goodbooks
):
    books = shared_file("goodbooks-10k/books.csv")
    folder = tmp_path / "goodbooks"
    folder.mkdir()
    (folder / "books.csv").symlink_to(books)
    book_ids = pd.read_csv(books, usecols=["book_id"])["book_id"]
    (folder / "ratings.csv").write_text(
        "user_id,book_id,rating\n" + "".join(f"1,{b},4\n" for b in book_ids)
    )
    goodbooks, _ = read_community(folder)
    personal, report = read_personal(shared_file(f"exports/goodreads/{export}"), goodbooks)
    assert report.format == "goodreads" and report.rows_read == rows
    assert report.matched + report.unmatched == rows - unrated
    matched_all = report.matched + len(personal.seen) + len(personal.want)
    assert matched_all >= in_goodbooks - 5  # a few share one goodbooks item
    assert all(1.0 <= r.rating <= 5.0 for r in personal.ratings)


def test_imdb_watchlist_becomes_the_want_list(write, films):
    text = (
        "Position,Const,Created,Modified,Description,Title,URL,Title Type,IMDb Rating,"
        "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
        "1,tt0113277,2020-01-01,2020-01-01,,Heat,https://x,movie,8.3,170,1995,Crime,1,x,Mann\n"
    )
    personal, report = read_personal(write("WATCHLIST.csv", text), films)
    assert report.format == "imdb-watchlist"
    assert personal.want == ("6",) and personal.ratings == ()
