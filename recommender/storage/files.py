"""Folder chores shared by stored communities and backups: durable renames and removal."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
from pathlib import Path

logger = logging.getLogger(__name__)


def fsync_directory(folder: Path) -> None:
    """Make a folder's new entries (files, renames) durable; a no-op where unsupported."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_tree(path: Path) -> None:
    """Remove a folder if it exists; a file that cannot be removed is logged, and the
    clean-up at the next open tries again."""

    def report(_function, failed_path, error) -> None:
        detail = error if isinstance(error, BaseException) else error[1]
        logger.warning("could not remove %s: %s", failed_path, detail)

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=report)
    else:
        shutil.rmtree(path, onerror=report)


def file_sha256(path: Path, chunk_bytes: int = 1 << 20) -> str:
    """``sha256:<hex>`` of a file's bytes, read in chunks (an 850 MB file takes about a
    second)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"
