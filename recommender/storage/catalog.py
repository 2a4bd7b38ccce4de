"""Settings, the imported communities' records, their item metadata, and the import log.

A community's ratings live in its folder of arrays (see :mod:`recommender.storage.arrays`);
its row here, committed last, is what makes a stored community exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from recommender.errors import KindredError
from recommender.storage.database import Database
from recommender.storage.personal import encode_summary
from recommender.storage.schema import UPSERT_COMMUNITY
from recommender.storage.schema import UPSERT_SETTING
from recommender.storage.values import checked_count
from recommender.storage.values import checked_finite
from recommender.storage.values import checked_text
from recommender.storage.values import now_timestamp
from recommender.storage.values import optional_year

INSERT_LOG = (
    "INSERT INTO import_log (community, source_file, started_at, finished_at, summary) "
    "VALUES (?, ?, ?, ?, ?)"
)


class CommunityRecords(Database):
    """Settings, community records with their items, and the import log."""

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        """The setting's value (as it was stored, through JSON), or ``default``."""
        rows = self._query(
            "SELECT value FROM settings WHERE key = ?", [checked_text(key, "setting")]
        )
        return json.loads(rows[0]["value"]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting; ``value`` must be JSON (numbers, text, lists, dicts, None)."""
        key = checked_text(key, "setting")
        try:
            encoded = json.dumps(value, allow_nan=False, sort_keys=True)
        except (TypeError, ValueError) as error:
            raise KindredError(f"The setting '{key}' cannot be stored: {error}.") from error
        with self._transaction() as connection:
            connection.execute(UPSERT_SETTING, (key, encoded))

    # ------------------------------------------------------------------ communities
    def record_community(
        self,
        name: str,
        *,
        scale: tuple[float, float],
        ratings: int,
        users: int,
        items: int,
        source_file: str | None = None,
        source_hash: str | None = None,
        format: str | None = None,
        imported_at: str | None = None,
        folder: str | None = None,
        content_hash: str | None = None,
        log: Mapping[str, Any] | None = None,
    ) -> int | None:
        """Record (or update) an imported community's description.

        With ``log`` (``source_file, started_at, summary``), the import-log entry is written
        in the same transaction and its id returned, so the community and its log appear
        together or not at all.
        """
        scale_min, scale_max = (checked_finite(bound, "scale") for bound in scale)
        record = (
            checked_text(name, "community"),
            source_file,
            source_hash,
            format,
            scale_min,
            scale_max,
            checked_count(ratings, "ratings"),
            checked_count(users, "users"),
            checked_count(items, "items"),
            imported_at or now_timestamp(),
            folder,
            content_hash,
        )
        summary = encode_summary(log.get("summary", {})) if log is not None else None
        with self._transaction() as connection:
            connection.execute(UPSERT_COMMUNITY, record)
            if log is None:
                return None
            cursor = connection.execute(
                INSERT_LOG,
                (name, log.get("source_file"), log["started_at"], now_timestamp(), summary),
            )
            return int(cursor.lastrowid or 0)

    def community(self, name: str) -> dict[str, Any] | None:
        """The record of the community called ``name``, or None."""
        rows = self._query(
            "SELECT * FROM communities WHERE name = ?", [checked_text(name, "community")]
        )
        return dict(rows[0]) if rows else None

    def communities(self) -> list[dict[str, Any]]:
        """The recorded communities, by name: every column of the ``communities`` table."""
        rows = self._query("SELECT * FROM communities ORDER BY name")
        return [dict(row) for row in rows]

    def delete_community(self, name: str) -> bool:
        """Forget a community and its item metadata (the person's ratings stay); True if known."""
        with self._transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM communities WHERE name = ?", (checked_text(name, "community"),)
            )
            return cursor.rowcount > 0

    def set_items(self, community: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Replace a recorded community's item metadata in one transaction; returns the count.

        Each row has ``item`` and ``title`` and may have ``year``, ``genres`` (``|``-separated)
        and ``external_ids`` (e.g. ``{"imdb": "tt0114709"}``). Deleting the community deletes
        its items with it.
        """
        community = checked_text(community, "community")
        records = [
            (
                community,
                checked_text(row["item"], "item"),
                str(row["title"]),
                optional_year(row.get("year")),
                str(row.get("genres") or ""),
                json.dumps(dict(row.get("external_ids") or {}), sort_keys=True),
            )
            for row in rows
        ]
        with self._transaction() as connection:
            known = connection.execute("SELECT 1 FROM communities WHERE name = ?", (community,))
            if known.fetchone() is None:
                raise KindredError(f"There is no recorded community named '{community}'.")
            connection.execute("DELETE FROM items WHERE community = ?", (community,))
            connection.executemany(
                "INSERT INTO items (community, item, title, year, genres, external_ids) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                records,
            )
        return len(records)

    def items(self, community: str) -> list[dict[str, Any]]:
        """A recorded community's item metadata, by item id."""
        rows = self._query(
            "SELECT item, title, year, genres, external_ids FROM items WHERE community = ? "
            "ORDER BY item",
            [checked_text(community, "community")],
        )
        return [{**dict(row), "external_ids": json.loads(row["external_ids"])} for row in rows]

    # ------------------------------------------------------------------ import log
    def log_import(
        self,
        *,
        community: str | None,
        source_file: str | None,
        started_at: str,
        finished_at: str | None,
        summary: Mapping[str, Any],
    ) -> int:
        """Record one import (its counts and rejected-row report in ``summary``); returns its id."""
        encoded = encode_summary(summary)
        with self._transaction() as connection:
            cursor = connection.execute(
                INSERT_LOG, (community, source_file, started_at, finished_at, encoded)
            )
            return int(cursor.lastrowid or 0)

    def import_entry(self, log_id: int) -> dict[str, Any] | None:
        """One import's log entry (summary decoded), or None when there is no such import."""
        rows = self._query(
            "SELECT id, community, source_file, started_at, finished_at, summary "
            "FROM import_log WHERE id = ?",
            [int(log_id)],
        )
        return {**dict(rows[0]), "summary": json.loads(rows[0]["summary"])} if rows else None

    def import_log(self, limit: int = 50) -> list[dict[str, Any]]:
        """The most recent imports, newest first, with their summaries decoded."""
        rows = self._query(
            "SELECT id, community, source_file, started_at, finished_at, summary "
            "FROM import_log ORDER BY id DESC LIMIT ?",
            [checked_count(limit, "limit")],
        )
        return [{**dict(row), "summary": json.loads(row["summary"])} for row in rows]
