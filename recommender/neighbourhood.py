"""Choosing, for each item, the neighbours whose opinion counts.

A neighbour of person ``u`` for item ``i`` is someone who rated ``i`` and whose similarity to
``u`` exceeds ``min_similarity``. Two neighbourhood shapes are offered:

* ``"item"`` (default): the ``k`` most similar among the people who rated ``i``, so every item
  someone similar rated has neighbours;
* ``"global"``: the ``k`` most similar people overall, of whom those who rated ``i`` count
  (the textbook recipe; most items end up with no neighbour).

Ties in similarity are broken by the neighbour's row number, the same in both code paths: the
per-person path (all items at once, used by ``recommend``) and the per-item path (many people
at once, used by ``predict``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender._sparse import RatingMatrix


@dataclass(frozen=True)
class ItemNeighbourhoods:
    """Chosen (item, neighbour) pairs for one person, grouped by item, best neighbour first.

    Parallel arrays: ``item_rows``, ``entries`` (entry ids of the neighbours' ratings) and
    ``similarities``.
    """

    item_rows: np.ndarray
    entries: np.ndarray
    similarities: np.ndarray


def ranked_neighbours(
    similarities: np.ndarray, min_similarity: float, k: int, shape: str
) -> np.ndarray:
    """Rows of the people who may be neighbours, most similar first (ties: lower row first).

    ``similarities`` is one person's row against everyone (``-inf`` for "not comparable").
    With the ``"global"`` shape only the ``k`` most similar are kept.
    """
    candidates = np.flatnonzero(similarities > min_similarity)
    order = np.argsort(-similarities[candidates], kind="stable")
    ranked = candidates[order]
    return ranked[:k] if shape == "global" else ranked


def person_neighbourhoods(
    entry_ids: sp.csr_matrix,
    similarities: np.ndarray,
    min_similarity: float,
    k: int,
    shape: str,
) -> ItemNeighbourhoods:
    """Every item's neighbours for one person, in O(ratings of the candidate neighbours).

    ``entry_ids`` is the people x items matrix whose values are entry ids
    (:meth:`RatingMatrix.entry_ids`).

    The candidates' rows are taken in order of decreasing similarity and transposed to item
    major (a stable counting sort inside scipy), so each item's raters arrive best first and
    the first ``k`` of each item are its neighbourhood.
    """
    ranked = ranked_neighbours(similarities, min_similarity, k, shape)
    by_item = entry_ids[ranked].tocsc()
    counts = np.diff(by_item.indptr)
    item_rows = np.repeat(np.arange(len(counts)), counts)
    rank_within_item = np.arange(by_item.nnz) - np.repeat(by_item.indptr[:-1], counts)
    keep = rank_within_item < k if shape == "item" else np.ones(by_item.nnz, dtype=bool)
    neighbour_rows = ranked[by_item.indices[keep]]
    return ItemNeighbourhoods(
        item_rows=item_rows[keep],
        entries=by_item.data[keep],
        similarities=similarities[neighbour_rows],
    )


@dataclass(frozen=True)
class PairSums:
    """Per-pair neighbourhood sums: ``sum s*z``, ``sum |s|``, and how many neighbours."""

    weighted_sum: np.ndarray
    weight_total: np.ndarray
    count: np.ndarray


def pair_sums(
    matrix: RatingMatrix,
    residuals: np.ndarray,
    similarity_block: np.ndarray,
    block_rows: np.ndarray,
    item_rows: np.ndarray,
    min_similarity: float,
    k: int,
    shape: str,
) -> PairSums:
    """Neighbourhood sums for many (person, item) pairs, one item at a time.

    ``similarity_block`` holds a few people's similarity rows (``b x users``); pair ``j`` asks
    for person ``block_rows[j]`` and item ``item_rows[j]`` (a known item). For each item the
    sub-block "askers x raters" is sorted once per row, and the top ``k`` above
    ``min_similarity`` are summed. With the ``"global"`` shape, each row of the block is first
    cut down to its ``k`` most similar people.
    """
    if shape == "global":
        similarity_block = _keep_top_k_per_row(similarity_block, min_similarity, k)
    n_pairs = len(item_rows)
    weighted = np.zeros(n_pairs)
    total = np.zeros(n_pairs)
    count = np.zeros(n_pairs, dtype=np.int64)
    order = np.argsort(item_rows, kind="stable")
    sorted_items = item_rows[order]
    boundaries = np.flatnonzero(np.diff(sorted_items)) + 1
    for group in np.split(order, boundaries):
        if len(group) == 0:
            continue
        item = item_rows[group[0]]
        entries = matrix.item_entries[matrix.item_indptr[item] : matrix.item_indptr[item + 1]]
        raters = matrix.user_of_entry[entries]
        sims = similarity_block[np.ix_(block_rows[group], raters)]
        values = np.broadcast_to(residuals[entries], sims.shape)
        if shape == "item" and sims.shape[1] > k:
            best = np.argsort(-sims, axis=1, kind="stable")[:, :k]
            sims = np.take_along_axis(sims, best, axis=1)
            values = np.take_along_axis(values, best, axis=1)
        used = sims > min_similarity
        weights = np.where(used, sims, 0.0)
        weighted[group] = (weights * values).sum(axis=1)
        total[group] = np.abs(weights).sum(axis=1)
        count[group] = used.sum(axis=1)
    return PairSums(weighted, total, count)


def _keep_top_k_per_row(block: np.ndarray, min_similarity: float, k: int) -> np.ndarray:
    """Each row's ``k`` most similar entries above ``min_similarity``; the rest ``-inf``."""
    out = np.full_like(block, -np.inf)
    for row in range(block.shape[0]):
        ranked = ranked_neighbours(block[row], min_similarity, k, "global")
        out[row, ranked] = block[row, ranked]
    return out
