"""Evaluate: measure how well Kindred predicts the current community, in the background.

``POST /api/evaluate`` starts an evaluation (one at a time), ``GET`` polls its progress and
results, ``DELETE`` cancels it. The work runs in :mod:`recommender.evaluation_jobs`; applying
the suggested setting goes through the settings API (``POST /api/settings``).
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template

from ui.context import workspace

blueprint = Blueprint("evaluate", __name__)


def _evaluation() -> dict:
    """The running or last evaluation, plus the community and model options now in use (so
    the page can tell when results were measured on another community or other options)."""
    answer = workspace().evaluation_status()
    answer["current"] = {
        "community": workspace().status()["community"]["name"],
        "options": {
            option["name"]: option["value"] for option in workspace().model_options()["options"]
        },
    }
    return answer


@blueprint.get("/evaluate")
def page():
    """Start an evaluation, watch its progress, read the measures and plots, apply a tuning."""
    return render_template("evaluate.html", evaluation=_evaluation(), status=workspace().status())


@blueprint.get("/api/evaluate")
def evaluation_json():
    """JSON twin: ``{"state": "idle" | "running" | "finished" | "cancelled" | "failed", ...}``."""
    return jsonify(_evaluation())


@blueprint.post("/api/evaluate")
def start():
    """Start evaluating the current community with the person's model options."""
    workspace().start_evaluation()
    return jsonify(_evaluation()), 202


@blueprint.delete("/api/evaluate")
def cancel():
    """Cancel the running evaluation after its current step."""
    workspace().cancel_evaluation()
    return jsonify(_evaluation())
