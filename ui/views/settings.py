"""Settings: the community, the model options (with plain-language help), where the data
lives, and clearing the person's data after a confirmation.

* ``GET /api/settings``: ``{"community", "communities", "model", "display_scale",
  "data_dir"}``
* ``POST /api/settings``: body ``{option: value, ...}`` changes those model options (the
  model is refitted on its next use); ``DELETE /api/settings`` restores the defaults.
* ``POST /api/display-scale``: body ``{"preference": "auto" | "community" | "0.5-5" | "1-5" |
  "1-10"}`` chooses the scale ratings are shown and given in.
* ``POST /api/clear-data``: body ``{"confirm": true, "include_communities": false}``.
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from ui.context import BadRequestArgument
from ui.context import json_body
from ui.context import workspace

blueprint = Blueprint("settings", __name__)


def _settings() -> dict:
    return {
        "community": workspace().status()["community"],
        "communities": [
            {"name": c["name"], "is_demo": c["is_demo"], "current": c["current"]}
            for c in workspace().communities()
            if c.get("available", True)
        ],
        "model": workspace().model_options(),
        "display_scale": workspace().display_scale_setting(),
        "data_dir": str(workspace().data_dir),
    }


@blueprint.get("/settings")
def page():
    """Community, model options, data directory and clearing data."""
    return render_template("settings.html", settings=_settings(), status=workspace().status())


@blueprint.get("/api/settings")
def settings_json():
    """JSON twin of the settings page."""
    return jsonify(_settings())


@blueprint.post("/api/settings")
def change_model_options():
    """Change the model options named in the body; answers the settings."""
    workspace().set_model_options(json_body())
    return jsonify(_settings())


@blueprint.delete("/api/settings")
def reset_model_options():
    """Restore the model's evaluated defaults; answers the settings."""
    workspace().reset_model_options()
    return jsonify(_settings())


@blueprint.post("/api/display-scale")
def change_display_scale():
    """Show ratings in the scale ``{"preference": ...}`` names; answers the settings."""
    workspace().set_display_scale(json_body().get("preference"))
    return jsonify(_settings())


@blueprint.post("/api/clear-data")
def clear_data():
    """Forget the person's ratings, hidden, seen and want-list in the current community
    (and, when asked, delete the imported communities). Needs ``"confirm": true``."""
    body = json_body()
    if body.get("confirm") is not True:
        raise BadRequestArgument("Clearing your data needs 'confirm': true.")
    include_communities = body.get("include_communities", False)
    if not isinstance(include_communities, bool):
        raise BadRequestArgument("'include_communities' must be true or false.")
    return jsonify(workspace().clear_my_data(include_communities=include_communities))
