"""How failures reach a person: one sentence, as JSON under ``/api`` or as a friendly page.

A `KindredError` is the person's mistake (400, or 404 for something that does not exist); an
HTTP error keeps its status; anything else is a bug: it is logged with its traceback and the
person sees a short apology, never the traceback.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask import Response
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException

from recommender.errors import KindredError

logger = logging.getLogger(__name__)


class NotFoundError(KindredError):
    """Something the request names (an item, a community member) does not exist."""


def wants_json() -> bool:
    """True for requests to the JSON twins, which get JSON errors."""
    return request.path.startswith("/api/")


def error_response(message: str, status: int) -> tuple[Response | str, int]:
    """Answer ``message`` with ``status``: ``{"error": message}`` for the API, else a page."""
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", message=message, http_status=status), status


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""

    @app.errorhandler(NotFoundError)
    def not_found(error: NotFoundError):
        return error_response(str(error), 404)

    @app.errorhandler(KindredError)
    def person_error(error: KindredError):
        return error_response(str(error), 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: "There is no such page in Kindred.",
            405: "That action is not allowed here.",
            413: "That upload is too large.",
        }
        status = error.code or 500
        return error_response(messages.get(status, f"{error.name}."), status)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        logger.exception("Unexpected error while serving %s %s", request.method, request.path)
        return error_response(
            "Something went wrong inside Kindred; the details are in its log.", 500
        )
