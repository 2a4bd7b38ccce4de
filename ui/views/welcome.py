"""The welcome page (first run) and the app's status, which every page shows in its header."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from ui.context import workspace

blueprint = Blueprint("welcome", __name__)


@blueprint.get("/")
def index():
    """What Kindred is, the current community, and the three ways to start."""
    return render_template("welcome.html", status=workspace().status())


@blueprint.get("/api/status")
def status_json():
    """The current community and how many ratings the person has made."""
    return jsonify(workspace().status())
