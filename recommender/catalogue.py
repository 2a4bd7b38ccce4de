"""Browsing a community's items: per-item statistics, search, genre filter, sort and paging.

The statistics are computed once per community (one ``groupby`` over the ratings) and kept in a
small DataFrame, so every catalogue page is a cheap filter and slice.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from recommender.errors import KindredError

SORTS = ("popular", "top_rated", "title", "year")

# Prior weight of the Bayesian average used for "top rated": an item needs about this many
# ratings before its own mean outweighs the community's overall mean.
TOP_RATED_PRIOR_COUNT = 10


def fold_text(text: str) -> str:
    """Lower-case ``text`` and strip diacritics, so "Amelie" finds "Amélie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def split_genres(genres: object) -> list[str]:
    """``"Comedy|Drama"`` → ``["Comedy", "Drama"]``; missing or "(no genres listed)" → ``[]``."""
    if not isinstance(genres, str) or not genres or genres == "(no genres listed)":
        return []
    return [genre for genre in genres.split("|") if genre]


@dataclass(frozen=True)
class CataloguePage:
    """One page of catalogue items (ids in display order) and how many matched in all."""

    items: list[str]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def search_catalogue(
    statistics: pd.DataFrame,
    query: str = "",
    sort: str = "popular",
    page: int = 1,
    per_page: int = 40,
    genre: str | None = None,
) -> CataloguePage:
    """Filter by title words and genre, sort, and return one page of item ids.

    Every word of ``query`` must appear in the title (accents and case ignored).
    """
    if sort not in SORTS:
        raise KindredError(f"Unknown sort '{sort}'; choose one of: {', '.join(SORTS)}.")
    if per_page < 1 or per_page > 500:
        raise KindredError("Items per page must be between 1 and 500.")
    matches = statistics
    for word in fold_text(query).split():
        matches = matches[matches["folded_title"].str.contains(word, regex=False)]
    if genre:
        matches = matches[matches["genres"].map(lambda value: genre in split_genres(value))]
    matches = _sorted(matches, sort)
    last_page = max(1, -(-len(matches) // per_page))
    page = min(max(1, int(page)), last_page)  # past the end: the last page, not an empty one
    start = (page - 1) * per_page
    return CataloguePage(
        items=[str(item) for item in matches.index[start : start + per_page]],
        total=len(matches),
        page=page,
        per_page=per_page,
    )


def _sorted(matches: pd.DataFrame, sort: str) -> pd.DataFrame:
    """Order matches by the named sort, ties broken by title."""
    if sort == "popular":
        return matches.sort_values(["count", "title"], ascending=[False, True], kind="stable")
    if sort == "top_rated":
        return matches.sort_values(["top_score", "title"], ascending=[False, True], kind="stable")
    if sort == "year":
        return matches.sort_values(
            ["year", "title"], ascending=[False, True], kind="stable", na_position="last"
        )
    return matches.sort_values("folded_title", kind="stable")


def all_genres(statistics: pd.DataFrame) -> list[str]:
    """Every genre named in the catalogue, alphabetically."""
    genres: set[str] = set()
    for value in statistics["genres"].dropna().unique():
        genres.update(split_genres(value))
    return sorted(genres)


def item_view(
    item: str, statistics: pd.DataFrame, my_ratings: Mapping[str, float]
) -> dict[str, object]:
    """The JSON-ready description of one item as every page shows it."""
    row = statistics.loc[item]
    year = row["year"]
    mean = row["mean"]
    return {
        "item": item,
        "title": str(row["title"]),
        "year": None if pd.isna(year) else int(year),
        "genres": split_genres(row["genres"]),
        "my_rating": my_ratings.get(item),
        "community_mean": None if pd.isna(mean) else round(float(mean), 2),
        "community_count": int(row["count"]),
    }


def kindred_view(
    user: object, similarity: float, rating: float, overlap: int | None = None
) -> dict[str, object]:
    """One kindred person behind an answer (a recommendation, an item page), as pages show
    them: their id, similarity to the person, their rating of the item, and (where the
    engine says it: an item page) how many titles both rated, which explains a small
    similarity."""
    view: dict[str, object] = {
        "user": str(user),
        "similarity": round(float(similarity), 3),
        "rating": float(rating),
    }
    if overlap is not None:
        view["overlap"] = int(overlap)
    return view


def agreement(
    my_ratings: Mapping[str, float],
    their_ratings: Mapping[str, float],
    title_of: Callable[[str], str],
    limit: int,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The titles two people agree and disagree on most: co-rated items ordered by the
    absolute difference of their ratings, at most ``limit`` each.

    A title appears in one list only: with few co-rated titles, the closer half (rounded up)
    is "agree" and the rest "disagree", so four shared titles never show the same one as both.
    A title rated the same by both never counts as a disagreement.
    """
    shared = [item for item in my_ratings if item in their_ratings]
    by_difference = sorted(
        shared, key=lambda item: (abs(my_ratings[item] - their_ratings[item]), item)
    )
    agree_count = min(limit, math.ceil(len(by_difference) / 2))

    def describe(item: str) -> dict[str, object]:
        return {
            "item": item,
            "title": title_of(item),
            "mine": my_ratings[item],
            "theirs": their_ratings[item],
        }

    agree = [describe(item) for item in by_difference[:agree_count]]
    rest = by_difference[agree_count:]
    disagreeing = [i for i in reversed(rest) if my_ratings[i] != their_ratings[i]]
    disagree = [describe(item) for item in disagreeing[:limit]]
    return agree, disagree
