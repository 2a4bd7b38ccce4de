"""The app's import flow: stage a file, preview it, import it in the background, cancel.

A file a person chooses is first **staged**: an upload is copied into a temporary folder this
module owns (a file chosen with the window's own dialog is read where it is), and previewed
with the importer's detection (:func:`recommender.importing.preview_file`). The person then
corrects the column roles and starts the **import job**, which runs in a daemon thread with
progress (rows and bytes read, rows per second) and a cancel that the importer honours
between chunks, leaving nothing changed. Only one file is staged and one import runs at a
time. A staged upload is deleted when its import ends (finished, failed or cancelled), when a
newer file is staged, when it has waited longer than ``STAGING_TTL_SECONDS``, and when the
staging area is closed (at the latest when the process exits). No Flask here.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import BinaryIO

from recommender.errors import KindredError
from recommender.importing import FilePreview
from recommender.importing import ImportCancelled
from recommender.importing import Progress
from recommender.importing import preview_file
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ProgressCallback
from recommender.importing.safety import safe_base_name

logger = logging.getLogger(__name__)

KINDS = ("personal", "community")
STAGING_TTL_SECONDS = 3600
COPY_CHUNK_BYTES = 1024 * 1024

#: What a job runs: given its progress callback and cancel check, the import's answer.
Importer = Callable[[ProgressCallback, CancelCheck], dict[str, Any]]


class UploadTooLarge(KindredError):
    """An upload went past the size limit while it was being copied; nothing was kept."""


@dataclass
class StagedFile:
    """A file waiting to be imported: where it is, what the person called it, its preview."""

    id: str
    path: Path
    name: str
    preview: FilePreview
    staged_at: float
    owned: bool  # True for an upload copied into the staging folder (deleted after use)

    def to_dict(self) -> dict[str, Any]:
        return {**self.preview.to_dict(), "staged_id": self.id, "file": self.name}


class StagingArea:
    """At most one file waiting to be imported, plus the one being imported (claimed), in a
    temporary folder removed when the area is closed. A newer staging replaces the waiting
    file but never the claimed one, whose import is still reading it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kindred-staging-"))
        self._staged: StagedFile | None = None
        self._claimed: dict[str, StagedFile] = {}
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.folder, True)

    def stage_upload(self, stream: BinaryIO, filename: str, max_bytes: int) -> StagedFile:
        """Copy ``stream`` into the staging folder under a safe version of ``filename`` and
        preview it; the previous staged file goes. Refuses an upload past ``max_bytes``."""
        token = secrets.token_hex(8)
        folder = self.folder / token
        folder.mkdir()
        name = safe_base_name(filename) or "ratings.csv"
        path = folder / name
        try:
            _copy(stream, path, max_bytes)
            preview = preview_file(path)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self._replace(StagedFile(token, path, name, preview, time.time(), owned=True))

    def stage_path(self, path: str | Path) -> StagedFile:
        """Preview a file chosen in the window's dialog, read where it is (never copied)."""
        path = Path(path)
        preview = preview_file(path)
        staged = StagedFile(secrets.token_hex(8), path, str(path), preview, time.time(), False)
        return self._replace(staged)

    def get(self, staged_id: str) -> StagedFile:
        """The staged file ``staged_id``; KindredError when it is unknown, used or expired."""
        with self._lock:
            self._expire()
            staged = self._staged
        if staged is None or staged.id != staged_id:
            raise KindredError("That file is no longer waiting to be imported; choose it again.")
        return staged

    def expire(self) -> None:
        """Delete the waiting file if it has waited longer than ``STAGING_TTL_SECONDS``."""
        with self._lock:
            self._expire()

    def claim(self, staged_id: str) -> StagedFile:
        """Take ``staged_id`` for an import: it stops waiting (it cannot be imported twice, and
        a newer staging leaves it alone) until `discard` or `release`."""
        with self._lock:
            self._expire()
            staged = self._staged
            if staged is None or staged.id != staged_id:
                raise KindredError(
                    "That file is no longer waiting to be imported; choose it again."
                )
            self._staged = None
            self._claimed[staged.id] = staged
            return staged

    def release(self, staged: StagedFile) -> None:
        """Give back a claimed file whose import did not start: it waits again, unless a newer
        file was staged meanwhile (then it is deleted)."""
        with self._lock:
            self._claimed.pop(staged.id, None)
            if self._staged is None:
                self._staged = staged
            else:
                self._remove(staged)

    def discard(self, staged_id: str) -> None:
        """Forget ``staged_id``, waiting or claimed, and delete its copy (nothing happens for
        an unknown id)."""
        with self._lock:
            claimed = self._claimed.pop(staged_id, None)
            if claimed is not None:
                self._remove(claimed)
            if self._staged is not None and self._staged.id == staged_id:
                self._remove(self._staged)
                self._staged = None

    def close(self) -> None:
        """Delete every staged copy and the staging folder."""
        with self._lock:
            self._staged = None
            self._claimed.clear()
        self._finalizer()

    def _replace(self, staged: StagedFile) -> StagedFile:
        with self._lock:
            if self._staged is not None:
                self._remove(self._staged)
            self._staged = staged
        logger.info("staged %s (%s bytes)", staged.name, staged.preview.size)
        return staged

    def _expire(self) -> None:
        staged = self._staged
        if staged is not None and time.time() - staged.staged_at > STAGING_TTL_SECONDS:
            self._remove(staged)
            self._staged = None

    @staticmethod
    def _remove(staged: StagedFile) -> None:
        if staged.owned:
            shutil.rmtree(staged.path.parent, ignore_errors=True)


def _copy(stream: BinaryIO, path: Path, max_bytes: int) -> None:
    """Copy an upload in chunks, stopping as soon as it passes ``max_bytes``."""
    written = 0
    with path.open("wb") as sink:
        while chunk := stream.read(COPY_CHUNK_BYTES):
            written += len(chunk)
            if written > max_bytes:
                raise UploadTooLarge(too_large(max_bytes))
            sink.write(chunk)


def size_text(size: int) -> str:
    """A size limit in words: ``1 GB``, ``16 MB``."""
    if size >= 1024**3:
        return f"{size / 1024**3:g} GB"
    return f"{max(size // 1024**2, 1)} MB"


def too_large(max_bytes: int) -> str:
    """The sentence refusing an upload past ``max_bytes``."""
    return (
        f"The file is larger than the {size_text(max_bytes)} an upload may be;"
        " in the Kindred window the system's file dialog reads a file of any size, or"
        " import it with python -m recommender."
    )


class ImportJob:
    """One import running in a thread: its progress, outcome and answer."""

    def __init__(self, kind: str, file_name: str, importer: Importer) -> None:
        self.id = secrets.token_hex(8)
        self.kind = kind
        self.file_name = file_name
        self._importer = importer
        self.state = "running"
        self.message: str | None = None
        self.result: dict[str, Any] | None = None
        self.progress = Progress(0, 0, 0)
        self.started_at = time.monotonic()
        self.finished_at: float | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """Ask the import to stop at its next check; a finished job stays as it is."""
        self._cancel.set()

    def run(self) -> None:
        """Run the import; the outcome is in ``state`` (never raises)."""
        try:
            result = self._importer(self._on_progress, self._cancel.is_set)
            self._finish("finished", None, result)
        except ImportCancelled:
            self._finish("cancelled", "The import was cancelled; nothing was changed.", None)
        except KindredError as error:
            self._finish("failed", str(error), None)
        except Exception:  # a bug: logged with its traceback, the person gets one sentence
            logger.exception("import of %s failed", self.file_name)
            self._finish("failed", "The import failed inside Kindred; see its log.", None)

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self.progress = progress

    def _finish(self, state: str, message: str | None, result: dict[str, Any] | None) -> None:
        with self._lock:
            self.state, self.message, self.result = state, message, result
            self.finished_at = time.monotonic()

    def snapshot(self) -> dict[str, Any]:
        """The job as JSON-ready data: state, rows and bytes read, rows per second, elapsed."""
        with self._lock:
            elapsed = (self.finished_at or time.monotonic()) - self.started_at
            progress = self.progress
            reading = progress.bytes_total == 0 or progress.bytes_read < progress.bytes_total
            stage = "Reading the file" if reading else "Checking and storing the ratings"
            if self.state == "running" and self._cancel.is_set():
                stage = "Cancelling"
            return {
                "id": self.id,
                "kind": self.kind,
                "file": self.file_name,
                "state": self.state,
                "stage": stage if self.state == "running" else self.state.capitalize(),
                "message": self.message,
                "rows_read": progress.rows,
                "bytes_read": progress.bytes_read,
                "bytes_total": progress.bytes_total,
                "rows_per_second": round(progress.rows / elapsed) if elapsed > 0 else 0,
                "elapsed": round(elapsed, 2),
                "result": self.result,
            }


class ImportRunner:
    """Runs at most one `ImportJob` at a time in a daemon thread; remembers recent jobs."""

    KEEP_JOBS = 20

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, job: ImportJob, after: Callable[[], None] | None = None) -> dict[str, Any]:
        """Start ``job`` (``after`` runs in its thread once it ends, whatever the outcome);
        KindredError when another import is still running."""
        with self._lock:
            if self.running():
                raise KindredError("An import is already running; wait for it or cancel it.")
            self._jobs[job.id] = job
            while len(self._jobs) > self.KEEP_JOBS:
                self._jobs.pop(next(iter(self._jobs)))

            def work() -> None:
                try:
                    job.run()
                finally:
                    if after is not None:
                        after()

            self._thread = threading.Thread(target=work, name="kindred-import", daemon=True)
            self._thread.start()
        return job.snapshot()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def current(self) -> ImportJob | None:
        """The job running now, if any (a page opened during an import follows it)."""
        if not self.running():
            return None
        return next((job for job in self._jobs.values() if job.state == "running"), None)

    def job(self, job_id: str) -> ImportJob | None:
        return self._jobs.get(job_id)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running import to end; True if none is running afterwards."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True


def checked_kind(kind: object) -> str:
    """``personal`` or ``community``, else KindredError with one sentence."""
    if kind not in KINDS:
        raise KindredError('The kind of file must be "personal" or "community".')
    return str(kind)


def checked_columns(columns: object) -> dict[str, int | str] | None:
    """A person's column roles as ``{role: column}``, None when absent; KindredError when the
    shape is wrong (the roles themselves are checked by the importer)."""
    if columns is None:
        return None
    if not isinstance(columns, dict) or not all(
        isinstance(role, str) and isinstance(column, int | str) and not isinstance(column, bool)
        for role, column in columns.items()
    ):
        raise KindredError("'columns' must map each role to a column number, like {\"item\": 0}.")
    return dict(columns)
