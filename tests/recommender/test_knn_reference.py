"""The sparse engine agrees with a dense brute-force reference on random small communities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from reference_knn import Reference

from recommender.knn import UserKNN

SIMILARITIES = ["cosine", "cosine_centred", "cosine_binary", "pearson", "pearson_baseline"]
SIMILARITIES += ["msd", "jaccard"]


@st.composite
def communities(draw: st.DrawFn, continuous: bool = False) -> np.ndarray:
    """A people x items matrix (NaN = not rated) where everyone rated something."""
    n_users = draw(st.integers(2, 7))
    n_items = draw(st.integers(2, 6))
    rating = (
        st.floats(1.0, 5.0, allow_nan=False).map(lambda x: round(x, 3))
        if continuous
        else st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0])
    )
    cells = st.one_of(st.none(), rating)
    matrix = np.array(
        [[draw(cells) for _ in range(n_items)] for _ in range(n_users)], dtype=np.float64
    )
    for u in range(n_users):
        if np.isnan(matrix[u]).all():
            matrix[u, draw(st.integers(0, n_items - 1))] = draw(rating)
    return matrix


def as_frame(matrix: np.ndarray) -> pd.DataFrame:
    users, items = np.nonzero(~np.isnan(matrix))
    return pd.DataFrame({"user": users, "item": items, "rating": matrix[users, items]})


parameters = st.fixed_dictionaries(
    {
        "similarity": st.sampled_from(SIMILARITIES),
        "centering": st.sampled_from(["baseline", "mean", "zscore", "none"]),
        "min_overlap": st.integers(1, 2),
        "shrinkage": st.sampled_from([0.0, 2.5]),
        "min_similarity": st.sampled_from([0.0, 0.1]),
        "neighbourhood": st.sampled_from(["item", "global"]),
        "damping": st.sampled_from([0.0, 1.0]),
        "min_k": st.integers(1, 2),
    }
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def check_against_reference(matrix: np.ndarray, params: dict, k: int) -> None:
    model = UserKNN(k=k, **params).fit(as_frame(matrix))
    reference = Reference(matrix, k=k, **params)
    n_users, n_items = matrix.shape
    users = [u for u in range(n_users) for i in range(n_items)]
    items = [i for u in range(n_users) for i in range(n_items)]
    expected = [reference.predict(u, i) for u, i in zip(users, items, strict=True)]
    assume(not any(ambiguous for _, _, ambiguous in expected))
    details = model.predict_details(users, items)
    known_items = set(np.flatnonzero((~np.isnan(matrix)).any(axis=0)))
    for detail, (estimate, used, _) in zip(details, expected, strict=True):
        if detail.item not in known_items:
            continue
        assert detail.estimate == pytest.approx(estimate, abs=1e-5)
        assert detail.neighbours_used == used


@SETTINGS
@given(communities(), parameters)
def test_predictions_match_the_reference_without_truncation(matrix, params) -> None:
    check_against_reference(matrix, params, k=10)


@SETTINGS
@given(communities(continuous=True), parameters, st.integers(1, 3))
def test_predictions_match_the_reference_with_top_k(matrix, params, k) -> None:
    assume(params["min_k"] <= k)
    check_against_reference(matrix, params, k=k)


@SETTINGS
@given(
    communities(continuous=True),
    parameters,
    st.integers(1, 3),
    st.sampled_from(["evidence", "rating"]),
)
def test_recommendations_match_the_reference(matrix, params, k, ranking) -> None:
    assume(params["min_k"] <= k)
    model = UserKNN(k=k, ranking=ranking, **params).fit(as_frame(matrix))
    reference = Reference(matrix, k=k, **params)
    n_users, n_items = matrix.shape
    for user in range(n_users):
        unseen = [i for i in range(n_items) if np.isnan(matrix[user, i])]
        if ranking == "evidence":
            scored = {i: reference.evidence(user, i) for i in unseen}
        else:
            scored = {i: reference.predict(user, i) for i in unseen}
        predicted = {i: reference.predict(user, i) for i in unseen}
        assume(not any(ambiguous for _, _, ambiguous in scored.values()))
        assume(not any(ambiguous for _, _, ambiguous in predicted.values()))
        recommendations = model.recommend(user=user, n=n_items)
        expected_items = {i for i, (_, support, _) in scored.items() if support >= params["min_k"]}
        assert {r.item for r in recommendations} == expected_items
        for recommendation in recommendations:
            expected_rating = predicted[recommendation.item][0]
            assert recommendation.predicted_rating == pytest.approx(expected_rating, abs=1e-5)
            assert recommendation.score == pytest.approx(scored[recommendation.item][0], abs=1e-5)
        scores = [r.score for r in recommendations]
        assert scores == sorted(scores, reverse=True)
