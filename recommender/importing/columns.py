"""Which column is the user, the item, the rating, the timestamp, the title, the year.

By header name first (a table of the names real files use, compared without case, spaces or
punctuation), then, for files without a header, by the values: a rating column holds few
distinct small numbers, a timestamp column holds large integers, ids come first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence

ROLES = ("user", "item", "rating", "timestamp", "title", "year")

#: Normalised header names per role, most specific first.
NAMES: dict[str, tuple[str, ...]] = {
    "user": (
        "userid",
        "user",
        "uid",
        "users",
        "username",
        "readerid",
        "reader",
        "customerid",
        "customer",
        "memberid",
        "member",
        "profilename",
        "raterid",
        "rater",
        "person",
        "personid",
        "critic",
        "reviewerid",
        "reviewer",
    ),
    "item": (
        "itemid",
        "item",
        "movieid",
        "movie",
        "bookid",
        "book",
        "filmid",
        "film",
        "isbn",
        "asin",
        "productid",
        "product",
        "const",
        "tconst",
        "imdbid",
        "goodreadsbookid",
        "objectid",
        "contentid",
        "trackid",
        "gameid",
        "animeid",
        "titleid",
        "id",
    ),
    "rating": (
        "rating",
        "ratings",
        "bookrating",
        "yourrating",
        "myrating",
        "score",
        "stars",
        "star",
        "rate",
        "grade",
        "value",
        "starvalue",
        "thumbsvalue",
        "userrating",
        "rated",
    ),
    "timestamp": (
        "timestamp",
        "time",
        "datetime",
        "daterated",
        "date",
        "ratedat",
        "created",
        "createdat",
        "watcheddate",
        "dateread",
        "dateadded",
        "eventutcts",
        "ts",
    ),
    "title": ("title", "name", "movietitle", "booktitle", "titlename", "filmtitle", "film"),
    "year": ("year", "releaseyear", "yearpublished", "originalpublicationyear", "yearreleased"),
}


def normalise_name(name: object) -> str:
    """A header name compared loosely: ``"User-ID"`` and ``"user_id"`` both become ``userid``."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def is_known_name(name: object) -> bool:
    """True when a header cell names one of the roles (used to recognise a header row)."""
    key = normalise_name(name)
    return any(key in names for names in NAMES.values())


def roles_from_header(header: Sequence[str]) -> dict[str, int]:
    """Map roles to column positions by name; each column gets at most one role.

    Roles are assigned in the order of ``NAMES`` and, within a role, by how specific the
    matched name is, so ``movieId`` becomes the item even when a ``title`` column exists.
    """
    keys = [normalise_name(name) for name in header]
    roles: dict[str, int] = {}
    taken: set[int] = set()
    for role in ("rating", "user", "item", "timestamp", "year", "title"):
        for candidate in NAMES[role]:
            positions = [i for i, key in enumerate(keys) if key == candidate and i not in taken]
            if positions:
                roles[role] = positions[0]
                taken.add(positions[0])
                break
    return roles


def _as_number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".")) if text.strip() else None
    except ValueError:
        return None


def numeric_share(rows: Sequence[Sequence[str]], column: int) -> float:
    """Share of non-empty cells in ``column`` that read as numbers."""
    cells = [row[column] for row in rows if column < len(row) and row[column].strip()]
    if not cells:
        return 0.0
    return sum(_as_number(cell) is not None for cell in cells) / len(cells)


def _values(rows: Sequence[Sequence[str]], column: int) -> list[float]:
    values = []
    for row in rows:
        if column < len(row):
            number = _as_number(row[column])
            if number is not None:
                values.append(number)
    return values


def looks_like_ratings(values: Sequence[float]) -> bool:
    """Few distinct values, all between 0 and 10 (or 0 and 100 in whole numbers)."""
    if not values:
        return False
    low, high = min(values), max(values)
    distinct = len(set(values))
    if low >= 0 and high <= 10:
        return distinct <= 21
    return low >= 0 and high <= 100 and all(v == int(v) for v in values) and distinct <= 101


def looks_like_timestamps(values: Sequence[float]) -> bool:
    """Unix seconds (or milliseconds): large whole numbers."""
    return bool(values) and min(values) > 1e8 and all(v == int(v) for v in values)


def roles_from_values(rows: Sequence[Sequence[str]], n_fields: int) -> dict[str, int]:
    """Guess roles for a headerless table from its first rows.

    The rating is the last column that looks like ratings (few distinct values in 0–10) and is
    not among the first two columns of a 3+ column table; a timestamp is a column of large
    integers; the remaining leading columns are user then item. Two columns are item, rating.
    """
    numeric = [numeric_share(rows, c) >= 0.95 for c in range(n_fields)]
    values = [_values(rows, c) if numeric[c] else [] for c in range(n_fields)]
    roles: dict[str, int] = {}
    for column in range(n_fields):
        if numeric[column] and looks_like_timestamps(values[column]):
            roles["timestamp"] = column
            break
    first_rating = 2 if n_fields >= 3 else 1
    rating_candidates = [
        c
        for c in range(first_rating, n_fields)
        if numeric[c] and c != roles.get("timestamp") and looks_like_ratings(values[c])
    ]
    if rating_candidates:
        roles["rating"] = rating_candidates[0]
    others = [c for c in range(n_fields) if c not in roles.values()]
    if n_fields >= 3 and len(others) >= 2:
        roles["user"], roles["item"] = others[0], others[1]
    elif others:
        roles["item"] = others[0]
    return roles


#: The roles a person may give a column when correcting the detection, with their labels.
ROLE_LABELS: dict[str, str] = {
    "user": "User (who rated)",
    "item": "Item id",
    "rating": "Rating",
    "timestamp": "Date or time rated",
    "title": "Title",
    "year": "Year",
    "isbn": "ISBN",
    "isbn13": "ISBN-13",
    "shelf": "Shelf (Goodreads)",
}

#: A person's column roles: role -> column position (0-based) or header name.
ColumnRoles = Mapping[str, int | str]


def resolve_roles(columns: ColumnRoles, header: Sequence[str], n_fields: int) -> dict[str, int]:
    """Turn a person's ``columns`` (role -> position or header name) into role -> position.

    :raise ValueError: with one sentence when a role is unknown, a column does not exist, or
        one column is given two roles.
    """
    roles: dict[str, int] = {}
    owner: dict[int, str] = {}
    for role, column in columns.items():
        if role not in ROLE_LABELS:
            known = ", ".join(ROLE_LABELS)
            raise ValueError(f"'{role}' is not a column role Kindred knows ({known}).")
        position = _position(column, header, n_fields)
        if position in owner:
            raise ValueError(
                f"column {position + 1} cannot be both the {owner[position]} and the {role};"
                " give each column one role."
            )
        roles[role], owner[position] = position, role
    return roles


def _position(column: int | str, header: Sequence[str], n_fields: int) -> int:
    if isinstance(column, bool) or not isinstance(column, int | str):
        raise ValueError(f"a column is named by its position or header, not {column!r}.")
    if isinstance(column, str):
        if column in header:
            return list(header).index(column)
        if column.strip().isdigit():
            column = int(column.strip())
        else:
            raise ValueError(f"there is no column named '{column[:60]}' in the file.")
    if not 0 <= column < n_fields:
        raise ValueError(f"column {column + 1} does not exist: the file has {n_fields} columns.")
    return column
