"""CSV exports of the person's ratings and recommendations, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and tab
or carriage return can smuggle one in (OWASP, "CSV Injection"). Titles and ids come from files
Kindred did not write, so every text cell starting with one of those gets a leading ``'``,
which spreadsheets show as plain text. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

RATINGS_COLUMNS = ("item", "title", "year", "my_rating", "rated_at")
RECOMMENDATIONS_COLUMNS = (
    "rank",
    "item",
    "title",
    "year",
    "predicted_rating",
    "confidence",
    "kindred_count",
    "genres",
)


def neutralised(value: object) -> object:
    """The cell as written: text starting like a formula gets a leading ``'``; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """``rows`` as CSV text with a header of ``columns`` (missing values are empty cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralised(row.get(column)) for column in columns])
    return buffer.getvalue()


def ratings_csv(ratings: Iterable[Mapping[str, Any]]) -> str:
    """The person's ratings (``Workspace.my_ratings()`` rows) as CSV."""
    return to_csv(ratings, RATINGS_COLUMNS)


def recommendations_csv(recommendations: Iterable[Mapping[str, Any]]) -> str:
    """Recommendations (``Workspace.recommendations()["items"]``), best first, as CSV."""
    ranked = (
        {**recommendation, "rank": rank, "genres": _joined(recommendation.get("genres"))}
        for rank, recommendation in enumerate(recommendations, start=1)
    )
    return to_csv(ranked, RECOMMENDATIONS_COLUMNS)


def _joined(genres: object) -> object:
    """A list of genres as one ``|``-separated cell, as the community files write them."""
    if isinstance(genres, list | tuple):
        return "|".join(str(genre) for genre in genres)
    return genres
