"""Honest, repeatable measurement of a model: rating accuracy and top-N usefulness.

Two protocols, both deterministic given ``seed``:

* **rating prediction**: k-fold cross-validation over the rows in file order, with exactly the
  folds of scikit-learn's ``KFold(n_splits=folds, shuffle=True, random_state=seed)``. Reported:
  RMSE and MAE (mean over folds), and the summed fit and predict seconds.
* **top-N** (``topn=True``): a per-person holdout of ``round(0.2 * n)`` of each person's
  ratings, drawn with ``numpy.random.default_rng(seed)``. The model is fitted on the rest and
  asked, as a person would ask, for ``recommend(user=..., n=10)``; the candidate items are the
  training items that person has not rated. An item is relevant when its held-out rating is at
  least ``relevance_threshold``. Reported over the people with at least one relevant held-out
  item: precision@10, recall@10 and nDCG@10 (binary gains, log2 discount).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold

from recommender.errors import ConfigurationError
from recommender.knn import UserKNN

logger = logging.getLogger(__name__)

TOP_N = 10


@dataclass(frozen=True)
class FoldResult:
    """One fold of the rating-prediction protocol."""

    rmse: float
    mae: float
    fit_seconds: float
    predict_seconds: float


def kfold_splits(n_rows: int, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test row positions, identical to ``KFold(folds, shuffle=True, random_state=seed)``."""
    if not isinstance(folds, int) or isinstance(folds, bool) or folds < 2:
        raise ConfigurationError(f"folds must be a whole number of at least 2; got {folds!r}.")
    if n_rows < folds:
        raise ConfigurationError(f"{n_rows} ratings cannot be split into {folds} folds.")
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros((n_rows, 1))))


def rating_prediction(
    model: UserKNN, ratings: pd.DataFrame, folds: int = 5, seed: int = 42
) -> list[FoldResult]:
    """Fit a fresh copy of ``model`` on each training fold and score its test predictions."""
    results = []
    for train, test in kfold_splits(len(ratings), folds, seed):
        fold_model = clone(model)
        started = time.perf_counter()
        fold_model.fit(ratings.iloc[train])
        fitted = time.perf_counter()
        tested = ratings.iloc[test]
        predicted = fold_model.predict(tested["user"].to_numpy(), tested["item"].to_numpy())
        finished = time.perf_counter()
        errors = predicted - tested["rating"].to_numpy(dtype=np.float64)
        results.append(
            FoldResult(
                rmse=float(np.sqrt(np.mean(errors**2))),
                mae=float(np.mean(np.abs(errors))),
                fit_seconds=fitted - started,
                predict_seconds=finished - fitted,
            )
        )
        logger.info("fold %d: RMSE %.4f", len(results), results[-1].rmse)
    return results


def per_user_holdout(
    ratings: pd.DataFrame, fraction: float = 0.2, seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off ``round(fraction * n)`` random ratings of each person as their test set."""
    rng = np.random.default_rng(seed)
    keys = rng.random(len(ratings))
    users = ratings["user"].to_numpy()
    frame = pd.DataFrame({"user": users, "key": keys})
    rank = frame.groupby("user", sort=False)["key"].rank(method="first").to_numpy() - 1
    sizes = frame.groupby("user", sort=False)["user"].transform("size").to_numpy()
    held_out = rank < np.round(fraction * sizes)
    return ratings[~held_out], ratings[held_out]


RecommendFunction = Callable[[object, int], list[object]]


def top_n_metrics(
    recommend: RecommendFunction,
    test: pd.DataFrame,
    relevance_threshold: float = 4.0,
    n: int = TOP_N,
) -> dict[str, float]:
    """Precision, recall and nDCG at ``n``, averaged over people with a relevant test item.

    ``recommend(user, n)`` returns a ranked list of item ids for a person.

    .. math::  \\mathrm{nDCG@n} = \\frac{\\sum_{j=1}^{n} [\\mathrm{rel}_j] / \\log_2(j + 1)}
                                       {\\sum_{j=1}^{\\min(n, |R|)} 1 / \\log_2(j + 1)}
    """
    relevant_rows = test[test["rating"] >= relevance_threshold]
    relevant_by_user = relevant_rows.groupby("user", sort=False)["item"].agg(set)
    discounts = 1.0 / np.log2(np.arange(2, n + 2))
    precision, recall, ndcg = [], [], []
    for user, relevant in relevant_by_user.items():
        ranked = list(recommend(user, n))[:n]
        hits = np.array([item in relevant for item in ranked], dtype=bool)
        precision.append(hits.sum() / n)
        recall.append(hits.sum() / len(relevant))
        ideal = discounts[: min(n, len(relevant))].sum()
        ndcg.append(float((discounts[: len(hits)] * hits).sum() / ideal))
    if not precision:
        raise ConfigurationError(
            f"No held-out rating reaches {relevance_threshold}: top-N cannot be measured."
        )
    return {
        f"precision@{n}": float(np.mean(precision)),
        f"recall@{n}": float(np.mean(recall)),
        f"ndcg@{n}": float(np.mean(ndcg)),
        "topn_users": len(precision),
    }


def top_n(
    model: UserKNN,
    ratings: pd.DataFrame,
    seed: int = 42,
    relevance_threshold: float = 4.0,
) -> dict[str, float]:
    """The top-N protocol for ``model``: fit on the per-person training part, then ask it."""
    train, test = per_user_holdout(ratings, seed=seed)
    fitted = clone(model).fit(train)
    started = time.perf_counter()
    metrics = top_n_metrics(
        lambda user, n: [r.item for r in fitted.recommend(user=user, n=n)],
        test,
        relevance_threshold,
    )
    metrics["topn_seconds"] = time.perf_counter() - started
    return metrics


def evaluate(
    ratings: pd.DataFrame,
    model: UserKNN | None = None,
    folds: int = 5,
    seed: int = 42,
    topn: bool = False,
    relevance_threshold: float = 4.0,
) -> dict[str, float | int]:
    """Measure ``model`` (default ``UserKNN()``) on ``ratings`` by the protocols above.

    Returns a flat dict with ``rmse``, ``mae``, ``fit_seconds``, ``predict_seconds`` and
    ``folds``; with ``topn=True`` also ``precision@10``, ``recall@10`` and ``ndcg@10``.
    """
    model = UserKNN() if model is None else model
    results = rating_prediction(model, ratings, folds, seed)
    summary: dict[str, float | int] = {
        "rmse": float(np.mean([fold.rmse for fold in results])),
        "mae": float(np.mean([fold.mae for fold in results])),
        "fit_seconds": float(sum(fold.fit_seconds for fold in results)),
        "predict_seconds": float(sum(fold.predict_seconds for fold in results)),
        "folds": folds,
    }
    if topn:
        summary.update(top_n(model, ratings, seed, relevance_threshold))
    return summary
