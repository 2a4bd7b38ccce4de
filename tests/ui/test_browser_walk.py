"""The whole first visit in one browser session, as issue 6's "done when" walks it, and rating
in the person's own scale.

The walk: first run → rate titles → recommendations → expand why → rate in place and see the
list change → evaluate and see the plots; each step saves a screenshot under
``test-artifacts/ui/walk-*.png``. (Importing a personal file with bad rows and reading its report
is walked by ``test_browser.py::test_import_a_file_with_bad_rows_and_see_the_report``.)
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
from test_browser import rate_in_row
from test_browser import screenshot
from test_browser import tab  # noqa: F401 (a fixture)
from test_browser_evaluate import EVALUATION_TIMEOUT_MS
from test_browser_evaluate import PAINTED_PIXELS

from recommender.workspace import Workspace

pytestmark = pytest.mark.browser


def test_first_run_to_evaluation_in_one_walk(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    browser,  # noqa: F811
) -> None:
    context, page, recorder = open_page(browser, 1280, 800)
    try:
        page.goto(live_server.url(f"/?token={live_server.token}"))
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("people who like what you like")
        screenshot(page, "walk-1-first-run")

        page.get_by_role("link", name="Rate a few titles").click()
        page.get_by_label("Genre").select_option("Sci-Fi")
        page.get_by_role("button", name="Show").click()
        rows = page.locator(".item-row")
        for index in range(5):
            rate_in_row(page, rows.nth(index), "4½ stars" if index % 2 else "5 stars")
        expect(page.locator("[data-ready]")).to_be_visible()
        screenshot(page, "walk-2-rated")

        page.get_by_role("link", name="See your recommendations").click()
        cards = page.locator("[data-recommendations] > li")
        expect(cards).to_have_count(20)
        first = cards.first
        expect(first.locator(".predicted")).to_have_text(re.compile(r"^\d\.\d★$"))
        screenshot(page, "walk-3-recommendations")

        why = first.locator("details.why")
        why.locator("summary").click()
        expect(why.locator("caption")).to_contain_text("Similarity runs from −1")
        expect(why.locator("tbody tr").first).to_be_visible()
        screenshot(page, "walk-4-why")

        before = [card.get_attribute("data-item") for card in cards.all()]
        with page.expect_response(lambda r: "/api/recommendations" in r.url):
            first.locator('label[title="1 star"]').click()
        expect(cards.first).not_to_have_attribute("data-item", before[0] or "")
        after = [card.get_attribute("data-item") for card in cards.all()]
        assert before[0] not in after and after[:5] == before[1:6], "the rest moved up"
        assert workspace.my_ratings_map()[before[0]] == 1.0
        screenshot(page, "walk-5-rated-in-place")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Evaluate").click()
        page.get_by_role("button", name="Run the evaluation").click()
        state = page.locator("[data-evaluation]")
        expect(state).to_have_attribute("data-state", "finished", timeout=EVALUATION_TIMEOUT_MS)
        for name in ("by-k", "distribution"):
            canvas = page.locator(f'canvas[data-chart="{name}"]')
            assert canvas.evaluate(PAINTED_PIXELS) > 1000, f"the {name} chart is not drawn"
        page.locator("[data-results]").scroll_into_view_if_needed()
        screenshot(page, "walk-6-evaluated")
        assert_clean(recorder)
    finally:
        close_when_quiet(context)


def test_rating_on_a_1_to_10_display_stores_the_community_rating_and_the_original(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
) -> None:
    page, recorder = tab
    page.goto(live_server.url(f"/settings?token={live_server.token}"))
    form = page.locator("[data-scale-form]")
    form.get_by_label("Show ratings as").select_option("1-10")
    form.get_by_role("button", name="Save rating scale").click()
    expect(page.locator("[data-scale-result]")).to_have_text(
        "Saved: ratings are shown as 1 to 10 points, as IMDb."
    )
    assert workspace.display_scale().name == "1-10"

    page.goto(live_server.url("/catalogue?genre=Comedy"))
    rows = page.locator(".item-row")
    first = rows.first
    item = first.get_attribute("data-item")
    expect(first.locator("input[type=radio]")).to_have_count(10)
    rate_in_row(page, first, "8 out of 10")
    expect(page.locator("[data-toast]")).to_contain_text(", 8 out of 10.")
    expect(first.locator("[data-rating-value]")).to_have_text("8")
    [row] = workspace.store.rating_rows(workspace.community.name)
    assert (row["item"], row["rating"], row["rating_original"]) == (item, 4.0, 8.0)
    assert row["scale_original"] == (1.0, 10.0)

    # From the keyboard: one step right is one point more, 9 out of 10 is 4½ stars.
    first.locator('input[value="8.0"]').focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-toast]")).to_contain_text(", 9 out of 10.")
    assert workspace.my_ratings_map() == {item: 4.5}

    for index in range(1, 5):
        rate_in_row(page, rows.nth(index), "7 out of 10")
    page.goto(live_server.url("/recommendations"))
    card = page.locator("[data-recommendations] > li").first
    expect(card.locator(".predicted")).to_have_text(re.compile(r"^\d+\.\d/10$"))
    predicted = workspace.with_display(workspace.recommendations(n=1))["items"][0]
    expect(card.locator(".predicted")).to_have_text(
        f"{predicted['predicted_rating_display']:.1f}/10"
    )
    # Rated in place: the redrawn cards (built by the page script) still read out of 10.
    rated = card.get_attribute("data-item")
    with page.expect_response(lambda r: "/api/recommendations" in r.url):
        card.locator('label[title="3 out of 10"]').click()
    expect(card).not_to_have_attribute("data-item", rated or "")
    expect(card.locator(".predicted")).to_have_text(re.compile(r"^\d+\.\d/10$"))
    expect(card.locator(".why tbody td").last).to_have_text(re.compile(r"/10$"))
    expect(card.locator("input[type=radio]")).to_have_count(10)
    assert workspace.my_ratings_map()[rated] == 1.5
    page.goto(live_server.url("/ratings"))
    shown = page.locator(f'[data-ratings] > li[data-item="{item}"] [data-rating-value]')
    expect(shown).to_have_text("9")
    screenshot(page, "walk-ratings-out-of-10")

    page.goto(live_server.url("/recommendations"))
    page.locator("[data-recommendations] > li .title a").first.click()
    kindred = page.get_by_role("table").filter(has_text="Titles in common")
    expect(kindred.locator("caption")).to_contain_text("Similarity runs from −1")
    expect(kindred.locator("tbody tr").first).to_contain_text("/10")
    expect(page.locator("table.histogram tbody tr").first).to_contain_text("10.0/10")
    screenshot(page, "walk-title-page-out-of-10")
    assert_clean(recorder)


def test_recommendation_filters_sort_and_pages_from_the_keyboard(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
) -> None:
    page, recorder = tab
    for item in workspace.catalogue(genre="Comedy", per_page=6)["items"]:
        workspace.rate(item["item"], 4.5)
    page.goto(live_server.url(f"/recommendations?token={live_server.token}"))
    toolbar = page.get_by_role("form", name="Filter recommendations")
    toolbar.get_by_label("Genre").select_option("Drama")
    toolbar.get_by_label("Sort").select_option("predicted")
    toolbar.get_by_label("From year").fill("1990")
    toolbar.get_by_label("From year").press("Enter")  # submits, as a person would
    cards = page.locator("[data-recommendations] > li")
    expect(cards.first).to_be_visible()
    expect(page.locator("[data-total]")).to_contain_text("matching recommendation")
    predicted = [
        float(text.split("★")[0]) for text in cards.locator(".predicted").all_inner_texts()
    ]
    assert predicted == sorted(predicted, reverse=True)
    years = [int(text) for text in cards.locator(".year").all_inner_texts()]
    assert min(years) >= 1990
    assert all("Drama" in card.inner_text() for card in cards.all())
    pager = page.get_by_role("navigation", name="Pages")
    expect(pager).to_contain_text("Page 1 of")
    first_page = cards.first.get_attribute("data-item")
    pager.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of")
    expect(cards.first).not_to_have_attribute("data-item", first_page or "")
    assert "genre=Drama" in page.url and "sort=predicted" in page.url
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("[data-total]")).to_have_count(0)
    expect(cards).to_have_count(20)
    assert_clean(recorder)
