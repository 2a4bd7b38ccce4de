"""My ratings: list, search, change, delete (with undo) and export the person's own ratings;
below them, the want-list."""

from __future__ import annotations

import csv
import io

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import render_template

from recommender.catalogue import fold_text
from ui.context import BadRequestArgument
from ui.context import item_from_body
from ui.context import json_body
from ui.context import text_argument
from ui.context import workspace
from ui.views.want_list import want_list

blueprint = Blueprint("ratings", __name__)

EXPORT_COLUMNS = ("item", "title", "year", "rating", "rated_at")
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _ratings() -> dict:
    """The person's ratings, newest first, narrowed to titles containing every word of ``q``."""
    query = text_argument("q")
    everything = workspace().my_ratings()
    words = fold_text(query).split()
    matching = [r for r in everything if all(w in fold_text(r["title"]) for w in words)]
    return {
        "items": matching,
        "count": len(matching),
        "total": len(everything),
        "query": query,
        "display_scale": workspace().display_scale().as_dict(),
    }


@blueprint.get("/ratings")
def page():
    """Every rating the person made, newest first."""
    return render_template(
        "ratings.html", ratings=_ratings(), want=want_list(), status=workspace().status()
    )


@blueprint.get("/api/ratings")
def ratings_json():
    """JSON twin of the ratings page: ``{"items", "count", "total", "query"}``."""
    return jsonify(_ratings())


@blueprint.post("/api/ratings")
def rate():
    """Rate an item: body ``{"item": ID, "rating": number}`` on the community's scale, or
    ``{"item": ID, "display_rating": number}`` on the person's display scale (what the rating
    controls send; stored converted, with the value given kept); answers the updated item."""
    body = json_body()
    item = item_from_body(body)
    on_display_scale = "display_rating" in body
    rating = body.get("display_rating" if on_display_scale else "rating")
    if isinstance(rating, bool) or not isinstance(rating, int | float):
        name = "display_rating" if on_display_scale else "rating"
        raise BadRequestArgument(f"'{name}' must be a number.")
    return jsonify(workspace().rate(item, float(rating), on_display_scale=on_display_scale))


@blueprint.delete("/api/ratings")
def unrate():
    """Delete a rating: body ``{"item": ID}``; answers the previous rating, for undo."""
    return jsonify(workspace().unrate(item_from_body(json_body())))


@blueprint.get("/ratings/export.csv")
def export_csv():
    """All the person's ratings as a UTF-8 CSV file (``item,title,year,rating,rated_at``).

    Titles that a spreadsheet would run as a formula get a leading apostrophe (OWASP's advice
    for CSV injection); ids, numbers and dates are written as they are.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for rating in workspace().my_ratings():
        title = rating["title"]
        if title.startswith(FORMULA_STARTS):
            title = "'" + title
        writer.writerow(
            [rating["item"], title, rating["year"] or "", rating["my_rating"], rating["rated_at"]]
        )
    community = fold_text(workspace().status()["community"]["name"]).replace(" ", "-")
    filename = "".join(
        ch for ch in f"kindred-ratings-{community}.csv" if ch.isalnum() or ch in "-."
    )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
