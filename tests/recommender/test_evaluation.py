"""The evaluation protocols, the ``evaluate`` command, and (with shared data) real accuracy."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold

from recommender.commands import evaluate as evaluate_command
from recommender.errors import ConfigurationError
from recommender.errors import RatingsImportError
from recommender.evaluation import evaluate
from recommender.evaluation import kfold_splits
from recommender.evaluation import per_user_holdout
from recommender.evaluation import top_n_metrics
from recommender.knn import UserKNN

SHARED_DATA = Path(
    os.environ.get("KINDRED_SHARED_DATA", Path(__file__).parents[2].parent / "shared" / "data")
)


@pytest.fixture
def ratings() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    users = rng.integers(0, 30, 600)
    items = rng.integers(0, 25, 600)
    frame = pd.DataFrame(
        {"user": users, "item": items, "rating": ((users + items) % 5 + 1).astype(float)}
    )
    return frame.drop_duplicates(["user", "item"]).reset_index(drop=True)


def test_folds_are_scikit_learns() -> None:
    ours = kfold_splits(103, 5, 42)
    theirs = list(KFold(n_splits=5, shuffle=True, random_state=42).split(np.zeros((103, 1))))
    for (train, test), (expected_train, expected_test) in zip(ours, theirs, strict=True):
        assert np.array_equal(train, expected_train)
        assert np.array_equal(test, expected_test)


def test_fold_count_is_validated() -> None:
    with pytest.raises(ConfigurationError, match="folds must be a whole number of at least 2"):
        kfold_splits(10, 1, 42)
    with pytest.raises(ConfigurationError, match="3 ratings cannot be split into 5 folds"):
        kfold_splits(3, 5, 42)


def test_holdout_takes_a_fifth_of_each_persons_ratings(ratings: pd.DataFrame) -> None:
    train, test = per_user_holdout(ratings, seed=42)
    assert len(train) + len(test) == len(ratings)
    assert train.index.intersection(test.index).empty
    sizes = ratings.groupby("user").size()
    held = test.groupby("user").size().reindex(sizes.index, fill_value=0)
    assert (held == np.round(0.2 * sizes)).all()
    again = per_user_holdout(ratings, seed=42)[1]
    assert again.index.equals(test.index)


def test_top_n_metrics_by_hand() -> None:
    test = pd.DataFrame(
        {"user": ["a", "a", "a", "b"], "item": ["x", "y", "z", "x"], "rating": [5, 4, 2, 3]}
    )
    # a: relevant {x, y}; list [y, q, x]: hits at ranks 1 and 3. b has nothing relevant.
    metrics = top_n_metrics(lambda user, n: ["y", "q", "x"], test, n=3)
    ideal = 1 + 1 / math.log2(3)
    assert metrics["precision@3"] == pytest.approx(2 / 3)
    assert metrics["recall@3"] == pytest.approx(1.0)
    assert metrics["ndcg@3"] == pytest.approx((1 + 1 / math.log2(4)) / ideal)
    assert metrics["topn_users"] == 1


def test_evaluate_reports_the_promised_keys(ratings: pd.DataFrame) -> None:
    summary = evaluate(ratings, UserKNN(k=10), folds=3, topn=True)
    assert {"rmse", "mae", "fit_seconds", "predict_seconds", "folds"} <= set(summary)
    assert {"precision@10", "recall@10", "ndcg@10"} <= set(summary)
    assert summary["folds"] == 3
    assert 0 < summary["mae"] <= summary["rmse"] < 4
    assert 0 <= summary["precision@10"] <= 1


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("user,item,rating\nu1,i1,4\nu1,i2,3\nu2,i1,5\n", "plain.csv"),
        ("userId,movieId,rating,timestamp\n1,10,4.0,99\n1,20,3.0,98\n2,10,5.0,97\n", "ml.csv"),
        ("1\t10\t4\t881250949\n1\t20\t3\t881250949\n2\t10\t5\t881250949\n", "u.data"),
        ("user;item;rating\nu1;i1;4\nu1;i2;3\nu2;i1;5\n", "semicolons.csv"),
    ],
)
def test_reader_understands_common_layouts(tmp_path: Path, text: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    frame = evaluate_command.read_ratings_table(path)
    assert list(frame.columns) == ["user", "item", "rating"]
    assert frame["rating"].tolist() == [4.0, 3.0, 5.0]
    assert frame["user"].nunique() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("user,item\nu1,i1\n", "no column for rating"),
        ("user,item,rating\nu1,i1,4\nu2,i2,lots\n", "line 3, field 'rating': 'lots' is not"),
        ("a,b\n1,2\n", "needs the columns user, item and rating"),
    ],
)
def test_reader_refuses_bad_files_in_one_sentence(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(RatingsImportError, match=message):
        evaluate_command.read_ratings_table(path)


def test_command_prints_one_json_object(tmp_path: Path, ratings: pd.DataFrame, capsys) -> None:
    import argparse

    path = tmp_path / "ratings.csv"
    ratings.to_csv(path, index=False)
    parser = argparse.ArgumentParser()
    evaluate_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["evaluate", str(path), "--folds", "3", "--json", "--k", "5"])
    assert evaluate_command.run(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["folds"] == 3
    assert set(summary) == {"rmse", "mae", "fit_seconds", "predict_seconds", "folds"}


@pytest.mark.shared_data
def test_ml100k_beats_the_best_surprise_knn() -> None:
    path = SHARED_DATA / "ml-100k" / "u.data"
    if not path.is_file():
        pytest.skip(f"MovieLens 100K is not at {path}")
    ratings = pd.read_csv(path, sep="\t", names=["user", "item", "rating", "timestamp"])
    summary = evaluate(ratings, UserKNN())
    assert summary["rmse"] < 0.9215  # Surprise KNNBaseline, pearson_baseline, same folds
