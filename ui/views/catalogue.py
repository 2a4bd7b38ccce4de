"""The catalogue: every item of the current community, to find and rate titles."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from ui.context import int_argument
from ui.context import text_argument
from ui.context import workspace

blueprint = Blueprint("catalogue", __name__)

MAX_PER_PAGE = 200


def _catalogue_page() -> dict:
    """The catalogue page the query arguments ask for (``q``, ``sort``, ``genre``, ``page``)."""
    return workspace().catalogue(
        query=text_argument("q"),
        sort=text_argument("sort", max_length=40) or "popular",
        page=int_argument("page", 1, highest=1_000_000),
        per_page=int_argument("per_page", 40, highest=MAX_PER_PAGE),
        genre=text_argument("genre", max_length=80) or None,
    )


@blueprint.get("/catalogue")
def page():
    """Search, sort, filter and rate the community's titles."""
    return render_template(
        "catalogue.html", catalogue=_catalogue_page(), status=workspace().status()
    )


@blueprint.get("/api/catalogue")
def catalogue_json():
    """JSON twin of the catalogue page."""
    return jsonify(_catalogue_page())
