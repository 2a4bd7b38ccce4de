"""Recommendations: the items kindred people liked, with the reasons behind each one."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from recommender.errors import KindredError
from ui.context import int_argument
from ui.context import item_from_body
from ui.context import json_body
from ui.context import text_argument
from ui.context import workspace
from ui.errors import NotFound

blueprint = Blueprint("recommendations", __name__)

DEFAULT_COUNT = 20
MAX_COUNT = 200


def _recommendations() -> dict:
    """Recommendations for ``?user=ID`` (a community member) or, without it, the person."""
    user = text_argument("user", max_length=100) or None
    n = int_argument("n", DEFAULT_COUNT, highest=MAX_COUNT)
    try:
        return workspace().recommendations(n=n, user=user)
    except KindredError as error:
        if user is None:
            raise
        raise NotFound(str(error)) from error


@blueprint.get("/recommendations")
def page():
    """Cards with predicted rating, confidence and the kindred people behind each item."""
    return render_template(
        "recommendations.html",
        recommendations=_recommendations(),
        status=workspace().status(),
    )


@blueprint.get("/api/recommendations")
def recommendations_json():
    """JSON twin: ``GET /api/recommendations?user=ID&n=10``."""
    return jsonify(_recommendations())


@blueprint.post("/api/hidden")
def hide():
    """Never recommend an item again: body ``{"item": ID}``."""
    return jsonify(workspace().hide(item_from_body(json_body())))


@blueprint.delete("/api/hidden")
def unhide():
    """Let a hidden item be recommended again (undo of hide): body ``{"item": ID}``."""
    return jsonify(workspace().unhide(item_from_body(json_body())))
