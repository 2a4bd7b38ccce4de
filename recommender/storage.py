"""The person's own data on disk: one SQLite database in the data directory.

This is the only module that holds SQL. Everything else asks :class:`Store` with intent-named
methods (``set_rating``, ``hide``, ``communities``) and gets plain Python values back.

Data directory layout
---------------------
The data directory is ``--data-dir``, else ``KINDRED_DATA_DIR``, else the platform's user data
folder (``~/.local/share/Kindred`` on Linux; see :mod:`recommender.datadir`)::

    <data dir>/
        kindred.sqlite3       the person's data: own ratings, hidden films, want-list, settings,
                              the imported communities with their item metadata, and the
                              import log (SQLite, WAL mode)
        kindred.sqlite3-wal   SQLite's write-ahead log: committed changes not yet folded into
                              the main file. Part of the database: never delete it by hand.
        kindred.sqlite3-shm   SQLite's index of the write-ahead log (rebuilt when missing)
        communities/          reserved for imported communities' rating arrays, one folder each

Copying the directory while Kindred is closed copies everything.

Durability and versions
-----------------------
Every method that changes something commits before it returns, with ``synchronous=FULL``, so a
rating, an un-rating or a hide survives the process being killed (or the power failing) right
after the call. The schema version is SQLite's ``PRAGMA user_version``; opening a database
applies the missing forward migrations (each in one transaction) and refuses, without touching
it, a database written by a newer Kindred or a file that is not a Kindred database.

Threads share one connection behind a lock, so a threaded server's requests see each other's
committed writes and never a half-written state; other processes read concurrently thanks to WAL.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from numbers import Integral
from numbers import Real
from pathlib import Path
from typing import Any

from recommender.errors import DataDirError
from recommender.errors import KindredError

logger = logging.getLogger(__name__)

DATABASE_FILE = "kindred.sqlite3"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000

# MIGRATIONS[n] takes the schema from version n to n + 1, one statement per string. Never edit a
# released step: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE my_ratings (
            community TEXT NOT NULL, item TEXT NOT NULL, rating REAL NOT NULL,
            rating_original REAL, scale_original TEXT, rated_at TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'app', PRIMARY KEY (community, item))""",
        """CREATE TABLE hidden (
            community TEXT NOT NULL, item TEXT NOT NULL, hidden_at TEXT NOT NULL,
            PRIMARY KEY (community, item))""",
        """CREATE TABLE want_list (
            community TEXT NOT NULL, item TEXT NOT NULL, added_at TEXT NOT NULL,
            PRIMARY KEY (community, item))""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE communities (
            name TEXT PRIMARY KEY, source_file TEXT, source_hash TEXT, format TEXT,
            scale_min REAL NOT NULL, scale_max REAL NOT NULL, ratings INTEGER NOT NULL,
            users INTEGER NOT NULL, items INTEGER NOT NULL, imported_at TEXT NOT NULL)""",
        """CREATE TABLE items (
            community TEXT NOT NULL REFERENCES communities (name) ON DELETE CASCADE,
            item TEXT NOT NULL, title TEXT NOT NULL, year INTEGER,
            genres TEXT NOT NULL DEFAULT '', external_ids TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (community, item))""",
        """CREATE TABLE import_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT, community TEXT, source_file TEXT,
            started_at TEXT NOT NULL, finished_at TEXT, summary TEXT NOT NULL DEFAULT '{}')""",
    ),
)


def _upsert(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` of every non-key column of ``table``."""
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


# fmt: off
RATING_COLUMNS = ("community", "item", "rating", "rating_original", "scale_original",
                  "rated_at", "source")
COMMUNITY_COLUMNS = ("name", "source_file", "source_hash", "format", "scale_min", "scale_max",
                     "ratings", "users", "items", "imported_at")
# fmt: on
UPSERT_RATING = _upsert("my_ratings", RATING_COLUMNS, ("community", "item"))
UPSERT_SETTING = _upsert("settings", ("key", "value"), ("key",))
UPSERT_COMMUNITY = _upsert("communities", COMMUNITY_COLUMNS, ("name",))


def schema_version() -> int:
    """The schema version this Kindred writes (the number of migration steps)."""
    return len(MIGRATIONS)


def now_timestamp() -> str:
    """The current time as ISO 8601 in UTC with microseconds, so recent edits sort in order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store:
    """The SQLite database of the person's own data in ``data_dir`` (created when missing).

    Raises :class:`DataDirError` when the directory cannot be created, the database file is not
    a Kindred database, or it was written by a newer version.
    """

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATABASE_FILE
        self._lock = threading.RLock()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DataDirError(
                f"Cannot create the data directory {self.data_dir}: {error.strerror or error}."
            ) from error
        self._refuse_foreign_file()
        self._connection: sqlite3.Connection | None = self._connect()
        try:
            with self._lock, self._translated_errors():
                self._refuse_newer_or_foreign(self._user_version())
            self._use_wal()
            self._migrate()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ opening
    def _refuse_foreign_file(self) -> None:
        """Raise before SQLite touches a file that exists but is not an SQLite database."""
        if not self.path.exists():
            return
        if not self.path.is_file():
            raise DataDirError(f"{self.path} is not a file, so Kindred cannot keep its data there.")
        try:
            with self.path.open("rb") as database_file:
                header = database_file.read(len(SQLITE_HEADER))
        except OSError as error:
            raise DataDirError(f"Cannot read {self.path}: {error.strerror or error}.") from error
        if header and header != SQLITE_HEADER:
            raise DataDirError(
                f"{self.path} is not a Kindred database (it may be damaged); "
                "Kindred left it untouched: move it away to start afresh."
            )

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=5.0
            )
        except sqlite3.Error as error:
            raise DataDirError(f"Cannot open {self.path}: {error}.") from error
        try:
            with self._translated_errors():
                connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                connection.execute("PRAGMA foreign_keys = ON")
                integrity = connection.execute("PRAGMA quick_check").fetchone()[0]
                if integrity != "ok":
                    raise DataDirError(
                        f"{self.path} is damaged ({integrity}); Kindred left it untouched: "
                        "restore a backup or move it away to start afresh."
                    )
        except BaseException:
            connection.close()
            raise
        return connection

    def _use_wal(self) -> None:
        """Switch to WAL with full syncs: commits are durable and readers never block writers."""
        with self._lock, self._translated_errors():
            connection = self._open_connection()
            journal_mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            connection.execute("PRAGMA synchronous = FULL")
        if str(journal_mode).lower() != "wal":
            logger.warning("SQLite refused WAL mode for %s (using %s)", self.path, journal_mode)

    def _migrate(self) -> None:
        """Apply the missing migration steps, each in one transaction with its version bump.

        The version is read again inside each step's write transaction, so two Kindreds opening
        the same directory at once never apply a step twice.
        """
        with self._lock, self._translated_errors():
            for step in range(schema_version()):
                with self._transaction() as connection:
                    if self._user_version() > step:
                        continue
                    self._refuse_newer_or_foreign(step)
                    logger.info("migrating %s from version %d to %d", self.path, step, step + 1)
                    for statement in MIGRATIONS[step]:
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {step + 1}")

    def _refuse_newer_or_foreign(self, version: int) -> None:
        """Raise for a database from a newer Kindred, or for someone else's SQLite database."""
        if version > schema_version():
            raise DataDirError(
                f"{self.path} was written by a newer version of Kindred (data version "
                f"{version}, this version reads up to {schema_version()}); please update Kindred."
            )
        if version == 0:
            tables = self._open_connection().execute("SELECT count(*) FROM sqlite_master")
            if tables.fetchone()[0] > 0:
                raise DataDirError(
                    f"{self.path} is an SQLite database but not Kindred's; "
                    "Kindred left it untouched: move it away to start afresh."
                )

    def _user_version(self) -> int:
        return int(self._open_connection().execute("PRAGMA user_version").fetchone()[0])

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise KindredError("The store is closed; open the data directory again.")
        return self._connection

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        """Turn SQLite's failures into DataDirError sentences naming the database."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise DataDirError(
                    f"{self.path} is busy: another Kindred is writing to it; try again."
                ) from error
            raise DataDirError(f"Cannot use {self.path}: {error}.") from error
        except sqlite3.IntegrityError as error:
            raise KindredError(f"Kindred refused to store this: {error}.") from error
        except sqlite3.DatabaseError as error:
            raise DataDirError(
                f"{self.path} is damaged or not a Kindred database ({error}); "
                "Kindred left it untouched."
            ) from error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        with self._lock, self._translated_errors():
            connection = self._open_connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._translated_errors():
            cursor = self._open_connection().execute(sql, tuple(parameters))
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def close(self) -> None:
        """Close the database; later calls raise :class:`KindredError`."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def journal_mode(self) -> str:
        """SQLite's journal mode for this database (``"wal"`` normally)."""
        return str(self._query("PRAGMA journal_mode")[0][0]).lower()

    def version(self) -> int:
        """The schema version stored in the database."""
        with self._lock, self._translated_errors():
            return self._user_version()

    # ------------------------------------------------------------------ the person's ratings
    def ratings(self, community: str) -> dict[str, float]:
        """The person's ratings in ``community``: item id → rating."""
        rows = self._query(
            "SELECT item, rating FROM my_ratings WHERE community = ? ORDER BY item",
            [_text(community, "community")],
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
            [_text(community, "community")],
        )
        return [
            {**dict(row), "scale_original": _scale_from_text(row["scale_original"])} for row in rows
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
        community = _text(community, "community")
        source = _text(source, "source")
        default_time = now_timestamp()
        records = [
            (
                community,
                _text(row["item"], "item"),
                _finite(row["rating"], "rating"),
                _optional_finite(row.get("rating_original"), "original rating"),
                _scale_to_text(row.get("scale_original")),
                _text(row.get("rated_at") or default_time, "rating time"),
                source,
            )
            for row in rows
        ]
        with self._transaction() as connection:
            connection.executemany(UPSERT_RATING, records)
        return len(records)

    def delete_rating(self, community: str, item: str) -> float | None:
        """Remove the person's rating of ``item``; returns it (for undo), or None if unrated."""
        key = (_text(community, "community"), _text(item, "item"))
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT rating FROM my_ratings WHERE community = ? AND item = ?", key
            ).fetchone()
            if row is None:
                return None
            connection.execute("DELETE FROM my_ratings WHERE community = ? AND item = ?", key)
        return float(row[0])

    # ------------------------------------------------------------------ hidden and want-list
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
        key = (_text(community, "community"), _text(item, "item"))
        with self._transaction() as connection:
            connection.execute(
                f"INSERT INTO {table} (community, item, {time_column}) VALUES (?, ?, ?) "
                "ON CONFLICT (community, item) DO NOTHING",
                (*key, now_timestamp()),
            )

    def _remove_mark(self, table: str, community: str, item: str) -> bool:
        key = (_text(community, "community"), _text(item, "item"))
        with self._transaction() as connection:
            cursor = connection.execute(
                f"DELETE FROM {table} WHERE community = ? AND item = ?", key
            )
            return cursor.rowcount > 0

    def _marks(self, table: str, time_column: str, community: str) -> list[str]:
        rows = self._query(
            f"SELECT item FROM {table} WHERE community = ? ORDER BY {time_column}, item",
            [_text(community, "community")],
        )
        return [row["item"] for row in rows]

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        """The setting's value (as it was stored, through JSON), or ``default``."""
        rows = self._query("SELECT value FROM settings WHERE key = ?", [_text(key, "setting")])
        return json.loads(rows[0]["value"]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting; ``value`` must be JSON (numbers, text, lists, dicts, None)."""
        key = _text(key, "setting")
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
    ) -> None:
        """Record (or update) an imported community's description."""
        scale_min, scale_max = (_finite(bound, "scale") for bound in scale)
        record = (
            _text(name, "community"),
            source_file,
            source_hash,
            format,
            scale_min,
            scale_max,
            _count(ratings, "ratings"),
            _count(users, "users"),
            _count(items, "items"),
            imported_at or now_timestamp(),
        )
        with self._transaction() as connection:
            connection.execute(UPSERT_COMMUNITY, record)

    def communities(self) -> list[dict[str, Any]]:
        """The recorded communities, by name: every column of the ``communities`` table."""
        rows = self._query("SELECT * FROM communities ORDER BY name")
        return [dict(row) for row in rows]

    def delete_community(self, name: str) -> bool:
        """Forget a community and its item metadata (the person's ratings stay); True if known."""
        with self._transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM communities WHERE name = ?", (_text(name, "community"),)
            )
            return cursor.rowcount > 0

    def set_items(self, community: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Replace a recorded community's item metadata in one transaction; returns the count.

        Each row has ``item`` and ``title`` and may have ``year``, ``genres`` (``|``-separated)
        and ``external_ids`` (e.g. ``{"imdb": "tt0114709"}``). Deleting the community deletes
        its items with it.
        """
        community = _text(community, "community")
        records = [
            (
                community,
                _text(row["item"], "item"),
                str(row["title"]),
                _optional_year(row.get("year")),
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
            [_text(community, "community")],
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
        try:
            encoded = json.dumps(dict(summary), allow_nan=False, sort_keys=True)
        except (TypeError, ValueError) as error:
            raise KindredError(f"The import summary cannot be stored: {error}.") from error
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO import_log (community, source_file, started_at, finished_at, "
                "summary) VALUES (?, ?, ?, ?, ?)",
                (community, source_file, started_at, finished_at, encoded),
            )
            return int(cursor.lastrowid or 0)

    def import_log(self, limit: int = 50) -> list[dict[str, Any]]:
        """The most recent imports, newest first, with their summaries decoded."""
        rows = self._query(
            "SELECT id, community, source_file, started_at, finished_at, summary "
            "FROM import_log ORDER BY id DESC LIMIT ?",
            [_count(limit, "limit")],
        )
        return [{**dict(row), "summary": json.loads(row["summary"])} for row in rows]


# ---------------------------------------------------------------------- value checks
def _text(value: object, what: str) -> str:
    """A non-empty string id, or a KindredError naming what was wrong."""
    if not isinstance(value, str) or not value:
        raise KindredError(f"The {what} must be a non-empty text, not {value!r}.")
    return value


def _finite(value: object, what: str) -> float:
    """A finite number as float (booleans and text are refused)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise KindredError(f"The {what} must be a finite number, not {value!r}.")
    return float(value)


def _optional_finite(value: object, what: str) -> float | None:
    return None if value is None else _finite(value, what)


def _count(value: object, what: str) -> int:
    """A whole number of things, zero or more (NumPy integers included)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise KindredError(f"The number of {what} must be a whole number ≥ 0, not {value!r}.")
    return int(value)


def _optional_year(value: object) -> int | None:
    """A year as int; None when missing (None, NaN, pandas' NA); KindredError otherwise."""
    if value is None or type(value).__name__ == "NAType":
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        if math.isnan(number):
            return None
        if number.is_integer():
            return int(number)
    raise KindredError(f"A year must be a whole number, not {value!r}.")


def _scale_to_text(scale: tuple[float, float] | None) -> str | None:
    if scale is None:
        return None
    low, high = (_finite(bound, "original scale") for bound in scale)
    return json.dumps([low, high])


def _scale_from_text(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    low, high = json.loads(text)
    return (float(low), float(high))
