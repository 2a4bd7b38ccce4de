"""Communities: the pool of people Kindred draws kindred people from. List them, switch to
one (remembered for the next start), import a community file, delete one.

The page imports with the same staged flow as the Import page (`ui.views.import_page`):
stage, preview and correct, background job with progress and cancel, summary. Staged uploads
may be up to ``IMPORT_UPLOAD_MAX_BYTES``; inside the Kindred window a file of any size is
chosen with the system's dialog and read in place. ``POST /api/communities`` (upload and
import at once, within the app's form limit) is kept for scripts.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.utils import secure_filename

from recommender.import_jobs import size_text
from recommender.import_jobs import too_large
from ui.context import BadRequestArgument
from ui.context import json_body
from ui.context import workspace

blueprint = Blueprint("communities", __name__)

#: Uploads to the import staging folder may be this big unless the app's config says otherwise.
DEFAULT_UPLOAD_MAX_BYTES = 1024**3


def upload_max_bytes() -> int:
    """The largest file the import pages accept as an upload (``IMPORT_UPLOAD_MAX_BYTES``)."""
    return int(current_app.config.get("IMPORT_UPLOAD_MAX_BYTES") or DEFAULT_UPLOAD_MAX_BYTES)


def upload_settings() -> dict:
    """What the import pages need to know about uploads: the limit in bytes and in words, and
    the sentence refusing a bigger file (the page refuses it before sending anything)."""
    limit = upload_max_bytes()
    return {
        "upload_max_bytes": limit,
        "upload_limit": size_text(limit),
        "too_large": too_large(limit),
    }


def community_name(raw: object) -> str | None:
    """The optional name a community is imported under: stripped text, None when absent.

    :raise BadRequestArgument: when it is not text or longer than 100 characters.
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise BadRequestArgument("'name' must be text.")
    name = raw.strip()
    if len(name) > 100:
        raise BadRequestArgument("A community name must be at most 100 characters.")
    return name or None


def _name_from_body() -> str:
    name = json_body().get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequestArgument("'name' must be the name of a community.")
    return name.strip()


@blueprint.get("/communities")
def page():
    """The demo and every stored community, with switch, delete and import."""
    return render_template(
        "communities.html",
        communities=workspace().communities(),
        status=workspace().status(),
        # Inside the window, the system's dialog reads a file of any size in place.
        native_dialog=current_app.config.get("NATIVE_FILE_DIALOG") is not None,
        **upload_settings(),
        running_import=workspace().running_import(),
    )


@blueprint.get("/api/communities")
def communities_json():
    """JSON twin of the communities page."""
    return jsonify({"items": workspace().communities()})


@blueprint.post("/api/communities/current")
def use():
    """Make the community ``{"name": ...}`` current; answers the new status."""
    return jsonify(workspace().use_community(_name_from_body()))


@blueprint.delete("/api/communities")
def delete():
    """Delete the stored community ``{"name": ...}`` (the person's ratings in it are kept)."""
    return jsonify(workspace().delete_community(_name_from_body()))


@blueprint.post("/api/communities")
def import_community():
    """Import the uploaded community ``file`` under ``name`` (default: the file's name)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequestArgument("Choose a community file to import.")
    name = community_name(request.form.get("name"))
    filename = secure_filename(upload.filename) or "community.csv"
    with tempfile.TemporaryDirectory(prefix="kindred-upload-") as folder:
        path = Path(folder) / filename
        upload.save(path)
        answer = workspace().import_community(path, name)
    answer.get("report", {})["file"] = filename  # the person's file, not the temporary copy
    return jsonify(answer)
