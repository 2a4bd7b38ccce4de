"""The person's own marks on items: ratings, hidden items, the want-list and seen items.

A personal import writes all four at once with :meth:`PersonalData.apply_personal_import`, in
one transaction together with its import-log entry, so a failed or killed import changes
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from recommender.errors import KindredError
from recommender.storage.database import Database
from recommender.storage.schema import UPSERT_RATING
from recommender.storage.values import checked_finite
from recommender.storage.values import checked_text
from recommender.storage.values import now_timestamp
from recommender.storage.values import optional_finite
from recommender.storage.values import scale_from_text
from recommender.storage.values import scale_to_text

APP_SOURCE = "app"
MARK_TABLES = {"hidden": "hidden_at", "want_list": "added_at", "seen": "seen_at"}


# What "clear my data" removes: answer label -> table.
PERSONAL_TABLES = {
    "ratings": "my_ratings",
    "hidden": "hidden",
    "seen": "seen",
    "want_list": "want_list",
}


class PersonalData(Database):
    """Ratings, hidden items, want-list and seen items of the person, per community."""

    # ------------------------------------------------------------------ the person's ratings
    def ratings(self, community: str) -> dict[str, float]:
        """The person's ratings in ``community``: item id → rating."""
        rows = self._query(
            "SELECT item, rating FROM my_ratings WHERE community = ? ORDER BY item",
            [checked_text(community, "community")],
        )
        return {row["item"]: float(row["rating"]) for row in rows}

    def rating_rows(self, community: str) -> list[dict[str, Any]]:
        """The person's ratings in ``community`` with when and where from, newest first.

        Each row has ``item, rating, rated_at, source, rating_original, scale_original`` (the
        last two as the import file had them, or ``None``).
        """
        rows = self._query(
            "SELECT item, rating, rated_at, source, rating_original, scale_original "
            "FROM my_ratings WHERE community = ? ORDER BY rated_at DESC, item",
            [checked_text(community, "community")],
        )
        return [
            {**dict(row), "scale_original": scale_from_text(row["scale_original"])} for row in rows
        ]

    def set_rating(
        self,
        community: str,
        item: str,
        rating: float,
        *,
        source: str = "app",
        rating_original: float | None = None,
        scale_original: tuple[float, float] | None = None,
        rated_at: str | None = None,
    ) -> None:
        """Store (or replace) the person's rating of ``item``; on disk when this returns."""
        self.set_ratings(
            community,
            [
                {
                    "item": item,
                    "rating": rating,
                    "rating_original": rating_original,
                    "scale_original": scale_original,
                    "rated_at": rated_at,
                }
            ],
            source=source,
        )

    def set_ratings(
        self, community: str, rows: Iterable[Mapping[str, Any]], *, source: str = "app"
    ) -> int:
        """Store many ratings in one transaction: all of them or, on any bad row, none.

        Each row needs ``item`` and ``rating`` and may carry ``rating_original``,
        ``scale_original`` and ``rated_at``. Returns how many rows were stored.
        """
        records = rating_records(community, rows, source)
        with self._transaction() as connection:
            connection.executemany(UPSERT_RATING, records)
        return len(records)

    def rated_in_app(self, community: str) -> set[str]:
        """The items whose rating was last set in the app (a re-import leaves them alone)."""
        rows = self._query(
            "SELECT item FROM my_ratings WHERE community = ? AND source = ?",
            [checked_text(community, "community"), APP_SOURCE],
        )
        return {row["item"] for row in rows}

    def delete_rating(self, community: str, item: str) -> float | None:
        """Remove the person's rating of ``item``; returns it (for undo), or None if unrated."""
        key = (checked_text(community, "community"), checked_text(item, "item"))
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT rating FROM my_ratings WHERE community = ? AND item = ?", key
            ).fetchone()
            if row is None:
                return None
            connection.execute("DELETE FROM my_ratings WHERE community = ? AND item = ?", key)
        return float(row[0])

    def clear_personal(self, community: str) -> dict[str, int]:
        """Forget, in one transaction, the person's ratings, hidden and seen items and
        want-list in ``community``; answers how many of each were removed."""
        key = (checked_text(community, "community"),)
        removed: dict[str, int] = {}
        with self._transaction() as connection:
            for label, table in PERSONAL_TABLES.items():
                cursor = connection.execute(f"DELETE FROM {table} WHERE community = ?", key)
                removed[label] = cursor.rowcount
        return removed

    # ------------------------------------------------------------------ hidden, want-list, seen
    def hide(self, community: str, item: str) -> None:
        """Never recommend ``item`` in ``community`` (until :meth:`unhide`)."""
        self._add_mark("hidden", "hidden_at", community, item)

    def unhide(self, community: str, item: str) -> bool:
        """Let ``item`` be recommended again; True if it was hidden."""
        return self._remove_mark("hidden", community, item)

    def hidden(self, community: str) -> list[str]:
        """The hidden items of ``community``, in the order they were hidden."""
        return self._marks("hidden", "hidden_at", community)

    def want(self, community: str, item: str) -> None:
        """Put ``item`` on the want-list (kept once, with the first time it was added)."""
        self._add_mark("want_list", "added_at", community, item)

    def unwant(self, community: str, item: str) -> bool:
        """Take ``item`` off the want-list; True if it was on it."""
        return self._remove_mark("want_list", community, item)

    def want_list(self, community: str) -> list[str]:
        """The want-list of ``community``, in the order items were added."""
        return self._marks("want_list", "added_at", community)

    def _add_mark(self, table: str, time_column: str, community: str, item: str) -> None:
        key = (checked_text(community, "community"), checked_text(item, "item"))
        with self._transaction() as connection:
            connection.execute(
                f"INSERT INTO {table} (community, item, {time_column}) VALUES (?, ?, ?) "
                "ON CONFLICT (community, item) DO NOTHING",
                (*key, now_timestamp()),
            )

    def _remove_mark(self, table: str, community: str, item: str) -> bool:
        key = (checked_text(community, "community"), checked_text(item, "item"))
        with self._transaction() as connection:
            cursor = connection.execute(
                f"DELETE FROM {table} WHERE community = ? AND item = ?", key
            )
            return cursor.rowcount > 0

    def _marks(self, table: str, time_column: str, community: str) -> list[str]:
        rows = self._query(
            f"SELECT item FROM {table} WHERE community = ? ORDER BY {time_column}, item",
            [checked_text(community, "community")],
        )
        return [row["item"] for row in rows]

    def mark_seen(self, community: str, item: str) -> None:
        """Remember that the person has seen ``item`` (it is then never recommended)."""
        self._add_mark("seen", "seen_at", community, item)

    def unmark_seen(self, community: str, item: str) -> bool:
        """Forget that ``item`` was seen; True if it was."""
        return self._remove_mark("seen", community, item)

    def seen(self, community: str) -> list[str]:
        """The items seen without a rating, in the order they were recorded."""
        return self._marks("seen", "seen_at", community)

    # ------------------------------------------------------------------ personal imports
    def apply_personal_import(
        self,
        community: str,
        *,
        ratings: Iterable[Mapping[str, Any]],
        source: str,
        seen: Iterable[str],
        want: Iterable[str],
        log: Mapping[str, Any],
    ) -> int:
        """Store one personal import in ONE transaction; returns the import-log id.

        ``ratings`` are upserted with ``source`` (rows as for :meth:`set_ratings`), ``seen`` and
        ``want`` items are added to the seen list and want-list (kept once), and ``log``
        (``source_file, started_at, finished_at, summary``) becomes an import-log entry. Any bad
        value or failure rolls all of it back.
        """
        community = checked_text(community, "community")
        records = rating_records(community, ratings, source)
        now = now_timestamp()
        seen_rows = [(community, checked_text(item, "item"), now, source) for item in seen]
        want_rows = [(community, checked_text(item, "item"), now) for item in want]
        summary = encode_summary(log.get("summary", {}))
        with self._transaction() as connection:
            connection.executemany(UPSERT_RATING, records)
            connection.executemany(
                "INSERT INTO seen (community, item, seen_at, source) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (community, item) DO NOTHING",
                seen_rows,
            )
            connection.executemany(
                "INSERT INTO want_list (community, item, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (community, item) DO NOTHING",
                want_rows,
            )
            cursor = connection.execute(
                "INSERT INTO import_log (community, source_file, started_at, finished_at, "
                "summary) VALUES (?, ?, ?, ?, ?)",
                (community, log.get("source_file"), log["started_at"], now, summary),
            )
            return int(cursor.lastrowid or 0)


def rating_records(
    community: str, rows: Iterable[Mapping[str, Any]], source: str
) -> list[tuple[Any, ...]]:
    """Checked ``my_ratings`` rows (``UPSERT_RATING``'s columns); KindredError on a bad one."""
    community = checked_text(community, "community")
    source = checked_text(source, "source")
    default_time = now_timestamp()
    return [
        (
            community,
            checked_text(row["item"], "item"),
            checked_finite(row["rating"], "rating"),
            optional_finite(row.get("rating_original"), "original rating"),
            scale_to_text(row.get("scale_original")),
            checked_text(row.get("rated_at") or default_time, "rating time"),
            source,
        )
        for row in rows
    ]


def encode_summary(summary: Mapping[str, Any]) -> str:
    """An import summary as JSON text; KindredError if it holds something JSON cannot."""
    try:
        return json.dumps(dict(summary), allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise KindredError(f"The import summary cannot be stored: {error}.") from error
