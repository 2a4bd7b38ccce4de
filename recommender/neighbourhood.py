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
from recommender.results import NeighbourRating


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


def neighbours_for_items(
    matrix: RatingMatrix,
    similarities: np.ndarray,
    item_rows: np.ndarray,
    min_similarity: float,
    k: int,
    shape: str,
) -> tuple[ItemNeighbourhoods, np.ndarray]:
    """One person's neighbours for a few items, in the given item order.

    Returns the neighbourhoods and ``bounds``: item ``item_rows[j]`` owns positions
    ``bounds[j]:bounds[j + 1]``. Same choice as :func:`person_neighbourhoods`, item by item.
    """
    if shape == "global":
        allowed = np.full_like(similarities, -np.inf)
        ranked = ranked_neighbours(similarities, min_similarity, k, "global")
        allowed[ranked] = similarities[ranked]
        similarities = allowed
    chosen_entries = []
    for item in item_rows:
        entries = matrix.item_entries[matrix.item_indptr[item] : matrix.item_indptr[item + 1]]
        sims = similarities[matrix.user_of_entry[entries]]
        candidates = np.flatnonzero(sims > min_similarity)
        best = candidates[np.argsort(-sims[candidates], kind="stable")]
        chosen_entries.append(entries[best[:k] if shape == "item" else best])
    counts = np.array([len(entries) for entries in chosen_entries], dtype=np.int64)
    entries = np.concatenate([np.zeros(0, dtype=np.int64), *chosen_entries])
    hoods = ItemNeighbourhoods(
        item_rows=np.repeat(np.asarray(item_rows, dtype=np.int64), counts),
        entries=entries,
        similarities=similarities[matrix.user_of_entry[entries]],
    )
    return hoods, np.concatenate(([0], np.cumsum(counts)))


@dataclass(frozen=True)
class PairSums:
    """Per-pair neighbourhood sums: ``sum s*z``, ``sum |s|``, and how many neighbours."""

    weighted_sum: np.ndarray
    weight_total: np.ndarray
    count: np.ndarray


def item_sums(
    positions: np.ndarray, hoods: ItemNeighbourhoods, residuals: np.ndarray, size: int
) -> PairSums:
    """Neighbourhood sums per position (``positions[j]`` is where entry ``j`` is added up)."""
    weights = hoods.similarities
    return PairSums(
        weighted_sum=np.bincount(
            positions, weights=weights * residuals[hoods.entries], minlength=size
        ),
        weight_total=np.bincount(positions, weights=np.abs(weights), minlength=size),
        count=np.bincount(positions, minlength=size),
    )


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
    """Neighbourhood sums for many (person, item) pairs.

    ``similarity_block`` holds a few people's similarity rows (``b x users``); pair ``j`` asks
    for person ``block_rows[j]`` and item ``item_rows[j]`` (a known item). Items rated by at
    most ``k`` people need no choosing: all their raters above ``min_similarity`` count, and
    those pairs are summed in one vectorised pass. Each item with more raters is handled on
    its own: its "askers x raters" sub-block keeps each row's top ``k``. With the
    ``"global"`` shape, each row of the block is first cut down to its ``k`` most similar
    people, so every item takes the vectorised pass.
    """
    if shape == "global":
        similarity_block = _keep_top_k_per_row(similarity_block, min_similarity, k)
    n_pairs = len(item_rows)
    sums = PairSums(np.zeros(n_pairs), np.zeros(n_pairs), np.zeros(n_pairs, dtype=np.int64))
    raters_per_pair = np.diff(matrix.item_indptr)[item_rows]
    crowded = (raters_per_pair > k) if shape == "item" else np.zeros(n_pairs, dtype=bool)
    _sum_all_raters(
        matrix,
        residuals,
        similarity_block,
        block_rows,
        item_rows,
        min_similarity,
        sums,
        np.flatnonzero(~crowded),
    )
    pairs = np.flatnonzero(crowded)
    order = pairs[np.argsort(item_rows[pairs], kind="stable")]
    boundaries = np.flatnonzero(np.diff(item_rows[order])) + 1
    for group in np.split(order, boundaries) if len(order) else []:
        item = item_rows[group[0]]
        entries = matrix.item_entries[matrix.item_indptr[item] : matrix.item_indptr[item + 1]]
        sims = similarity_block.take(block_rows[group], axis=0).take(
            matrix.user_of_entry[entries], axis=1
        )
        weights, counts = _top_k_weights(sims, min_similarity, k)
        sums.weighted_sum[group] = weights @ residuals[entries].astype(weights.dtype)
        sums.weight_total[group] = (
            np.abs(weights).sum(axis=1) if min_similarity < 0 else weights.sum(axis=1)
        )
        sums.count[group] = counts
    return sums


def _top_k_weights(
    sims: np.ndarray, min_similarity: float, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ``k`` largest similarities above ``min_similarity`` (others 0), and how
    many were kept; of values tied with the ``k``-th largest, the leftmost are kept.

    One partial sort finds each row's ``k``-th largest value ``t``; a value is kept when it is
    above ``min_similarity`` and at least ``t`` (when fewer than ``k`` values are above
    ``min_similarity``, ``t`` is below it and every one of them is kept). Only rows where
    ties at ``t`` would keep more than ``k`` need the slower leftmost-first rule.
    """
    width = sims.shape[1]
    kth = np.partition(sims, width - k, axis=1)[:, width - k : width - k + 1]
    keep = (sims > min_similarity) & (sims >= kth)
    counts = np.count_nonzero(keep, axis=1)
    overfull = np.flatnonzero(counts > k)
    if len(overfull):
        keep[overfull] = top_k_mask(sims[overfull], k) & (sims[overfull] > min_similarity)
        counts[overfull] = k
    return np.where(keep, sims, np.float32(0.0)), counts


def _sum_all_raters(
    matrix: RatingMatrix,
    residuals: np.ndarray,
    similarity_block: np.ndarray,
    block_rows: np.ndarray,
    item_rows: np.ndarray,
    min_similarity: float,
    sums: PairSums,
    pairs: np.ndarray,
) -> None:
    """Add up, for each of ``pairs``, every rater of its item above ``min_similarity``."""
    if len(pairs) == 0:
        return
    starts = matrix.item_indptr[item_rows[pairs]]
    counts = matrix.item_indptr[item_rows[pairs] + 1] - starts
    pair_of_entry = np.repeat(np.arange(len(pairs)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    entries = matrix.item_entries[np.repeat(starts, counts) + offsets]
    sims = similarity_block[block_rows[pairs][pair_of_entry], matrix.user_of_entry[entries]]
    chosen = sims > min_similarity
    weights = np.where(chosen, sims, 0.0)
    size = len(pairs)
    sums.weighted_sum[pairs] = np.bincount(
        pair_of_entry, weights=weights * residuals[entries], minlength=size
    )
    sums.weight_total[pairs] = np.bincount(pair_of_entry, weights=np.abs(weights), minlength=size)
    sums.count[pairs] = np.bincount(pair_of_entry, weights=chosen, minlength=size).astype(np.int64)


def top_k_mask(values: np.ndarray, k: int) -> np.ndarray:
    """Per row, the ``k`` largest values (ties: leftmost first), as a boolean mask.

    ``np.partition`` finds each row's k-th largest value in linear time; everything above it
    is in, and of the values equal to it, the leftmost ones fill the remaining places.
    """
    kth = -np.partition(-values, k - 1, axis=1)[:, k - 1 : k]
    above = values > kth
    tied = values == kth
    places_left = k - above.sum(axis=1, keepdims=True)
    return above | (tied & (np.cumsum(tied, axis=1) <= places_left))


def _keep_top_k_per_row(block: np.ndarray, min_similarity: float, k: int) -> np.ndarray:
    """Each row's ``k`` most similar entries above ``min_similarity``; the rest ``-inf``."""
    out = np.full_like(block, -np.inf)
    for row in range(block.shape[0]):
        ranked = ranked_neighbours(block[row], min_similarity, k, "global")
        out[row, ranked] = block[row, ranked]
    return out


def neighbour_ratings(
    matrix: RatingMatrix, hoods: ItemNeighbourhoods, start: int, stop: int
) -> tuple[NeighbourRating, ...]:
    """The explanation of one item: positions ``start:stop`` of ``hoods`` as results."""
    entries = hoods.entries[start:stop]
    return tuple(
        NeighbourRating(user, similarity, rating)
        for user, similarity, rating in zip(
            matrix.users[matrix.user_of_entry[entries]].tolist(),
            hoods.similarities[start:stop].tolist(),
            matrix.ratings[entries].tolist(),
            strict=True,
        )
    )
