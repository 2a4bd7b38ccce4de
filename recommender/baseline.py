"""User and item biases: the estimate Kindred falls back on, and what neighbours deviate from.

The baseline of person ``u`` for item ``i`` is

.. math::  b_{ui} = \\mu + b_u + b_i

where ``mu`` is the mean of all ratings, ``b_i`` says how much better than average an item is
rated and ``b_u`` how generous a person is. Both are fitted by regularised alternating least
squares (Koren 2010, section 2.1), minimising

.. math::  \\sum_{(u,i)} (r_{ui} - \\mu - b_u - b_i)^2 + \\lambda_u \\sum_u b_u^2
           + \\lambda_i \\sum_i b_i^2

one closed-form sweep at a time:

.. math::  b_i = \\frac{\\sum_{u \\in U_i} (r_{ui} - \\mu - b_u)}{\\lambda_i + |U_i|}, \\qquad
           b_u = \\frac{\\sum_{i \\in I_u} (r_{ui} - \\mu - b_i)}{\\lambda_u + |I_u|}

The regularisation pulls the bias of an item with few ratings towards zero, so one enthusiastic
rating does not make an obscure item look excellent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.rating_arrays import RatingArrays


@dataclass(frozen=True)
class Baseline:
    """Fitted biases: ``mean`` (mu), ``user_bias`` (b_u by user row), ``item_bias`` (b_i)."""

    mean: float
    user_bias: np.ndarray
    item_bias: np.ndarray
    user_regularisation: float

    def estimate(self, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        """``mu + b_u + b_i`` for row numbers; a row of -1 (unknown) contributes a bias of 0."""
        user_part = np.where(user_rows >= 0, self.user_bias[np.maximum(user_rows, 0)], 0.0)
        item_part = np.where(item_rows >= 0, self.item_bias[np.maximum(item_rows, 0)], 0.0)
        return self.mean + user_part + item_part

    def bias_of_new_person(self, item_rows: np.ndarray, ratings: np.ndarray) -> float:
        """``b_u`` of a person outside the fitted data, from their ratings of known items.

        .. math::  b_u = \\frac{\\sum_i (r_{ui} - \\mu - b_i)}{\\lambda_u + |I_u|}

        One sweep with the community's item biases held fixed: the same update ``fit_baseline``
        makes for every fitted person.
        """
        if len(ratings) == 0:
            return 0.0
        residuals = ratings - self.mean - self.item_bias[item_rows]
        return float(residuals.sum() / (self.user_regularisation + len(ratings)))


def fit_baseline(
    arrays: RatingArrays,
    user_regularisation: float = 15.0,
    item_regularisation: float = 10.0,
    sweeps: int = 10,
) -> Baseline:
    """Fit ``mu``, ``b_u`` and ``b_i`` by ``sweeps`` alternating closed-form updates.

    The sums of the updates split into a part fixed for the whole fit and the sum of the other
    side's biases over each segment of the compressed layouts,

    .. math::  \\sum_{u \\in U_i} (r_{ui} - \\mu - b_u)
               = \\sum_{u \\in U_i} (r_{ui} - \\mu) - \\sum_{u \\in U_i} b_u

    so a sweep is one gather and one segment sum per side, over the item-major and the
    person-major layouts: O(number of ratings), with no matrix built.
    """
    from recommender.rating_arrays import segment_sums

    n_ratings = max(arrays.n_ratings, 1)
    mean = float(segment_sums(arrays.user_ratings, arrays.user_indptr[[0, -1]])[0] / n_ratings)
    user_counts = np.diff(arrays.user_indptr).astype(np.float64)
    item_counts = np.diff(arrays.item_indptr).astype(np.float64)
    user_sums = segment_sums(arrays.user_ratings, arrays.user_indptr) - mean * user_counts
    item_sums = segment_sums(arrays.item_ratings, arrays.item_indptr) - mean * item_counts
    user_bias = np.zeros(len(user_counts))
    item_bias = np.zeros(len(item_counts))
    for _ in range(sweeps):
        raters_bias = segment_sums(user_bias[arrays.item_users], arrays.item_indptr)
        item_bias = (item_sums - raters_bias) / (item_regularisation + item_counts)
        rated_bias = segment_sums(item_bias[arrays.user_items], arrays.user_indptr)
        user_bias = (user_sums - rated_bias) / (user_regularisation + user_counts)
    return Baseline(mean, user_bias, item_bias, user_regularisation)
