"""One person against the whole community, touching only the ratings of the items they rated.

Every similarity Kindred offers is made of sums over the items two people both rated (see
:class:`recommender.similarity.CoratedSums`). For one person ``x`` those items are among the
few they rated, so the sums for everyone at once come from the item-major slices of just those
items: for each item ``i`` that ``x`` rated and each person ``y`` who rated it,

.. math::  |C|_y \\mathrel{+}= 1, \\quad \\textstyle\\sum_C xy \\mathrel{+}= x_i y_i, \\quad
           \\textstyle\\sum_C x^2 \\mathrel{+}= x_i^2, \\quad
           \\textstyle\\sum_C y^2 \\mathrel{+}= y_i^2

each one ``np.bincount`` over the gathered entries. The cost is the number of ratings of the
person's items (about 2 million for 100 popular films among 32 million ratings), not the size
of the community, and the gathered slices serve every measure (the ranking's Jaccard and the
prediction's Pearson share one gather).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from recommender._sparse import Person
from recommender._sparse import RatingMatrix
from recommender.rating_arrays import gather_segments
from recommender.similarity import Similarity
from recommender.similarity import shrink


class PersonGather:
    """The ratings of the items one person rated, and the corated sums built from them."""

    def __init__(self, matrix: RatingMatrix, person: Person) -> None:
        self.matrix = matrix
        self.person = person
        arrays = matrix.arrays
        self.counts, (users, self.ratings) = gather_segments(
            arrays.item_indptr, person.item_rows, arrays.item_users, arrays.item_ratings
        )
        self.users = users.astype(np.intp)  # bincount's own index type: converted once
        self._n_users = matrix.shape[0]
        self._values: dict[str, CommunitySums] = {}

    @cached_property
    def item_of_entry(self) -> np.ndarray:
        """Each gathered entry's item row."""
        return np.repeat(self.person.item_rows, self.counts)

    @cached_property
    def overlap(self) -> np.ndarray:
        """``|C|`` against everyone (float64)."""
        return np.bincount(self.users, minlength=self._n_users).astype(np.float64)

    def sums(self, kind: str) -> CommunitySums:
        """The corated sums over values of ``kind`` (computed once per kind)."""
        if kind not in self._values:
            self._values[kind] = CommunitySums(self, kind)
        return self._values[kind]

    def similarities(
        self, measure: Similarity, shrinkage: float, min_overlap: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Similarity (float32) and overlap rows against everyone, as ``similarity.compare``
        gives them: shrunk, ``-inf`` where fewer than ``min_overlap`` items are shared (or
        none) and at the person's own row."""
        raw = measure.from_sums(self.sums(measure.values))
        overlap = self.overlap
        similarities = np.ascontiguousarray(shrink(raw, overlap, shrinkage), np.float32)
        similarities[overlap < max(int(min_overlap), 1)] = -np.inf
        if self.person.row >= 0:
            similarities[self.person.row] = -np.inf
        return similarities, overlap


class CommunitySums:
    """:class:`recommender.similarity.CoratedSums` for one value kind, each sum on demand."""

    def __init__(self, gather: PersonGather, kind: str) -> None:
        self._gather = gather
        self._kind = kind
        matrix = gather.matrix
        self.query_size = len(gather.person.item_rows)
        self.community_sizes = np.diff(matrix.arrays.user_indptr)
        self.overlap = gather.overlap

    @cached_property
    def _query_values(self) -> np.ndarray:
        return self._gather.matrix.person_values(self._gather.person, self._kind)

    @cached_property
    def _query_entry_values(self) -> np.ndarray:
        return np.repeat(self._query_values.astype(np.float32), self._gather.counts)

    @cached_property
    def _community_values(self) -> np.ndarray:
        """The gathered ratings' values of this kind, in float32 (millions of them: half the
        memory traffic of float64, and similarities are kept in float32 anyway).

        The same values as ``RatingMatrix.entry_values`` (which the batched path and the
        explanations use, in float64), computed for this layout: each item's constant
        ``mu + b_i`` is spread over its raters with one ``repeat`` instead of a gather by item.
        Routing this through ``entry_values`` cost 1.9 ms more per query at 32M (4.7 against
        2.8 ms, measured), a twentieth of the whole top-20.
        """
        gather, kind = self._gather, self._kind
        matrix = gather.matrix
        if kind == "raw":
            return gather.ratings
        if kind == "binary":
            return np.ones(len(gather.ratings), dtype=np.float32)
        if kind == "baseline_residual":
            baseline = matrix.baseline
            per_item = baseline.mean + baseline.item_bias[gather.person.item_rows]
            values = gather.ratings - np.repeat(per_item.astype(np.float32), gather.counts)
            values -= matrix.float32("user_bias")[gather.users]
            return values
        values = gather.ratings - matrix.float32("user_mean")[gather.users]
        if kind == "zscore":
            values /= matrix.float32("user_std")[gather.users]
        elif kind != "mean_centred":
            raise ValueError(f"unknown value kind {kind!r}")
        return values

    def _sum(self, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self._gather.users, weights=weights, minlength=len(self.overlap))

    @cached_property
    def products(self) -> np.ndarray:
        return self._sum(self._query_entry_values * self._community_values)

    @cached_property
    def query_energy(self) -> np.ndarray:
        return self._sum(self._query_entry_values**2)

    @cached_property
    def community_energy(self) -> np.ndarray:
        return self._sum(self._community_values**2)

    @cached_property
    def query_norm(self) -> float:
        return float(np.sqrt(np.sum(self._query_values**2)))

    @cached_property
    def community_norms(self) -> np.ndarray:
        return self._gather.matrix.norms(self._kind)
