"""Many predictions at once: people in bounded blocks, similarities computed in parallel.

``predict`` over many (person, item) pairs needs each asking person's similarity row against
the whole community. Rows are computed for a bounded block of people at a time (never a
``users x users`` matrix), the block split between worker threads: scipy's sparse products
release the GIL, so on a multi-core machine the parts are computed at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from recommender._sparse import RatingMatrix
from recommender.centering import uncentre
from recommender.neighbourhood import PairSums
from recommender.neighbourhood import pair_sums

#: How many values one block may hold: its people times the larger of the community's
#: people and items (similarity rows, and the block's ratings as dense columns).
BLOCK_BUDGET = 4_000_000
#: Threads computing one block's similarity rows, for blocks of at least MIN_PARALLEL people.
WORKERS = 2
MIN_PARALLEL = 64
#: Above this share of the community asking, the whole community is one (symmetric) block.
WHOLE_COMMUNITY_SHARE = 0.8


def blocks_of(people: np.ndarray, width: int) -> list[np.ndarray]:
    """``people`` cut into as few blocks as :data:`BLOCK_BUDGET` allows."""
    size = max(1, BLOCK_BUDGET // max(width, 1))
    return [people[start : start + size] for start in range(0, len(people), size)]


def neighbourhood_sums(
    similarity_rows: Callable[[np.ndarray], np.ndarray],
    matrix: RatingMatrix,
    residuals: np.ndarray,
    user_rows: np.ndarray,
    item_rows: np.ndarray,
    min_similarity: float,
    k: int,
    shape: str,
) -> PairSums:
    """Neighbourhood sums for every pair whose person and item are known (zeros elsewhere).

    ``similarity_rows(rows)`` returns those fitted people's similarity rows (``b x users``).
    The whole-community block is computed on one thread: running its overlap product beside
    the similarity products on the second core saved about 0.05 s of wall time over the 100K
    5-fold run but cost as much CPU time (the two products compete for the shared cache), so
    on a shared machine it was not worth it.
    """
    n_pairs = len(user_rows)
    sums = PairSums(np.zeros(n_pairs), np.zeros(n_pairs), np.zeros(n_pairs, dtype=np.int64))
    known = np.flatnonzero((user_rows >= 0) & (item_rows >= 0))
    people = np.unique(user_rows[known])
    n_users = matrix.shape[0]
    if (
        len(people) >= WHOLE_COMMUNITY_SHARE * n_users
        and n_users * max(matrix.shape) <= BLOCK_BUDGET
    ):
        # Nearly everyone asks: one block of the whole community, whose similarities are
        # symmetric, costs less than the askers alone.
        people = np.arange(n_users)
    blocks = blocks_of(people, max(matrix.shape))
    if not blocks:
        return sums
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kindred-sim") as pool:
        for block in blocks:
            if len(block) < MIN_PARALLEL or len(block) == n_users:
                similarities = similarity_rows(block)
            else:
                parts = np.array_split(block, WORKERS)
                similarities = np.vstack(list(pool.map(similarity_rows, parts)))
            in_block = known[np.isin(user_rows[known], block)]
            block_sums = pair_sums(
                matrix,
                residuals,
                similarities,
                np.searchsorted(block, user_rows[in_block]),
                item_rows[in_block],
                min_similarity,
                k,
                shape,
            )
            sums.weighted_sum[in_block] = block_sums.weighted_sum
            sums.weight_total[in_block] = block_sums.weight_total
            sums.count[in_block] = block_sums.count
    return sums


def pair_estimates(
    matrix: RatingMatrix,
    sums: PairSums,
    user_rows: np.ndarray,
    item_rows: np.ndarray,
    aggregate: np.ndarray,
    centering: str,
    min_k: int,
) -> np.ndarray:
    """Each pair's estimate (not yet clipped): the neighbourhood's, or the baseline's.

    ``aggregate`` is the aggregation of ``sums``; it is un-centred for the pair's person (see
    :func:`recommender.centering.uncentre`). Pairs with fewer than ``min_k`` neighbours, and
    unknown people or items (row -1), get the baseline ``mu + b_u + b_i``.
    """
    safe_users = np.maximum(user_rows, 0)
    baseline_estimate = matrix.baseline.estimate(user_rows, item_rows)
    neighbourhood_estimate = uncentre(
        centering,
        aggregate,
        baseline_estimate,
        matrix.user_mean[safe_users],
        matrix.user_std[safe_users],
    )
    enough = sums.count >= max(min_k, 1)
    return np.where(enough, neighbourhood_estimate, baseline_estimate)


def failure_reason(user_row: int, item_row: int, count: int, min_k: int) -> str | None:
    """Why a pair got the baseline instead of a neighbourhood estimate (None: it did not)."""
    if user_row < 0:
        return "unknown user"
    if item_row < 0:
        return "unknown item"
    if count < max(min_k, 1):
        return f"{count} neighbours rated this item, fewer than min_k={max(min_k, 1)}"
    return None
