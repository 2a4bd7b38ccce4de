"""UserKNN follows scikit-learn's parameter protocol without importing scikit-learn."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pandas as pd
import pytest
from sklearn.base import clone

from recommender.errors import ConfigurationError
from recommender.knn import UserKNN


@pytest.fixture(scope="module")
def community() -> pd.DataFrame:
    """Four people, five items: enough for a fitted model to answer."""
    rows = [
        ("u1", "a", 5), ("u1", "b", 3), ("u1", "c", 4),
        ("u2", "a", 4), ("u2", "b", 2), ("u2", "d", 5),
        ("u3", "b", 5), ("u3", "c", 1), ("u3", "e", 2),
        ("u4", "a", 5), ("u4", "d", 4), ("u4", "e", 3),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["user", "item", "rating"])


def test_get_params_lists_every_init_argument_with_its_value() -> None:
    model = UserKNN(k=7, similarity="pearson", damping=0.5)
    params = model.get_params()
    assert list(params) == sorted(params)
    assert params["k"] == 7
    assert params["similarity"] == "pearson"
    assert params["damping"] == 0.5
    assert params["ranking_similarity"] == "jaccard"
    assert set(params) == set(UserKNN().get_params())


def test_set_params_returns_self_and_changes_only_the_named_values() -> None:
    model = UserKNN(k=7)
    assert model.set_params(k=9, neighbourhood="global") is model
    assert (model.k, model.neighbourhood, model.similarity) == (9, "global", "pearson_baseline")


def test_set_params_rejects_an_unknown_name_listing_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"Invalid parameter 'neighbors'.*k, min_k"):
        UserKNN().set_params(neighbors=3)


def test_clone_round_trip_gives_an_unfitted_equal_copy(community: pd.DataFrame) -> None:
    model = UserKNN(k=5, shrinkage=50.0).fit(community)
    copy = clone(model)
    assert copy is not model
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "matrix_")
    again = UserKNN(**model.get_params())
    assert again.get_params() == model.get_params()


def test_repr_shows_the_parameters_that_differ_from_the_defaults() -> None:
    assert repr(UserKNN()) == "UserKNN()"
    assert repr(UserKNN(k=7, similarity="pearson")) == "UserKNN(k=7, similarity='pearson')"
    assert repr(UserKNN(k=40.0)) == "UserKNN()"
    assert repr(UserKNN(min_k=True)) == "UserKNN(min_k=True)"


def test_fitted_model_survives_pickling(community: pd.DataFrame) -> None:
    model = UserKNN(k=5).fit(community)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.get_params() == model.get_params()
    assert restored.recommend(user="u1", n=3) == model.recommend(user="u1", n=3)


def test_importing_the_engine_does_not_import_scikit_learn() -> None:
    code = "import sys, recommender.knn; print('sklearn' in sys.modules)"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "False"
