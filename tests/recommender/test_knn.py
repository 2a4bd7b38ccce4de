"""UserKNN against a 4-person example small enough to compute by hand.

Ratings on a 1-5 scale (blank = not rated):

======  ===  ===  ===  ===
person   x    y    z    w
======  ===  ===  ===  ===
A        5    3    4
B        4    2         5
C        1         5
D             3    3    4
======  ===  ===  ===  ===
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.knn import UserKNN

ROWS = {
    "A": {"x": 5, "y": 3, "z": 4},
    "B": {"x": 4, "y": 2, "w": 5},
    "C": {"x": 1, "z": 5},
    "D": {"y": 3, "z": 3, "w": 4},
}

# Cosine of raw rating vectors: A.B = 5*4 + 3*2 = 26, |A|^2 = 50, |B|^2 = 45, ...
COS_AB = 26 / math.sqrt(50 * 45)
COS_AC = 25 / math.sqrt(50 * 26)
COS_AD = 21 / math.sqrt(50 * 34)

# Pearson on mean-centred ratings over co-rated items. Means: A 4, B 11/3, C 3, D 10/3.
# D-A on {y, z}: D (-1/3, -1/3), A (-1, 0): (1/3) / sqrt(2/9 * 1) = 1/sqrt(2)
# D-B on {y, w}: D (-1/3, 2/3), B (-5/3, 4/3): (13/9) / sqrt(5/9 * 41/9) = 13/sqrt(205)
# D-C on {z}: D (-1/3), C (2): negative, so C is no neighbour of D.
PEARSON_DA = 1 / math.sqrt(2)
PEARSON_DB = 13 / math.sqrt(205)


@pytest.fixture
def ratings() -> pd.DataFrame:
    return pd.DataFrame(
        [(user, item, rating) for user, row in ROWS.items() for item, rating in row.items()],
        columns=["user", "item", "rating"],
    )


def cosine_model(**overrides: object) -> UserKNN:
    return UserKNN(
        similarity="cosine", centering="none", shrinkage=0.0, damping=0.0, k=2, **overrides
    )


def test_cosine_weighted_average_of_the_two_raters(ratings: pd.DataFrame) -> None:
    model = cosine_model().fit(ratings)
    expected = (COS_AB * 5 + COS_AD * 4) / (COS_AB + COS_AD)
    assert model.predict(["A"], ["w"])[0] == pytest.approx(expected)


def test_k_one_keeps_only_the_most_similar_rater(ratings: pd.DataFrame) -> None:
    model = cosine_model().set_params(k=1).fit(ratings)
    assert model.predict(["A"], ["w"])[0] == pytest.approx(5.0)


def test_textbook_uses_the_nearest_people_overall(ratings: pd.DataFrame) -> None:
    model = UserKNN.configuration("textbook", k=2).fit(ratings)
    # A's two nearest overall are C and B; of them only B rated w.
    assert [n.user for n in model.neighbours(user="A")] == ["C", "B", "D"]
    assert model.predict(["A"], ["w"])[0] == pytest.approx(5.0)
    detail = model.predict_details(["A"], ["w"])[0]
    assert detail.neighbours_used == 1


def test_neighbours_report_similarity_and_overlap(ratings: pd.DataFrame) -> None:
    model = cosine_model().fit(ratings)
    neighbours = model.neighbours(user="A", n=2)
    assert [(n.user, n.overlap) for n in neighbours] == [("C", 2), ("B", 2)]
    assert [n.similarity for n in neighbours] == pytest.approx([COS_AC, COS_AB])


def test_pearson_mean_centred(ratings: pd.DataFrame) -> None:
    model = UserKNN(similarity="pearson", centering="mean", shrinkage=0.0, damping=0.0).fit(ratings)
    expected = 10 / 3 + (PEARSON_DA * (5 - 4) + PEARSON_DB * (4 - 11 / 3)) / (
        PEARSON_DA + PEARSON_DB
    )
    detail = model.predict_details(["D"], ["x"])[0]
    assert detail.estimate == pytest.approx(expected)
    assert (detail.neighbours_used, detail.was_impossible, detail.reason) == (2, False, None)


def test_no_positive_neighbour_falls_back_to_the_baseline(ratings: pd.DataFrame) -> None:
    # Every person who rated y disagrees with C, so C has no neighbour for y.
    model = UserKNN(similarity="pearson", centering="mean", shrinkage=0.0, damping=0.0).fit(ratings)
    detail = model.predict_details(["C"], ["y"])[0]
    assert detail.was_impossible
    assert detail.neighbours_used == 0
    assert "fewer than min_k=1" in detail.reason
    baseline = model.matrix_.baseline
    user_row, item_row = model.matrix_.users.get_loc("C"), model.matrix_.items.get_loc("y")
    expected = baseline.mean + baseline.user_bias[user_row] + baseline.item_bias[item_row]
    assert detail.estimate == pytest.approx(expected)


def test_unknown_user_and_item_get_the_baseline_with_a_reason(ratings: pd.DataFrame) -> None:
    model = cosine_model().fit(ratings)
    details = model.predict_details(["nobody", "A"], ["x", "unheard-of"])
    assert [(d.was_impossible, d.reason) for d in details] == [
        (True, "unknown user"),
        (True, "unknown item"),
    ]
    assert all(1.0 <= d.estimate <= 5.0 for d in details)


def test_recommend_explains_with_the_neighbours_ratings(ratings: pd.DataFrame) -> None:
    model = cosine_model().fit(ratings)
    [recommendation] = model.recommend(user="A")
    assert recommendation.item == "w"
    assert recommendation.predicted_rating == pytest.approx(
        (COS_AB * 5 + COS_AD * 4) / (COS_AB + COS_AD)
    )
    assert [(n.user, n.rating) for n in recommendation.neighbours] == [("B", 5.0), ("D", 4.0)]
    assert [n.similarity for n in recommendation.neighbours] == pytest.approx([COS_AB, COS_AD])
    assert 0.0 <= recommendation.confidence <= 1.0


def test_a_recommendation_says_where_its_prediction_started(ratings: pd.DataFrame) -> None:
    model = UserKNN(shrinkage=0.0).fit(ratings)
    [recommendation] = model.recommend(user="A")
    baseline = model.matrix_.baseline
    user_row = model.matrix_.users.get_loc("A")
    item_row = model.matrix_.items.get_loc(recommendation.item)
    expected = baseline.mean + baseline.user_bias[user_row] + baseline.item_bias[item_row]
    assert recommendation.baseline_rating == pytest.approx(np.clip(expected, 1.0, 5.0))
    # the neighbours' residuals are what moves the prediction away from that start
    assert recommendation.predicted_rating != pytest.approx(recommendation.baseline_rating)


def test_new_person_is_answered_like_the_same_fitted_person(ratings: pd.DataFrame) -> None:
    model = UserKNN(similarity="pearson", centering="mean", shrinkage=0.0, damping=0.0).fit(ratings)
    as_new = model.recommend(ratings=ROWS["D"], n=5)
    as_fitted = model.recommend(user="D", n=5)
    # The new person also finds D itself, who rated nothing D has not: same answers.
    assert [r.item for r in as_new] == [r.item for r in as_fitted] == ["x"]
    assert as_new[0].predicted_rating == pytest.approx(as_fitted[0].predicted_rating)
    expected = [n.user for n in model.neighbours(user="D")]
    assert [n.user for n in model.neighbours(ratings=ROWS["D"]) if n.user != "D"] == expected
