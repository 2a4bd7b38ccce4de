"""What every view needs from the request: the app's workspace and validated query arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response
from flask import current_app
from flask import request

from recommender.catalogue import fold_text
from recommender.errors import KindredError

if TYPE_CHECKING:
    from recommender.workspace import Workspace

WORKSPACE_EXTENSION = "kindred.workspace"


class BadRequestArgument(KindredError):
    """A query or body argument that the interface cannot use; the message names it."""


def workspace() -> Workspace:
    """The workspace of the app serving the current request."""
    return current_app.extensions[WORKSPACE_EXTENSION]


def int_argument(name: str, default: int, lowest: int = 1, highest: int = 1000) -> int:
    """Read the whole-number query argument ``name``, within ``[lowest, highest]``.

    :raise BadRequestArgument: when it is not a whole number or outside the range.
    """
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequestArgument(f"'{name}' must be a whole number, not '{raw[:40]}'.") from None
    if not lowest <= value <= highest:
        raise BadRequestArgument(f"'{name}' must be between {lowest} and {highest}.")
    return value


def text_argument(name: str, max_length: int = 200) -> str:
    """Read the text query argument ``name`` (stripped, empty when absent)."""
    value = request.args.get(name, "").strip()
    if len(value) > max_length:
        raise BadRequestArgument(f"'{name}' is longer than {max_length} characters.")
    return value


def json_body() -> dict:
    """The request's JSON object body.

    :raise BadRequestArgument: when the body is not a JSON object.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequestArgument("The request body must be a JSON object.")
    return body


def item_from_body(body: dict) -> str:
    """The ``item`` id of a JSON body: always text, as ids are everywhere in Kindred.

    :raise BadRequestArgument: when there is no usable item id.
    """
    item = body.get("item")
    if not isinstance(item, str) or not item:
        raise BadRequestArgument("'item' must be an item id.")
    return item


def csv_download(text: str, stem: str) -> Response:
    """``text`` as a CSV attachment named after ``stem`` and the current community."""
    community = fold_text(workspace().status()["community"]["name"]).replace(" ", "-")
    filename = "".join(ch for ch in f"{stem}-{community}.csv" if ch.isalnum() or ch in "-.")
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
