"""The want-list: titles the person wants to watch or read, per community.

``GET /api/want`` lists them (item views, oldest first); ``POST``/``DELETE /api/want`` with
``{"item": ID}`` add and remove one. The list is shown on the My ratings page, and the toggle
on recommendation cards and item pages.
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify

from ui.context import item_from_body
from ui.context import json_body
from ui.context import workspace

blueprint = Blueprint("want_list", __name__)


def want_list() -> dict:
    """The want-list's items (each marked ``wanted``) and their count."""
    items = [{**item, "wanted": True} for item in workspace().want_list_items()]
    return workspace().with_display({"items": items, "count": len(items)})


@blueprint.get("/api/want")
def want_list_json():
    """The want-list: ``{"items", "count"}``."""
    return jsonify(want_list())


@blueprint.post("/api/want")
def want():
    """Put an item on the want-list: body ``{"item": ID}``."""
    return jsonify(workspace().want(item_from_body(json_body())))


@blueprint.delete("/api/want")
def unwant():
    """Take an item off the want-list: body ``{"item": ID}``."""
    return jsonify(workspace().unwant(item_from_body(json_body())))
