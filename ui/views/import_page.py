"""Import: the person's ratings exported from IMDb, Letterboxd, Goodreads or a plain CSV file.

Two ways in. The browser uploads the file (size-limited by ``MAX_CONTENT_LENGTH``); it is
saved under its own (sanitised) name in a temporary folder, so any message names the person's
file, handed to `Workspace.import_personal`, and deleted. Inside the Kindred window the app
also has the system's own open dialog (``NATIVE_FILE_DIALOG``, set by the launcher): a file
chosen there, personal or community, is read in place, whatever its size. A file that cannot
be read changes nothing.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.utils import secure_filename

from ui.context import BadRequestArgument
from ui.context import json_body
from ui.context import workspace
from ui.errors import NotFoundError
from ui.views.communities import community_name

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


@blueprint.get("/import")
def page():
    """Choose or drop a file, then see what was imported, skipped and not found."""
    return render_template(
        "import.html", status=workspace().status(), native_dialog=has_native_dialog()
    )


@blueprint.post("/api/import")
def import_file():
    """Import the uploaded ``file`` field into the current community; answers the summary
    (counts, skipped rows with line numbers and reasons, unmatched rows)."""
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
def import_chosen_file():
    """Ask for a file with the window's open dialog and import it in place.

    Body ``{"purpose": "personal" | "community", "name": optional community name}``. Answers
    ``{"cancelled": true}`` when the person closes the dialog, else what ``POST /api/import``
    (personal) or ``POST /api/communities`` (community) answers, for the same report. Outside
    the window (no dialog) the endpoint does not exist: 404.
    """
    dialog = current_app.config.get("NATIVE_FILE_DIALOG")
    if dialog is None:
        raise NotFoundError(
            "The system's file dialog exists only inside the Kindred window; upload the file."
        )
    body = json_body()
    purpose = body.get("purpose")
    if purpose not in FILE_TYPES:
        raise BadRequestArgument('\'purpose\' must be "personal" or "community".')
    name = community_name(body.get("name")) if purpose == "community" else None
    chosen = dialog("open", file_types=FILE_TYPES[purpose])  # blocks until the dialog closes
    if not chosen:
        return jsonify(cancelled=True)
    path = Path(chosen)
    logger.info("importing %s file chosen in the dialog: %s", purpose, path)
    if purpose == "personal":
        return jsonify(workspace().import_personal(path))
    return jsonify(workspace().import_community(path, name))
