"""One measurement per process: ``python benchmarks/_scale_tasks.py TASK --size S --data FILE``.

``benchmarks/run.py`` starts each task in a fresh interpreter, so each peak-memory figure
belongs to that task alone, and reads the single ``RESULT {json}`` line it prints. Tasks:

* ``read``: ``recommender.importing.read_community`` on the file (the reading part of an
  import, without building and writing the arrays).
* ``import``, ``reopen``, ``first_recommendation_cold``, ``first_recommendation``: the
  community store (``_store_tasks.py``): a whole import into a data directory, reopening it,
  and the first recommendation after reopening.
* ``kindred``: fit ``UserKNN`` without the held-out people, then time a new person's top-20
  (their profiles), an existing person's top-20, ``predict`` throughput and the floor.
* ``kindred_cv``: 5-fold fit + predict with ``recommender.evaluation.rating_prediction``.
* ``lenskit``: LensKit's ``UserKNNScorer(max_nbrs=40)`` on the same training data, the same
  new-person profiles.
* ``surprise``: Surprise's ``KNNWithMeans`` (user-based Pearson) 5-fold cross-validation, or
  the reason it cannot run here.

Held-out people are the same in every task: ``numpy.random.default_rng(42)`` picks
``PROFILES + 1`` users (one for warming up) and, for each, a random 20-200 of their ratings.
"""

from __future__ import annotations

import argparse
import gc
import logging
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _measure import current_rss_mb
from _measure import emit
from _measure import peak_rss_mb
from _measure import repeat_ms
from _measure import summary_ms
from _measure import timed
from _measure import timed_with_cpu
from _store_tasks import STORE_TASKS

logger = logging.getLogger(__name__)

PROFILES = 60
EXISTING_USERS = 50
PREDICT_USERS, PREDICT_ITEMS = 200, 100
TOP_N = 20
SEED = 42
#: Surprise's user-based Pearson keeps about seven users x users float64 arrays at once.
SURPRISE_DENSE_ARRAYS = 7

Profile = tuple[int, np.ndarray, np.ndarray]  # user, items, ratings


def read_plain(path: Path) -> pd.DataFrame:
    """``user, item, rating`` with integer ids, as the peers are normally fed."""
    frame = pd.read_csv(
        path,
        usecols=["userId", "movieId", "rating"],
        dtype={"userId": np.int32, "movieId": np.int32, "rating": np.float32},
    )
    return frame.rename(columns={"userId": "user", "movieId": "item"})


def held_out_profiles(plain: pd.DataFrame) -> list[Profile]:
    """``PROFILES + 1`` held-out people, each with a random 20-200 of their own ratings."""
    rng = np.random.default_rng(SEED)
    chosen = rng.choice(np.unique(plain["user"].to_numpy()), size=PROFILES + 1, replace=False)
    rows = plain[plain["user"].isin(chosen)].groupby("user")
    profiles = []
    for user in chosen:
        own = rows.get_group(user)
        size = min(int(rng.integers(20, 201)), len(own))
        picked = rng.choice(len(own), size=size, replace=False)
        profiles.append(
            (
                int(user),
                own["item"].to_numpy()[picked],
                own["rating"].to_numpy()[picked].astype(float),
            )
        )
    return profiles


def read_kindred(path: Path) -> tuple[pd.DataFrame, str]:
    """The community's ratings as Kindred's importer gives them, and how they were read."""
    try:
        from recommender.importing import read_community
    except ImportError:
        plain = read_plain(path)
        frame = plain.astype({"user": str, "item": str})
        return frame, "pandas.read_csv with dtypes (read_community not available)"
    community, _report = read_community(path)
    return community.ratings, "recommender.importing.read_community"


def task_read(path: Path) -> dict[str, Any]:
    """Seconds and peak memory of reading the community file."""
    baseline = current_rss_mb()
    try:
        from recommender.importing import read_community
    except ImportError:
        seconds, frame = timed(lambda: read_plain(path))
        method = "pandas.read_csv with dtypes (read_community not available)"
    else:
        seconds, (community, _report) = timed(lambda: read_community(path))
        frame = community.ratings
        method = "recommender.importing.read_community"
    return {
        "read_s": seconds,
        "read_peak_rss_mb": peak_rss_mb(),
        "read_baseline_rss_mb": baseline,
        "read_method": method,
        "ratings": len(frame),
    }


def _floor(train: pd.DataFrame, profile: Profile) -> dict[str, float]:
    """The least work any top-20 must do: read the rating arrays once; one CSR x vector."""
    from scipy.sparse import csr_array

    users, user_codes = np.unique(train["user"].to_numpy(), return_inverse=True)
    items, item_codes = np.unique(train["item"].to_numpy(), return_inverse=True)
    matrix = csr_array(
        (train["rating"].to_numpy(np.float64), (user_codes, item_codes)),
        shape=(len(users), len(items)),
    )
    query = np.zeros(len(items))
    positions = np.searchsorted(items, profile[1])
    known = (positions < len(items)) & (items[np.minimum(positions, len(items) - 1)] == profile[1])
    query[positions[known]] = profile[2][known] - profile[2].mean()
    return {
        "floor_ms": repeat_ms(lambda: (matrix.data.sum(), matrix.indices.sum())),
        "floor_matvec_ms": repeat_ms(lambda: matrix @ query),
    }


def task_kindred(path: Path) -> dict[str, Any]:
    """Fit and answer with Kindred's ``UserKNN`` through its public API only."""
    from recommender.knn import UserKNN

    profiles = held_out_profiles(read_plain(path))
    ratings, method = read_kindred(path)
    held_out = {str(user) for user, _items, _ratings in profiles}
    train = ratings[~ratings["user"].astype(str).isin(held_out)].reset_index(drop=True)
    del ratings
    gc.collect()
    before = current_rss_mb()
    fit_s, model = timed(lambda: UserKNN().fit(train))
    gc.collect()
    model_rss_mb = current_rss_mb() - before
    fit_peak = peak_rss_mb()
    # What the fitted model holds, before any query or predict() adds its own working arrays.
    pickled_mb = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)) / 2**20

    asks = [
        {str(i): float(r) for i, r in zip(items, values, strict=True)}
        for _u, items, values in profiles
    ]
    model.recommend(ratings=asks[-1], n=TOP_N)  # warm-up, not counted
    new_times, new_cpu, explained, lengths = [], [], 0, []
    for ask in asks[:-1]:
        seconds, cpu, recommendations = timed_with_cpu(
            lambda ask=ask: model.recommend(ratings=ask, n=TOP_N)
        )
        new_times.append(seconds)
        new_cpu.append(cpu)
        lengths.append(len(recommendations))
        explained += all(len(rec.neighbours) > 0 for rec in recommendations)

    rng = np.random.default_rng(SEED + 1)
    train_users = train["user"].unique()
    existing = rng.choice(train_users, size=min(EXISTING_USERS, len(train_users)), replace=False)
    existing_times = [timed(lambda u=u: model.recommend(user=u, n=TOP_N))[0] for u in existing]

    item_ids = train["item"].unique()
    predict_users = np.repeat(rng.choice(train_users, size=PREDICT_USERS), PREDICT_ITEMS)
    predict_items = rng.choice(item_ids, size=PREDICT_USERS * PREDICT_ITEMS)
    predict_s, estimates = timed(lambda: model.predict(list(predict_users), list(predict_items)))

    new, old = summary_ms(new_times), summary_ms(existing_times)
    return {
        "fit_input": method,
        "train_ratings": len(train),
        "fit_s": fit_s,
        "fit_peak_rss_mb": fit_peak,
        "model_mb": model_rss_mb,
        "model_pickled_mb": pickled_mb,
        "profiles": len(new_times),
        "profile_sizes": [min(len(a) for a in asks[:-1]), max(len(a) for a in asks[:-1])],
        "top20_lengths": [int(min(lengths)), int(max(lengths))],
        "profiles_fully_explained": explained,
        "new_person_top20_ms_median": new["median"],
        "new_person_top20_ms_p95": new["p95"],
        "new_person_top20_cpu_ms_median": summary_ms(new_cpu)["median"],
        "existing_user_top20_ms_median": old["median"],
        "existing_user_top20_ms_p95": old["p95"],
        "predict_pairs_per_s": len(estimates) / predict_s,
        **_floor(
            read_plain(path).pipe(lambda f: f[~f["user"].astype(str).isin(held_out)]), profiles[0]
        ),
    }


def task_kindred_cv(path: Path) -> dict[str, Any]:
    """Five-fold fit + predict of the default ``UserKNN`` (scikit-learn's KFold, seed 42)."""
    from recommender.evaluation import rating_prediction
    from recommender.knn import UserKNN

    ratings, _method = read_kindred(path)
    seconds, folds = timed(lambda: rating_prediction(UserKNN(), ratings, folds=5, seed=SEED))
    return {
        "kindred_cv_s": seconds,
        "kindred_cv_rmse": float(np.mean([fold.rmse for fold in folds])),
        "kindred_cv_peak_rss_mb": peak_rss_mb(),
    }


def task_lenskit(path: Path) -> dict[str, Any]:
    """LensKit ``UserKNNScorer(max_nbrs=40)``: fit, then the same new people's top-20."""
    try:
        from lenskit import recommend
        from lenskit.data import ItemList
        from lenskit.data import RecQuery
        from lenskit.data import from_interactions_df
        from lenskit.knn import UserKNNScorer
        from lenskit.pipeline import topn_pipeline
    except ImportError as error:
        return {"lenskit_note": f"lenskit is not installed ({error}); install the bench extra"}
    plain = read_plain(path)
    profiles = held_out_profiles(plain)
    held_out = [user for user, _items, _ratings in profiles]
    train = plain[~plain["user"].isin(held_out)].reset_index(drop=True)
    del plain
    dataset = from_interactions_df(train, user_col="user", item_col="item", rating_col="rating")
    pipeline = topn_pipeline(UserKNNScorer(max_nbrs=40), n=TOP_N)
    fit_s, _ = timed(lambda: pipeline.train(dataset))
    known = train["item"].unique()  # LensKit refuses items it was not trained on
    queries = [
        RecQuery(
            user_items=ItemList(
                item_ids=items[np.isin(items, known)], rating=values[np.isin(items, known)]
            )
        )
        for _user, items, values in profiles
    ]
    recommend(pipeline, queries[-1], n=TOP_N)  # warm-up
    times = [timed(lambda q=q: recommend(pipeline, q, n=TOP_N))[0] for q in queries[:-1]]
    answer = summary_ms(times)
    return {
        "lenskit_fit_s": fit_s,
        "lenskit_peak_rss_mb": peak_rss_mb(),
        "lenskit_top20_ms_median": answer["median"],
        "lenskit_top20_ms_p95": answer["p95"],
    }


def surprise_memory_gb(n_users: int) -> float:
    """What Surprise's user-based Pearson needs: ~7 dense users x users float64 arrays."""
    return SURPRISE_DENSE_ARRAYS * n_users**2 * 8 / 1e9


def task_surprise(path: Path) -> dict[str, Any]:
    """Surprise ``KNNWithMeans`` (user-based Pearson, k=40) 5-fold CV, when memory allows."""
    from _measure import machine

    plain = read_plain(path)
    n_users = plain["user"].nunique()
    needed, available = surprise_memory_gb(n_users), machine()["ram_gib"] * 1.0737
    similarity_gb = n_users**2 * 8 / 1e9
    if needed > 0.7 * available:
        return {
            "surprise_note": (
                f"cannot run: {n_users:,} users need a dense {similarity_gb:,.0f} GB similarity "
                f"matrix (~{needed:,.0f} GB in all) on a {available:.0f} GB machine"
            )
        }
    try:
        from surprise import Dataset
        from surprise import KNNWithMeans
        from surprise import Reader
        from surprise.model_selection import KFold
        from surprise.model_selection import cross_validate
    except ImportError as error:
        return {"surprise_note": f"scikit-surprise is not installed ({error})"}
    data = Dataset.load_from_df(plain[["user", "item", "rating"]], Reader(rating_scale=(0.5, 5)))
    algorithm = KNNWithMeans(
        k=40, sim_options={"name": "pearson", "user_based": True}, verbose=False
    )
    folds = KFold(n_splits=5, random_state=SEED, shuffle=True)
    seconds, scores = timed(lambda: cross_validate(algorithm, data, ["rmse"], cv=folds))
    return {
        "surprise_cv_s": seconds,
        "surprise_cv_rmse": float(np.mean(scores["test_rmse"])),
        "surprise_fit_s_per_fold": float(np.mean(scores["fit_time"])),
        "surprise_peak_rss_mb": peak_rss_mb(),
    }


TASKS = {
    **STORE_TASKS,
    "read": task_read,
    "kindred": task_kindred,
    "kindred_cv": task_kindred_cv,
    "lenskit": task_lenskit,
    "surprise": task_surprise,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One scale measurement (run by run.py).")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--size", required=True)
    parser.add_argument("--data", required=True, type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    emit(TASKS[args.task](args.data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
