"""Means and biases cached beside a community: reused when they match, rebuilt otherwise."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from test_evidence_search import generated_community

from recommender.knn import UserKNN
from recommender.rating_arrays import RatingArrays


def cached_arrays(cache_dir: Path, content_hash: str = "abc123") -> RatingArrays:
    arrays = RatingArrays.from_frame(generated_community(8, users=80, items=40))
    return RatingArrays(**{**arrays.__dict__, "cache_dir": cache_dir, "content_hash": content_hash})


def test_a_second_fit_reads_what_the_first_derived(tmp_path: Path, caplog) -> None:
    first = UserKNN().fit(cached_arrays(tmp_path))
    files = list(tmp_path.glob("derived-*.npz"))
    assert len(files) == 1
    with caplog.at_level(logging.INFO, logger="recommender.derived_cache"):
        second = UserKNN().fit(cached_arrays(tmp_path))
    assert "read from" in caplog.text
    np.testing.assert_array_equal(
        first.matrix_.baseline.user_bias, second.matrix_.baseline.user_bias
    )
    np.testing.assert_array_equal(first.matrix_.user_std, second.matrix_.user_std)
    profile = {"i1": 4.0, "i2": 1.0}
    assert first.recommend(ratings=profile) == second.recommend(ratings=profile)


def test_other_options_or_other_ratings_get_their_own_entry(tmp_path: Path) -> None:
    UserKNN().fit(cached_arrays(tmp_path))
    UserKNN(user_regularisation=3.0).fit(cached_arrays(tmp_path))
    UserKNN().fit(cached_arrays(tmp_path, content_hash="other"))
    UserKNN(k=5).fit(cached_arrays(tmp_path))  # k does not change what is derived
    assert len(list(tmp_path.glob("derived-*.npz"))) == 3


@pytest.mark.parametrize("damage", [b"not a zip file", b""])
def test_a_damaged_entry_is_rebuilt(tmp_path: Path, damage: bytes, caplog) -> None:
    expected = UserKNN().fit(cached_arrays(tmp_path / "fresh")).matrix_.baseline.item_bias
    UserKNN().fit(cached_arrays(tmp_path))
    (entry,) = tmp_path.glob("derived-*.npz")
    entry.write_bytes(damage)
    with caplog.at_level(logging.WARNING, logger="recommender.derived_cache"):
        rebuilt = UserKNN().fit(cached_arrays(tmp_path))
    assert "rebuilding" in caplog.text
    np.testing.assert_array_equal(rebuilt.matrix_.baseline.item_bias, expected)
    assert entry.stat().st_size > len(damage)


def test_an_unwritable_cache_folder_only_costs_the_cache(tmp_path: Path, caplog) -> None:
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="recommender.derived_cache"):
        model = UserKNN().fit(cached_arrays(blocker / "cache"))
    assert "could not cache" in caplog.text
    assert len(model.recommend(ratings={"i1": 5.0})) > 0
