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
    answer = workspace().catalogue(
        query=text_argument("q"),
        sort=text_argument("sort", max_length=40) or "popular",
        page=int_argument("page", 1, highest=1_000_000),
        per_page=int_argument("per_page", 40, highest=MAX_PER_PAGE),
        genre=text_argument("genre", max_length=80) or None,
    )
    return workspace().with_display(answer)  # each rating also in the person's scale


# How many highly rated titles a newcomer sees above the most-rated list.
HIGHLY_RATED_COUNT = 6


def _highly_rated(catalogue: dict, status: dict) -> list[dict]:
    """For a newcomer on the plain first page: the community's best-rated titles that the
    most-rated list below does not already show (each title appears once per page)."""
    plain_first_page = catalogue["page"] == 1 and not catalogue["query"] and not catalogue["genre"]
    if status["enough_ratings"] or not plain_first_page or catalogue["sort"] != "popular":
        return []
    shown = {item["item"] for item in catalogue["items"]}
    best = workspace().with_display(
        workspace().catalogue(sort="top_rated", per_page=HIGHLY_RATED_COUNT + len(shown))
    )
    return [item for item in best["items"] if item["item"] not in shown][:HIGHLY_RATED_COUNT]


@blueprint.get("/catalogue")
def page():
    """Search, sort, filter and rate the community's titles; newcomers also see what the
    community rates highly."""
    catalogue = _catalogue_page()
    status = workspace().status()
    return render_template(
        "catalogue.html",
        catalogue=catalogue,
        status=status,
        highly_rated=_highly_rated(catalogue, status),
    )


@blueprint.get("/api/catalogue")
def catalogue_json():
    """JSON twin of the catalogue page."""
    return jsonify(_catalogue_page())
