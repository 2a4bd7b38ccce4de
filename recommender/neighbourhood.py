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
from recommender.rating_arrays import gather_segments
from recommender.results import NeighbourRating


@dataclass(frozen=True)
class ItemNeighbourhoods:
    """Chosen (item, neighbour) pairs for one person, grouped by item, best neighbour first.

    Parallel arrays: ``item_rows``, ``user_rows`` (the neighbours), ``ratings`` (their ratings
    of the item) and ``similarities`` (theirs to the person).
    """

    item_rows: np.ndarray
    user_rows: np.ndarray
    ratings: np.ndarray
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
    matrix: RatingMatrix,
    similarities: np.ndarray,
    min_similarity: float,
    k: int,
    shape: str,
) -> ItemNeighbourhoods:
    """Every item's neighbours for one person, in O(ratings of the candidate neighbours)."""
    ranked = ranked_neighbours(similarities, min_similarity, k, shape)
    return first_raters_per_item(matrix, ranked, similarities, k if shape == "item" else None)


def first_raters_per_item(
    matrix: RatingMatrix, ranked: np.ndarray, similarities: np.ndarray, k: int | None
) -> ItemNeighbourhoods:
    """For each item, the first ``k`` (all, for ``None``) of ``ranked`` people who rated it.

    The ranked people's rows are gathered in rank order and grouped by item with a stable
    counting sort (scipy's CSR to CSC conversion), so each item's raters arrive in rank order
    and its first ``k`` are its neighbourhood.
    """
    arrays = matrix.arrays
    counts_per_person, (items, ratings) = gather_segments(
        arrays.user_indptr, ranked, arrays.user_items, arrays.user_ratings
    )
    indptr = np.zeros(len(ranked) + 1, dtype=np.int64)
    np.cumsum(counts_per_person, out=indptr[1:])
    entry_order = np.arange(len(items), dtype=np.int64)
    by_item = sp.csr_matrix(
        (entry_order, items, indptr), shape=(len(ranked), matrix.shape[1])
    ).tocsc()
    counts = np.diff(by_item.indptr)
    item_rows = np.repeat(np.arange(len(counts)), counts)
    entries = by_item.data
    if k is not None:
        rank_within_item = np.arange(by_item.nnz) - np.repeat(by_item.indptr[:-1], counts)
        keep = rank_within_item < k
        item_rows, entries = item_rows[keep], entries[keep]
    user_rows = ranked[np.repeat(np.arange(len(ranked)), counts_per_person)[entries]]
    return ItemNeighbourhoods(
        item_rows=item_rows,
        user_rows=user_rows,
        ratings=ratings[entries],
        similarities=similarities[user_rows],
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
    ``bounds[j]:bounds[j + 1]``. Same choice as :func:`person_neighbourhoods`, item by item,
    reading only those items' raters (a partial sort finds each item's ``k`` best).
    """
    if shape == "global":
        allowed = np.full_like(similarities, -np.inf)
        ranked = ranked_neighbours(similarities, min_similarity, k, "global")
        allowed[ranked] = similarities[ranked]
        similarities = allowed
    arrays = matrix.arrays
    chosen_users, chosen_ratings = [], []
    for item in item_rows:
        start, stop = int(arrays.item_indptr[item]), int(arrays.item_indptr[item + 1])
        raters = np.asarray(arrays.item_users[start:stop])
        rater_similarities = similarities[raters]
        best = best_first(rater_similarities, min_similarity, k if shape == "item" else None)
        chosen_users.append(raters[best])
        chosen_ratings.append(np.asarray(arrays.item_ratings[start:stop])[best])
    counts = np.array([len(users) for users in chosen_users], dtype=np.int64)
    user_rows = np.concatenate([np.zeros(0, dtype=np.int32), *chosen_users])
    hoods = ItemNeighbourhoods(
        item_rows=np.repeat(np.asarray(item_rows, dtype=np.int64), counts),
        user_rows=user_rows,
        ratings=np.concatenate([np.zeros(0, dtype=np.float32), *chosen_ratings]),
        similarities=similarities[user_rows],
    )
    return hoods, np.concatenate(([0], np.cumsum(counts)))


def best_first(values: np.ndarray, floor: float, k: int | None) -> np.ndarray:
    """Positions of the ``k`` largest ``values`` above ``floor`` (all of them for ``None``),
    largest first; ties go to the lower position, as a stable sort would order them.

    When more than ``k`` qualify, a linear-time partition finds the ``k``-th largest value
    first, so only about ``k`` positions are sorted.
    """
    candidates = np.flatnonzero(values > floor)
    if k is not None and len(candidates) > k:
        candidate_values = values[candidates]
        kth = np.partition(candidate_values, len(candidates) - k)[len(candidates) - k]
        above = candidates[candidate_values > kth]
        tied = candidates[candidate_values == kth][: k - len(above)]
        candidates = np.sort(np.concatenate((above, tied)))
    order = np.argsort(-values[candidates], kind="stable")
    return candidates[order]


@dataclass(frozen=True)
class PairSums:
    """Per-pair neighbourhood sums: ``sum s*z``, ``sum |s|``, and how many neighbours."""

    weighted_sum: np.ndarray
    weight_total: np.ndarray
    count: np.ndarray


def item_sums(
    positions: np.ndarray, hoods: ItemNeighbourhoods, centred: np.ndarray, size: int
) -> PairSums:
    """Neighbourhood sums per position (``positions[j]`` is where neighbour ``j`` is added
    up); ``centred`` holds each neighbour's centred rating ``z``."""
    weights = hoods.similarities
    return PairSums(
        weighted_sum=np.bincount(positions, weights=weights * centred, minlength=size),
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


def neighbour_ratings(matrix: RatingMatrix, hoods: ItemNeighbourhoods) -> list[NeighbourRating]:
    """Every neighbour of ``hoods`` as a result, in order (each item's explanation is a slice).

    Built in one pass: converting the arrays to Python values once, not per item, matters when
    twenty items have forty neighbours each.
    """
    return list(
        map(
            NeighbourRating,
            matrix.user_ids[hoods.user_rows].tolist(),
            hoods.similarities.tolist(),
            hoods.ratings.astype(np.float64).tolist(),
        )
    )
