"""Opening the SQLite database: checks, WAL, forward migrations, transactions and queries.

:class:`Database` owns the one connection (shared by threads behind a lock) and the ways to
use it; :class:`~recommender.storage.store.Store` adds the intent-named methods.

Every write happens in :meth:`Database._transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``) with
``synchronous=FULL``, so it is on disk when the method that called it returns.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from typing import Self

from recommender.errors import DataDirError
from recommender.errors import KindredError
from recommender.storage import schema
from recommender.storage.lock import hold_open_marker
from recommender.storage.lock import release_open_marker

logger = logging.getLogger(__name__)

DATABASE_FILE = "kindred.sqlite3"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class Database:
    """The SQLite database of the person's own data in ``data_dir`` (created when missing).

    Raises :class:`DataDirError` when the directory cannot be created, the database file is not
    a Kindred database, or it was written by a newer version.
    """

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATABASE_FILE
        self._lock = threading.RLock()
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise DataDirError(
                f"The data directory {self.data_dir} is a file, not a folder; choose a folder."
            )
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DataDirError(
                f"Cannot create the data directory {self.data_dir}: {error.strerror or error}."
            ) from error
        self._open_marker: int | None = None
        self._refuse_foreign_file()
        self._connection: sqlite3.Connection | None = self._connect()
        try:
            with self._lock, self._translated_errors():
                self._refuse_newer_or_foreign(self._user_version())
            self._open_marker = hold_open_marker(self.data_dir)
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
            for step in range(schema.schema_version()):
                with self._transaction() as connection:
                    if self._user_version() > step:
                        continue
                    self._refuse_newer_or_foreign(step)
                    logger.info("migrating %s from version %d to %d", self.path, step, step + 1)
                    for statement in schema.MIGRATIONS[step]:
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {step + 1}")

    def _refuse_newer_or_foreign(self, version: int) -> None:
        """Raise for a database from a newer Kindred, or for someone else's SQLite database."""
        if version > schema.schema_version():
            raise DataDirError(
                f"{self.path} was written by a newer version of Kindred (data version "
                f"{version}, this version reads up to {schema.schema_version()}); "
                "please update Kindred."
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
            release_open_marker(self._open_marker)
            self._open_marker = None

    def snapshot(self, target: Path) -> None:
        """Copy the database, as of its last commit, into the new file ``target`` (SQLite's
        online backup: other connections keep reading and writing meanwhile)."""
        with self._lock, self._translated_errors():
            copy = sqlite3.connect(target)
            try:
                self._open_connection().backup(copy)
            finally:
                copy.close()

    def __enter__(self) -> Self:
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
