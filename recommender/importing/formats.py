"""Named formats: recognise MovieLens, goodbooks, Book-Crossing, IMDb, Letterboxd, Goodreads.

A format fixes which column holds what, the rating scale, whether 0 means "not rated", and
whether the file is a community (many people) or a personal export (one person). Anything
else is ``generic``: roles come from header names or, without a header, from the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from recommender.errors import RatingsImportError
from recommender.importing.columns import ROLE_LABELS
from recommender.importing.columns import ColumnRoles
from recommender.importing.columns import normalise_name
from recommender.importing.columns import resolve_roles
from recommender.importing.columns import roles_from_header
from recommender.importing.columns import roles_from_values
from recommender.importing.scales import Scale
from recommender.importing.sniff import Layout

COMMUNITY = "community"
PERSONAL = "personal"


@dataclass(frozen=True)
class FormatSpec:
    """What a recognised file holds and how to read it.

    ``roles`` maps ``user``/``item``/``rating``/``timestamp``/``title``/``year`` (and
    service-specific roles such as ``isbn`` or ``shelf``) to field positions.
    """

    name: str
    kind: str
    roles: dict[str, int]
    scale: Scale | None = None
    zero_means_unrated: bool = False
    list_kind: str | None = None  # "seen" or "want" for files without ratings
    extra: dict[str, str] = field(default_factory=dict)


def _positions(header: tuple[str, ...]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalise_name(name), index)
    return positions


def _named(positions: dict[str, int], mapping: dict[str, str]) -> dict[str, int]:
    """Roles from exact normalised header names (only those present)."""
    return {role: positions[name] for role, name in mapping.items() if name in positions}


def identify(layout: Layout, path: Path) -> FormatSpec:
    """Recognise the file's format from its header (or shape), or fall back to generic."""
    if layout.has_header:
        spec = _identify_by_header(layout, path)
        if spec is not None:
            return spec
    else:
        spec = _identify_headerless(layout, path)
        if spec is not None:
            return spec
    return _generic(layout, path)


def _identify_by_header(layout: Layout, path: Path) -> FormatSpec | None:
    names = _positions(layout.header)
    keys = set(names)
    if {"userid", "movieid", "rating"} <= keys:
        roles = _named(
            names,
            {"user": "userid", "item": "movieid", "rating": "rating", "timestamp": "timestamp"},
        )
        return FormatSpec("movielens-csv", COMMUNITY, roles, scale=(0.5, 5.0))
    if {"userid", "bookid", "rating"} <= keys:
        roles = _named(names, {"user": "userid", "item": "bookid", "rating": "rating"})
        return FormatSpec("goodbooks", COMMUNITY, roles, scale=(1.0, 5.0))
    if {"userid", "isbn", "bookrating"} <= keys:
        roles = _named(names, {"user": "userid", "item": "isbn", "rating": "bookrating"})
        return FormatSpec(
            "book-crossing", COMMUNITY, roles, scale=(1.0, 10.0), zero_means_unrated=True
        )
    if {"const", "yourrating"} <= keys:
        roles = _named(
            names,
            {
                "item": "const",
                "rating": "yourrating",
                "timestamp": "daterated",
                "title": "title",
                "year": "year",
                "type": "titletype",
            },
        )
        return FormatSpec("imdb", PERSONAL, roles, scale=(1.0, 10.0))
    if {"const", "title"} <= keys and "yourrating" not in keys:
        # IMDb's watchlist (and list) exports: the same ids, no rating of the person's.
        roles = _named(
            names, {"item": "const", "title": "title", "year": "year", "timestamp": "created"}
        )
        return FormatSpec("imdb-watchlist", PERSONAL, roles, scale=(1.0, 10.0), list_kind="want")
    if {"name", "year", "letterboxduri"} <= keys:
        roles = _named(
            names,
            {
                "title": "name",
                "year": "year",
                "uri": "letterboxduri",
                "rating": "rating",
                "timestamp": "date",
            },
        )
        if "rating" in roles:
            return FormatSpec("letterboxd", PERSONAL, roles, scale=(0.5, 5.0))
        stem = path.stem.lower()
        list_kind = "want" if "watchlist" in stem else "seen"
        return FormatSpec(
            f"letterboxd-{'watchlist' if list_kind == 'want' else 'watched'}",
            PERSONAL,
            roles,
            scale=(0.5, 5.0),
            list_kind=list_kind,
        )
    if {"bookid", "myrating", "title"} <= keys:
        roles = _named(
            names,
            {
                "item": "bookid",
                "rating": "myrating",
                "title": "title",
                "author": "author",
                "isbn": "isbn",
                "isbn13": "isbn13",
                "year": "originalpublicationyear",
                "year_published": "yearpublished",
                "shelf": "exclusiveshelf",
                "timestamp": "dateread",
                "added": "dateadded",
            },
        )
        return FormatSpec("goodreads", PERSONAL, roles, scale=(1.0, 5.0), zero_means_unrated=True)
    return None


def _identify_headerless(layout: Layout, path: Path) -> FormatSpec | None:
    name = path.name.lower()
    if layout.delimiter == "::" and layout.n_fields in (3, 4):
        roles = {"user": 0, "item": 1, "rating": 2}
        if layout.n_fields == 4:
            roles["timestamp"] = 3
        # 1M is whole stars 1–5, 10M half stars 0.5–5: the values decide.
        return FormatSpec("movielens-dat", COMMUNITY, roles)
    ml100k_name = name == "u.data" or name.endswith((".base", ".test"))
    if layout.delimiter == "\t" and layout.n_fields == 4 and ml100k_name:
        roles = {"user": 0, "item": 1, "rating": 2, "timestamp": 3}
        return FormatSpec("movielens-100k", COMMUNITY, roles, scale=(1.0, 5.0))
    return None


def _generic(layout: Layout, path: Path) -> FormatSpec:
    """Roles by header name, else by values; a user column makes it a community file."""
    roles = roles_from_header(layout.header) if layout.has_header else {}
    if layout.has_header and "rating" not in roles:
        # Unnamed columns: let the values speak for the rating and ids.
        guessed = roles_from_values(layout.rows, layout.n_fields)
        for role in ("rating", "user", "item"):
            if role in guessed and role not in roles and guessed[role] not in roles.values():
                roles[role] = guessed[role]
    elif not layout.has_header:
        roles = roles_from_values(layout.rows, layout.n_fields)
        if layout.n_fields >= 3 and "rating" in roles and _looks_like_title_year(layout, roles):
            roles = {"title": 0, "year": 1, "rating": roles["rating"]}
    if layout.has_header and "rating" in roles and "item" not in roles and "title" not in roles:
        free = [p for p in range(layout.n_fields) if p not in roles.values()]
        if free:
            roles["item"] = free[0]  # an unnamed first column beside a rating: the item
    if "rating" not in roles:
        raise RatingsImportError("has no column that looks like ratings.", path=path)
    if "item" not in roles and "title" not in roles:
        raise RatingsImportError("has no column that identifies the items rated.", path=path)
    kind = COMMUNITY if "user" in roles and "item" in roles else PERSONAL
    return FormatSpec("generic", kind, roles)


def _looks_like_title_year(layout: Layout, roles: dict[str, int]) -> bool:
    """Headerless ``title,year,rating``: the first column is text and the second holds years."""
    rows = [row for row in layout.rows if len(row) > 1]
    if not rows:
        return False
    years = [row[1] for row in rows]
    text_first = sum(not row[0].strip().replace(".", "").isdigit() for row in rows)
    plausible = sum(cell.isdigit() and 1870 <= int(cell) <= 2100 for cell in years)
    return text_first >= 0.8 * len(rows) and plausible >= 0.8 * len(rows)


#: Roles each kind of file cannot do without (a personal file needs ``item`` or ``title``).
REQUIRED_ROLES = {COMMUNITY: ("user", "item", "rating"), PERSONAL: ("rating",)}
_CORE_ROLES = frozenset(ROLE_LABELS)


def with_roles(
    spec: FormatSpec, layout: Layout, columns: ColumnRoles, kind: str, path: Path
) -> FormatSpec:
    """``spec`` with the column roles a person chose, read as ``kind`` (community or personal).

    The person's roles replace the detected ones; service-specific columns the person cannot
    choose (Letterboxd's URI, Goodreads' added date...) stay when their column is still free.
    The detected scale is kept only when the rating column did not change (else it is inferred
    from the values), and a list without ratings (a watchlist) becomes rated when a rating
    column is chosen.

    :raise RatingsImportError: one sentence naming the file, when a role or column does not
        exist, a column is given two roles, or a role the kind needs is missing.
    """
    try:
        roles = resolve_roles(columns, layout.header, layout.n_fields)
    except ValueError as error:
        raise RatingsImportError(f"{error}", path=path) from None
    _check_required(roles, kind, spec, path)
    kept = {
        role: position
        for role, position in spec.roles.items()
        if role not in _CORE_ROLES and position not in roles.values()
    }
    same_rating = roles.get("rating") == spec.roles.get("rating")
    return FormatSpec(
        name=spec.name,
        kind=kind,
        roles={**roles, **kept},
        scale=spec.scale if same_rating else None,
        zero_means_unrated=spec.zero_means_unrated and same_rating,
        list_kind=spec.list_kind if "rating" not in roles else None,
        extra=dict(spec.extra),
    )


def _check_required(roles: dict[str, int], kind: str, spec: FormatSpec, path: Path) -> None:
    if kind not in REQUIRED_ROLES:
        raise RatingsImportError(f"'{kind}' is neither community nor personal.", path=path)
    if kind == PERSONAL and "user" in roles:
        raise RatingsImportError(
            "one person's ratings have no user column; import the file as a community instead,"
            " or set that column to 'Not used'.",
            path=path,
        )
    needed = [role for role in REQUIRED_ROLES[kind] if role not in roles]
    if kind == PERSONAL and spec.list_kind is not None and "rating" not in spec.roles:
        needed = [role for role in needed if role != "rating"]  # a watchlist has no ratings
    if kind == PERSONAL and "item" not in roles and "title" not in roles:
        needed.append("item or title")
    if needed:
        what = "a community" if kind == COMMUNITY else "your own ratings"
        raise RatingsImportError(
            f"to read it as {what}, choose the {' and the '.join(needed)} column.", path=path
        )
