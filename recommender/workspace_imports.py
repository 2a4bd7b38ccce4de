"""The Workspace's import flow: stage a file, preview it, import it in the background.

A mixin of :class:`recommender.workspace.Workspace`. The staging area and the one-at-a-time
import runner live in :mod:`recommender.import_jobs`; this module ties them to the person's
data: an import job calls :meth:`Workspace.import_personal` or
:meth:`Workspace.import_community` with the person's column roles, progress and cancel, and the
skipped-row report of any import is read back from the import log as CSV.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import Any
from typing import BinaryIO

from recommender.errors import KindredError
from recommender.import_jobs import ImportJob
from recommender.import_jobs import ImportRunner
from recommender.import_jobs import StagedFile
from recommender.import_jobs import StagingArea
from recommender.import_jobs import checked_columns
from recommender.import_jobs import checked_kind
from recommender.importing import ColumnRoles
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ProgressCallback
from recommender.storage import Store
from recommender.storage.export import to_csv

logger = logging.getLogger(__name__)

SKIPPED_COLUMNS = ("line", "field", "reason", "value", "raw")


class ImportFlow:
    """Staged files, background imports and skipped-row reports for a Workspace (which
    provides ``store``, ``import_personal`` and ``import_community``)."""

    store: Store

    @cached_property
    def _staging(self) -> StagingArea:
        return StagingArea()

    @cached_property
    def _import_runner(self) -> ImportRunner:
        return ImportRunner()

    # ------------------------------------------------------------------ staging
    def stage_import_upload(
        self, stream: BinaryIO, filename: str, max_bytes: int
    ) -> dict[str, Any]:
        """Save an uploaded file (at most ``max_bytes``) in the staging folder and answer its
        preview (see :meth:`recommender.importing.FilePreview.to_dict`) with ``staged_id``.

        A file that is not a table is refused (``RatingsImportError``) and not kept.
        """
        return self._staging.stage_upload(stream, filename, max_bytes).to_dict()

    def stage_import_path(self, path: str | Path) -> dict[str, Any]:
        """Preview a file chosen in the window's dialog; it is read where it is, any size."""
        return self._staging.stage_path(path).to_dict()

    def staged_import(self, staged_id: str) -> dict[str, Any]:
        """The preview of the staged file ``staged_id`` (KindredError when it is gone)."""
        return self._staging.get(staged_id).to_dict()

    def discard_staged_import(self, staged_id: str) -> None:
        """Forget a staged file the person decided not to import (its copy is deleted)."""
        self._staging.discard(staged_id)

    def close_imports(self) -> None:
        """Delete the staged copies (also done when the process exits); for ``close``."""
        if "_staging" in self.__dict__:
            self._staging.close()

    # ------------------------------------------------------------------ jobs
    def start_import(
        self,
        staged_id: str,
        *,
        kind: object = None,
        columns: object = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        """Start importing the staged file as ``kind`` (default: as detected) with the
        person's ``columns`` (role -> column; default: as detected); answers the job's first
        snapshot. Roles that cannot work are refused here, before anything starts, and a
        second import while one runs is refused with a sentence. The staged copy is deleted
        when the import finishes or is cancelled; after a failure it waits again."""
        staged = self._staging.get(staged_id)
        kind = checked_kind(kind if kind is not None else staged.preview.kind)
        roles = checked_columns(columns)
        staged.preview.check_roles(roles, kind)
        staged = self._staging.claim(staged_id)
        job = ImportJob(kind, staged.name, self._importer(staged, kind, roles, name))

        def after() -> None:
            # A failed import (roles that read no usable rating, say) leaves the file waiting,
            # so the person can correct the roles and try again; otherwise it is done with.
            if job.state == "failed":
                self._staging.release(staged)
            else:
                self._staging.discard(staged.id)

        try:
            return self._import_runner.start(job, after=after)
        except BaseException:
            self._staging.release(staged)  # refused (another import runs): it waits again
            raise

    def _importer(
        self, staged: StagedFile, kind: str, columns: ColumnRoles | None, name: str | None
    ):
        def run(progress: ProgressCallback, cancel: CancelCheck) -> dict[str, Any]:
            if kind == "personal":
                answer = self.import_personal(  # type: ignore[attr-defined]
                    staged.path, columns=columns, progress=progress, cancel=cancel
                )
            else:
                default_name = Path(staged.name).stem if staged.owned else None
                answer = self.import_community(  # type: ignore[attr-defined]
                    staged.path,
                    name or default_name,
                    columns=columns,
                    progress=progress,
                    cancel=cancel,
                )
            answer["report"]["file"] = staged.name  # the person's file, not the staged copy
            return answer

        return run

    def import_job(self, job_id: str) -> dict[str, Any] | None:
        """The snapshot of import job ``job_id``; None when there is no such job."""
        job = self._import_runner.job(job_id)
        return None if job is None else job.snapshot()

    def cancel_import(self, job_id: str) -> dict[str, Any] | None:
        """Ask the running import ``job_id`` to stop (None when there is no such job); a
        finished one cannot be cancelled (KindredError)."""
        job = self._import_runner.job(job_id)
        if job is None:
            return None
        if job.state != "running":
            raise KindredError(f"That import has already {job.state}; there is nothing to cancel.")
        job.cancel()
        return job.snapshot()

    def running_import(self) -> dict[str, Any] | None:
        """The snapshot of the import running now; None when none is. (Asked on every import
        page, so a file left waiting too long is deleted here too.)"""
        if "_staging" in self.__dict__:
            self._staging.expire()
        job = self._import_runner.current()
        return None if job is None else job.snapshot()

    def wait_for_import(self, timeout: float | None = None) -> bool:
        """Block until the running import ends (for tests and the CLI); True if it has."""
        return self._import_runner.wait(timeout)

    # ------------------------------------------------------------------ reports
    def skipped_rows_report(self, log_id: int) -> dict[str, Any] | None:
        """The skipped rows the import log kept for import ``log_id``: ``file`` (a download
        name), ``csv`` (line, field, reason, value, raw; cells neutralised against formulas),
        ``listed`` and ``total``. None when the log has no such import."""
        entry = self.store.import_entry(log_id)
        if entry is None:
            return None
        report = entry["summary"].get("report", {})
        rows = report.get("skipped_list")
        if rows is None:  # logged before field and raw text were kept
            rows = [{"line": e["line"], "reason": e["message"]} for e in report.get("errors", [])]
        stem = Path(entry.get("source_file") or "import").stem or "import"
        return {
            "file": f"{stem}-skipped-rows.csv",
            "csv": to_csv(rows, SKIPPED_COLUMNS),
            "listed": len(rows),
            "total": int(report.get("skipped_rows", len(rows))),
        }
