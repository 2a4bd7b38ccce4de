"""Workspace.import_personal: generated IMDb / Letterboxd / generic exports against the demo
community, re-imports that keep app ratings, seen items never recommended, all-or-nothing."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from recommender.errors import KindredError
from recommender.errors import RatingsImportError
from recommender.storage import DATABASE_FILE
from recommender.workspace import Workspace

IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors"
)
# Demo catalogue films: (item, IMDb id, title, year).
STAR_WARS = ("d155", "tt0076759", "Star Wars", 1977)
ALIEN = ("d165", "tt0078748", "Alien", 1979)
MATRIX = ("d340", "tt0133093", "The Matrix", 1999)
CALIGARI = ("d001", "tt0010323", "The Cabinet of Dr. Caligari", 1920)


@pytest.fixture
def workspace(tmp_path: Path):
    opened = Workspace(tmp_path / "data")
    yield opened
    opened.close()


def imdb_row(film: tuple[str, str, str, int], rating: str, date: str = "2024-03-01") -> str:
    _item, imdb_id, title, year = film
    return f"{imdb_id},{rating},{date},{title},https://x,movie,8.0,120,{year},Drama,1,x,Someone"


def write_imdb(path: Path, rows: list[str]) -> Path:
    path.write_text(IMDB_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_imdb_export_adds_ratings_seen_items_and_reports_unmatched(workspace, tmp_path):
    export = write_imdb(
        tmp_path / "imdb.csv",
        [
            imdb_row(STAR_WARS, "10", "2023-01-05"),
            imdb_row(ALIEN, "6"),
            imdb_row(MATRIX, ""),  # seen, no rating
            "tt9999999,7,2024-01-01,Nothing Like It,https://x,movie,6.0,90,2020,Drama,1,x,X",
        ],
    )
    answer = workspace.import_personal(export)
    assert (answer["added"], answer["changed"], answer["unchanged"]) == (2, 0, 0)
    assert (answer["matched"], answer["unmatched"], answer["seen_added"]) == (2, 1, 1)
    assert answer["unmatched_rows"] == [
        {
            "line": 5,
            "title": "Nothing Like It",
            "year": 2020,
            "id": "tt9999999",
            "rating": 7.0,
            "list": "rated",
            "reason": answer["unmatched_rows"][0]["reason"],
        }
    ]
    assert "IMDb" in answer["unmatched_rows"][0]["reason"]
    assert answer["summary"].startswith("2 new ratings, 0 changed, 0 unchanged")
    assert "1 rated title not found in Demo films" in answer["summary"]
    assert answer["report"]["format"] == "imdb"
    json.dumps(answer)  # JSON-ready
    assert workspace.my_ratings_map() == {"d155": 5.0, "d165": 3.0}
    rows = {row["item"]: row for row in workspace.store.rating_rows("Demo films")}
    assert rows["d155"]["rating_original"] == 10.0
    assert rows["d155"]["scale_original"] == (1.0, 10.0)
    assert rows["d155"]["rated_at"].startswith("2023-01-05")
    assert rows["d155"]["source"] == "imdb:imdb.csv"
    assert workspace.store.seen("Demo films") == ["d340"]
    logged = workspace.store.import_log()[0]
    assert logged["id"] == answer["import_id"]
    assert logged["summary"]["added"] == 2
    assert logged["summary"]["unmatched_rows"][0]["line"] == 5


def test_reimport_updates_changes_and_keeps_ratings_made_in_the_app(workspace, tmp_path):
    workspace.import_personal(
        write_imdb(tmp_path / "old.csv", [imdb_row(STAR_WARS, "10"), imdb_row(ALIEN, "6")])
    )
    workspace.rate("d165", 1.0)  # the person changed their mind in the app
    newer = write_imdb(
        tmp_path / "new.csv",
        [imdb_row(STAR_WARS, "8"), imdb_row(ALIEN, "10"), imdb_row(CALIGARI, "4")],
    )
    answer = workspace.import_personal(newer)
    assert (answer["added"], answer["changed"], answer["kept_from_app"]) == (1, 1, 1)
    assert answer["unchanged"] == 0
    assert workspace.my_ratings_map() == {"d155": 4.0, "d165": 1.0, "d001": 2.0}
    again = workspace.import_personal(newer)
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 2)
    assert len(workspace.store.import_log()) == 3


def test_letterboxd_zip_with_watched_and_watchlist(workspace, tmp_path):
    archive = tmp_path / "letterboxd-someone.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "ratings.csv",
            "Date,Name,Year,Letterboxd URI,Rating\r\n"
            "2021-01-01,Star Wars,1977,https://boxd.it/a,4.5\r\n"
            "2021-01-02,Matrix,1999,https://boxd.it/b,3\r\n"
            "2021-01-03,Nothing Like It,1999,https://boxd.it/c,2\r\n",
        )
        zipped.writestr(
            "watched.csv",
            "Date,Name,Year,Letterboxd URI\r\n2021-01-01,Alien,1979,https://boxd.it/d\r\n",
        )
        zipped.writestr(
            "watchlist.csv",
            "Date,Name,Year,Letterboxd URI\r\n"
            "2021-01-01,The Cabinet of Dr. Caligari,1920,https://boxd.it/e\r\n",
        )
    answer = workspace.import_personal(archive)
    assert answer["report"]["format"] == "letterboxd"
    assert workspace.my_ratings_map() == {"d155": 4.5, "d340": 3.0}
    assert workspace.store.seen("Demo films") == ["d165"]
    assert workspace.store.want_list("Demo films") == ["d001"]
    assert (answer["seen_added"], answer["want_added"], answer["unmatched"]) == (1, 1, 1)


def test_generic_file_of_item_ids(workspace, tmp_path):
    export = tmp_path / "mine.csv"
    export.write_text("item,rating\nd155,4\nd165,2.5\nzzz,3\n", encoding="utf-8")
    answer = workspace.import_personal(export)
    assert workspace.my_ratings_map() == {"d155": 4.0, "d165": 2.5}
    assert answer["unmatched"] == 1


def test_seen_items_are_never_recommended(workspace, tmp_path):
    liked = [item["item"] for item in workspace.catalogue(genre="Sci-Fi", per_page=6)["items"]]
    for item in liked[:5]:
        workspace.rate(item, 5.0)
    first = workspace.recommendations(n=5)["items"][0]["item"]
    export = tmp_path / "seen.csv"
    imdb_id = workspace.community.items.at[first, "imdb_id"]
    if not imdb_id:
        pytest.skip(f"demo item {first} has no IMDb id")
    title = workspace.community.title_of(first)
    write_imdb(export, [f"{imdb_id},,2024-01-01,{title},u,movie,7,100,2000,Drama,1,x,y"])
    answer = workspace.import_personal(export)
    assert answer["seen_added"] == 1
    assert workspace.store.seen("Demo films") == [first]
    assert first not in [item["item"] for item in workspace.recommendations(n=50)["items"]]


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, b"userId,movieId,rating\n1,2,3\n4,5,1\n"],
    ids=["empty", "image", "community-file"],
)
def test_an_unreadable_file_changes_nothing(workspace, tmp_path, content):
    workspace.rate("d155", 4.0)
    before = Path(workspace.store.path).read_bytes()
    bad = tmp_path / "ratings.csv"
    bad.write_bytes(content)
    with pytest.raises(RatingsImportError) as refused:
        workspace.import_personal(bad)
    assert "\n" not in str(refused.value)
    assert workspace.my_ratings_map() == {"d155": 4.0}
    assert workspace.store.import_log() == []
    assert Path(workspace.store.path).read_bytes() == before


def test_a_failure_while_storing_rolls_everything_back(workspace, tmp_path, monkeypatch):
    export = write_imdb(tmp_path / "imdb.csv", [imdb_row(STAR_WARS, "10"), imdb_row(MATRIX, "")])
    workspace.rate("d165", 4.0)
    database = workspace.store.path
    blocker = sqlite3.connect(database)  # make the import-log insert fail inside the transaction
    blocker.execute(
        "CREATE TRIGGER refuse_log BEFORE INSERT ON import_log "
        "BEGIN SELECT RAISE(ABORT, 'log refused'); END"
    )
    blocker.commit()
    blocker.close()
    with pytest.raises(KindredError, match="log refused"):
        workspace.import_personal(export)
    assert workspace.my_ratings_map() == {"d165": 4.0}
    assert workspace.store.seen("Demo films") == []
    assert database.name == DATABASE_FILE


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "relative",
    [
        "exports/imdb/TylerGrossi_Movie-Rankings_imdb_ratings.csv",
        "exports/letterboxd/mororke2026_classic-cinema_ratings.csv",
    ],
)
def test_real_exports_import_into_the_demo_community(workspace, shared_data, relative):
    path = shared_data / relative
    if not path.is_file():
        pytest.skip(f"{relative} not found in {shared_data}")
    answer = workspace.import_personal(path)
    stored = workspace.my_ratings_map()
    assert answer["added"] == len(stored) == answer["matched"] > 0
    assert answer["report"]["ratings"] == len(stored)
    assert all(0.5 <= rating <= 5.0 for rating in stored.values())
