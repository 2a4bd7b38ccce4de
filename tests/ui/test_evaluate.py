"""The Evaluate page and its API: start, poll, cancel, results, and applying the best setting."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from recommender import evaluation_jobs
from recommender.workspace import Workspace


@pytest.fixture
def small_grid(monkeypatch) -> None:
    monkeypatch.setattr(evaluation_jobs, "K_VALUES", (5, 20))
    monkeypatch.setattr(evaluation_jobs, "TUNED_SIMILARITIES", ("pearson_baseline", "msd"))


def test_before_any_run_the_page_offers_to_start(client: FlaskClient) -> None:
    html = client.get("/evaluate").get_data(as_text=True)
    assert "Run the evaluation" in html
    assert "/static/vendor/chart.umd.min.js" in html
    assert "data-results hidden" in html
    assert client.get("/api/evaluate").json["state"] == "idle"


def test_a_run_reports_accuracy_top_n_plots_and_the_best_setting(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, small_grid
) -> None:
    started = client.post("/api/evaluate", headers=csrf)
    assert started.status_code == 202
    assert started.json["state"] == "running"
    assert started.json["current"]["community"] == workspace.community.name
    assert workspace.wait_for_evaluation(60)
    answer = client.get("/api/evaluate").json
    assert answer["state"] == "finished", answer["message"]
    results = answer["results"]
    assert 0.5 < results["rmse"] < 1.2 and 0.3 < results["mae"] < results["rmse"]
    assert 0 < results["precision"] < 1 and 0 < results["ndcg"] < 1
    assert sum(bar["count"] for bar in results["distribution"]) == workspace.community.n_ratings
    assert results["by_k"]["ks"] == [5, 20, 40]  # the grid plus the k in use
    assert results["best"]["similarity"] in ("pearson_baseline", "msd")
    assert answer["plan"]["note"].startswith("Measured on all")

    html = client.get("/evaluate").get_data(as_text=True)
    assert f'data-metric="rmse">{results["rmse"]:.3f}<' in html
    assert f'data-metric="precision">{100 * results["precision"]:.1f}%<' in html
    assert answer["plan"]["note"].replace(",", "&#44;") in html or answer["plan"]["note"] in html

    best = results["best"]
    applied = client.post(
        "/api/settings", json={"k": best["k"], "similarity": best["similarity"]}, headers=csrf
    )
    assert applied.status_code == 200
    assert (workspace.model().k, workspace.model().similarity) == (best["k"], best["similarity"])


def test_a_second_start_while_running_is_refused_and_cancel_stops_it(
    client: FlaskClient, csrf: dict[str, str], workspace: Workspace, monkeypatch
) -> None:
    release = threading.Event()
    original = evaluation_jobs.rating_prediction

    def held(*args, **kwargs):
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluation_jobs, "rating_prediction", held)
    assert client.post("/api/evaluate", headers=csrf).status_code == 202
    again = client.post("/api/evaluate", headers=csrf)
    assert again.status_code == 400
    assert again.json == {"error": "An evaluation is already running; wait for it or cancel it."}
    assert client.delete("/api/evaluate", headers=csrf).status_code == 200
    release.set()
    assert workspace.wait_for_evaluation(30)
    answer = client.get("/api/evaluate").json
    assert answer["state"] == "cancelled"
    assert answer["message"] == "The evaluation was cancelled."
    html = client.get("/evaluate").get_data(as_text=True)
    assert "The evaluation was cancelled." in html


def test_cancel_before_any_start_is_a_clear_error(client: FlaskClient, csrf) -> None:
    response = client.delete("/api/evaluate", headers=csrf)
    assert response.status_code == 400
    assert response.json == {"error": "No evaluation has been started."}


def test_starting_needs_the_csrf_token(client: FlaskClient) -> None:
    assert client.post("/api/evaluate").status_code == 403
    assert client.get("/api/evaluate").json["state"] == "idle"


def test_a_failure_is_one_sentence_in_the_page(
    client: FlaskClient, csrf, workspace: Workspace, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(evaluation_jobs, "rating_prediction", broken)
    client.post("/api/evaluate", headers=csrf)
    assert workspace.wait_for_evaluation(30)
    html = client.get("/evaluate").get_data(as_text=True)
    assert "The evaluation failed inside Kindred; see its log." in html
    assert "internal detail" not in html and "Traceback" not in html


def test_results_of_another_community_are_labelled(
    hostile_app, hostile_workspace: Workspace, small_grid
) -> None:
    client = hostile_app.test_client()
    csrf = {"X-CSRF-Token": hostile_app.config["CSRF_TOKEN"]}
    client.post("/api/evaluate", headers=csrf)
    assert hostile_workspace.wait_for_evaluation(60)
    hostile_workspace.use_community("demo", remember=False)
    answer = client.get("/api/evaluate").json
    assert answer["community"] == "Hostile <i>test</i> community" != answer["current"]["community"]
    html = client.get("/evaluate").get_data(as_text=True)
    assert "run the evaluation again for the current community" in html
    assert "data-other-community hidden" not in html
    assert "Hostile &lt;i&gt;test&lt;/i&gt; community" in html


def test_the_chart_library_is_vendored_with_its_licence_and_credited(client: FlaskClient) -> None:
    vendor = Path(__file__).resolve().parents[2] / "ui" / "static" / "vendor"
    script = (vendor / "chart.umd.min.js").read_text()
    version = re.search(r"Chart\.js v(\d+\.\d+\.\d+)", script[:200]).group(1)
    assert "MIT License" in (vendor / "chart.js-LICENSE.md").read_text()
    assert f"| {version} |" in (vendor / "README.md").read_text()
    credited = {row["name"]: row for row in client.get("/api/about").json["third_party"]}
    assert credited["Chart.js"]["version"] == version
    assert credited["Chart.js"]["licence"] == "MIT"
    served = client.get("/static/vendor/chart.umd.min.js")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "text/javascript; charset=utf-8"
    served.close()


def test_the_app_starts_without_loading_the_evaluation_code() -> None:
    """scikit-learn (needed by evaluation only) costs about a second to import: the app and its
    Workspace must not import it until an evaluation starts."""
    code = (
        "import sys, ui, recommender.workspace; "
        "print(sorted(m for m in ('sklearn', 'recommender.evaluation') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
