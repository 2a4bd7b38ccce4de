"""My ratings: list, change and delete the person's own ratings (with undo)."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from ui.context import BadRequestArgument
from ui.context import item_from_body
from ui.context import json_body
from ui.context import workspace

blueprint = Blueprint("ratings", __name__)


@blueprint.get("/ratings")
def page():
    """Every rating the person made, newest first."""
    return render_template(
        "ratings.html", ratings=workspace().my_ratings(), status=workspace().status()
    )


@blueprint.get("/api/ratings")
def ratings_json():
    """JSON twin of the ratings page."""
    my_ratings = workspace().my_ratings()
    return jsonify({"items": my_ratings, "count": len(my_ratings)})


@blueprint.post("/api/ratings")
def rate():
    """Rate an item: body ``{"item": ID, "rating": number}``; answers the updated item."""
    body = json_body()
    item = item_from_body(body)
    rating = body.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int | float):
        raise BadRequestArgument("'rating' must be a number.")
    return jsonify(workspace().rate(item, float(rating)))


@blueprint.delete("/api/ratings")
def unrate():
    """Delete a rating: body ``{"item": ID}``; answers the previous rating, for undo."""
    return jsonify(workspace().unrate(item_from_body(json_body())))
