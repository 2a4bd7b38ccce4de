"""About: the version, where the person's data lives, where the data came from, and the
third-party software Kindred is built on, with their licences."""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint
from flask import jsonify
from flask import render_template

import recommender
from recommender.datadir import default_log_dir
from ui.context import workspace

blueprint = Blueprint("about", __name__)

# (distribution name, what Kindred uses it for, licence) — the licences are facts about each
# project's release; the packaged app ships their full texts.
THIRD_PARTY = (
    ("Flask", "the local web app", "BSD-3-Clause"),
    ("Werkzeug", "HTTP for Flask", "BSD-3-Clause"),
    ("Jinja2", "page templates", "BSD-3-Clause"),
    ("waitress", "the local server", "ZPL-2.1"),
    ("numpy", "numbers", "BSD-3-Clause"),
    ("pandas", "rating tables", "BSD-3-Clause"),
    ("scipy", "sparse matrices", "BSD-3-Clause"),
    ("scikit-learn", "similarities and evaluation", "BSD-3-Clause"),
    ("platformdirs", "where data lives", "MIT"),
    ("charset-normalizer", "reading files in any encoding", "MIT"),
    ("pywebview", "the window", "BSD-3-Clause"),
    ("QtPy", "the window's Qt binding", "MIT"),
    ("PySide6", "Qt for Python (the window)", "LGPL-3.0"),
)
# Browser libraries vendored under ui/static/vendor (see its README.md): name → (use, licence,
# version).
VENDORED = {"Chart.js": ("the evaluation charts", "MIT", "4.6.1")}


def _installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed here."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _about() -> dict:
    status = workspace().status()
    return {
        "version": recommender.__version__,
        "data_dir": str(workspace().data_dir),
        "log_dir": str(default_log_dir()),
        "community": status["community"],
        "third_party": [
            {
                "name": name,
                "purpose": purpose,
                "licence": licence,
                "version": _installed_version(name),
            }
            for name, purpose, licence in THIRD_PARTY
        ]
        + [
            {"name": name, "purpose": purpose, "licence": licence, "version": version}
            for name, (purpose, licence, version) in VENDORED.items()
        ],
    }


@blueprint.get("/about")
def page():
    """Version, data locations, data sources and licences."""
    return render_template("about.html", about=_about(), status=workspace().status())


@blueprint.get("/api/about")
def about_json():
    """JSON twin of the about page."""
    return jsonify(_about())
