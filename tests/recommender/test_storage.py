"""The person's data in SQLite: round trips, durability, versions, damage, threads."""

from __future__ import annotations

import math
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from recommender.errors import DataDirError
from recommender.errors import KindredError
from recommender.storage import DATABASE_FILE
from recommender.storage import Store
from recommender.storage import database
from recommender.storage import schema
from recommender.storage import schema_version

COMMUNITY = "Demo films"


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "data")
    yield opened
    opened.close()


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


# ---------------------------------------------------------------------- opening
def test_creates_the_data_dir_with_parents(tmp_path: Path):
    data_dir = tmp_path / "a" / "b" / "kindred"
    with Store(data_dir) as opened:
        assert opened.path == data_dir / DATABASE_FILE
    assert (data_dir / DATABASE_FILE).is_file()


def test_wal_mode_foreign_keys_and_current_version(store: Store):
    assert store.journal_mode() == "wal"
    assert store.version() == schema_version()
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    finally:
        raw.close()
    expected = {"my_ratings", "hidden", "want_list", "settings", "communities", "import_log"}
    assert expected <= tables


def test_foreign_keys_are_enforced(store: Store):
    connection = store._open_connection()
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrates_an_empty_database_file(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    sqlite3.connect(data_dir / DATABASE_FILE).close()  # an empty SQLite file, version 0
    (data_dir / DATABASE_FILE).touch()
    with Store(data_dir) as opened:
        assert opened.version() == schema_version()
        opened.set_rating(COMMUNITY, "d001", 4.0)
        assert opened.ratings(COMMUNITY) == {"d001": 4.0}


def test_applies_a_new_migration_step_keeping_the_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    with Store(data_dir) as old:
        old.set_rating(COMMUNITY, "d001", 3.5)
    next_step = ("CREATE TABLE notes (community TEXT, item TEXT, note TEXT)",)
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, next_step))
    with Store(data_dir) as new:
        assert new.version() == len(schema.MIGRATIONS)
        assert new.ratings(COMMUNITY) == {"d001": 3.5}
        tables = new._open_connection().execute("SELECT name FROM sqlite_master").fetchall()
        assert ("notes",) in tables


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    with Store(data_dir) as old:
        old.set_rating(COMMUNITY, "d001", 3.5)
    broken_step = ("CREATE TABLE notes (note TEXT)", "THIS IS NOT SQL")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken_step))
    with pytest.raises(DataDirError, match="Cannot use"):
        Store(data_dir)
    monkeypatch.undo()
    with Store(data_dir) as reopened:
        assert reopened.version() == schema_version()
        assert reopened.ratings(COMMUNITY) == {"d001": 3.5}
        tables = reopened._open_connection().execute("SELECT name FROM sqlite_master").fetchall()
        assert ("notes",) not in tables


def test_refuses_a_database_from_a_newer_version_without_touching_it(tmp_path: Path):
    data_dir = tmp_path / "data"
    with Store(data_dir) as opened:
        opened.set_rating(COMMUNITY, "d001", 5.0)
    raw = sqlite3.connect(data_dir / DATABASE_FILE)
    raw.execute(f"PRAGMA user_version = {schema_version() + 1}")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    before = file_bytes(data_dir / DATABASE_FILE)
    with pytest.raises(DataDirError, match="newer version of Kindred") as refused:
        Store(data_dir)
    assert "\n" not in str(refused.value)
    assert file_bytes(data_dir / DATABASE_FILE) == before


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 10, b"\x00\xff" * 3000, b"SQLite for"],
    ids=["text", "binary", "truncated-header"],
)
def test_refuses_a_file_that_is_not_sqlite_and_leaves_it_untouched(tmp_path, content):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / DATABASE_FILE).write_bytes(content)
    with pytest.raises(DataDirError, match="not a Kindred database") as refused:
        Store(data_dir)
    assert "\n" not in str(refused.value)
    assert (data_dir / DATABASE_FILE).read_bytes() == content
    assert sorted(path.name for path in data_dir.iterdir()) == [DATABASE_FILE]


def test_refuses_a_damaged_sqlite_file_and_leaves_it_untouched(tmp_path: Path):
    data_dir = tmp_path / "data"
    with Store(data_dir) as opened:
        opened.set_ratings(COMMUNITY, [{"item": f"d{n:03d}", "rating": 3.0} for n in range(500)])
    path = data_dir / DATABASE_FILE
    damaged = bytearray(path.read_bytes())
    damaged[100:4096] = b"\xa5" * (4096 - 100)  # the first page's b-tree, after the header
    path.write_bytes(bytes(damaged))
    with pytest.raises(DataDirError) as refused:
        Store(data_dir)
    assert "untouched" in str(refused.value)
    assert path.read_bytes() == bytes(damaged)


def test_refuses_someone_elses_sqlite_database(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    raw = sqlite3.connect(data_dir / DATABASE_FILE)
    raw.execute("CREATE TABLE photos (id INTEGER)")
    raw.commit()
    raw.close()
    before = file_bytes(data_dir / DATABASE_FILE)
    with pytest.raises(DataDirError, match="not Kindred's"):
        Store(data_dir)
    assert file_bytes(data_dir / DATABASE_FILE) == before


def test_a_database_path_that_is_a_folder_is_refused(tmp_path: Path):
    (tmp_path / "data" / DATABASE_FILE).mkdir(parents=True)
    with pytest.raises(DataDirError, match="is not a file"):
        Store(tmp_path / "data")


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path):
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("x")
    with pytest.raises(DataDirError, match="is a file, not a folder"):
        Store(not_a_dir)
    assert not_a_dir.read_text() == "x"


def test_a_closed_store_says_so(tmp_path: Path):
    opened = Store(tmp_path / "data")
    opened.close()
    opened.close()  # closing twice is harmless
    with pytest.raises(KindredError, match="closed"):
        opened.ratings(COMMUNITY)


# ---------------------------------------------------------------------- ratings
def test_rating_round_trip_and_replacement(store: Store):
    store.set_rating(COMMUNITY, "d001", 4.5)
    store.set_rating(COMMUNITY, "d002", 2)
    store.set_rating(COMMUNITY, "d001", 3.0)
    store.set_rating("Other", "d001", 1.0)
    assert store.ratings(COMMUNITY) == {"d001": 3.0, "d002": 2.0}
    assert store.ratings("Other") == {"d001": 1.0}
    assert store.ratings("Nobody") == {}


def test_rating_rows_carry_origin_newest_first(store: Store):
    store.set_rating(
        COMMUNITY,
        "d010",
        4.0,
        source="imdb.csv",
        rating_original=8.0,
        scale_original=(1, 10),
        rated_at="2019-05-01T00:00:00+00:00",
    )
    store.set_rating(COMMUNITY, "d020", 2.5)
    store.set_rating(COMMUNITY, "d030", 5.0)
    rows = store.rating_rows(COMMUNITY)
    assert [row["item"] for row in rows] == ["d030", "d020", "d010"]
    imported = rows[2]
    assert imported == {
        "item": "d010",
        "rating": 4.0,
        "rated_at": "2019-05-01T00:00:00+00:00",
        "source": "imdb.csv",
        "rating_original": 8.0,
        "scale_original": (1.0, 10.0),
    }
    assert rows[0]["source"] == "app"
    assert rows[0]["rating_original"] is None and rows[0]["scale_original"] is None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    community=st.text(min_size=1),
    item=st.text(min_size=1),
    rating=st.floats(allow_nan=False, allow_infinity=False),
)
def test_any_text_ids_and_finite_ratings_round_trip(store: Store, community, item, rating):
    """Ids are stored as given: quotes, SQL-looking text and any Unicode come back unchanged."""
    store.set_rating(community, item, rating)
    assert store.ratings(community)[item] == rating
    store.hide(community, item)
    assert item in store.hidden(community)
    assert store.delete_rating(community, item) == rating
    assert store.unhide(community, item) is True


def test_delete_rating_returns_the_old_rating_for_undo(store: Store):
    store.set_rating(COMMUNITY, "d001", 3.5)
    assert store.delete_rating(COMMUNITY, "d001") == 3.5
    assert store.delete_rating(COMMUNITY, "d001") is None
    assert store.ratings(COMMUNITY) == {}


@pytest.mark.parametrize(
    "bad_rating", [math.nan, math.inf, -math.inf, "4", None, True, [4.0], np.float64("nan")]
)
def test_bad_ratings_are_refused_and_nothing_changes(store: Store, bad_rating):
    store.set_rating(COMMUNITY, "d001", 4.0)
    with pytest.raises(KindredError, match="finite number") as refused:
        store.set_rating(COMMUNITY, "d001", bad_rating)
    assert "\n" not in str(refused.value)
    assert store.ratings(COMMUNITY) == {"d001": 4.0}


def test_numpy_numbers_are_accepted(store: Store):
    store.set_rating(COMMUNITY, "d001", np.float32(3.5))
    store.set_rating(COMMUNITY, "d002", np.int64(4))
    assert store.ratings(COMMUNITY) == {"d001": 3.5, "d002": 4.0}


@pytest.mark.parametrize("bad_id", ["", None, 42])
def test_bad_ids_are_refused(store: Store, bad_id):
    with pytest.raises(KindredError, match="non-empty text"):
        store.set_rating(COMMUNITY, bad_id, 4.0)
    with pytest.raises(KindredError, match="non-empty text"):
        store.hide(bad_id, "d001")


def test_set_ratings_is_all_or_nothing(store: Store):
    store.set_rating(COMMUNITY, "d001", 1.0)
    rows = [{"item": "d001", "rating": 5.0}, {"item": "d002", "rating": math.nan}]
    with pytest.raises(KindredError):
        store.set_ratings(COMMUNITY, rows, source="file.csv")
    assert store.ratings(COMMUNITY) == {"d001": 1.0}
    assert store.set_ratings(COMMUNITY, rows[:1], source="file.csv") == 1
    assert store.ratings(COMMUNITY) == {"d001": 5.0}


def test_everything_persists_across_reopen(tmp_path: Path):
    data_dir = tmp_path / "data"
    with Store(data_dir) as first:
        first.set_rating(COMMUNITY, "d001", 4.5)
        first.hide(COMMUNITY, "d002")
        first.want(COMMUNITY, "d003")
        first.set_setting("model", {"k": 40, "similarity": "pearson_baseline"})
        first.record_community("ml-small", scale=(0.5, 5.0), ratings=10, users=2, items=5)
        first.log_import(
            community="ml-small",
            source_file="ratings.csv",
            started_at="2026-12-04T10:00:00+00:00",
            finished_at="2026-12-04T10:00:02+00:00",
            summary={"rows": 10, "rejected": []},
        )
    with Store(data_dir) as second:
        assert second.ratings(COMMUNITY) == {"d001": 4.5}
        assert second.hidden(COMMUNITY) == ["d002"]
        assert second.want_list(COMMUNITY) == ["d003"]
        assert second.get_setting("model") == {"k": 40, "similarity": "pearson_baseline"}
        assert [community["name"] for community in second.communities()] == ["ml-small"]
        assert second.import_log()[0]["summary"] == {"rows": 10, "rejected": []}


# ---------------------------------------------------------------------- hidden, want-list
def test_hide_and_unhide(store: Store):
    store.hide(COMMUNITY, "d005")
    store.hide(COMMUNITY, "d001")
    store.hide(COMMUNITY, "d005")  # hiding twice keeps one entry
    assert store.hidden(COMMUNITY) == ["d005", "d001"]
    assert store.hidden("Other") == []
    assert store.unhide(COMMUNITY, "d005") is True
    assert store.unhide(COMMUNITY, "d005") is False
    assert store.hidden(COMMUNITY) == ["d001"]


def test_want_list(store: Store):
    store.want(COMMUNITY, "d100")
    store.want(COMMUNITY, "d050")
    assert store.want_list(COMMUNITY) == ["d100", "d050"]
    assert store.unwant(COMMUNITY, "d100") is True
    assert store.unwant(COMMUNITY, "d100") is False
    assert store.want_list(COMMUNITY) == ["d050"]


# ---------------------------------------------------------------------- settings
def test_settings_round_trip_and_default(store: Store):
    assert store.get_setting("theme") is None
    assert store.get_setting("theme", "light") == "light"
    store.set_setting("theme", "dark")
    store.set_setting("theme", "light")
    store.set_setting("neighbours", [1, 2.5, None, "x"])
    assert store.get_setting("theme") == "light"
    assert store.get_setting("neighbours") == [1, 2.5, None, "x"]


@pytest.mark.parametrize("bad_value", [math.nan, object(), {1, 2}])
def test_unstorable_settings_are_refused(store: Store, bad_value):
    with pytest.raises(KindredError, match="cannot be stored"):
        store.set_setting("bad", bad_value)
    assert store.get_setting("bad") is None


# ---------------------------------------------------------------------- communities and log
def test_record_update_list_and_delete_communities(store: Store):
    store.record_community(
        "ml-latest-small",
        scale=(0.5, 5.0),
        ratings=np.int64(100836),
        users=610,
        items=9724,
        source_file="ratings.csv",
        source_hash="sha256:abc",
        format="movielens",
        imported_at="2026-12-04T10:00:00+00:00",
    )
    store.record_community("books", scale=(1, 5), ratings=3, users=1, items=3)
    listed = store.communities()
    assert [community["name"] for community in listed] == ["books", "ml-latest-small"]
    assert listed[1] == {
        "name": "ml-latest-small",
        "source_file": "ratings.csv",
        "source_hash": "sha256:abc",
        "format": "movielens",
        "scale_min": 0.5,
        "scale_max": 5.0,
        "ratings": 100836,
        "users": 610,
        "items": 9724,
        "imported_at": "2026-12-04T10:00:00+00:00",
        "folder": None,
        "content_hash": None,
    }
    store.record_community("books", scale=(1, 5), ratings=30, users=2, items=10)
    assert store.communities()[0]["ratings"] == 30
    assert store.delete_community("books") is True
    assert store.delete_community("books") is False
    assert [community["name"] for community in store.communities()] == ["ml-latest-small"]


def test_bad_community_counts_are_refused(store: Store):
    with pytest.raises(KindredError, match="whole number"):
        store.record_community("x", scale=(1, 5), ratings=-1, users=1, items=1)
    with pytest.raises(KindredError, match="finite number"):
        store.record_community("x", scale=(1, math.inf), ratings=1, users=1, items=1)
    assert store.communities() == []


def test_import_log_newest_first(store: Store):
    first = store.log_import(
        community="a", source_file="a.csv", started_at="t1", finished_at="t2", summary={"n": 1}
    )
    second = store.log_import(
        community=None,
        source_file="broken.csv",
        started_at="t3",
        finished_at=None,
        summary={"error": "line 3: not a number", "rejected": [{"line": 3}]},
    )
    assert second > first
    log = store.import_log()
    assert [entry["id"] for entry in log] == [second, first]
    assert log[0]["summary"]["rejected"] == [{"line": 3}]
    assert store.import_log(limit=1) == log[:1]
    assert store.import_entry(first) == log[1]
    assert store.import_entry(second + 1) is None


# ---------------------------------------------------------------------- concurrency
def test_concurrent_writes_and_reads_from_threads(store: Store):
    threads_count, per_thread = 8, 40
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count + 1)

    def write(thread: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                store.set_rating(COMMUNITY, f"t{thread}-{n}", (n % 10 + 1) / 2)
                if n % 5 == 0:
                    store.hide(COMMUNITY, f"t{thread}-{n}")
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    def read() -> None:
        try:
            start.wait()
            for _ in range(100):
                ratings = store.ratings(COMMUNITY)
                assert all(0.5 <= value <= 5.0 for value in ratings.values())
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads_count)]
    workers.append(threading.Thread(target=read))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    ratings = store.ratings(COMMUNITY)
    assert len(ratings) == threads_count * per_thread
    assert ratings["t3-7"] == 4.0
    assert len(store.hidden(COMMUNITY)) == threads_count * per_thread // 5


def test_a_busy_writer_elsewhere_gives_a_clear_error_and_reads_still_work(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    data_dir = tmp_path / "data"
    with Store(data_dir) as opened:
        opened.set_rating(COMMUNITY, "d001", 2.0)
        other_writer = sqlite3.connect(data_dir / DATABASE_FILE, isolation_level=None)
        try:
            other_writer.execute("BEGIN IMMEDIATE")
            other_writer.execute("UPDATE my_ratings SET rating = 1.0")
            with pytest.raises(DataDirError, match="busy") as refused:
                opened.set_rating(COMMUNITY, "d002", 4.0)
            assert "\n" not in str(refused.value)
            assert opened.ratings(COMMUNITY) == {"d001": 2.0}  # WAL: readers see the last commit
            other_writer.execute("ROLLBACK")
        finally:
            other_writer.close()
        opened.set_rating(COMMUNITY, "d002", 4.0)
        assert opened.ratings(COMMUNITY) == {"d001": 2.0, "d002": 4.0}


KILLED_WRITER = """
import sys
from recommender.storage import Store
store = Store(sys.argv[1])
for n in range(10_000):
    store.set_rating("Demo films", f"d{n:05d}", (n % 10 + 1) / 2)
    print(n, flush=True)
"""


@pytest.mark.parametrize("kill_after", [0, 7, 40])
def test_ratings_survive_sigkill_right_after_set_rating_returns(tmp_path: Path, kill_after: int):
    data_dir = tmp_path / "data"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        confirmed = -1
        for line in writer.stdout:
            confirmed = int(line)
            if confirmed >= kill_after:
                break
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=30)
        if writer.stdout is not None:
            writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert confirmed >= kill_after
    with Store(data_dir) as reopened:
        ratings = reopened.ratings(COMMUNITY)
    for n in range(confirmed + 1):
        assert ratings[f"d{n:05d}"] == (n % 10 + 1) / 2


def test_item_metadata_round_trip_and_cascade(store: Store):
    store.record_community("films", scale=(0.5, 5.0), ratings=2, users=1, items=3)
    rows = [
        {"item": "1", "title": "Toy Story", "year": np.int64(1995), "genres": "Animation",
         "external_ids": {"imdb": "tt0114709"}},
        {"item": "2", "title": "Unknown year", "year": pd.NA},
        {"item": "3", "title": "Float year", "year": 1999.0, "genres": None},
    ]  # fmt: skip
    assert store.set_items("films", rows) == 3
    assert store.items("films") == [
        {"item": "1", "title": "Toy Story", "year": 1995, "genres": "Animation",
         "external_ids": {"imdb": "tt0114709"}},
        {"item": "2", "title": "Unknown year", "year": None, "genres": "", "external_ids": {}},
        {"item": "3", "title": "Float year", "year": 1999, "genres": "", "external_ids": {}},
    ]  # fmt: skip
    assert store.set_items("films", rows[:1]) == 1  # replaces, not appends
    assert [row["item"] for row in store.items("films")] == ["1"]
    store.delete_community("films")
    assert store.items("films") == []


def test_items_need_a_recorded_community_and_sane_years(store: Store):
    with pytest.raises(KindredError, match="no recorded community named 'never recorded'"):
        store.set_items("never recorded", [{"item": "1", "title": "x"}])
    store.record_community("films", scale=(1, 5), ratings=0, users=0, items=1)
    with pytest.raises(KindredError, match="year must be a whole number"):
        store.set_items("films", [{"item": "1", "title": "x", "year": "1999?"}])
    assert store.items("films") == []


KILLED_MID_TRANSACTION = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("DELETE FROM my_ratings")
print("holding the write lock", flush=True)
sys.stdin.read()
"""


def test_a_writer_killed_mid_transaction_neither_blocks_nor_changes_anything(tmp_path: Path):
    data_dir = tmp_path / "data"
    with Store(data_dir) as opened:
        opened.set_rating(COMMUNITY, "d001", 4.0)
    holder = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_TRANSACTION, str(data_dir / DATABASE_FILE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding the write lock"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        holder.kill()
        holder.wait(timeout=30)
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()
    with Store(data_dir) as reopened:
        assert reopened.ratings(COMMUNITY) == {"d001": 4.0}
        reopened.set_rating(COMMUNITY, "d002", 3.0)
        assert reopened.ratings(COMMUNITY) == {"d001": 4.0, "d002": 3.0}


def test_a_version_1_database_gains_the_seen_table_and_keeps_its_data(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    raw = sqlite3.connect(data_dir / DATABASE_FILE, isolation_level=None)
    for statement in schema.MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute(
        "INSERT INTO my_ratings (community, item, rating, rated_at) "
        "VALUES ('Demo films', 'd001', 4.0, '2026-01-01')"
    )
    raw.execute("PRAGMA user_version = 1")
    raw.close()
    with Store(data_dir) as opened:
        assert opened.version() == schema_version() >= 2
        assert opened.ratings(COMMUNITY) == {"d001": 4.0}
        assert opened.rated_in_app(COMMUNITY) == {"d001"}
        opened.mark_seen(COMMUNITY, "d002")
        opened.mark_seen(COMMUNITY, "d002")
        assert opened.seen(COMMUNITY) == ["d002"]
        assert opened.unmark_seen(COMMUNITY, "d002") is True
        assert opened.seen(COMMUNITY) == []


def test_a_personal_import_with_one_bad_row_stores_nothing(store: Store):
    store.set_rating(COMMUNITY, "d001", 2.0)
    with pytest.raises(KindredError, match="finite number"):
        store.apply_personal_import(
            COMMUNITY,
            ratings=[{"item": "d002", "rating": 4.0}, {"item": "d003", "rating": math.nan}],
            source="imdb:ratings.csv",
            seen=["d004"],
            want=["d005"],
            log={"source_file": "ratings.csv", "started_at": "2026-12-04T00:00:00+00:00"},
        )
    assert store.ratings(COMMUNITY) == {"d001": 2.0}
    assert (store.seen(COMMUNITY), store.want_list(COMMUNITY), store.import_log()) == ([], [], [])
    log_id = store.apply_personal_import(
        COMMUNITY,
        ratings=[{"item": "d002", "rating": 4.0}],
        source="imdb:ratings.csv",
        seen=["d004"],
        want=["d005"],
        log={"source_file": "ratings.csv", "started_at": "2026-12-04T00:00:00+00:00",
             "summary": {"added": 1}},
    )  # fmt: skip
    assert store.ratings(COMMUNITY) == {"d001": 2.0, "d002": 4.0}
    assert store.rated_in_app(COMMUNITY) == {"d001"}
    assert (store.seen(COMMUNITY), store.want_list(COMMUNITY)) == (["d004"], ["d005"])
    assert store.import_log()[0]["id"] == log_id
    assert store.import_log()[0]["summary"] == {"added": 1}


def test_clear_personal_forgets_one_community_in_one_go(store: Store):
    for community in ("films", "books"):
        store.set_rating(community, "a", 4.0)
        store.set_rating(community, "b", 2.0)
        store.hide(community, "c")
        store.mark_seen(community, "d")
        store.want(community, "e")
    removed = store.clear_personal("films")
    assert removed == {"ratings": 2, "hidden": 1, "seen": 1, "want_list": 1}
    assert (store.ratings("films"), store.hidden("films"), store.seen("films")) == ({}, [], [])
    assert store.want_list("films") == []
    assert store.ratings("books") == {"a": 4.0, "b": 2.0}
    assert (store.hidden("books"), store.seen("books"), store.want_list("books")) == (
        ["c"],
        ["d"],
        ["e"],
    )
