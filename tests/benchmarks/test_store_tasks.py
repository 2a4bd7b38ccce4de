"""The community store's benchmark tasks run end to end on a small file: an import into a
data directory, a reopen that decodes no rating, and a first recommendation, cold and warm."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
TESTS_DIR = Path(__file__).resolve().parents[1] / "recommender"


@pytest.fixture(scope="module")
def store_tasks():
    sys.path.insert(0, str(BENCHMARKS_DIR))
    try:
        yield importlib.import_module("_store_tasks")
    finally:
        sys.path.remove(str(BENCHMARKS_DIR))


@pytest.fixture
def ratings_file(tmp_path: Path) -> Path:
    sys.path.insert(0, str(TESTS_DIR))
    try:
        from test_community_store import write_ratings_csv
    finally:
        sys.path.remove(str(TESTS_DIR))
    return write_ratings_csv(tmp_path / "tiny" / "ratings.csv", 50, 90, 25, seed=7)


def test_import_reopen_and_first_recommendation(store_tasks, ratings_file: Path):
    imported = store_tasks.task_import(ratings_file)
    assert imported["ratings"] == 50 * 25
    assert imported["import_s"] > 0 and imported["import_peak_rss_mb"] > 0
    assert imported["store_mb"] > 0
    assert (ratings_file.parent / store_tasks.PROFILE_FILE).is_file()

    reopened = store_tasks.task_reopen(ratings_file)
    assert reopened["reopen_decoded"] is False
    assert reopened["first_page_items"] == 40

    cold = store_tasks.task_first_recommendation_cold(ratings_file)
    warm = store_tasks.task_first_recommendation(ratings_file)
    assert cold["first_recommendation_cold_items"] == warm["first_recommendation_items"] == 20
    assert warm["first_recommendation_s"] >= warm["first_recommendation_fit_s"]
    assert 20 <= warm["first_profile_ratings"] <= 25


def test_reopening_without_an_import_says_so(store_tasks, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuntimeError, match="run 'import'"):
        store_tasks.task_reopen(tmp_path / "empty" / "ratings.csv")
