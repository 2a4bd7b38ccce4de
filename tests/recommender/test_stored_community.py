"""A stored community opens without decoding its ratings, answers every page from its
memory-mapped arrays exactly as the same community in memory does, and keeps what the engine
derives in its folder's ``cache/``, which clean-up, backup and restore tolerate and deletion
removes."""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_community_store import leftovers
from test_community_store import write_ratings_csv

from recommender.community import Community
from recommender.community_store import CACHE_DIR
from recommender.storage.arrays import StoredCommunity
from recommender.storage.backup import create_backup
from recommender.storage.backup import restore_backup
from recommender.workspace import Workspace

NAME = "films"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory holding the community ``films`` (60 people, 900 ratings), current."""
    ratings_file = write_ratings_csv(tmp_path / "source" / "ratings.csv", 60, 80, 15, seed=4)
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        workspace.import_community(ratings_file, name=NAME)
        workspace.use_community(NAME)
    return data_dir


def community_folder(data_dir: Path) -> Path:
    (folder,) = leftovers(data_dir)
    return data_dir / "communities" / folder


def is_memory_mapped(array: np.ndarray) -> bool:
    """Whether ``array`` reads a memory-mapped file (itself a map, or a view of one)."""
    while isinstance(array, np.ndarray) and not isinstance(array, np.memmap):
        array = array.base
    return isinstance(array, np.memmap | mmap.mmap)


def is_decoded(community: Community) -> bool:
    """Whether the ratings DataFrame of a stored community has been built."""
    return "ratings" in vars(community)


def test_reopening_and_browsing_decode_no_rating(data_dir: Path) -> None:
    with Workspace(data_dir) as workspace:
        community = workspace.community
        assert isinstance(community, StoredCommunity)
        assert not is_decoded(community)
        status = workspace.status()["community"]
        assert (status["users"], status["ratings"], status["name"]) == (60, 900, NAME)
        page = workspace.catalogue(sort="top_rated", per_page=5)
        item = page["items"][0]["item"]
        details = workspace.item(item)
        member = str(workspace.community.rating_arrays().users[0])
        assert workspace._ratings_of([member])[0]
        assert workspace.neighbours()["items"] == []  # nobody rated yet: no model needed
        assert sum(details["histogram"].values()) == page["items"][0]["community_count"]
        assert not is_decoded(community), "no page may build the 32-million-row frame"
        arrays = community.rating_arrays()
        assert is_memory_mapped(arrays.user_items) and is_memory_mapped(arrays.item_ratings)
        assert arrays.cache_dir == community_folder(data_dir) / CACHE_DIR
        assert arrays.content_hash == workspace.store.community(NAME)["content_hash"]
        assert repr(community) == "StoredCommunity(name='films', ratings=900)"
        assert community == community and community != Workspace  # identity, no decoding
        assert not is_decoded(community)


def test_recommending_after_reopening_decodes_no_rating(data_dir: Path) -> None:
    with Workspace(data_dir) as workspace:
        items = workspace.catalogue(per_page=8)["items"]
        for view in items[:6]:
            workspace.rate(view["item"], 4.5)
        recommended = workspace.recommendations(n=5)["items"]
        assert recommended and recommended[0]["neighbours"]
        people = workspace.neighbours(n=5)["items"]
        assert people and people[0]["agree"]
        assert workspace.item(items[0]["item"])["kindred_ratings"]
        assert workspace.recommendations(n=3, user=people[0]["user"])["items"]
        assert not is_decoded(workspace.community)


def test_importing_a_personal_export_decodes_no_rating_and_matches_once(
    data_dir: Path, tmp_path: Path
) -> None:
    with Workspace(data_dir) as workspace:
        items = workspace.catalogue(per_page=3)["items"]
        export = tmp_path / "mine.csv"
        rows = [f"{view['item']},4" for view in items]
        export.write_text("item,rating\n" + "\n".join(rows) + "\n", encoding="utf-8")
        first = workspace.import_personal(export)
        index = workspace.community.__dict__["_item_index"]
        workspace.import_personal(export)
        assert workspace.community.__dict__["_item_index"] is index  # built once
        assert first["kind"] == "personal" and len(workspace.my_ratings()) == 3
        assert not is_decoded(workspace.community)


def test_evaluating_a_stored_community_decodes_no_full_frame(data_dir: Path) -> None:
    with Workspace(data_dir) as workspace:
        workspace.start_evaluation()
        assert workspace.wait_for_evaluation(timeout=120)
        status = workspace.evaluation_status()
        assert status["state"] == "finished", status
        assert not is_decoded(workspace.community)


def test_the_frame_is_decoded_on_demand_once(data_dir: Path) -> None:
    with Workspace(data_dir) as workspace:
        community = workspace.community
        frame = community.ratings
        assert is_decoded(community) and community.ratings is frame
        assert list(frame.columns) == ["user", "item", "rating"] and len(frame) == 900
        assert frame["user"].nunique() == community.n_users == 60


def test_pages_answer_as_the_same_community_in_memory(data_dir: Path, tmp_path: Path) -> None:
    with Workspace(data_dir) as stored:
        in_memory = Community(
            NAME,
            stored.community.ratings.copy(),
            stored.community.items,
            stored.community.scale,
        )
        with Workspace(tmp_path / "other", community=in_memory) as plain:
            for workspace in (stored, plain):
                items = workspace.catalogue(per_page=8)["items"]
                for view in items[:6]:
                    workspace.rate(view["item"], 5.0 if int(view["item"]) % 2 else 1.5)
            pd.testing.assert_frame_equal(stored.statistics, plain.statistics)
            assert stored.catalogue(sort="top_rated") == plain.catalogue(sort="top_rated")
            for item in stored.statistics.index[:10]:
                assert stored.item(item) == plain.item(item)
            assert stored.neighbours(n=10) == plain.neighbours(n=10)
            assert stored.recommendations(n=10) == plain.recommendations(n=10)
            member = stored.neighbours(n=1)["items"][0]["user"]
            assert stored.recommendations(n=5, user=member) == plain.recommendations(
                n=5, user=member
            )


def put_in_cache(data_dir: Path) -> Path:
    cache = community_folder(data_dir) / CACHE_DIR
    cache.mkdir(exist_ok=True)
    derived = cache / "derived-0123456789abcdef.npz"
    np.savez(derived, user_mean=np.zeros(3))
    return derived


def test_the_cache_survives_clean_up_and_goes_with_its_community(data_dir: Path) -> None:
    derived = put_in_cache(data_dir)
    with Workspace(data_dir) as workspace:  # the clean-up runs on every open
        assert derived.is_file()
        assert workspace.community.n_ratings == 900
        assert workspace.community_store.clean_up() == []
        assert derived.is_file()
        workspace.delete_community(NAME)
    assert leftovers(data_dir) == []


def test_a_reimport_drops_the_previous_folder_with_its_cache(data_dir: Path, tmp_path) -> None:
    derived = put_in_cache(data_dir)
    again = write_ratings_csv(tmp_path / "again" / "ratings.csv", 50, 80, 15, seed=5)
    with Workspace(data_dir) as workspace:
        answer = workspace.import_community(again, name=NAME)
        assert workspace.community.n_users == 50, "the current community is reopened"
    assert not derived.exists()
    assert leftovers(data_dir) == [answer["stored"]["folder"]]


def test_backups_leave_the_cache_out_and_restores_keep_it(data_dir: Path, tmp_path) -> None:
    derived = put_in_cache(data_dir)
    with Workspace(data_dir) as workspace:
        manifest = create_backup(workspace.store, tmp_path / "backup.zip")
    assert manifest["files"] and not any(CACHE_DIR in name for name in manifest["files"])
    restore_backup(tmp_path / "backup.zip", data_dir)
    assert derived.is_file(), "restoring over the same folder keeps its cache"
    elsewhere = tmp_path / "restored"
    restore_backup(tmp_path / "backup.zip", elsewhere)
    with Workspace(elsewhere) as restored:
        assert restored.community.name == NAME
        assert restored.status()["community"]["ratings"] == 900
        assert not (community_folder(elsewhere) / CACHE_DIR).exists()
