"""The person's data on disk: one SQLite database, and one folder of arrays per community.

This package is the only place that holds SQL. Everything else asks :class:`Store` with
intent-named methods (``set_rating``, ``hide``, ``communities``) and gets plain Python values
back; :class:`recommender.community_store.CommunityStore` writes, opens and deletes stored
communities, and :mod:`recommender.storage.backup` backs the whole directory up.

Data directory layout
---------------------
The data directory is ``--data-dir``, else ``KINDRED_DATA_DIR``, else the platform's user data
folder (``~/.local/share/Kindred`` on Linux; see :mod:`recommender.datadir`)::

    <data dir>/
        kindred.sqlite3       the person's data: own ratings, hidden, seen and wanted items,
                              settings, the stored communities' records and the import log
                              (SQLite, WAL mode)
        kindred.sqlite3-wal   SQLite's write-ahead log: committed changes not yet folded into
                              the main file. Part of the database: never delete it by hand.
        kindred.sqlite3-shm   SQLite's index of the write-ahead log (rebuilt when missing)
        kindred.lock          held by the process rearranging the directory (imports,
                              deletions, backups, restores; see recommender.storage.lock)
        kindred.open          held (shared) by every process with the database open, so a
                              restore can tell that nobody else is using the directory
        communities/
            <slug>-<token>/   one stored community (see recommender.storage.arrays)
            .tmp-*            an import or restore being written (removed at the next
                              start if left over)
            .trash-*          a community being deleted (removed at the next start)

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

from recommender.storage.database import DATABASE_FILE
from recommender.storage.schema import schema_version
from recommender.storage.store import Store
from recommender.storage.values import now_timestamp

__all__ = ["DATABASE_FILE", "Store", "now_timestamp", "schema_version"]
