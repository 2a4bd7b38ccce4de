"""The database schema: its migration steps, and the statements built from its columns.

The schema version is SQLite's ``PRAGMA user_version``: the number of steps applied.
"""

from __future__ import annotations

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
    (
        # Items the person has seen without rating them (never recommended), and where each
        # stored community's arrays live and what they hash to.
        """CREATE TABLE seen (
            community TEXT NOT NULL, item TEXT NOT NULL, seen_at TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'app', PRIMARY KEY (community, item))""",
        "ALTER TABLE communities ADD COLUMN folder TEXT",
        "ALTER TABLE communities ADD COLUMN content_hash TEXT",
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
                     "ratings", "users", "items", "imported_at", "folder", "content_hash")
# fmt: on
UPSERT_RATING = _upsert("my_ratings", RATING_COLUMNS, ("community", "item"))
UPSERT_SETTING = _upsert("settings", ("key", "value"), ("key",))
UPSERT_COMMUNITY = _upsert("communities", COMMUNITY_COLUMNS, ("name",))


def schema_version() -> int:
    """The schema version this Kindred writes (the number of migration steps)."""
    return len(MIGRATIONS)
