"""Evaluating the current community in the background: progress, cancel, results, tuning.

An `EvaluationJob` measures the model with the person's options on the community's ratings by
the protocols of :mod:`recommender.evaluation` (k-fold RMSE and MAE; per-person holdout
precision@10 and nDCG@10), then tries a small grid of ``k`` × similarity by k-fold RMSE; the
grid gives both the "error by k" curves and the best setting to suggest. Each model fit is one
step: progress is ``done / total`` steps, and a cancel is honoured between steps.

Big communities (over `SAMPLE_ABOVE` ratings) are measured on a sample of whole people (every
rating of each person drawn) of at most `SAMPLE_RATINGS` ratings, with fewer folds; the job's
``plan`` says so in a sentence. `EvaluationRunner` runs at most one job at a time in a daemon
thread. No Flask here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.community_ratings import people_sample
from recommender.errors import KindredError
from recommender.evaluation import TOP_N
from recommender.evaluation import rating_prediction
from recommender.evaluation import top_n
from recommender.model_settings import model_for
from recommender.rating_arrays import RatingArrays

logger = logging.getLogger(__name__)

SEED = 42
# Communities with more than SAMPLE_ABOVE ratings are measured on a sample of whole people
# of about SAMPLE_RATINGS ratings (MovieLens 100K, all of it: about 14 s on two cores).
SAMPLE_ABOVE = 200_000
SAMPLE_RATINGS = 100_000
# Up to this many ratings, 5 folds; above, 3 (each fold fits the model once).
FULL_FOLDS_RATINGS = 50_000
K_VALUES = (5, 10, 20, 40, 80)
TUNED_SIMILARITIES = ("pearson_baseline", "cosine_centred", "msd")


class EvaluationCancelled(Exception):
    """Raised inside a job's thread when the person cancelled it (never leaves the job)."""


@dataclass(frozen=True)
class EvaluationPlan:
    """How much of a community is measured, and how."""

    folds: int
    ratings_used: int
    people_used: int
    ratings_total: int
    people_total: int

    @property
    def sampled(self) -> bool:
        return self.ratings_used < self.ratings_total

    def note(self) -> str:
        """One sentence for the page about what was measured."""
        what = (
            f"a sample of {self.people_used:,} of {self.people_total:,} people "
            f"({self.ratings_used:,} of {self.ratings_total:,} ratings), to keep it quick"
            if self.sampled
            else f"all {self.ratings_total:,} ratings of {self.people_total:,} people"
        )
        return f"Measured on {what}, with {self.folds}-fold cross-validation."


def sample_people(
    ratings: pd.DataFrame, limit: int = SAMPLE_RATINGS, seed: int = SEED
) -> pd.DataFrame:
    """Every rating of people drawn in a seeded random order until ``limit`` ratings are
    reached (whole people, so each keeps the history that makes them someone's neighbour)."""
    if len(ratings) <= limit:
        return ratings
    sizes = ratings.groupby("user", sort=False).size()
    order = np.random.default_rng(seed).permutation(len(sizes))
    shuffled = sizes.iloc[order]
    chosen = shuffled.index[np.cumsum(shuffled.to_numpy()) <= limit]
    if len(chosen) == 0:  # one person with more ratings than the limit
        chosen = shuffled.index[:1]
    return ratings[ratings["user"].isin(set(chosen))]


def plan_for(ratings: pd.DataFrame | RatingArrays, sample: pd.DataFrame) -> EvaluationPlan:
    if isinstance(ratings, RatingArrays):
        ratings_total, people_total = ratings.n_ratings, ratings.shape[0]
    else:
        ratings_total, people_total = len(ratings), int(ratings["user"].nunique())
    return EvaluationPlan(
        folds=5 if len(sample) <= FULL_FOLDS_RATINGS else 3,
        ratings_used=len(sample),
        people_used=int(sample["user"].nunique()),
        ratings_total=ratings_total,
        people_total=people_total,
    )


def rating_distribution(ratings: pd.DataFrame | RatingArrays) -> list[dict[str, float | int]]:
    """How many ratings each rating value got, lowest value first."""
    if isinstance(ratings, RatingArrays):
        values = pd.Series(np.asarray(ratings.user_ratings))
    else:
        values = ratings["rating"].astype(float)
    counts = values.value_counts().sort_index()
    return [{"rating": float(value), "count": int(count)} for value, count in counts.items()]


def relevance_threshold(scale: tuple[float, float]) -> float:
    """The rating from which a held-out title counts as liked: the top fifth of the scale,
    rounded to a half (4 on both 0.5–5 and 1–5 stars, 8 on 1–10)."""
    lowest, highest = scale
    return round(2 * (highest - 0.2 * (highest - lowest))) / 2


class EvaluationJob:
    """One evaluation of ``ratings`` with the model ``options``; run `run` in a thread.

    ``ratings`` is a frame ``user, item, rating``, or a community's :class:`RatingArrays`
    (a stored community's memory maps), from which only the sampled people are decoded.
    """

    def __init__(
        self,
        community: str,
        ratings: pd.DataFrame | RatingArrays,
        scale: tuple[float, float],
        options: Mapping[str, Any],
        seed: int = SEED,
    ) -> None:
        self.community = community
        self.options = dict(options)
        self.scale = scale
        self.seed = seed
        self.ratings = ratings
        self.sample: pd.DataFrame | None = None  # drawn by `run`, in the job's thread
        self.plan: EvaluationPlan | None = None  # drawn by `run`, in the job's thread
        current_k = int(model_for(self.options).k)
        current_similarity = str(model_for(self.options).similarity)
        self.ks = sorted({*K_VALUES, current_k})
        self.similarities = list(dict.fromkeys([current_similarity, *TUNED_SIMILARITIES]))
        self.total_steps = 3 + len(self.ks) * len(self.similarities)
        self.state = "running"
        self.message: str | None = None
        self.stage = "Starting"
        self.done_steps = 0
        self.started_at = time.time()
        self.finished_at: float | None = None
        self.results: dict[str, Any] = {}
        self._cancel = threading.Event()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ control
    def cancel(self) -> None:
        """Ask the job to stop after the step it is in."""
        self._cancel.set()

    def run(self) -> None:
        """Run every step; the outcome is in `state` (never raises)."""
        try:
            self._prepare()
            self._measure_current()
            self._tune()
            self._finish("finished", None)
        except EvaluationCancelled:
            self._finish("cancelled", "The evaluation was cancelled.")
        except KindredError as error:
            self._finish("failed", str(error))
        except Exception:  # a bug: logged with its traceback, the person gets one sentence
            logger.exception("evaluation of %s failed", self.community)
            self._finish("failed", "The evaluation failed inside Kindred; see its log.")

    def snapshot(self) -> dict[str, Any]:
        """The job as JSON-ready data: state, progress, plan and the results so far."""
        with self._lock:
            return {
                "state": self.state,
                "message": self.message,
                "community": self.community,
                "options": dict(self.options),
                "progress": {
                    "done": self.done_steps,
                    "total": self.total_steps,
                    "stage": self.stage,
                },
                "plan": None if self.plan is None else self._plan_view(self.plan),
                "seconds": round((self.finished_at or time.time()) - self.started_at, 1),
                "results": _copy(self.results),
            }

    @staticmethod
    def _plan_view(plan: EvaluationPlan) -> dict[str, Any]:
        return {
            "folds": plan.folds,
            "sampled": plan.sampled,
            "ratings_used": plan.ratings_used,
            "ratings_total": plan.ratings_total,
            "note": plan.note(),
        }

    # ------------------------------------------------------------------ steps
    def _prepare(self) -> None:
        """Draw the sample (big communities only) and count the ratings of each value."""
        self._step("Preparing the ratings")
        ratings = self.ratings
        if isinstance(ratings, RatingArrays):
            limit = SAMPLE_RATINGS if ratings.n_ratings > SAMPLE_ABOVE else ratings.n_ratings
            sample = people_sample(ratings, limit, self.seed)
        elif len(ratings) > SAMPLE_ABOVE:
            sample = sample_people(ratings, SAMPLE_RATINGS, self.seed)
        else:
            sample = ratings
        plan = plan_for(ratings, sample)
        distribution = rating_distribution(ratings)
        with self._lock:
            self.sample, self.plan = sample, plan
        self._done(distribution=distribution)

    def _step(self, stage: str) -> None:
        if self._cancel.is_set():
            raise EvaluationCancelled
        with self._lock:
            self.stage = stage

    def _folds(self) -> int:
        return self.plan.folds if self.plan is not None else 5

    def _done(self, **results: Any) -> None:
        with self._lock:
            self.results.update(results)
            self.done_steps += 1

    def _finish(self, state: str, message: str | None) -> None:
        with self._lock:
            self.state, self.message, self.finished_at = state, message, time.time()
            self.stage = {"finished": "Done", "cancelled": "Cancelled"}.get(state, "Failed")

    def _measure_current(self) -> None:
        """RMSE and MAE by k-fold, then precision and nDCG at 10, with the person's options."""
        model = model_for(self.options)
        self._step("Measuring rating accuracy (RMSE, MAE)")
        folds = rating_prediction(model, self.sample, self._folds(), self.seed)
        self._done(
            rmse=float(np.mean([fold.rmse for fold in folds])),
            mae=float(np.mean([fold.mae for fold in folds])),
        )
        self._step(f"Measuring the top {TOP_N} (precision, nDCG)")
        threshold = relevance_threshold(self.scale)
        try:
            top = top_n(model, self.sample, self.seed, threshold)
        except KindredError as error:  # no held-out rating is high enough: say so, go on
            self._done(precision=None, ndcg=None, topn_note=str(error))
            return
        self._done(
            precision=top[f"precision@{TOP_N}"],
            ndcg=top[f"ndcg@{TOP_N}"],
            topn_note=(
                f"A title counts as liked from {threshold:g}; averaged over "
                f"{top['topn_users']:,} people who liked a held-out title."
            ),
        )

    def _tune(self) -> None:
        """RMSE for each (similarity, k) of the grid; the lowest is the suggested setting."""
        series = [{"similarity": name, "rmse": [None] * len(self.ks)} for name in self.similarities]
        with self._lock:
            self.results["by_k"] = {"ks": self.ks, "series": series}
        best: dict[str, Any] | None = None
        for line in series:
            for position, k in enumerate(self.ks):
                self._step(f"Trying {line['similarity']} with k = {k}")
                model = model_for({**self.options, "k": k, "similarity": line["similarity"]})
                folds = rating_prediction(model, self.sample, self._folds(), self.seed)
                rmse = float(np.mean([fold.rmse for fold in folds]))
                with self._lock:
                    line["rmse"][position] = rmse
                if best is None or rmse < best["rmse"]:
                    best = {"k": k, "similarity": line["similarity"], "rmse": rmse}
                self._done(best=dict(best))
        current = self.results.get("rmse")
        if best is not None and current is not None:
            self._record(
                best={**best, "improvement": float(current - best["rmse"])},
            )

    def _record(self, **results: Any) -> None:
        with self._lock:
            self.results.update(results)


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON-like data (so a snapshot never changes under its reader)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class EvaluationRunner:
    """Runs at most one `EvaluationJob` at a time in a daemon thread; keeps the last one."""

    def __init__(self) -> None:
        self._job: EvaluationJob | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, job: EvaluationJob) -> dict[str, Any]:
        """Start ``job``; KindredError when another evaluation is still running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise KindredError("An evaluation is already running; wait for it or cancel it.")
            self._job = job
            self._thread = threading.Thread(target=job.run, name="kindred-evaluation", daemon=True)
            self._thread.start()
        return job.snapshot()

    def status(self) -> dict[str, Any]:
        """The running or last job's snapshot; ``{"state": "idle"}`` before the first."""
        job = self._job
        return {"state": "idle"} if job is None else job.snapshot()

    def cancel(self) -> dict[str, Any]:
        """Cancel the running job (a finished one stays as it is); answers its snapshot."""
        job = self._job
        if job is None:
            raise KindredError("No evaluation has been started.")
        job.cancel()
        return job.snapshot()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running job to end; True if none is running afterwards."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True
