"""Properties every UserKNN answer keeps, and the messages bad parameters get."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from recommender.errors import ConfigurationError
from recommender.errors import NotFittedError
from recommender.knn import UserKNN
from recommender.similarity import SIMILARITIES


@pytest.fixture(scope="module")
def community() -> pd.DataFrame:
    """60 people, 40 items, half-star ratings from two taste groups.

    Even people mostly watch and like even items, odd people odd items.
    """
    rng = np.random.default_rng(7)
    rows = []
    for user in range(60):
        group = user % 2
        preference = np.where(np.arange(40) % 2 == group, 3.0, 1.0)
        size = rng.integers(5, 20)
        for item in rng.choice(40, size=size, replace=False, p=preference / preference.sum()):
            liked = (item % 2) == group
            rating = np.clip(rng.normal(4.0 if liked else 2.0, 0.8), 0.5, 5.0)
            rows.append((f"u{user}", f"i{item}", round(rating * 2) / 2))
    return pd.DataFrame(rows, columns=["user", "item", "rating"])


@pytest.fixture(scope="module")
def model(community: pd.DataFrame) -> UserKNN:
    return UserKNN().fit(community)


def test_own_ratings_are_never_recommended(model: UserKNN, community: pd.DataFrame) -> None:
    for user, rated in community.groupby("user")["item"]:
        recommended = {r.item for r in model.recommend(user=user, n=40)}
        assert recommended
        assert recommended.isdisjoint(set(rated))
        new_person = dict(zip(rated, community.loc[rated.index, "rating"], strict=True))
        assert {r.item for r in model.recommend(ratings=new_person, n=40)}.isdisjoint(rated)


def test_new_person_with_a_users_ratings_finds_that_users_neighbours(
    model: UserKNN, community: pd.DataFrame
) -> None:
    for user, rows in list(community.groupby("user"))[:10]:
        ratings = dict(zip(rows["item"], rows["rating"], strict=True))
        as_new = [n for n in model.neighbours(ratings=ratings, n=21) if n.user != user][:20]
        as_fitted = model.neighbours(user=user, n=20)
        assert [(n.user, n.overlap) for n in as_new] == [(n.user, n.overlap) for n in as_fitted]
        assert [n.similarity for n in as_new] == pytest.approx([n.similarity for n in as_fitted])


@pytest.mark.parametrize("similarity", sorted(SIMILARITIES))
@pytest.mark.parametrize("centering", ["baseline", "mean", "zscore", "none"])
def test_predictions_stay_in_the_scale_and_are_never_nan(
    community: pd.DataFrame, similarity: str, centering: str
) -> None:
    model = UserKNN(similarity=similarity, centering=centering, k=5).fit(community)
    users = [f"u{u}" for u in range(62) for _ in range(42)]
    items = [f"i{i}" for _ in range(62) for i in range(42)]
    predictions = model.predict(users, items)
    assert not np.isnan(predictions).any()
    assert predictions.min() >= 0.5
    assert predictions.max() <= 5.0


def test_recommendations_are_ordered_confident_and_explained(model: UserKNN) -> None:
    recommendations = model.recommend(user="u0", n=10)
    assert len(recommendations) == 10
    scores = [r.score for r in recommendations]
    assert scores == sorted(scores, reverse=True)
    for recommendation in recommendations:
        assert 0.0 <= recommendation.confidence <= 1.0
        assert 0.5 <= recommendation.predicted_rating <= 5.0
        similarities = [n.similarity for n in recommendation.neighbours]
        assert similarities == sorted(similarities, reverse=True)
        assert all(n.similarity > 0 for n in recommendation.neighbours)
    # u0 (even) rated all but five even items: those five, liked by its group, come first.
    assert all(int(r.item[1:]) % 2 == 0 for r in recommendations[:5])
    assert all(int(r.item[1:]) % 2 == 1 for r in recommendations[5:])


def test_candidates_restrict_the_recommendations(model: UserKNN) -> None:
    unseen = [r.item for r in model.recommend(user="u0", n=40)]
    chosen = [*unseen[-3:], "not-in-the-community"]
    assert {r.item for r in model.recommend(user="u0", candidates=chosen)} == set(unseen[-3:])


def test_excluded_items_leave_the_list_and_the_next_ones_move_up(model: UserKNN) -> None:
    before = [r.item for r in model.recommend(user="u0", n=10)]
    excluded = {before[0], before[3], "not-in-the-community"}
    after = [r.item for r in model.recommend(user="u0", n=8, exclude=excluded)]
    assert after == [item for item in before if item not in excluded]


def test_exclude_seen_false_may_recommend_rated_items(model: UserKNN, community) -> None:
    rated = set(community.loc[community["user"] == "u0", "item"])
    recommended = {r.item for r in model.recommend(user="u0", n=40, exclude_seen=False)}
    assert recommended & rated


def test_unknown_user_and_empty_new_person_get_no_recommendations(model: UserKNN) -> None:
    assert model.recommend(user="stranger") == []
    assert model.recommend(ratings={}) == []
    assert model.recommend(ratings={"unknown-item": 5}) == []
    assert model.neighbours(ratings={"unknown-item": 5}) == []


def test_scikit_learn_conventions(community: pd.DataFrame) -> None:
    model = UserKNN(k=7, similarity="pearson")
    assert model.get_params()["k"] == 7
    assert model.set_params(k=9) is model and model.k == 9
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "matrix_")
    assert model.fit(community) is model
    assert model.rating_scale_ == (0.5, 5.0)


def test_textbook_configuration_is_available(community: pd.DataFrame) -> None:
    model = UserKNN.configuration("textbook").fit(community)
    assert model.get_params()["similarity"] == "cosine"
    assert model.get_params()["neighbourhood"] == "global"
    assert model.recommend(user="u1", n=5)
    with pytest.raises(ConfigurationError, match="choose one of: default, textbook"):
        UserKNN.configuration("fancy")


def test_answers_before_fit_raise_not_fitted() -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        UserKNN().predict(["a"], ["b"])
    with pytest.raises(NotFittedError):
        UserKNN().recommend(user="a")


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"k": 0}, "k must be a whole number of at least 1; got 0."),
        ({"k": 2.5}, "k must be a whole number of at least 1; got 2.5."),
        ({"min_k": 5, "k": 3}, r"min_k \(5\) must not exceed k \(3\)."),
        ({"similarity": "euclid"}, "Unknown similarity 'euclid'; choose one of: cosine, "),
        ({"ranking_similarity": "x"}, "Unknown similarity 'x'; choose one of: "),
        ({"centering": "median"}, "Unknown centering 'median'; choose one of: baseline, mean"),
        ({"shrinkage": -1}, "shrinkage must be a number at least 0.0; got -1."),
        ({"min_similarity": 2}, "min_similarity must be a number between -1.0 and 1.0; got 2."),
        ({"neighbourhood": "all"}, "Unknown neighbourhood 'all'; choose one of: global, item."),
        ({"aggregation": "max"}, "Unknown aggregation 'max'; choose one of: weighted_average"),
        ({"ranking": "random"}, "Unknown ranking 'random'; choose one of: evidence, rating."),
        ({"min_overlap": 0}, "min_overlap must be a whole number of at least 1; got 0."),
    ],
)
def test_bad_parameters_fail_in_fit_with_a_clear_message(
    community: pd.DataFrame, parameters: dict, message: str
) -> None:
    model = UserKNN(**parameters)  # the constructor only stores
    with pytest.raises(ConfigurationError, match=message):
        model.fit(community)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([("a", "b", 1)], "ratings must be a pandas DataFrame"),
        (pd.DataFrame({"user": ["a"], "rating": [1]}), r"lacks the column\(s\) item"),
        (pd.DataFrame({"user": [], "item": [], "rating": []}), "ratings is empty"),
        (
            pd.DataFrame({"user": ["a", "b"], "item": ["x", "y"], "rating": [4, "great"]}),
            "ratings row 1 has rating 'great', which is not a number.",
        ),
        (
            pd.DataFrame({"user": ["a", None], "item": ["x", "y"], "rating": [4, 5]}),
            "row 1 has no user",
        ),
    ],
)
def test_bad_ratings_fail_with_a_clear_message(ratings: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        UserKNN().fit(ratings)


def test_bad_questions_fail_with_a_clear_message(model: UserKNN) -> None:
    with pytest.raises(ConfigurationError, match="exactly one of user= or ratings="):
        model.recommend()
    with pytest.raises(ConfigurationError, match="exactly one of user= or ratings="):
        model.recommend(user="u0", ratings={"i1": 3})
    with pytest.raises(ConfigurationError, match="n must be a whole number of at least 0"):
        model.recommend(user="u0", n=-1)
    with pytest.raises(ConfigurationError, match="The rating of item 'i1' is 'lots'"):
        model.recommend(ratings={"i1": "lots"})
    with pytest.raises(ConfigurationError, match="equally long; got 2 users and 1 items"):
        model.predict(["u0", "u1"], ["i1"])


def test_repeated_pairs_are_averaged() -> None:
    ratings = pd.DataFrame(
        {"user": ["a", "a", "b", "b"], "item": ["x", "x", "x", "y"], "rating": [2, 4, 3, 5]}
    )
    model = UserKNN().fit(ratings)
    assert model.n_users_ == 2 and model.n_items_ == 2
    assert sorted(model.matrix_.ratings.tolist()) == [3.0, 3.0, 5.0]
