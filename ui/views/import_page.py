"""Import: a person's export (IMDb, Letterboxd, Goodreads, a plain CSV) or a community file.

The flow the page's script follows, each step a JSON endpoint:

1. **Stage**: ``POST /api/import/staged?name=FILE`` with the file's bytes as the body (no
   multipart: the upload is copied in chunks into the app's staging folder, refused past
   ``IMPORT_UPLOAD_MAX_BYTES``), or, inside the Kindred window, ``POST /api/native/open-file``,
   which asks the system's dialog for a file and stages it where it is, whatever its size.
   Both answer the preview: detected format, encoding, delimiter, header, the first rows and
   each column's role, with ``staged_id``.
2. **Correct and start**: ``POST /api/import/jobs`` with ``{"staged_id", "kind", "columns",
   "name"}`` starts the import in the background (202) after checking the roles.
3. **Watch**: ``GET /api/import/jobs/<id>`` (state, rows and bytes read, rows per second,
   elapsed, and the summary once finished); ``POST /api/import/jobs/<id>/cancel``.
4. **Report**: ``GET /api/imports/<log id>/skipped.csv`` downloads the skipped rows.

``POST /api/import`` (upload a personal export and import it at once) is kept for scripts.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.utils import secure_filename

from recommender.import_jobs import too_large
from ui.context import BadRequestArgument
from ui.context import json_body
from ui.context import workspace
from ui.errors import NotFoundError
from ui.errors import error_response
from ui.views.communities import community_name
from ui.views.communities import upload_max_bytes
from ui.views.communities import upload_settings

logger = logging.getLogger(__name__)

blueprint = Blueprint("import", __name__)

#: pywebview filters offered by the native open dialog, per purpose.
FILE_TYPES = {
    "personal": ("Ratings (*.csv;*.tsv;*.txt;*.zip)", "All files (*.*)"),
    "community": ("Community ratings (*.csv;*.tsv;*.txt;*.dat;*.data;*.zip)", "All files (*.*)"),
}


def has_native_dialog() -> bool:
    """True inside the Kindred window, where the system's open dialog can be used."""
    return current_app.config.get("NATIVE_FILE_DIALOG") is not None


def _import_state() -> dict:
    """What the import page shows before a file is chosen (its JSON twin)."""
    return {
        "status": workspace().status(),
        "native_dialog": has_native_dialog(),
        **upload_settings(),
        "running_import": workspace().running_import(),
    }


@blueprint.get("/import")
def page():
    """Choose or drop a file, check its preview, import it with progress, read the report."""
    return render_template("import.html", **_import_state())


@blueprint.get("/api/import")
def import_json():
    """JSON twin of the import page."""
    return jsonify(_import_state())


@blueprint.post("/api/import/staged")
def stage_upload():
    """Stage the request body as the file ``?name=`` and answer its preview (201)."""
    name = request.args.get("name", "").strip()
    if not name:
        raise BadRequestArgument("'name' must give the file's name.")
    limit = upload_max_bytes()
    if request.content_length is not None and request.content_length > limit:
        return error_response(too_large(limit), 413)
    request.max_content_length = limit  # this endpoint's own limit, not the app's 16 MB
    preview = workspace().stage_import_upload(request.stream, name, limit)
    return jsonify(preview), 201


@blueprint.get("/api/import/staged/<staged_id>")
def staged(staged_id: str):
    """The preview of a staged file (400 when it is no longer staged)."""
    return jsonify(workspace().staged_import(staged_id))


@blueprint.delete("/api/import/staged/<staged_id>")
def discard_staged(staged_id: str):
    """Forget a staged file without importing it; its copy is deleted."""
    workspace().discard_staged_import(staged_id)
    return jsonify(discarded=staged_id)


@blueprint.post("/api/import/jobs")
def start_job():
    """Start importing a staged file: ``{"staged_id", "kind"?, "columns"?, "name"?}``."""
    body = json_body()
    staged_id = body.get("staged_id")
    if not isinstance(staged_id, str) or not staged_id:
        raise BadRequestArgument("'staged_id' must name a staged file.")
    job = workspace().start_import(
        staged_id,
        kind=body.get("kind"),
        columns=body.get("columns"),
        name=community_name(body.get("name")),
    )
    return jsonify(job), 202


def _job_or_404(job: dict | None) -> dict:
    if job is None:
        raise NotFoundError("There is no such import.")
    return job


@blueprint.get("/api/import/jobs/<job_id>")
def job_status(job_id: str):
    """State, rows read, bytes read of the total, rows per second, elapsed; the summary when
    finished, one sentence when cancelled or failed."""
    return jsonify(_job_or_404(workspace().import_job(job_id)))


@blueprint.post("/api/import/jobs/<job_id>/cancel")
def cancel_job(job_id: str):
    """Ask a running import to stop; nothing it read is kept."""
    return jsonify(_job_or_404(workspace().cancel_import(job_id)))


@blueprint.get("/api/imports/<int:log_id>/skipped.csv")
def skipped_rows_csv(log_id: int):
    """The skipped rows of a logged import as CSV (line, field, reason, value, raw)."""
    report = workspace().skipped_rows_report(log_id)
    if report is None:
        raise NotFoundError("There is no such import in the log.")
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", report["file"])  # safe in a quoted header
    return Response(
        report["csv"],
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.post("/api/import")
def import_file():
    """Import the uploaded ``file`` field into the current community at once; answers the
    summary (for scripts; the page stages, previews and imports in the background)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequestArgument("Choose a ratings file to import.")
    filename = secure_filename(upload.filename) or "ratings.csv"
    with tempfile.TemporaryDirectory(prefix="kindred-upload-") as folder:
        path = Path(folder) / filename
        upload.save(path)
        summary = workspace().import_personal(path)
    summary["report"]["file"] = filename  # the person's file, not the temporary copy
    return jsonify(summary)


@blueprint.post("/api/native/open-file")
def stage_chosen_file():
    """Ask for a file with the window's open dialog and stage it where it is.

    Body ``{"purpose": "personal" | "community"}`` (which filters the dialog offers). Answers
    ``{"cancelled": true}`` when the person closes the dialog, else the preview, as ``POST
    /api/import/staged`` does. Outside the window (no dialog) the endpoint does not exist: 404.
    """
    dialog = current_app.config.get("NATIVE_FILE_DIALOG")
    if dialog is None:
        raise NotFoundError(
            "The system's file dialog exists only inside the Kindred window; upload the file."
        )
    purpose = json_body().get("purpose")
    if purpose not in FILE_TYPES:
        raise BadRequestArgument('\'purpose\' must be "personal" or "community".')
    chosen = dialog("open", file_types=FILE_TYPES[purpose])  # blocks until the dialog closes
    if not chosen:
        return jsonify(cancelled=True)
    logger.info("staging %s file chosen in the dialog: %s", purpose, chosen)
    return jsonify(workspace().stage_import_path(Path(chosen)))
