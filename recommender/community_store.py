"""Stored communities: imported once, kept as arrays in ``<data dir>/communities/``, reopened
by memory mapping.

Crash safety
------------
An import writes a complete folder under a temporary name (``.tmp-…``, every file fsynced),
makes it visible with ONE ``os.replace`` to its final name, then commits ONE SQLite row that
points at it (``record_community``). Only that commit makes the community exist, so a kill at
any instant leaves either the old state or the new one:

* killed before the rename: a ``.tmp-…`` folder, removed at the next open;
* killed between the rename and the commit: a folder no row points at, removed likewise;
* killed after the commit: the previous version's folder (on a re-import), no longer pointed
  at, removed likewise.

Deleting renames the folder to ``.trash-<folder>``, commits the row's removal, then removes the
folder. A ``.trash-`` folder whose row is still committed means the deletion never committed:
it is renamed back; otherwise it is removed.

The clean-up runs when a writer holds the directory's lock (see
:mod:`recommender.storage.lock`), so it never removes another process's import in progress.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from recommender.community import Community
from recommender.errors import DataDirError
from recommender.errors import KindredError
from recommender.importing import ColumnRoles
from recommender.importing import read_community
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ImportCancelled
from recommender.importing.progress import ProgressCallback
from recommender.storage import Store
from recommender.storage import now_timestamp
from recommender.storage.arrays import CommunityArrays
from recommender.storage.arrays import read_arrays
from recommender.storage.arrays import write_arrays
from recommender.storage.files import file_sha256
from recommender.storage.files import fsync_directory
from recommender.storage.files import remove_tree
from recommender.storage.lock import writer_lock
from recommender.storage.lock import writer_lock_if_free

logger = logging.getLogger(__name__)

COMMUNITIES_DIR = "communities"
TEMPORARY_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"
#: Inside a community's folder: what the engine derives from its ratings (see RatingArrays).
CACHE_DIR = "cache"
DEMO_NAMES = ("demo", "Demo films")
FOLDER_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*-[0-9a-f]{8}$")
MAX_NAME_LENGTH = 80


def slug(name: str) -> str:
    """A folder-safe version of a community name: lowercase letters, digits and dashes."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return text or "community"


def checked_name(name: str) -> str:
    """A community name a person can use, or a KindredError saying why not."""
    name = str(name).strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(ord(c) < 32 for c in name):
        raise KindredError(f"A community name must be 1 to {MAX_NAME_LENGTH} printable characters.")
    if name.lower() in {demo.lower() for demo in DEMO_NAMES}:
        raise KindredError(f"'{name}' is the demo community's name; choose another name.")
    return name


class CommunityStore:
    """The stored communities of one data directory, beside the person's ``Store``."""

    def __init__(self, data_dir: Path, store: Store) -> None:
        self.data_dir = Path(data_dir)
        self.folder = self.data_dir / COMMUNITIES_DIR
        self.store = store

    # ----------------------------------------------------------------- reading
    def records(self) -> list[dict[str, Any]]:
        """Every stored community's record, by name, with ``available`` (its folder exists)."""
        return [
            {**record, "available": self._folder_of(record) is not None}
            for record in self.store.communities()
        ]

    def open_arrays(self, name: str) -> CommunityArrays:
        """The stored community's arrays (memory-mapped); KindredError when it is not stored."""
        return read_arrays(self._stored_folder(name))

    def open(self, name: str) -> Community:
        """The stored community, ready to use: arrays memory-mapped, catalogue read, and not
        one rating decoded (see :class:`~recommender.storage.arrays.StoredCommunity`).

        What the engine derives from the ratings is cached in the folder's ``cache/``.
        """
        started = time.monotonic()
        folder = self._stored_folder(name)
        community = read_arrays(folder).to_community(name, cache_dir=folder / CACHE_DIR)
        logger.info("opened %s in %.3f s", name, time.monotonic() - started)
        return community

    def _stored_folder(self, name: str) -> Path:
        """The folder holding the community ``name``; KindredError when it is not stored,
        DataDirError when its files are missing."""
        record = self.store.community(name)
        if record is None:
            raise KindredError(f"There is no stored community named '{name}'.")
        folder = self._folder_of(record)
        if folder is None:
            raise DataDirError(
                f"The files of the community '{name}' are missing from {self.folder}; "
                "import it again."
            )
        return folder

    def _folder_of(self, record: dict[str, Any]) -> Path | None:
        folder = record.get("folder")
        if not folder:
            return None
        path = self.folder / folder
        return path if path.is_dir() else None

    # ----------------------------------------------------------------- writing
    def import_file(
        self,
        path: str | Path,
        name: str | None = None,
        *,
        columns: ColumnRoles | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> dict[str, Any]:
        """Read a community file and store it as ``name`` (default: the file's own name);
        ``columns`` are a person's column roles, overriding detection (see ``read_community``).

        A community already stored under that name is replaced, atomically. Returns the
        import report and what was stored; raises ``RatingsImportError`` (``ImportCancelled``
        when cancelled) with nothing changed.
        """
        started_at = now_timestamp()
        community, report = read_community(path, columns=columns, progress=progress, cancel=cancel)
        name = checked_name(name if name is not None else community.name)
        community = Community(name, community.ratings, community.items, community.scale)

        def check_cancel() -> None:
            if cancel is not None and cancel():
                raise ImportCancelled("the import was cancelled.", path=path)

        source = {
            "source_file": Path(path).name,
            "source_hash": file_sha256(Path(path)) if Path(path).is_file() else None,
            "format": report.format,
        }
        with writer_lock(self.data_dir):
            self._clean_up_locked()
            manifest, log_id = self._store(community, source, started_at, report, check_cancel)
        return {
            "kind": "community",
            "name": name,
            "import_id": log_id,
            "summary": report.summary(),
            "stored": {
                key: manifest[key]
                for key in ("ratings", "users", "items", "scale", "content_hash", "folder")
            },
            "report": report.to_dict(),
        }

    def _store(self, community, source, started_at, report, check_cancel):
        """Write the folder, rename it into place, commit its row, drop the previous folder."""
        previous = self.store.community(community.name)
        token = f"{slug(community.name)}-{secrets.token_hex(4)}"
        temporary = self.folder / f"{TEMPORARY_PREFIX}{token}"
        final = self.folder / token
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            manifest = write_arrays(community, temporary, {**source, "folder": token}, check_cancel)
            check_cancel()
            os.replace(temporary, final)
            fsync_directory(self.folder)
        except BaseException:
            remove_tree(temporary)
            raise
        try:
            log_id = self.store.record_community(
                community.name,
                scale=community.scale,
                ratings=manifest["ratings"],
                users=manifest["users"],
                items=manifest["items"],
                source_file=source["source_file"],
                source_hash=source["source_hash"],
                format=source["format"],
                folder=token,
                content_hash=manifest["content_hash"],
                log={
                    "source_file": source["source_file"],
                    "started_at": started_at,
                    "summary": {"kind": "community", "report": report.to_dict()},
                },
            )
        except BaseException:
            remove_tree(final)
            raise
        if previous is not None and previous.get("folder") and previous["folder"] != token:
            self._remove_folder(previous["folder"])
        return manifest, log_id

    def delete(self, name: str) -> bool:
        """Delete a stored community atomically (the person's ratings in it stay)."""
        with writer_lock(self.data_dir):
            record = self.store.community(name)
            if record is None:
                return False
            folder = record.get("folder")
            trash = self.folder / f"{TRASH_PREFIX}{folder}" if folder else None
            if trash is not None and (self.folder / folder).is_dir():
                remove_tree(trash)
                os.replace(self.folder / folder, trash)
                fsync_directory(self.folder)
            self.store.delete_community(name)
            if trash is not None:
                remove_tree(trash)
        logger.info("deleted the community %s", name)
        return True

    def _remove_folder(self, folder: str) -> None:
        """Remove a folder no committed row points at: renamed to trash first, then removed."""
        path = self.folder / folder
        if not path.is_dir():
            return
        trash = self.folder / f"{TRASH_PREFIX}{folder}"
        remove_tree(trash)
        os.replace(path, trash)
        remove_tree(trash)

    # ----------------------------------------------------------------- clean-up
    def clean_up(self) -> list[str]:
        """Remove the leftovers of killed imports and deletions, if no other writer is busy.

        Returns the names of the folders removed or restored.
        """
        with writer_lock_if_free(self.data_dir) as held:
            if not held:
                logger.info("another writer is busy in %s: clean-up skipped", self.data_dir)
                return []
            return self._clean_up_locked()

    def _clean_up_locked(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        referenced = {r["folder"] for r in self.store.communities() if r.get("folder")}
        touched = []
        for entry in sorted(self.folder.iterdir()):
            name = entry.name
            if name.startswith(TRASH_PREFIX):
                original = self.folder / name[len(TRASH_PREFIX) :]
                if original.name in referenced and not original.exists():
                    os.replace(entry, original)  # its deletion never committed: restore it
                    logger.warning("restored %s: its deletion did not finish", original.name)
                else:
                    remove_tree(entry)
            elif name.startswith(TEMPORARY_PREFIX) or (
                FOLDER_PATTERN.match(name) and entry.is_dir() and name not in referenced
            ):
                remove_tree(entry)
            else:
                continue
            touched.append(name)
        if touched:
            fsync_directory(self.folder)
            logger.info("cleaned up after an interrupted import or deletion: %s", touched)
        return touched
