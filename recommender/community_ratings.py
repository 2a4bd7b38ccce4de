"""What the app's pages read from a community's ratings, straight from its :class:`RatingArrays`.

Every answer is one pass over a compressed layout, or one slice of it: per-item statistics
(the catalogue), a member's ratings (the people page), an item's ratings (its histogram and
how kindred people rated it). For a stored community those layouts are the memory-mapped
files, so no page decodes the 32 million ids a ratings DataFrame would hold; the answers are
the same as the DataFrame's (the tests compare both).
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas.errors import InvalidIndexError

from recommender.catalogue import TOP_RATED_PRIOR_COUNT
from recommender.catalogue import fold_text
from recommender.community import Community
from recommender.rating_arrays import RatingArrays
from recommender.rating_arrays import gather_segments
from recommender.rating_arrays import segment_sums


class Slices(Mapping[str, range]):
    """id → the positions of its ratings in one layout (``range(indptr[c], indptr[c + 1])``).

    ``ids[c]`` is the id of row ``c``; an id is found through the index's hash table, built on
    first use, so ``id in slices`` and ``len(slices[id])`` (how many ratings) cost nothing
    per rating.
    """

    def __init__(self, ids: pd.Index, indptr: np.ndarray) -> None:
        self.ids = ids
        self.indptr = indptr

    def code_of(self, key: object) -> int | None:
        """The row number of ``key``, or None when it is not in the layout."""
        try:
            code = self.ids.get_loc(key)
        except (KeyError, TypeError, InvalidIndexError):  # not an id of this layout
            return None
        return code if isinstance(code, int | np.integer) else None

    def __getitem__(self, key: str) -> range:
        code = self.code_of(key)
        if code is None:
            raise KeyError(key)
        return range(int(self.indptr[code]), int(self.indptr[code + 1]))

    def __contains__(self, key: object) -> bool:
        return self.code_of(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def member_slices(arrays: RatingArrays) -> Slices:
    """Where each member's ratings are in the layout by person."""
    return Slices(arrays.users, arrays.user_indptr)


def item_slices(arrays: RatingArrays) -> Slices:
    """Where each item's ratings are in the layout by item."""
    return Slices(arrays.items, arrays.item_indptr)


def member_ratings(arrays: RatingArrays, users: list[str]) -> list[dict[str, float]]:
    """Each member's ratings (item → rating), items in row order; empty for someone not in
    the community. One gather over their slices, then one id lookup for all of them."""
    slices = member_slices(arrays)
    ranges = [slices.get(user, range(0)) for user in users]
    positions = np.concatenate(
        [np.empty(0, dtype=np.int64)] + [np.arange(r.start, r.stop) for r in ranges]
    )
    items = arrays.items[np.asarray(arrays.user_items[positions], dtype=np.intp)].tolist()
    values = np.asarray(arrays.user_ratings[positions], dtype=np.float64).tolist()
    per_user, start = [], 0
    for rows in ranges:
        end = start + len(rows)
        per_user.append(dict(zip(items[start:end], values[start:end], strict=True)))
        start = end
    return per_user


def item_ratings(arrays: RatingArrays, item: str) -> pd.DataFrame:
    """Everyone who rated ``item``: a frame ``user`` (text id), ``rating`` (float), people in
    row order; empty when nobody did."""
    rows = item_slices(arrays).get(item, range(0))
    users = arrays.item_users[rows.start : rows.stop]
    return pd.DataFrame(
        {
            "user": arrays.users[np.asarray(users, dtype=np.intp)].astype(str),
            "rating": np.asarray(arrays.item_ratings[rows.start : rows.stop], dtype=np.float64),
        }
    )


def people_sample(arrays: RatingArrays, limit: int, seed: int) -> pd.DataFrame:
    """Every rating of people drawn in a seeded random order until ``limit`` ratings are
    reached (whole people; everyone when there are no more than ``limit`` ratings), as a frame
    ``user, item, rating`` decoded from those people's slices only.

    The same people and rows as :func:`recommender.evaluation_jobs.sample_people` over a stored
    community's decoded frame (people in row order, each one's items ascending), without
    decoding the other 31.9 million ratings of a 32M community.
    """
    sizes = np.diff(arrays.user_indptr)
    if arrays.n_ratings <= limit:
        chosen = np.arange(len(sizes))
    else:
        order = np.random.default_rng(seed).permutation(len(sizes))
        chosen = order[np.cumsum(sizes[order]) <= limit]
        if len(chosen) == 0:  # one person with more ratings than the limit
            chosen = order[:1]
        chosen = np.sort(chosen)
    counts, (items, ratings) = gather_segments(
        arrays.user_indptr, chosen, arrays.user_items, arrays.user_ratings
    )
    return pd.DataFrame(
        {
            "user": np.repeat(arrays.users.take(chosen).to_numpy(dtype=object), counts),
            "item": arrays.items.take(np.asarray(items, dtype=np.intp)).to_numpy(dtype=object),
            "rating": np.asarray(ratings, dtype=np.float64),
        }
    )


def item_totals(arrays: RatingArrays) -> pd.DataFrame:
    """``count`` and ``sum`` of each rated item's ratings, indexed by item id, in one pass.

    ``count_i = indptr[i + 1] - indptr[i]`` and ``sum_i = Σ r`` over that segment
    (:func:`recommender.rating_arrays.segment_sums`).
    """
    counts = np.diff(arrays.item_indptr)
    sums = segment_sums(arrays.item_ratings, arrays.item_indptr)
    return pd.DataFrame({"count": counts.astype(np.int64), "sum": sums}, index=arrays.items)


def item_statistics(community: Community) -> pd.DataFrame:
    """One row per catalogue item: ``count``, ``mean``, the Bayesian ``top_score``, and the
    title, folded title, year and genres the catalogue searches and sorts by.

    ``top_score = (C·m + Σ r) / (C + n)`` where ``m`` is the community's mean rating, ``n`` the
    item's number of ratings and ``C`` = ``TOP_RATED_PRIOR_COUNT``: an item rated 5 by one
    person does not outrank one rated 4.6 by hundreds. Read from the arrays in one pass, not
    by a groupby over the ratings DataFrame (which the tests keep as the reference).
    """
    totals = item_totals(community.rating_arrays())
    statistics = pd.DataFrame(index=community.items.index)
    statistics["count"] = totals["count"].reindex(statistics.index).fillna(0).astype(np.int64)
    rating_sum = totals["sum"].reindex(statistics.index).fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        statistics["mean"] = rating_sum / statistics["count"].where(statistics["count"] > 0)
    n_ratings = int(totals["count"].sum())
    overall_mean = float(totals["sum"].sum()) / n_ratings if n_ratings else 0.0
    prior = TOP_RATED_PRIOR_COUNT
    statistics["top_score"] = (prior * overall_mean + rating_sum) / (prior + statistics["count"])
    statistics["title"] = community.items["title"].astype(str)
    statistics["folded_title"] = folded_titles(statistics["title"])
    statistics["year"] = community.items.get("year", pd.Series(pd.NA, index=statistics.index))
    statistics["genres"] = community.items.get("genres", pd.Series("", index=statistics.index))
    return statistics


def folded_titles(titles: pd.Series) -> pd.Series:
    """``fold_text`` of every title: an ASCII title has no accents to strip, so folding it is
    ``casefold`` alone, done for all of them at once; the others go through ``fold_text``
    (87,585 titles: about 40 ms instead of 130)."""
    folded = titles.str.casefold()
    accented = ~np.fromiter((title.isascii() for title in titles), dtype=bool, count=len(titles))
    if accented.any():
        folded[accented] = titles[accented].map(fold_text)
    return folded
