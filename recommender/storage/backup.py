"""Back up the whole data directory into one zip file, and restore it.

A backup holds ``kindred-backup.json`` (format, schema version, when, and the SHA-256 of every
file), a consistent snapshot of ``kindred.sqlite3`` (SQLite's online backup, so the app may keep
running) and the folders of the stored communities (their files, not the ``cache/`` of what the
engine derived from them, which is rebuilt when missing). It is written under a temporary name and
renamed into place, so a half-written backup never looks like a whole one.

Restoring checks every member's name, size and hash before anything changes, extracts into
``communities/.tmp-restore-…`` (removed by the next clean-up if the restore is killed), moves
the community folders into place (new names: nothing refers to them yet), then swaps the
database in with one rename after folding the current write-ahead log into the main file.
Until that rename the old state is whole; after it, the restored one is. Restoring needs every
other Kindred on the directory closed: they would keep writing to the replaced file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from recommender.errors import DataDirError
from recommender.storage import schema
from recommender.storage.database import DATABASE_FILE
from recommender.storage.files import file_sha256
from recommender.storage.files import fsync_directory
from recommender.storage.files import remove_tree
from recommender.storage.lock import no_other_opener
from recommender.storage.lock import writer_lock
from recommender.storage.store import Store
from recommender.storage.values import now_timestamp

logger = logging.getLogger(__name__)

BACKUP_MANIFEST = "kindred-backup.json"
BACKUP_FORMAT = "kindred-backup"
BACKUP_VERSION = 1
COMMUNITIES_DIR = "communities"
RESTORE_PREFIX = ".tmp-restore-"
MEMBER_PATTERN = re.compile(
    r"^(kindred\.sqlite3|communities/[a-z0-9][a-z0-9-]*-[0-9a-f]{8}/[a-z_]+\.(npy|parquet|json))$"
)
MAX_COMPRESSION_RATIO = 200
CHUNK = 1 << 20


def create_backup(store: Store, target: str | Path) -> dict[str, Any]:
    """Write the data directory of ``store`` into the zip ``target``; returns its manifest."""
    target = Path(target)
    data_dir = store.data_dir
    with writer_lock(data_dir), tempfile.TemporaryDirectory() as scratch:
        snapshot = Path(scratch) / DATABASE_FILE
        store.snapshot(snapshot)
        members = {DATABASE_FILE: snapshot}
        for record in store.communities():
            folder = data_dir / COMMUNITIES_DIR / str(record.get("folder") or "")
            if record.get("folder") and folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if path.is_file():  # not cache/: derived from the arrays, rebuilt at will
                        members[f"{COMMUNITIES_DIR}/{folder.name}/{path.name}"] = path
        manifest = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "schema_version": store.version(),
            "created_at": now_timestamp(),
            "communities": [record["name"] for record in store.communities()],
            "files": {name: file_sha256(path) for name, path in members.items()},
        }
        partial = target.with_name(target.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
                archive.writestr(BACKUP_MANIFEST, json.dumps(manifest, indent=2))
                for name, path in members.items():
                    stored = name.endswith(".npy")  # arrays barely compress: store them
                    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                    archive.write(path, name, compress_type=method)
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise DataDirError(f"Cannot write the backup {target}: {error.strerror}.") from error
    logger.info("backed up %s into %s", data_dir, target)
    return manifest


def restore_backup(source: str | Path, data_dir: str | Path) -> dict[str, Any]:
    """Replace the data in ``data_dir`` with the backup ``source``; returns its manifest.

    Raises ``DataDirError`` (nothing changed) for a file that is not a sound Kindred backup, a
    backup from a newer Kindred, or while another Kindred has the directory open.
    """
    source, data_dir = Path(source), Path(data_dir)
    with zipfile.ZipFile(_readable_zip(source)) as archive:
        manifest = _checked_manifest(source, archive)
        data_dir.mkdir(parents=True, exist_ok=True)
        with writer_lock(data_dir), no_other_opener(data_dir):
            communities = data_dir / COMMUNITIES_DIR
            staging = communities / f"{RESTORE_PREFIX}{secrets.token_hex(4)}"
            staging.mkdir(parents=True)
            try:
                _extract(source, archive, manifest, staging)
                Store(staging).close()  # opens, migrates forward, or refuses: nothing moved yet
                _swap_in(staging, data_dir)
            finally:
                remove_tree(staging)
    logger.info("restored %s from %s", data_dir, source)
    return manifest


def _readable_zip(source: Path) -> Path:
    if not source.is_file() or not zipfile.is_zipfile(source):
        raise DataDirError(f"{source.name} is not a Kindred backup (not a zip file).")
    return source


def _checked_manifest(source: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    """The backup's manifest, after checking every member against it (names, sizes, ratio)."""
    try:
        manifest = json.loads(archive.read(BACKUP_MANIFEST))
        files = dict(manifest["files"])
        valid = manifest.get("format") == BACKUP_FORMAT and DATABASE_FILE in files
    except (KeyError, ValueError, TypeError) as error:
        raise DataDirError(f"{source.name} is not a Kindred backup ({error}).") from error
    if not valid:
        raise DataDirError(f"{source.name} is not a Kindred backup.")
    if int(manifest.get("schema_version", 0)) > schema.schema_version():
        raise DataDirError(
            f"{source.name} was made by a newer version of Kindred; please update Kindred."
        )
    members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    if set(members) != set(files) | {BACKUP_MANIFEST}:
        raise DataDirError(f"{source.name} is incomplete or has unexpected files.")
    for name, info in members.items():
        if name == BACKUP_MANIFEST:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if not MEMBER_PATTERN.match(name) or (
            info.file_size > CHUNK and ratio > MAX_COMPRESSION_RATIO
        ):
            raise DataDirError(f"{source.name} holds a suspicious member ({name}).")
    return manifest


def _extract(
    source: Path, archive: zipfile.ZipFile, manifest: dict[str, Any], staging: Path
) -> None:
    """Extract every member under ``staging``, checking its size and hash while writing."""
    for name, expected in manifest["files"].items():
        info = archive.getinfo(name)
        target = staging.joinpath(*name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, written = hashlib.sha256(), 0
        with archive.open(info) as member, target.open("wb") as output:
            while chunk := member.read(CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise DataDirError(f"{source.name}: {name} is larger than it declares.")
                digest.update(chunk)
                output.write(chunk)
            output.flush()
            os.fsync(output.fileno())
        if f"sha256:{digest.hexdigest()}" != expected:
            raise DataDirError(f"{source.name} is damaged: {name} does not match its checksum.")


def _swap_in(staging: Path, data_dir: Path) -> None:
    """Move the restored community folders into place, then the database, in one rename."""
    communities = data_dir / COMMUNITIES_DIR
    restored = staging / COMMUNITIES_DIR
    if restored.is_dir():
        for folder in sorted(restored.iterdir()):
            if not (communities / folder.name).exists():
                os.replace(folder, communities / folder.name)
        fsync_directory(communities)
    database = data_dir / DATABASE_FILE
    if database.exists():
        _fold_write_ahead_log(database)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(staging / DATABASE_FILE, database)
    fsync_directory(data_dir)


def _fold_write_ahead_log(database: Path) -> None:
    """Copy every committed change from the WAL into the main file, so deleting the WAL
    afterwards loses nothing, even if the swap is interrupted."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy:
        raise DataDirError(f"{database} is in use by another Kindred; close it and try again.")
