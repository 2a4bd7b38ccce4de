"""Kindred people: the person's nearest neighbours and what they agree and disagree on."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from ui.context import int_argument
from ui.context import workspace

blueprint = Blueprint("people", __name__)


def _people() -> dict:
    """The kindred people; agreements also in the person's scale (``*_display`` fields)."""
    return workspace().with_display(workspace().neighbours(n=int_argument("n", 20, highest=200)))


@blueprint.get("/people")
def page():
    """The kindred people, most similar first, with overlap and agreements."""
    return render_template("people.html", people=_people(), status=workspace().status())


@blueprint.get("/api/people")
def people_json():
    """JSON twin of the kindred people page."""
    return jsonify(_people())
