"""Narrowing a recommendation list: genre, year range, minimum confidence, title search, sort
and paging, as the recommendations page offers them.

The Workspace answers the best ``n`` items; when a person filters or pages, the view asks it for
a larger pool (`POOL_SIZE`) and narrows that here, so the community model is never refitted.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from dataclasses import dataclass

from recommender.catalogue import fold_text
from ui.context import BadRequestArgument
from ui.context import int_argument
from ui.context import text_argument
from ui.formatting import whole_percent

# How many recommendations a filtered or paged view looks through (the Workspace's maximum).
POOL_SIZE = 500

SORTS: dict[str, str] = {
    "best": "Best first",
    "predicted": "Highest predicted rating",
    "confidence": "Most confident",
    "newest": "Newest",
    "title": "Title",
}


@dataclass(frozen=True)
class RecommendationFilters:
    """What the person asked to see; the defaults show the best ``per_page`` items."""

    per_page: int = 20
    page: int = 1
    sort: str = "best"
    query: str = ""
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    min_confidence: int = 0  # percent

    @classmethod
    def from_request(cls, default_per_page: int, max_per_page: int) -> RecommendationFilters:
        """Read the filters from the query string (``n``, ``page``, ``sort``, ``q``, ``genre``,
        ``year_from``, ``year_to``, ``min_confidence`` in percent).

        :raise BadRequestArgument: for a value the page cannot use, naming it.
        """
        sort = text_argument("sort", max_length=20) or "best"
        if sort not in SORTS:
            raise BadRequestArgument(f"Unknown sort '{sort}'; choose one of: {', '.join(SORTS)}.")
        year_from = int_argument("year_from", 0, lowest=0, highest=3000) or None
        year_to = int_argument("year_to", 0, lowest=0, highest=3000) or None
        if year_from and year_to and year_from > year_to:
            year_from, year_to = year_to, year_from  # "1990 to 1980": the same years, kindly
        return cls(
            per_page=int_argument("n", default_per_page, highest=max_per_page),
            page=int_argument("page", 1, highest=10_000),
            sort=sort,
            query=text_argument("q"),
            genre=text_argument("genre", max_length=80) or None,
            year_from=year_from,
            year_to=year_to,
            min_confidence=int_argument("min_confidence", 0, lowest=0, highest=100),
        )

    @property
    def narrows(self) -> bool:
        """True when the list is anything but the best ``per_page`` items."""
        return self != RecommendationFilters(per_page=self.per_page)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def keeps(self, item: dict) -> bool:
        """Whether ``item`` (a recommendation dict) passes every filter."""
        if self.genre and self.genre not in item["genres"]:
            return False
        year = item["year"]
        if self.year_from and (year is None or year < self.year_from):
            return False
        if self.year_to and (year is None or year > self.year_to):
            return False
        if whole_percent(item["confidence"]) < self.min_confidence:
            return False
        folded_title = fold_text(item["title"])
        return all(word in folded_title for word in fold_text(self.query).split())

    def apply(self, items: list[dict]) -> tuple[list[dict], int]:
        """Filter, sort and page ``items`` (best first); returns the page and the match count."""
        kept = [item for item in items if self.keeps(item)]
        if self.sort == "predicted":
            kept.sort(key=lambda item: -item["predicted_rating"])
        elif self.sort == "confidence":
            kept.sort(key=lambda item: -item["confidence"])
        elif self.sort == "newest":
            kept.sort(key=lambda item: -(item["year"] or 0))
        elif self.sort == "title":
            kept.sort(key=lambda item: fold_text(item["title"]))
        start = (self.page - 1) * self.per_page
        return kept[start : start + self.per_page], len(kept)

    def pages(self, total: int) -> int:
        return max(1, math.ceil(total / self.per_page))
