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

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

logger = logging.getLogger(__name__)


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
        """Both layouts from parallel arrays of row numbers and ratings.

        SciPy builds them in linear time (counting, not sorting, the entries). A (person,
        item) pair given more than once gets the mean of its ratings (so fewer ratings come
        out than went in). Float ratings keep their precision while building (float32 halves
        the memory of a 32-million-rating import); others are read as float64.
        """
        shape = (len(users), len(items))
        values = np.asarray(ratings)
        if not np.issubdtype(values.dtype, np.floating):
            values = values.astype(np.float64)
        by_user = sp.coo_matrix((values, (user_codes, item_codes)), shape=shape).tocsr()
        if by_user.nnz != len(values):
            logger.info("ratings holds repeated (user, item) pairs: using the mean of each")
            ones = np.ones(len(values), dtype=values.dtype)
            repeats = sp.coo_matrix((ones, (user_codes, item_codes)), shape=shape)
            by_user.sort_indices()
            counts = repeats.tocsr()
            counts.sort_indices()
            by_user.data /= counts.data
        by_user.sort_indices()
        by_item = by_user.tocsc()
        by_item.sort_indices()
        return cls(
            users=users,
            items=items,
            user_indptr=by_user.indptr.astype(np.int64),
            user_items=by_user.indices.astype(np.int32, copy=False),
            user_ratings=by_user.data.astype(np.float32, copy=False),
            item_indptr=by_item.indptr.astype(np.int64),
            item_users=by_item.indices.astype(np.int32, copy=False),
            item_ratings=by_item.data.astype(np.float32, copy=False),
        )

    @classmethod
    def from_frame(cls, ratings: pd.DataFrame) -> RatingArrays:
        """From a frame with columns ``user``, ``item``, ``rating`` (a repeated pair gets the
        mean of its ratings). Row numbers follow the order in which ids first appear."""
        user_codes, users = pd.factorize(ratings["user"], sort=False)
        item_codes, items = pd.factorize(ratings["item"], sort=False)
        return cls.from_codes(
            user_codes,
            item_codes,
            ratings["rating"].to_numpy(dtype=np.float64),
            _plain_index(users),
            _plain_index(items),
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


def segment_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """``out[s] = sum(values[indptr[s]:indptr[s + 1]])`` (0 for an empty segment), summed in
    float64; ``values`` is a whole layout (``indptr[-1] == len(values)``).

    One ``np.add.reduceat`` at the starts of the non-empty segments only: reduceat gives an
    empty segment the next value instead of 0 and refuses a start at the end, and reading the
    values where they are (float32 included) needs no float64 copy of millions of them.
    """
    counts = np.diff(indptr)
    sums = np.zeros(len(counts), dtype=np.float64)
    filled = counts > 0
    if filled.any():
        starts = np.asarray(indptr[:-1][filled], dtype=np.intp)
        sums[filled] = np.add.reduceat(values, starts, dtype=np.float64)
    return sums


def _plain_index(ids: object) -> pd.Index:
    """An Index of Python objects (Arrow-backed text becomes ``str``): a query looks up about a
    hundred ids and takes twenty back, for which a plain object Index is several times faster
    than converting through Arrow each time."""
    index = pd.Index(ids)
    if isinstance(index.dtype, pd.StringDtype) or str(index.dtype) == "str":
        return pd.Index(index.to_numpy(dtype=object), dtype=object)
    return index


def stable_order(codes: np.ndarray, size: int) -> np.ndarray:
    """The permutation sorting ``codes`` (integers in ``0..size-1``), equal codes in order.

    Below 65,536 distinct codes they are sorted as 16-bit integers, for which numpy's stable
    sort is a radix sort: linear time, about ten times faster than sorting 64-bit keys. Above,
    32-bit keys (numpy's stable sort is then a timsort).
    """
    if size <= np.iinfo(np.uint16).max + 1:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes.astype(np.int32), kind="stable")
