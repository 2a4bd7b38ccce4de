"""The ``n`` items with the most evidence, found without scoring every item exactly.

The evidence for item ``i`` (see :func:`recommender.scoring.evidence_scores`) is

.. math::  E_i = \\sum_{v \\in N_k(i)} s_v^2 \\, r_{vi}

over the ``k`` most similar people who rated ``i``. Scoring every item means reading every
rating of everyone with a positive similarity, about half of a large community. But the
people who matter most come first in order of similarity, and what the others could still
add is bounded. After taking the ``P`` most similar people (a *prefix*), with ``t`` the
similarity of the next one and ``c_i`` the neighbours item ``i`` already has (``c_i <= k``):

.. math::  L_i = E_i^{(P)} \\le E_i \\le U_i = E_i^{(P)} + (k - c_i)\\, t^2 \\, r_{\\max}

(ratings are not negative). With ``T`` the ``n``-th largest ``L_i`` among items that may be
recommended, an item with ``U_i < T`` cannot be in the top ``n``. Items with ``c_i = k`` are
already exact (their ``k`` best raters are all in the prefix); the few others whose bound
reaches ``T`` are scored exactly from their own raters. When ``k t^2 r_max >= T`` (an item the
prefix never touched could still win) or completing the contenders would read too much, the
prefix grows fourfold; at worst it becomes everyone and every score is exact. The answer is
the same as scoring everything, ties included (lower item row first), because each item's
neighbours are summed in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender._sparse import RatingMatrix
from recommender.neighbourhood import first_raters_per_item
from recommender.neighbourhood import neighbours_for_items
from recommender.scoring import evidence_scores
from recommender.scoring import evidence_weights

#: People in the first prefix: this share of the community, at least INITIAL_PREFIX (on the
#: 1M shape 64 people settle most queries in one round; on the 32M shape about 1,000), and
#: how much the prefix grows when it is not enough.
INITIAL_PREFIX = 64
PREFIX_SHARE = 0.005
GROWTH = 4
#: Most ratings read to score the contenders the prefix left incomplete.
COMPLETION_BUDGET = 4_000_000


@dataclass(frozen=True)
class TopItems:
    """The chosen item rows, best first, with their evidence and neighbour counts."""

    items: np.ndarray
    scores: np.ndarray
    support: np.ndarray


def top_by_evidence(
    matrix: RatingMatrix,
    similarities: np.ndarray,
    eligible: np.ndarray,
    n: int,
    k: int,
    min_k: int,
    min_similarity: float,
) -> TopItems:
    """The ``n`` eligible items with the most evidence and at least ``min_k`` neighbours.

    ``similarities`` is the person's row against everyone (``-inf``: not comparable);
    ``eligible`` a boolean mask over items (not seen, not hidden, allowed).
    """
    candidates = np.flatnonzero(similarities > min_similarity)
    lowest_rating, highest_rating = matrix.rating_range
    size = min(len(candidates), max(INITIAL_PREFIX, int(PREFIX_SHARE * len(similarities))))
    if lowest_rating < 0:  # the bounds need ratings >= 0: score everything
        size = len(candidates)
    while True:
        ranked, next_similarity = most_similar(candidates, similarities, size)
        hoods = first_raters_per_item(matrix, ranked, similarities, k)
        partial = evidence_scores(hoods, matrix.shape[1])
        count = np.bincount(hoods.item_rows, minlength=matrix.shape[1])
        if size == len(candidates):
            return best_items(np.arange(matrix.shape[1]), partial, count, eligible, n, min_k)
        found = _complete(
            matrix,
            similarities,
            partial,
            count,
            eligible,
            n,
            k,
            min_k,
            min_similarity,
            bound=float(next_similarity) ** 2 * highest_rating,
        )
        if found is not None:
            return found
        size = min(len(candidates), size * GROWTH)


def most_similar(
    candidates: np.ndarray, similarities: np.ndarray, size: int
) -> tuple[np.ndarray, float]:
    """The first ``size`` of ``candidates`` in order of decreasing similarity (ties: lower row
    first), and the similarity of the next one (0 when none is left)."""
    values = similarities[candidates]
    if size < len(candidates):
        kth = float(np.partition(values, len(values) - size)[len(values) - size])
        above = candidates[values > kth]
        tied = candidates[values == kth][: size - len(above)]
        chosen = np.concatenate((above, tied))
        next_similarity = kth
    else:
        chosen, next_similarity = candidates, 0.0
    order = np.lexsort((chosen, -similarities[chosen]))
    return chosen[order], next_similarity


def _complete(
    matrix: RatingMatrix,
    similarities: np.ndarray,
    partial: np.ndarray,
    count: np.ndarray,
    eligible: np.ndarray,
    n: int,
    k: int,
    min_k: int,
    min_similarity: float,
    bound: float,
) -> TopItems | None:
    """The exact top ``n`` from a prefix's partial scores, or None when the prefix is too
    short to decide (see the module's docstring; ``bound`` is ``t^2 r_max``)."""
    settled = eligible & (count >= max(min_k, 1))
    if np.count_nonzero(settled) < n:
        return None
    lower = partial[settled]
    threshold = float(np.partition(lower, len(lower) - n)[len(lower) - n])
    if k * bound >= threshold:
        return None
    upper = partial + (k - count) * bound
    contenders = np.flatnonzero(eligible & (upper >= threshold))
    incomplete = contenders[count[contenders] < k]
    popularity = np.diff(matrix.arrays.item_indptr)[incomplete]
    if popularity.sum() > COMPLETION_BUDGET:
        return None
    exact_scores, exact_support = score_items(matrix, similarities, incomplete, min_similarity, k)
    scores, support = partial.copy(), count.copy()
    scores[incomplete], support[incomplete] = exact_scores, exact_support
    return best_items(
        contenders, scores[contenders], support[contenders], eligible[contenders], n, min_k
    )


def score_items(
    matrix: RatingMatrix,
    similarities: np.ndarray,
    item_rows: np.ndarray,
    min_similarity: float,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact evidence and neighbour count of a few items, from all their raters.

    Each item's ``k`` best raters above ``min_similarity`` are chosen as for its explanation
    (:func:`recommender.neighbourhood.neighbours_for_items`) and summed in one ``bincount``
    in decreasing similarity, the order every path sums them in.
    """
    hoods, bounds = neighbours_for_items(matrix, similarities, item_rows, min_similarity, k, "item")
    positions = np.repeat(np.arange(len(item_rows)), np.diff(bounds))
    weights = evidence_weights(hoods.similarities, hoods.ratings)
    return np.bincount(positions, weights=weights, minlength=len(item_rows)), np.diff(bounds)


def best_items(
    items: np.ndarray,
    scores: np.ndarray,
    support: np.ndarray,
    eligible: np.ndarray,
    n: int,
    min_k: int,
) -> TopItems:
    """Of ``items`` (parallel to the other arrays), the ``n`` eligible ones with at least
    ``min_k`` neighbours and the highest score (ties: lower item row first)."""
    keep = np.flatnonzero(eligible & (support >= max(min_k, 1)))
    order = keep[np.lexsort((items[keep], -scores[keep]))[:n]]
    return TopItems(items[order], scores[order], support[order])
