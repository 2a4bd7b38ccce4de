"""Recommendations: the items kindred people liked, with the reasons behind each one."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from recommender.errors import KindredError
from ui.context import csv_download
from ui.context import item_from_body
from ui.context import json_body
from ui.context import text_argument
from ui.context import workspace
from ui.errors import NotFoundError
from ui.recommendation_filters import POOL_SIZE
from ui.recommendation_filters import SORTS
from ui.recommendation_filters import RecommendationFilters

blueprint = Blueprint("recommendations", __name__)

DEFAULT_COUNT = 20
MAX_COUNT = 200
#: How many recommendations the CSV download lists.
EXPORT_COUNT = 50


def _recommendations() -> dict:
    """Recommendations for ``?user=ID`` (a community member) or, without it, the person.

    Without filters this is the Workspace's answer for the best ``n`` items (fast: what the
    page asks for after every rating); with filters, sorting or paging, the Workspace's best
    `POOL_SIZE` narrowed by `RecommendationFilters`. The answer adds ``page``, ``more`` (is
    there a next page), the ``filters`` used, and, for a narrowed list, ``total`` matches and
    ``pages`` (``None`` otherwise).
    """
    user = text_argument("user", max_length=100) or None
    filters = RecommendationFilters.from_request(DEFAULT_COUNT, MAX_COUNT)
    try:
        answer = workspace().recommendations(
            n=POOL_SIZE if filters.narrows else filters.per_page, user=user
        )
    except KindredError as error:
        if user is None:
            raise
        raise NotFoundError(str(error)) from error
    # The answer carries each rating in the person's scale too (``*_display``, Workspace).
    wanted = set(workspace().want_list())
    for item in answer["items"]:
        item["wanted"] = item["item"] in wanted
    total = pages = None
    if filters.narrows:
        answer["items"], total = filters.apply(answer["items"])
        pages = filters.pages(total)
        more = filters.page < pages
    else:
        more = len(answer["items"]) == filters.per_page
    answer.update(
        total=total,
        page=filters.page,
        pages=pages,
        more=more,
        filters=filters.as_dict(),
        sorts=SORTS,
        genres=workspace().catalogue(per_page=1)["genres"],
    )
    return answer


@blueprint.get("/recommendations")
def page():
    """Cards with predicted rating, confidence and the kindred people behind each item."""
    return render_template(
        "recommendations.html",
        recommendations=_recommendations(),
        status=workspace().status(),
        export_count=EXPORT_COUNT,
    )


@blueprint.get("/recommendations/export.csv")
def export_csv():
    """The person's top ``EXPORT_COUNT`` recommendations as a CSV file, best first (rank,
    item, title, year, predicted rating, confidence, kindred people, genres); cells a
    spreadsheet would run as formulas are neutralised (``Workspace.export_recommendations_csv``).
    """
    text = workspace().export_recommendations_csv(n=EXPORT_COUNT)
    return csv_download(text, "kindred-recommendations")


@blueprint.get("/api/recommendations")
def recommendations_json():
    """JSON twin: ``GET /api/recommendations?user=ID&n=10`` (plus the page's filters)."""
    return jsonify(_recommendations())


def hidden_titles() -> dict:
    """The titles the person hid, and how many (shown on My ratings, to show them again)."""
    items = workspace().hidden_items()
    return workspace().with_display({"items": items, "count": len(items)})


@blueprint.get("/api/hidden")
def hidden_json():
    """The hidden titles: ``{"items", "count"}``."""
    return jsonify(hidden_titles())


@blueprint.post("/api/hidden")
def hide():
    """Never recommend an item again: body ``{"item": ID}``."""
    return jsonify(workspace().hide(item_from_body(json_body())))


@blueprint.delete("/api/hidden")
def unhide():
    """Let a hidden item be recommended again (undo of hide): body ``{"item": ID}``."""
    return jsonify(workspace().unhide(item_from_body(json_body())))
