"""A community: the pool of people whose ratings Kindred draws neighbours from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from recommender.rating_arrays import RatingArrays


@dataclass(frozen=True)
class Community:
    """A named table of many people's ratings, with what is known about its items.

    Attributes
    ----------
    name:
        How the community is shown and stored ("Demo films", "ml-latest-small").
    ratings:
        DataFrame with columns ``user``, ``item``, ``rating``; ids are strings. A stored
        community (:class:`recommender.storage.arrays.StoredCommunity`) decodes it only when
        something asks for it; pages and the engine read :meth:`rating_arrays` instead.
    items:
        DataFrame indexed by ``item`` (string id) with at least ``title``, ``year`` (nullable
        integer) and ``genres`` (a ``|``-separated string, possibly empty).
    scale:
        ``(lowest, highest)`` rating of the community's scale, e.g. ``(0.5, 5.0)``.
    is_demo:
        True for the embedded demo data, which the interface labels as such everywhere.
    """

    name: str
    ratings: pd.DataFrame
    items: pd.DataFrame
    scale: tuple[float, float]
    is_demo: bool = False

    @property
    def n_users(self) -> int:
        """How many people rated something."""
        return int(self.ratings["user"].nunique())

    @property
    def n_items(self) -> int:
        """How many items the catalogue holds."""
        return len(self.items)

    @property
    def n_ratings(self) -> int:
        """How many ratings the community holds."""
        return len(self.ratings)

    def title_of(self, item: str) -> str:
        """The item's title, or its id when the catalogue does not know it."""
        if item in self.items.index:
            return str(self.items.at[item, "title"])
        return str(item)

    def rating_arrays(self) -> RatingArrays:
        """The ratings grouped by person and by item (:class:`RatingArrays`), built once.

        An in-memory community builds them from ``ratings`` on first use (two counting
        sorts); a stored one gives its memory-mapped files.
        """
        return self._rating_arrays

    @cached_property
    def _rating_arrays(self) -> RatingArrays:
        return RatingArrays.from_frame(self.ratings)
