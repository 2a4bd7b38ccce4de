"""The pruned evidence search gives exactly what scoring every item gives.

The prefix is made tiny here (a few people) so that the bounds, the completion of contenders
and the growth of the prefix all run on small generated communities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender import evidence_search
from recommender.evidence_search import best_items
from recommender.evidence_search import most_similar
from recommender.evidence_search import top_by_evidence
from recommender.knn import UserKNN
from recommender.neighbourhood import person_neighbourhoods
from recommender.person_query import PersonGather
from recommender.scoring import evidence_scores


def generated_community(seed: int, users: int = 300, items: int = 120) -> pd.DataFrame:
    """People with long-tailed activity over items with long-tailed popularity."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, items + 1) ** 0.8
    rows = []
    for user in range(users):
        count = min(int(rng.integers(3, 40)), items)
        chosen = rng.choice(items, size=count, replace=False, p=popularity / popularity.sum())
        ratings = rng.integers(1, 11, size=count) / 2.0
        rows += [
            (f"u{user}", f"i{item}", rating) for item, rating in zip(chosen, ratings, strict=True)
        ]
    return pd.DataFrame(rows, columns=["user", "item", "rating"])


def exhaustive_top(model: UserKNN, gather: PersonGather, eligible: np.ndarray, n: int):
    """Every item scored from every candidate neighbour: the definition."""
    matrix = model.matrix_
    similarities = model._person_similarities(gather, for_ranking=True)[0]
    hoods = person_neighbourhoods(matrix, similarities, model.min_similarity, model.k, "item")
    scores = evidence_scores(hoods, matrix.shape[1])
    support = np.bincount(hoods.item_rows, minlength=matrix.shape[1])
    every_item = np.arange(matrix.shape[1])
    return best_items(every_item, scores, support, eligible, n, model.min_k)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("prefix", [1, 3, 16])
def test_pruned_search_equals_scoring_everything(monkeypatch, seed: int, prefix: int) -> None:
    monkeypatch.setattr(evidence_search, "INITIAL_PREFIX", prefix)
    monkeypatch.setattr(evidence_search, "PREFIX_SHARE", 0.0)
    monkeypatch.setattr(evidence_search, "COMPLETION_BUDGET", 50 if seed % 2 else 10_000)
    model = UserKNN(k=5, min_k=1 + seed % 2).fit(generated_community(seed))
    matrix = model.matrix_
    rng = np.random.default_rng(seed)
    for person_row in rng.choice(matrix.shape[0], size=5, replace=False):
        person = matrix.fitted_person(int(person_row))
        gather = PersonGather(matrix, person)
        eligible = np.ones(matrix.shape[1], dtype=bool)
        eligible[person.item_rows] = False
        eligible[rng.choice(matrix.shape[1], size=10, replace=False)] = False  # hidden
        expected = exhaustive_top(model, gather, eligible, 10)
        similarities = model._person_similarities(gather, for_ranking=True)[0]
        found = top_by_evidence(
            matrix, similarities, eligible, 10, model.k, model.min_k, model.min_similarity
        )
        assert found.items.tolist() == expected.items.tolist()
        assert found.scores.tolist() == expected.scores.tolist()  # bit for bit
        assert found.support.tolist() == expected.support.tolist()


def test_most_similar_breaks_ties_by_lower_row_and_reports_the_next_similarity() -> None:
    similarities = np.array([0.5, 0.9, 0.5, -np.inf, 0.5, 0.7], dtype=np.float32)
    candidates = np.flatnonzero(similarities > 0)
    ranked, next_similarity = most_similar(candidates, similarities, 3)
    assert ranked.tolist() == [1, 5, 0]
    assert next_similarity == pytest.approx(0.5)
    everyone, nothing_left = most_similar(candidates, similarities, len(candidates))
    assert everyone.tolist() == [1, 5, 0, 2, 4]
    assert nothing_left == 0.0


def test_recommend_is_unchanged_when_the_prefix_must_grow(monkeypatch) -> None:
    community = generated_community(11)
    profile = {"i0": 5.0, "i3": 1.0, "i7": 4.5, "i20": 3.0, "i50": 2.0}
    default = UserKNN().fit(community).recommend(ratings=profile, n=15)
    monkeypatch.setattr(evidence_search, "INITIAL_PREFIX", 2)
    monkeypatch.setattr(evidence_search, "PREFIX_SHARE", 0.0)
    grown = UserKNN().fit(community).recommend(ratings=profile, n=15)
    assert grown == default
    assert len(default) == 15
