"""Stored communities: arrays round trip, memory mapping, atomic imports, deletions and the
clean-up of leftovers; the Workspace's list / import / use / delete of communities."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.community_store import CommunityStore
from recommender.community_store import slug
from recommender.demo import demo_community
from recommender.errors import DataDirError
from recommender.errors import KindredError
from recommender.errors import RatingsImportError
from recommender.importing import ImportCancelled
from recommender.storage import Store
from recommender.storage.arrays import MANIFEST
from recommender.storage.arrays import read_arrays
from recommender.storage.arrays import write_arrays
from recommender.storage.files import file_sha256
from recommender.workspace import Workspace


def write_ratings_csv(path: Path, users: int, items: int, per_user: int, seed: int) -> Path:
    """A MovieLens-like ratings.csv with a movies.csv beside it."""
    generator = np.random.default_rng(seed)
    rows = []
    for user in range(1, users + 1):
        chosen = generator.choice(items, size=per_user, replace=False) + 1
        stars = generator.integers(1, 11, size=per_user) / 2
        rows.append(pd.DataFrame({"userId": user, "movieId": chosen, "rating": stars}))
    table = pd.concat(rows)
    table["timestamp"] = 1_000_000_000
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    movies = pd.DataFrame(
        {
            "movieId": np.arange(1, items + 1),
            "title": [f"Film {n} (19{n % 100:02d})" for n in range(1, items + 1)],
            "genres": "Drama",
        }
    )
    movies.to_csv(path.parent / "movies.csv", index=False)
    return path


@pytest.fixture
def ratings_file(tmp_path: Path) -> Path:
    return write_ratings_csv(tmp_path / "films" / "ratings.csv", 60, 80, 15, seed=1)


def leftovers(data_dir: Path) -> list[str]:
    folder = data_dir / "communities"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# ---------------------------------------------------------------------- arrays
def test_arrays_round_trip_the_demo_community_memory_mapped(tmp_path: Path):
    community = demo_community()
    manifest = write_arrays(community, tmp_path / "demo", {"format": "demo"})
    assert (manifest["format_version"], manifest["ratings"]) == (1, community.n_ratings)
    assert (manifest["users"], manifest["items"]) == (community.n_users, community.n_items)
    stored = read_arrays(tmp_path / "demo")
    assert isinstance(stored.arrays["user_items"], np.memmap)
    assert stored.arrays["user_ratings"].dtype == np.float32
    assert stored.arrays["user_items"].dtype == np.int32
    assert stored.arrays["user_indptr"].dtype == np.int64
    rebuilt = stored.to_community()
    key = ["user", "item"]
    original = community.ratings.astype({"user": str, "item": str}).sort_values(key)
    again = rebuilt.ratings.astype({"user": str, "item": str}).sort_values(key)
    np.testing.assert_array_equal(original.to_numpy(), again.to_numpy())
    pd.testing.assert_frame_equal(rebuilt.items, community.items)
    assert rebuilt.scale == community.scale
    # CSR by item holds the same ratings as CSR by user
    arrays = stored.arrays
    item_of_entry = np.repeat(np.arange(len(arrays["item_ids"])), np.diff(arrays["item_indptr"]))
    by_item = set(zip(arrays["item_users"].tolist(), item_of_entry.tolist(), strict=True))
    user_of_entry = np.repeat(np.arange(len(arrays["user_ids"])), np.diff(arrays["user_indptr"]))
    by_user = set(zip(user_of_entry.tolist(), arrays["user_items"].tolist(), strict=True))
    assert by_item == by_user


def test_content_hash_follows_the_ratings_not_the_row_order(tmp_path: Path):
    community = demo_community()
    shuffled = community.ratings.sample(frac=1.0, random_state=3).reset_index(drop=True)
    first = write_arrays(community, tmp_path / "a", {})["content_hash"]
    same = write_arrays(
        type(community)(community.name, shuffled, community.items, community.scale),
        tmp_path / "b",
        {},
    )["content_hash"]
    changed = shuffled.copy()
    changed.loc[0, "rating"] = 5.0 if changed.loc[0, "rating"] != 5.0 else 4.5
    other = write_arrays(
        type(community)(community.name, changed, community.items, community.scale),
        tmp_path / "c",
        {},
    )["content_hash"]
    assert first == same != other


def test_damaged_or_newer_folders_are_refused_with_a_sentence(tmp_path: Path):
    write_arrays(demo_community(), tmp_path / "demo", {})
    manifest = json.loads((tmp_path / "demo" / MANIFEST).read_text())
    (tmp_path / "demo" / MANIFEST).write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(DataDirError, match="newer version of Kindred"):
        read_arrays(tmp_path / "demo")
    (tmp_path / "demo" / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "demo" / "user_items.npy").write_bytes(b"\x93NUMPY broken")
    with pytest.raises(DataDirError, match="cannot be read") as refused:
        read_arrays(tmp_path / "demo")
    assert "\n" not in str(refused.value)


def test_slugs_are_folder_safe():
    assert slug("MovieLens 32M (2024)") == "movielens-32m-2024"
    assert slug("Ærø / ../..") == "r"
    assert slug("***") == "community"


# ---------------------------------------------------------------------- workspace
def test_import_list_use_remember_and_delete(tmp_path: Path, ratings_file: Path):
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        answer = workspace.import_community(ratings_file, name="My films")
        assert answer["stored"]["ratings"] == 60 * 15
        assert answer["stored"]["users"] == 60
        assert answer["report"]["format"].startswith("movielens")
        json.dumps(answer)
        listed = {c["name"]: c for c in workspace.communities()}
        assert listed["Demo films"]["current"] is True
        assert listed["My films"]["ratings"] == 900 and listed["My films"]["current"] is False
        assert listed["My films"]["imported_at"]
        record = workspace.store.community("My films")
        assert record["source_hash"] == file_sha256(ratings_file)
        assert record["content_hash"] == answer["stored"]["content_hash"]
        status = workspace.use_community("My films")
        assert status["community"]["name"] == "My films"
        assert status["community"]["is_demo"] is False
        item = workspace.catalogue(per_page=1)["items"][0]["item"]
        workspace.rate(item, 4.5)
        assert workspace.store.import_log()[0]["summary"]["kind"] == "community"
    with Workspace(data_dir) as reopened:
        assert reopened.community.name == "My films"
        assert reopened.my_ratings_map() == {item: 4.5}
        assert reopened.delete_community("My films")["current"] == "Demo films"
        assert [c["name"] for c in reopened.communities()] == ["Demo films"]
        assert reopened.store.ratings("My films") == {item: 4.5}, "ratings outlive it"
    assert leftovers(data_dir) == []
    with Workspace(data_dir) as again:
        assert again.community.is_demo


def test_reimport_replaces_atomically_and_refits(tmp_path: Path, ratings_file: Path):
    with Workspace(tmp_path / "data") as workspace:
        workspace.import_community(ratings_file, name="films")
        workspace.use_community("films")
        first_folder = workspace.store.community("films")["folder"]
        write_ratings_csv(ratings_file, 70, 80, 15, seed=2)
        answer = workspace.import_community(ratings_file, name="films")
        assert answer["stored"]["users"] == 70
        assert workspace.status()["community"]["users"] == 70, "the current one is reloaded"
        assert leftovers(tmp_path / "data") == [answer["stored"]["folder"]] != [first_folder]


def test_bad_names_bad_files_and_cancellation_change_nothing(tmp_path: Path, ratings_file):
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        for name in ("demo", "Demo films", "", "x" * 81):
            with pytest.raises(KindredError):
                workspace.import_community(ratings_file, name=name)
        bad = tmp_path / "bad.csv"
        bad.write_text("<html><body>not ratings</body></html>\n")
        with pytest.raises(RatingsImportError):
            workspace.import_community(bad)
        with pytest.raises(ImportCancelled):
            workspace.import_community(ratings_file, cancel=lambda: True)
        with pytest.raises(KindredError, match="no stored community named 'nope'"):
            workspace.use_community("nope")
        with pytest.raises(KindredError, match="cannot be deleted"):
            workspace.delete_community("demo")
        assert [c["name"] for c in workspace.communities()] == ["Demo films"]
        assert workspace.store.import_log() == []
    assert leftovers(data_dir) == []


def test_a_missing_current_community_falls_back_to_the_demo(tmp_path, ratings_file, caplog):
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        workspace.import_community(ratings_file, name="films")
        workspace.use_community("films")
        folder = workspace.store.community("films")["folder"]
    shutil.rmtree(data_dir / "communities" / folder)
    with caplog.at_level(logging.WARNING), Workspace(data_dir) as reopened:
        assert reopened.community.is_demo
        assert next(c for c in reopened.communities() if c["name"] == "films")["available"] is False
    assert "opening the demo community instead of films" in caplog.text


def test_clean_up_removes_leftovers_and_restores_an_unfinished_deletion(tmp_path, ratings_file):
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        workspace.import_community(ratings_file, name="kept")
        workspace.import_community(ratings_file, name="half-deleted")
        kept = workspace.store.community("kept")["folder"]
        half = workspace.store.community("half-deleted")["folder"]
    folder = data_dir / "communities"
    (folder / ".tmp-films-0123abcd").mkdir()
    (folder / ".tmp-films-0123abcd" / "user_items.npy").write_bytes(b"partial")
    (folder / "films-89abcdef").mkdir()  # renamed into place, row never committed
    (folder / ".trash-old-00000000").mkdir()  # a finished deletion's trash
    (folder / half).rename(folder / f".trash-{half}")  # killed before its deletion committed
    (folder / "notes").mkdir()  # not ours: left alone
    with Store(data_dir) as store:
        removed = CommunityStore(data_dir, store).clean_up()
    assert set(removed) == {".tmp-films-0123abcd", "films-89abcdef", ".trash-old-00000000",
                            f".trash-{half}"}  # fmt: skip
    assert leftovers(data_dir) == sorted([kept, half, "notes"])
    with Workspace(data_dir) as reopened:
        assert reopened.use_community("half-deleted")["community"]["ratings"] == 900


HOLD_LOCK = """
import sys, time
from pathlib import Path
from recommender.storage.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_writer_fails_clearly_readers_work_and_a_killed_holder_never_blocks(
    tmp_path: Path, ratings_file: Path, monkeypatch
):
    from recommender.storage import lock

    monkeypatch.setattr(lock, "DEFAULT_WAIT_SECONDS", 0.3)
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        workspace.import_community(ratings_file, name="films")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with Workspace(data_dir) as reader:  # opening skips the clean-up, never waits
            assert [c["name"] for c in reader.communities()] == ["Demo films", "films"]
            assert reader.use_community("films")["community"]["ratings"] == 900
            with pytest.raises(DataDirError, match=f"Another Kindred \\(process {holder.pid}\\)"):
                reader.import_community(ratings_file, name="other")
            with pytest.raises(DataDirError, match="Another Kindred"):
                reader.delete_community("films")
        holder.kill()
        holder.wait(timeout=30)
    finally:
        holder.kill()
        holder.wait(timeout=30)
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()
    with Workspace(data_dir) as after:
        after.import_community(ratings_file, name="other")
        assert [c["name"] for c in after.communities()] == ["Demo films", "films", "other"]
