"""Import: the person's ratings exported from IMDb, Letterboxd, Goodreads or a plain CSV file.

The browser uploads the file (size-limited by ``MAX_CONTENT_LENGTH``); it is saved under its
own (sanitised) name in a temporary folder, so any message names the person's file, handed to
`Workspace.import_personal`, and deleted. A file that cannot be read changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.utils import secure_filename

from ui.context import BadRequestArgument
from ui.context import workspace

blueprint = Blueprint("import", __name__)


@blueprint.get("/import")
def page():
    """Choose or drop a file, then see what was imported, skipped and not found."""
    return render_template("import.html", status=workspace().status())


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
