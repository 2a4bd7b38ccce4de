"""The "Choose a file…" buttons in a real browser (Chromium via Playwright), as inside the window.

The window's native open dialog is replaced by a plain function in the live app's config (a
test double for the OS dialog) answering a path to a small generated file, or None as a person
who cancels; the page's script must send the CSRF header, preview the chosen file (staged in
place) and, once the person clicks Import, show the same report as an upload.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import LiveServer
from test_browser import assert_clean
from test_browser import browser  # noqa: F401 (a fixture)
from test_browser import expect
from test_browser import live_server  # noqa: F401 (a fixture)
from test_browser import tab  # noqa: F401 (a fixture)

from recommender.workspace import Workspace

pytestmark = pytest.mark.browser


def answering(path: Path | None):
    """A dialog that always answers ``path`` (None: the person closes it)."""

    def choose_file(purpose: str, file_types=(), suggested_name: str = "") -> str | None:
        return None if path is None else str(path)

    return choose_file


def test_a_personal_file_chosen_in_the_dialog_shows_the_report(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, recorder = tab
    titles = workspace.catalogue(per_page=3)["items"]
    lines = ["Title,Year,Rating", *[f'"{t["title"]}",{t["year"]},4' for t in titles]]
    export = tmp_path / "big export.csv"
    export.write_text("\n".join([*lines, "Broken Row,2001,xyz"]) + "\n")

    live_server.app.config["NATIVE_FILE_DIALOG"] = answering(None)
    page.goto(live_server.url(f"/import?token={live_server.token}"))
    page.get_by_role("button", name="Choose a file…").click()
    expect(page.locator("[data-import-state]")).to_have_text("No file chosen.")
    expect(page.locator("[data-import-result]")).to_be_hidden()

    live_server.app.config["NATIVE_FILE_DIALOG"] = answering(export)
    page.get_by_role("button", name="Choose a file…").click()
    expect(page.locator("[data-preview-facts]")).to_contain_text(str(export))  # read in place
    assert workspace.my_ratings_map() == {}  # nothing imported before the person says so
    page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator("[data-import-result]")
    expect(result).to_be_visible()
    expect(result.locator("[data-result-summary]")).to_contain_text(f"{export}: ")
    expect(result.locator("[data-result-summary]")).to_contain_text("3 new ratings")
    expect(page.locator("[data-my-rating-count]")).to_have_text("3 rated")
    expect(result.locator("[data-result-skipped] tbody tr")).to_have_text(
        ["5rating 'xyz' is not a number"]
    )
    assert set(workspace.my_ratings_map()) == {t["item"] for t in titles}
    assert_clean(recorder)


def test_a_community_file_chosen_in_the_dialog_is_listed(
    live_server: LiveServer,  # noqa: F811
    tab,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, recorder = tab
    table = tmp_path / "club.csv"
    rows = [f"u{user},i{item},{1 + (user * item) % 5}" for user in range(5) for item in range(6)]
    table.write_text("user,item,rating\n" + "\n".join(rows) + "\n")
    live_server.app.config["NATIVE_FILE_DIALOG"] = answering(table)

    page.goto(live_server.url(f"/communities?token={live_server.token}"))
    form = page.locator("[data-community-form]")
    form.get_by_label("Name (optional)").fill("Film club")
    form.get_by_role("button", name="Choose a file…").click()
    expect(form.locator("[data-preview-facts]")).to_contain_text(str(table))
    form.get_by_role("button", name="Import", exact=True).click()
    club = page.locator('li[data-name="Film club"]')
    expect(club).to_contain_text("5 people · 6 titles · 30 ratings")
    assert_clean(recorder)
