"""RatingArrays: both layouts of the same ratings, and fitting from them or from a frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_evidence_search import generated_community

from recommender.errors import ConfigurationError
from recommender.knn import UserKNN
from recommender.rating_arrays import RatingArrays
from recommender.rating_arrays import gather_segments


def test_both_layouts_hold_the_same_ratings_sorted_within_each_segment() -> None:
    frame = pd.DataFrame(
        {"user": ["b", "a", "b", "c", "a"], "item": ["y", "x", "x", "z", "z"], "rating": 1.0}
    )
    frame["rating"] = [2.0, 3.5, 4.0, 1.0, 5.0]
    arrays = RatingArrays.from_frame(frame)
    assert list(arrays.users) == ["b", "a", "c"] and list(arrays.items) == ["y", "x", "z"]
    assert arrays.user_indptr.tolist() == [0, 2, 4, 5]
    assert arrays.user_items.tolist() == [0, 1, 1, 2, 2]  # b: y, x; a: x, z; c: z
    assert arrays.user_ratings.tolist() == [2.0, 4.0, 3.5, 5.0, 1.0]
    assert arrays.item_indptr.tolist() == [0, 1, 3, 5]
    assert arrays.item_users.tolist() == [0, 0, 1, 1, 2]
    assert arrays.item_ratings.tolist() == [2.0, 4.0, 3.5, 5.0, 1.0]
    assert arrays.user_items.dtype == np.int32 and arrays.user_ratings.dtype == np.float32


@pytest.mark.parametrize("segments", [3, 200])
def test_gathering_segments_is_the_concatenation_of_their_slices(segments: int) -> None:
    rng = np.random.default_rng(segments)
    indptr = np.concatenate(([0], np.cumsum(rng.integers(0, 5, size=300))))
    values = rng.random(int(indptr[-1]))
    rows = rng.choice(300, size=segments, replace=True)
    counts, (gathered,) = gather_segments(indptr, rows, values)
    expected = np.concatenate([values[indptr[r] : indptr[r + 1]] for r in rows])
    assert counts.tolist() == [int(indptr[r + 1] - indptr[r]) for r in rows]
    assert gathered.tolist() == expected.tolist()


def test_fitting_arrays_or_the_frame_gives_the_same_answers() -> None:
    community = generated_community(5, users=150, items=80)
    from_frame = UserKNN().fit(community)
    from_arrays = UserKNN().fit(RatingArrays.from_frame(community))
    profile = {"i1": 5.0, "i2": 2.0, "i9": 4.0}
    assert from_arrays.recommend(ratings=profile, n=10) == from_frame.recommend(
        ratings=profile, n=10
    )
    users, items = ["u3", "u4", "u5"], ["i0", "i1", "i2"]
    assert from_arrays.predict(users, items).tolist() == from_frame.predict(users, items).tolist()


def test_arrays_that_do_not_fit_together_are_refused_in_one_sentence() -> None:
    arrays = RatingArrays.from_frame(generated_community(6, users=20, items=10))
    broken = RatingArrays(**{**arrays.__dict__, "item_users": arrays.item_users[:-1]})
    with pytest.raises(ConfigurationError, match="do not fit together"):
        UserKNN().fit(broken)
    not_numbers = arrays.user_ratings.copy()
    not_numbers[0] = np.nan
    with pytest.raises(ConfigurationError, match="not numbers"):
        UserKNN().fit(RatingArrays(**{**arrays.__dict__, "user_ratings": not_numbers}))
