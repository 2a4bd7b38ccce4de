"""A community's ratings as the engine reads them: two compressed layouts over row numbers.

The same ratings are kept twice, once grouped by person and once grouped by item, so that both
"everything this person rated" and "everyone who rated this item" are one contiguous slice::

    user_indptr   int64 [users + 1]   person u's ratings: positions indptr[u] to indptr[u + 1]
    user_items    int32 [ratings]     of user_items (item rows, ascending) and user_ratings
    user_ratings  float32 [ratings]
    item_indptr   int64 [items + 1]   item i's ratings: positions indptr[i] to indptr[i + 1]
    item_users    int32 [ratings]     of item_users (user rows, ascending) and item_ratings
    item_ratings  float32 [ratings]

This is exactly what :mod:`recommender.storage.arrays` keeps on disk, so a stored community is
fitted from its memory-mapped files without copying or decoding 32 million ids. float32 holds
every rating of the known scales exactly (whole and half points); arithmetic on them is done in
float64. 16 bytes per rating in all, against about 90 for a pandas frame plus scipy matrices.

``cache_dir`` (optional) is a folder where derived per-person and per-item arrays (means,
biases) may be cached, keyed by ``content_hash`` and the options that shaped them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RatingArrays:
    """The two layouts plus the ids of the rows (``users[u]`` is person ``u``'s id)."""

    users: pd.Index
    items: pd.Index
    user_indptr: np.ndarray
    user_items: np.ndarray
    user_ratings: np.ndarray
    item_indptr: np.ndarray
    item_users: np.ndarray
    item_ratings: np.ndarray
    cache_dir: Path | None = None
    content_hash: str | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """``(people, items)``."""
        return len(self.users), len(self.items)

    @property
    def n_ratings(self) -> int:
        return int(self.user_indptr[-1])

    @classmethod
    def from_codes(
        cls,
        user_codes: np.ndarray,
        item_codes: np.ndarray,
        ratings: np.ndarray,
        users: pd.Index,
        items: pd.Index,
    ) -> RatingArrays:
        """Both layouts from parallel arrays of row numbers and ratings (each pair once).

        Two stable counting sorts, linear in the number of ratings: by item, then by person,
        gives the person-major order with items ascending; sorting that by item again gives
        the item-major order with people ascending.
        """
        n_users, n_items = len(users), len(items)
        by_item = stable_order(item_codes, n_items)
        user_major = by_item[stable_order(user_codes[by_item], n_users)]
        user_items = item_codes[user_major].astype(np.int32)
        user_of_entry = user_codes[user_major].astype(np.int32)
        user_ratings = np.asarray(ratings, dtype=np.float32)[user_major]
        item_major = stable_order(user_items, n_items)
        return cls(
            users=users,
            items=items,
            user_indptr=_indptr(user_of_entry, n_users),
            user_items=user_items,
            user_ratings=user_ratings,
            item_indptr=_indptr(user_items, n_items),
            item_users=user_of_entry[item_major],
            item_ratings=user_ratings[item_major],
        )

    @classmethod
    def from_frame(cls, ratings: pd.DataFrame) -> RatingArrays:
        """From a frame with columns ``user``, ``item``, ``rating`` (each pair once).

        Row numbers follow the order in which ids first appear.
        """
        user_codes, users = pd.factorize(ratings["user"], sort=False)
        item_codes, items = pd.factorize(ratings["item"], sort=False)
        return cls.from_codes(
            user_codes,
            item_codes,
            ratings["rating"].to_numpy(dtype=np.float64),
            pd.Index(users),
            pd.Index(items),
        )


def gather_segments(
    indptr: np.ndarray, rows: np.ndarray, *values: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Segments ``rows`` of a compressed layout, concatenated: how long each is, and for each
    array of ``values`` its entries ``indptr[r]:indptr[r + 1]`` for every ``r`` in order.

    A few segments are copied slice by slice; many are read with one vectorised gather of
    their positions (``arange`` plus each segment's offset), which avoids a Python loop.
    """
    starts = np.asarray(indptr[rows], dtype=np.int64)
    counts = np.asarray(indptr[np.asarray(rows) + 1], dtype=np.int64) - starts
    if len(rows) <= 64:
        gathered = [
            np.concatenate(
                [np.zeros(0, dtype=array.dtype)]
                + [array[a : a + n] for a, n in zip(starts.tolist(), counts.tolist(), strict=True)]
            )
            for array in values
        ]
        return counts, gathered
    offsets = np.cumsum(counts) - counts
    positions = np.arange(int(counts.sum()), dtype=np.int64)
    positions += np.repeat(starts - offsets, counts)
    return counts, [np.take(array, positions) for array in values]


def _indptr(codes: np.ndarray, size: int) -> np.ndarray:
    """Segment bounds of sorted ``codes``: ``indptr[c]:indptr[c + 1]`` holds code ``c``."""
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=size), out=indptr[1:])
    return indptr


def stable_order(codes: np.ndarray, size: int) -> np.ndarray:
    """The permutation sorting ``codes`` (integers in ``0..size-1``), equal codes in order.

    Below 65,536 distinct codes they are sorted as 16-bit integers, for which numpy's stable
    sort is a radix sort: linear time, about ten times faster than sorting 64-bit keys. Above,
    32-bit keys (numpy's stable sort is then a timsort).
    """
    if size <= np.iinfo(np.uint16).max + 1:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes.astype(np.int32), kind="stable")
