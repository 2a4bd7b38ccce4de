"""The fitted community as sparse arrays: ids to row numbers, ratings, and centred values.

Everything is O(number of ratings): one CSR layout (people x items) whose positions are the
"entry ids", an item-major index into the same entries, and per-entry value arrays. A person
asking (fitted or new) becomes a :class:`Person`: their item rows and ratings, and the values
each similarity or centring needs.
"""

from __future__ import annotations

from collections.abc import Hashable
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.baseline import Baseline
from recommender.rating_arrays import RatingArrays
from recommender.rating_arrays import segment_sums
from recommender.rating_arrays import stable_order

CENTERINGS = ("baseline", "mean", "zscore", "none")


@dataclass(frozen=True)
class Person:
    """Someone asking for predictions: fitted (``row >= 0``) or new (``row == -1``).

    ``item_rows`` are the known items they rated (sorted), ``ratings`` their ratings of them,
    ``seen`` every item row they rated, ``mean``/``std`` over all their ratings and ``bias`` is
    their baseline ``b_u``.
    """

    row: int
    item_rows: np.ndarray
    ratings: np.ndarray
    mean: float
    std: float
    bias: float


@dataclass(frozen=True)
class RatingMatrix:
    """The fitted community: its :class:`RatingArrays` plus per-person and per-item summaries.

    Entry ids are positions in the person-major layout. The per-entry arrays that only the
    batched ``predict`` needs (``user_of_entry``, ``item_entries``, centred values) are derived
    on first use, so a model that only answers one person at a time never holds them.
    """

    arrays: RatingArrays
    user_mean: np.ndarray
    user_std: np.ndarray
    baseline: Baseline

    @property
    def users(self) -> pd.Index:
        return self.arrays.users

    @property
    def items(self) -> pd.Index:
        return self.arrays.items

    @property
    def shape(self) -> tuple[int, int]:
        return self.arrays.shape

    @property
    def indptr(self) -> np.ndarray:
        """Person-major segment bounds (``user_indptr``)."""
        return self.arrays.user_indptr

    @property
    def item_rows(self) -> np.ndarray:
        """Each entry's item row, person-major (``user_items``)."""
        return self.arrays.user_items

    @property
    def ratings(self) -> np.ndarray:
        """Each entry's rating, person-major (``user_ratings``)."""
        return self.arrays.user_ratings

    @property
    def item_indptr(self) -> np.ndarray:
        return self.arrays.item_indptr

    @cached_property
    def user_ids(self) -> np.ndarray:
        """The people's ids as a NumPy object array: indexed by many rows at once much faster
        than the pandas Index."""
        return np.asarray(self.arrays.users, dtype=object)

    @cached_property
    def user_of_entry(self) -> np.ndarray:
        """Each person-major entry's person row (derived for the batched path)."""
        counts = np.diff(self.arrays.user_indptr)
        return np.repeat(np.arange(len(counts), dtype=np.int32), counts)

    @cached_property
    def item_entries(self) -> np.ndarray:
        """Entry ids in item-major order: item ``i``'s entries are
        ``item_entries[item_indptr[i]:item_indptr[i + 1]]`` (derived for the batched path)."""
        return stable_order(self.arrays.user_items, self.shape[1])

    @cached_property
    def rating_range(self) -> tuple[float, float]:
        """Lowest and highest rating in the community."""
        ratings = self.arrays.user_ratings
        return float(ratings.min()), float(ratings.max())

    def values(self, kind: str) -> np.ndarray:
        """Per-entry values of ``kind`` (person-major): raw, binary, mean_centred, zscore,
        baseline_residual."""
        return self.entry_values(
            kind, self.user_of_entry, self.arrays.user_items, self.arrays.user_ratings
        )

    def entry_values(
        self, kind: str, user_rows: np.ndarray, item_rows: np.ndarray, ratings: np.ndarray
    ) -> np.ndarray:
        """The values of ``kind`` for some entries, given their people, items and ratings.

        ``raw``: ``r``; ``binary``: 1; ``mean_centred``: ``r - mu_v``; ``zscore``:
        ``(r - mu_v) / sigma_v``; ``baseline_residual``: ``r - (mu + b_v + b_i)``.
        """
        ratings = np.asarray(ratings, dtype=np.float64)
        if kind == "raw":
            return ratings
        if kind == "binary":
            return np.ones_like(ratings)
        if kind == "baseline_residual":
            baseline = self.baseline
            return (
                ratings
                - baseline.mean
                - baseline.user_bias[user_rows]
                - baseline.item_bias[item_rows]
            )
        centred = ratings - self.user_mean[user_rows]
        if kind == "mean_centred":
            return centred
        if kind == "zscore":
            return centred / self.user_std[user_rows]
        raise ValueError(f"unknown value kind {kind!r}")

    def norms(self, kind: str) -> np.ndarray:
        """Each person's Euclidean norm of their values of ``kind`` over everything they rated
        (for the full-vector cosine), computed once per kind."""
        cache = self.__dict__.setdefault("_norms", {})
        if kind not in cache:
            squares = self.values(kind) ** 2
            cache[kind] = np.sqrt(segment_sums(squares, self.arrays.user_indptr))
        return cache[kind]

    def float32(self, name: str) -> np.ndarray:
        """A per-person array (``user_mean``, ``user_std``, ``user_bias``) in float32, made
        once: gathering it for millions of ratings moves half the bytes of float64."""
        cache = self.__dict__.setdefault("_float32", {})
        if name not in cache:
            source = self.baseline.user_bias if name == "user_bias" else getattr(self, name)
            cache[name] = np.asarray(source, dtype=np.float32)
        return cache[name]

    def csr(self, data: np.ndarray) -> sp.csr_matrix:
        """A people x items CSR matrix sharing this layout, holding ``data`` per entry."""
        return sp.csr_matrix(
            (data, self.arrays.user_items, self.arrays.user_indptr), shape=self.shape
        )

    def fitted_person(self, row: int) -> Person:
        start, stop = self.indptr[row], self.indptr[row + 1]
        return Person(
            row=row,
            item_rows=np.asarray(self.item_rows[start:stop], dtype=np.int64),
            ratings=np.asarray(self.ratings[start:stop], dtype=np.float64),
            mean=float(self.user_mean[row]),
            std=float(self.user_std[row]),
            bias=float(self.baseline.user_bias[row]),
        )

    def new_person(self, ratings: Mapping[Hashable, float]) -> Person:
        """A person outside the fitted data; items the community never rated are left out."""
        values = np.array([float(rating) for rating in ratings.values()], dtype=np.float64)
        mean = float(values.mean()) if len(values) else self.baseline.mean
        std = _spread(values)
        rows = self.items.get_indexer(list(ratings.keys())) if len(values) else np.array([], int)
        known = rows >= 0
        order = np.argsort(rows[known], kind="stable")
        item_rows = rows[known][order]
        known_ratings = values[known][order]
        return Person(
            row=-1,
            item_rows=item_rows,
            ratings=known_ratings,
            mean=mean,
            std=std,
            bias=self.baseline.bias_of_new_person(item_rows, known_ratings),
        )

    def person_values(self, person: Person, kind: str) -> np.ndarray:
        """The person's values of ``kind`` for their known items (same order as item_rows)."""
        if kind == "raw":
            return person.ratings
        if kind == "binary":
            return np.ones_like(person.ratings)
        if kind == "mean_centred":
            return person.ratings - person.mean
        if kind == "zscore":
            return (person.ratings - person.mean) / person.std
        if kind == "baseline_residual":
            item_bias = self.baseline.item_bias[person.item_rows]
            return person.ratings - self.baseline.mean - person.bias - item_bias
        raise ValueError(f"unknown value kind {kind!r}")

    def person_row(self, person: Person, kind: str) -> sp.csr_matrix:
        """The person as a 1 x items CSR row of ``kind`` values."""
        data = self.person_values(person, kind)
        indptr = np.array([0, len(data)])
        return sp.csr_matrix((data, person.item_rows, indptr), shape=(1, len(self.items)))


def _spread(values: np.ndarray) -> float:
    """Standard deviation, or 1 when it is 0 or undefined (z-scores then stay 0)."""
    if len(values) < 2:
        return 1.0
    std = float(values.std())
    return std if std > 1e-9 else 1.0


def build_rating_matrix(
    arrays: RatingArrays,
    user_regularisation: float,
    item_regularisation: float,
) -> RatingMatrix:
    """The fitted community from its arrays: means, spreads and baseline biases per person
    and item, read from ``arrays.cache_dir`` when an earlier fit of the same ratings with the
    same options left them there (see :mod:`recommender.derived_cache`)."""
    from recommender.derived_cache import load_or_derive

    derived = load_or_derive(
        arrays,
        {"user_regularisation": user_regularisation, "item_regularisation": item_regularisation},
        lambda: _derive(arrays, user_regularisation, item_regularisation),
    )
    baseline = Baseline(
        float(derived["mean"][0]),
        derived["user_bias"],
        derived["item_bias"],
        user_regularisation,
    )
    return RatingMatrix(arrays, derived["user_mean"], derived["user_std"], baseline)


def _derive(
    arrays: RatingArrays, user_regularisation: float, item_regularisation: float
) -> dict[str, np.ndarray]:
    """Per-person mean and spread of their ratings, and the baseline biases.

    .. math::  \\mu_u = \\frac{1}{|I_u|} \\sum_i r_{ui}, \\qquad
               \\sigma_u = \\sqrt{\\frac{1}{|I_u|} \\sum_i (r_{ui} - \\mu_u)^2}

    (1 where that is 0 or the person rated one item, so z-scores stay defined).
    """
    from recommender.baseline import fit_baseline

    counts = np.diff(arrays.user_indptr).astype(np.float64)
    safe_counts = np.maximum(counts, 1.0)
    user_mean = segment_sums(arrays.user_ratings, arrays.user_indptr) / safe_counts
    deviations = arrays.user_ratings - np.repeat(user_mean, np.diff(arrays.user_indptr))
    user_std = np.sqrt(segment_sums(deviations**2, arrays.user_indptr) / safe_counts)
    user_std = np.where((user_std > 1e-9) & (counts > 1), user_std, 1.0)
    baseline = fit_baseline(
        arrays, user_regularisation=user_regularisation, item_regularisation=item_regularisation
    )
    return {
        "mean": np.array([baseline.mean]),
        "user_bias": baseline.user_bias,
        "item_bias": baseline.item_bias,
        "user_mean": user_mean,
        "user_std": user_std,
    }
