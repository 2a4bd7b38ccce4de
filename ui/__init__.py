"""Kindred's web interface: a Flask app that shows a `Workspace` to a person.

`create_app` is the only entry point (no module-level app). Views get their data from
`Workspace` methods; they never touch storage or the engine directly, and every HTML page has
a JSON twin under ``/api/...`` that the page's scripts use for in-place actions.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from recommender.datadir import resolve_data_dir
from recommender.workspace import Workspace
from ui import errors
from ui import formatting
from ui import security
from ui.context import WORKSPACE_EXTENSION
from ui.views import about
from ui.views import catalogue
from ui.views import communities
from ui.views import evaluate
from ui.views import import_page
from ui.views import items
from ui.views import people
from ui.views import ratings
from ui.views import recommendations
from ui.views import settings
from ui.views import want_list
from ui.views import welcome

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": None,
    "WORKSPACE": None,
    "SECRET_TOKEN": None,
    "ALLOWED_HOSTS": None,
    # Inside the window: a callable opening the system's file dialog (see desktop.window).
    "NATIVE_FILE_DIALOG": None,
    "TESTING": False,
    # Nothing Kindred accepts through a browser form is large; import uploads set their own.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Kindred Flask app.

    :param config: overrides of `DEFAULTS`: ``DATA_DIR`` (the person's data directory),
        ``WORKSPACE`` (an existing `recommender.workspace.Workspace`; built from ``DATA_DIR``
        when absent), ``SECRET_TOKEN`` (per-launch access secret; ``None`` disables the check),
        ``ALLOWED_HOSTS`` (the ``host:port`` values a request's Host header may carry; ``None``
        disables the check), ``NATIVE_FILE_DIALOG`` (the window's open/save dialog, ``None``
        in a browser), ``TESTING``.
    :return: the app, with its workspace in ``app.extensions["kindred.workspace"]``.
    :raise recommender.errors.KindredError: when the data directory cannot be used.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config is not None:
        app.config.from_mapping(config)
    # The CSRF token lives as long as the app: one per launch, handed to pages in a meta tag.
    app.config.setdefault("CSRF_TOKEN", secrets.token_urlsafe(32))
    app.json.sort_keys = False

    given = app.config["WORKSPACE"]
    app.extensions[WORKSPACE_EXTENSION] = (
        given if given is not None else _open_workspace(app.config["DATA_DIR"])
    )

    security.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    for blueprint in (
        welcome.blueprint,
        catalogue.blueprint,
        recommendations.blueprint,
        ratings.blueprint,
        import_page.blueprint,
        items.blueprint,
        people.blueprint,
        communities.blueprint,
        want_list.blueprint,
        evaluate.blueprint,
        settings.blueprint,
        about.blueprint,
    ):
        app.register_blueprint(blueprint)
    return app


def _open_workspace(data_dir: str | Path | None) -> Workspace:
    """Open the person's workspace in ``data_dir`` (the default data directory when None).

    The app then owns it: whoever created the app closes it with
    ``app.extensions["kindred.workspace"].close()`` when the server stops.
    """
    return Workspace(resolve_data_dir(data_dir))
