"""The item page: what it is, how the community and kindred people rated it, your rating."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from recommender.errors import KindredError
from ui.context import workspace
from ui.errors import NotFoundError

blueprint = Blueprint("items", __name__)


def _item(item: str) -> dict:
    """The item's details and whether it is on the want-list; an unknown id is a 404."""
    try:
        answer = workspace().item(item)
    except KindredError as error:
        raise NotFoundError(str(error)) from error
    answer["wanted"] = answer["item"] in workspace().want_list()
    return answer


@blueprint.get("/items/<path:item>")
def page(item: str):
    """Metadata, rating histogram, kindred people's ratings and the rating control."""
    return render_template("item.html", item=_item(item), status=workspace().status())


@blueprint.get("/api/items/<path:item>")
def item_json(item: str):
    """JSON twin of the item page."""
    return jsonify(_item(item))
