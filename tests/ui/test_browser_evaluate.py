"""Evaluate, Settings and the want-list in a real browser (Chromium via Playwright).

Runs the evaluation of the demo community and checks that its charts are drawn by the vendored
Chart.js under the app's strict Content-Security-Policy (a blocked style or script would be a
console error), then applies the suggested setting; saves ``test-artifacts/ui/evaluate.png``.
"""

from __future__ import annotations

import re

import pytest
from test_browser import LiveServer
from test_browser import assert_clean
from test_browser import browser  # noqa: F401 (a fixture)
from test_browser import close_when_quiet
from test_browser import expect
from test_browser import live_server  # noqa: F401 (a fixture)
from test_browser import open_page
from test_browser import screenshot
from test_browser import tab  # noqa: F401 (a fixture)

from recommender import evaluation_jobs
from recommender.workspace import Workspace

pytestmark = pytest.mark.browser

EVALUATION_TIMEOUT_MS = 60_000

# How many pixels of a canvas are not transparent: a drawn chart has many.
PAINTED_PIXELS = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
  return painted;
}"""


def test_evaluate_the_demo_community_and_apply_the_best_setting(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    browser,  # noqa: F811
) -> None:
    context, page, recorder = open_page(browser, 1280, 1180)
    try:
        page.goto(live_server.url(f"/evaluate?token={live_server.token}"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Evaluate")
        page.get_by_role("button", name="Run the evaluation").click()
        state = page.locator("[data-evaluation]")
        expect(state).to_have_attribute("data-state", "running")
        expect(state).to_have_attribute("data-state", "finished", timeout=EVALUATION_TIMEOUT_MS)

        results = workspace.evaluation_status()["results"]
        expect(page.locator('[data-metric="rmse"]')).to_have_text(f"{results['rmse']:.3f}")
        expect(page.locator('[data-metric="ndcg"]')).to_have_text(f"{results['ndcg']:.3f}")
        expect(page.locator("[data-plan-note]")).to_contain_text("Measured on all")
        for name in ("by-k", "distribution"):
            canvas = page.locator(f'canvas[data-chart="{name}"]')
            assert canvas.evaluate(PAINTED_PIXELS) > 1000, f"the {name} chart is not drawn"
        similarities = len(results["by_k"]["series"])
        expect(page.locator("[data-tuning-table] tbody tr")).to_have_count(similarities)
        page.locator("[data-results]").scroll_into_view_if_needed()
        screenshot(page, "evaluate")

        best = results["best"]
        in_use = (best["k"], best["similarity"]) == (40, "pearson_baseline")
        apply = page.get_by_role("button", name="Use this setting")
        if in_use:
            expect(apply).to_be_hidden()
        else:
            apply.click()
            toast = page.locator("[data-toast]")
            expect(toast).to_contain_text(f"Kindred now uses k = {best['k']}")
            assert workspace.model_options()["changed"].get("k", 40) == best["k"]
            expect(page.locator("[data-best-text]")).to_contain_text("now uses the best setting")
            expect(apply).to_be_hidden()
        assert_clean(recorder)
    finally:
        close_when_quiet(context)


def test_cancel_a_running_evaluation(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
    monkeypatch,
) -> None:
    monkeypatch.setattr(evaluation_jobs, "K_VALUES", tuple(range(5, 400, 5)))
    page, recorder = tab
    page.goto(live_server.url(f"/evaluate?token={live_server.token}"))
    page.get_by_role("button", name="Run the evaluation").click()
    expect(page.locator("[data-stage]")).to_contain_text("Trying", timeout=EVALUATION_TIMEOUT_MS)
    page.get_by_role("button", name="Cancel").click()
    state = page.locator("[data-evaluation]")
    expect(state).to_have_attribute("data-state", "cancelled", timeout=EVALUATION_TIMEOUT_MS)
    expect(page.locator("[data-evaluation-error]")).to_have_text("The evaluation was cancelled.")
    expect(page.get_by_role("button", name="Run the evaluation")).to_be_enabled()
    assert workspace.wait_for_evaluation(30)
    assert_clean(recorder)


def test_settings_change_an_option_and_clear_data_after_confirming(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
) -> None:
    page, recorder = tab
    for item in workspace.catalogue(per_page=3)["items"]:
        workspace.rate(item["item"], 4.0)
    page.goto(live_server.url(f"/settings?token={live_server.token}"))
    page.get_by_label("Kindred people per title").fill("15")
    page.get_by_label("How likeness is measured").select_option("msd")
    page.get_by_role("button", name="Save model options").click()
    expect(page.locator("[data-model-result]")).to_have_text(
        "Saved: 2 options differ from the defaults."
    )
    assert workspace.model_options()["changed"] == {"k": 15, "similarity": "msd"}

    page.get_by_label("Kindred people per title").fill("0")
    page.get_by_role("button", name="Save model options").click()
    expect(page.locator("[data-model-error]")).to_have_text(
        "Kindred people per title must be at least 1."
    )
    assert workspace.model().k == 15

    page.get_by_role("button", name="Clear my data…").click()
    page.get_by_role("button", name="Keep my data").click()
    assert len(workspace.my_ratings_map()) == 3
    page.get_by_role("button", name="Clear my data…").click()
    page.get_by_role("button", name="Yes, clear my data").click()
    expect(page.locator("[data-clear-result]")).to_contain_text("Cleared 3 ratings")
    expect(page.locator("[data-my-rating-count]")).to_have_text("0 rated")
    assert workspace.my_ratings_map() == {}
    screenshot(page, "settings")
    # The browser logs the refused save (400) itself; nothing else may fail.
    assert [error for error in recorder.console_errors if "400" not in error] == []
    recorder.console_errors.clear()
    assert_clean(recorder)


def test_want_to_watch_from_a_card_shows_on_my_ratings(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
) -> None:
    page, recorder = tab
    for item in workspace.catalogue(genre="Sci-Fi", per_page=5)["items"]:
        workspace.rate(item["item"], 4.5)
    page.goto(live_server.url(f"/recommendations?token={live_server.token}"))
    card = page.locator("[data-recommendations] > li").first
    item = card.get_attribute("data-item")
    toggle = card.get_by_role("button", name=re.compile("^Want to watch"))
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-toast]")).to_contain_text("is on your want-list")
    assert workspace.want_list() == [item]

    page.goto(live_server.url("/ratings"))
    rows = page.locator("[data-want-list] > li")
    expect(rows).to_have_count(1)
    expect(page.locator("[data-want-summary]")).to_contain_text("1 title on your want-list")
    rows.first.get_by_role("button", name=re.compile("^Want to watch")).click()
    expect(rows).to_have_count(0)
    expect(page.locator("[data-want-summary]")).to_contain_text("0 titles on your want-list")
    page.locator("[data-toast]").get_by_role("button", name="Undo").click()
    expect(rows).to_have_count(1)
    assert workspace.want_list() == [item]
    assert_clean(recorder)
