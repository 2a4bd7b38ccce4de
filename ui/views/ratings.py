"""My ratings: list, search, change, delete (with undo) and export the person's own ratings;
below them, the want-list."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from recommender.catalogue import fold_text
from ui.context import BadRequestArgument
from ui.context import csv_download
from ui.context import int_argument
from ui.context import item_from_body
from ui.context import json_body
from ui.context import text_argument
from ui.context import workspace
from ui.views.recommendations import hidden_titles
from ui.views.want_list import want_list

blueprint = Blueprint("ratings", __name__)

#: Ratings listed per page (an IMDb export can hold thousands).
PER_PAGE = 100


def _ratings() -> dict:
    """The person's ratings, newest first, narrowed to titles containing every word of ``q``,
    ``PER_PAGE`` to a page (``page``; past the end: the last page). ``count`` is how many match,
    ``total`` how many ratings there are in all."""
    query = text_argument("q")
    everything = workspace().my_ratings()
    words = fold_text(query).split()
    matching = [r for r in everything if all(w in fold_text(r["title"]) for w in words)]
    pages = max(1, -(-len(matching) // PER_PAGE))
    page = min(int_argument("page", 1, highest=100_000), pages)
    return {
        "items": matching[(page - 1) * PER_PAGE : page * PER_PAGE],
        "count": len(matching),
        "total": len(everything),
        "page": page,
        "pages": pages,
        "query": query,
        "display_scale": workspace().display_scale().as_dict(),
    }


@blueprint.get("/ratings")
def page():
    """Every rating the person made, newest first."""
    return render_template(
        "ratings.html",
        ratings=_ratings(),
        want=want_list(),
        hidden=hidden_titles(),
        status=workspace().status(),
    )


@blueprint.get("/api/ratings")
def ratings_json():
    """JSON twin of the ratings page: ``{"items", "count", "total", "page", "pages", "query"}``
    (``?q=`` and ``?page=``)."""
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
    """All the person's ratings as a UTF-8 CSV file (``item,title,year,my_rating,rated_at``).

    Every text cell a spreadsheet would run as a formula (ids too, not only titles) gets a
    leading apostrophe (OWASP's advice for CSV injection): ``Workspace.export_ratings_csv``.
    """
    return csv_download(workspace().export_ratings_csv(), "kindred-ratings")
