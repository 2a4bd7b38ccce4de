"""One writer per data directory: an operating-system lock on ``<data dir>/kindred.lock``.

Imports, deletions of communities, restores and the clean-up of leftovers take this lock, so
two Kindreds never rearrange the same directory at once. The lock is the kernel's (``flock`` on
POSIX, ``msvcrt.locking`` on Windows): it dies with the process, so a killed Kindred never
leaves a lock behind that blocks the next start. Reading (listing, recommending) never takes
it. The pid written into the file only serves the message shown to the second writer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recommender.errors import DataDirError

logger = logging.getLogger(__name__)

LOCK_FILE = "kindred.lock"
#: How long a second writer waits for the first one before giving up.
DEFAULT_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


class _DirectoryLock:
    """The lock of one data directory inside this process: a re-entrant thread lock around
    one OS lock, taken when the outermost holder enters and dropped when it leaves."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.descriptor: int | None = None

    def acquire(self, wait_seconds: float) -> None:
        acquired = (
            self.thread_lock.acquire(timeout=wait_seconds)
            if wait_seconds > 0
            else self.thread_lock.acquire(blocking=False)
        )
        if not acquired:
            raise _busy(self.path.parent, None)
        if self.depth == 0:
            try:
                self.descriptor = _lock_file(self.path, wait_seconds)
            except BaseException:
                self.thread_lock.release()
                raise
        self.depth += 1

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.descriptor is not None:
            _unlock(self.descriptor)
            os.close(self.descriptor)
            self.descriptor = None
        self.thread_lock.release()


_locks: dict[Path, _DirectoryLock] = {}
_locks_guard = threading.Lock()


def _directory_lock(data_dir: Path) -> _DirectoryLock:
    path = Path(os.path.abspath(data_dir)) / LOCK_FILE
    with _locks_guard:
        return _locks.setdefault(path, _DirectoryLock(path))


@contextmanager
def writer_lock(data_dir: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the data directory's writer lock for the block.

    Waits up to ``wait_seconds`` (default ``DEFAULT_WAIT_SECONDS``) for another writer, then
    raises ``DataDirError`` naming it. Re-entrant within one thread.
    """
    lock = _directory_lock(data_dir)
    lock.acquire(DEFAULT_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    try:
        yield
    finally:
        lock.release()


@contextmanager
def writer_lock_if_free(data_dir: Path) -> Iterator[bool]:
    """Hold the writer lock for the block if it is free right now; yields whether it is held.

    For optional work such as cleaning up leftovers, which another writer may be creating.
    """
    lock = _directory_lock(data_dir)
    try:
        lock.acquire(0.0)
    except DataDirError:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _lock_file(path: Path, wait_seconds: float) -> int:
    """Open and lock the lock file, waiting up to ``wait_seconds``; raise when still busy."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise DataDirError(f"Cannot create {path}: {error.strerror or error}.") from error
    deadline = time.monotonic() + wait_seconds
    while not _try_lock(descriptor):
        if time.monotonic() >= deadline:
            holder = _read_pid(descriptor)
            os.close(descriptor)
            raise _busy(path.parent, holder)
        time.sleep(POLL_SECONDS)
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    return descriptor


def _read_pid(descriptor: int) -> int | None:
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        text = os.read(descriptor, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _busy(data_dir: Path, holder: int | None) -> DataDirError:
    who = f" (process {holder})" if holder else ""
    return DataDirError(
        f"Another Kindred{who} is changing the data directory {data_dir}; "
        "try again when it has finished."
    )


# ---------------------------------------------------------------------- open marker
OPEN_MARKER_FILE = "kindred.open"


def hold_open_marker(data_dir: Path, wait_seconds: float | None = None) -> int | None:
    """Take a shared lock on ``kindred.open`` for as long as a database is open here.

    Many processes hold it at once; only a restore (see :func:`no_other_opener`) needs it
    alone. Returns the descriptor to pass to :func:`release_open_marker` (None on Windows,
    where restores rely on the database file being locked by the system instead).
    """
    if os.name == "nt":  # pragma: no cover - no shared locks through msvcrt
        return None
    path = Path(data_dir) / OPEN_MARKER_FILE
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise DataDirError(f"Cannot create {path}: {error.strerror or error}.") from error
    deadline = time.monotonic() + (DEFAULT_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return descriptor
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(descriptor)
                raise DataDirError(
                    f"The data directory {data_dir} is being restored from a backup; "
                    "try again when that has finished."
                ) from None
            time.sleep(POLL_SECONDS)


def release_open_marker(descriptor: int | None) -> None:
    """Drop the shared lock taken by :func:`hold_open_marker`."""
    if descriptor is not None:
        os.close(descriptor)


@contextmanager
def no_other_opener(data_dir: Path) -> Iterator[None]:
    """Hold ``kindred.open`` alone for the block; DataDirError while anyone has it open."""
    if os.name == "nt":  # pragma: no cover - see hold_open_marker
        yield
        return
    path = Path(data_dir) / OPEN_MARKER_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirError(
                f"Kindred has the data directory {data_dir} open (this or another window or "
                "process); close it before restoring a backup."
            ) from None
        yield
    finally:
        os.close(descriptor)
