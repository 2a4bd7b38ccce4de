"""The import flow in a real browser: choose → preview → correct roles → import with progress →
summary → download the skipped rows; and a big community import cancelled midway."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pytest
from test_browser import LiveServer
from test_browser import assert_clean
from test_browser import browser  # noqa: F401 (a fixture)
from test_browser import expect
from test_browser import live_server  # noqa: F401 (a fixture)
from test_browser import open_page
from test_browser import screenshot
from test_browser import tab  # noqa: F401 (a fixture)

from recommender.workspace import Workspace

pytestmark = pytest.mark.browser


def write_big_community(path: Path, n_rows: int, seed: int = 7) -> None:
    """``user,item,rating`` with ``n_rows`` random rows, written as fixed-width digits by numpy
    (a few million rows in well under a second, instead of a Python loop per row)."""
    rng = np.random.default_rng(seed)
    fields = [(rng.integers(0, 200_000, n_rows), 6), (rng.integers(0, 80_000, n_rows), 5)]
    fields.append((rng.integers(1, 6, n_rows), 1))
    width = sum(digits for _, digits in fields) + len(fields)  # digits, two commas, a newline
    text = np.empty((n_rows, width), dtype=np.uint8)
    column = 0
    for position, (values, digits) in enumerate(fields):
        for place in range(digits):
            text[:, column] = ord("0") + (values // 10 ** (digits - 1 - place)) % 10
            column += 1
        text[:, column] = ord(",") if position < len(fields) - 1 else ord("\n")
        column += 1
    with path.open("wb") as sink:
        sink.write(b"user,item,rating\n")
        sink.write(text.tobytes())


def test_preview_correct_import_and_download_the_skipped_rows(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, recorder = tab
    titles = workspace.catalogue(per_page=4)["items"]
    lines = ["Title,Year,Rating", *[f'"{t["title"]}",{t["year"]},4' for t in titles]]
    lines += ["Broken Row,2001,xyz", "=SUM(A1),2002,", "Fine Film,2003,4 stars"]
    export = tmp_path / "my export.csv"
    export.write_text("\n".join(lines) + "\n")

    page.goto(live_server.url(f"/import?token={live_server.token}"))
    page.locator("[data-file-input]").set_input_files(str(export))
    facts = page.locator("[data-preview-facts]")
    expect(facts).to_contain_text("Formatgeneric")
    expect(facts).to_contain_text("Encodingutf-8")
    expect(facts).to_contain_text("Delimitercomma")
    expect(facts).to_contain_text("Header rowyes")
    expect(
        page.get_by_role("group", name="This file holds").get_by_label("My own ratings")
    ).to_be_checked()
    title_role = page.get_by_label("Title role")
    rating_role = page.get_by_label("Rating role")
    expect(title_role).to_have_value("title")
    expect(rating_role).to_have_value("rating")
    expect(page.locator("[data-preview] tbody tr")).to_have_count(7)
    screenshot(page, "09-import-preview")

    # One role per column: giving the Title column the rating role frees the Rating column.
    title_role.select_option("rating")
    expect(rating_role).to_have_value("")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("[data-roles-error]")).to_have_text(
        "Choose the column with the item id or the title."
    )
    title_role.select_option("title")
    expect(page.locator("[data-roles-error]")).to_be_hidden()
    # Years taken for ratings: the import fails with one sentence and the file waits again.
    year_role = page.get_by_label("Year role")
    year_role.select_option("rating")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("[data-import-error]")).to_have_text(
        "my export.csv: has no ratings on a scale Kindred knows."
    )
    expect(page.locator("[data-preview]")).to_be_visible()
    rating_role.select_option("rating")
    expect(year_role).to_have_value("")
    year_role.select_option("year")
    assert workspace.my_ratings_map() == {}  # nothing imported before the person says so

    page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator("[data-import-result]")
    expect(result.get_by_role("heading", name="Imported")).to_be_focused()
    expect(result.locator("[data-result-summary]")).to_contain_text("4 new ratings")
    expect(page.locator("[data-my-rating-count]")).to_have_text("4 rated")
    skipped = result.get_by_role("table", name=re.compile("^Skipped rows"))
    expect(skipped.locator("tbody tr")).to_have_text(
        [
            "6rating 'xyz' is not a number",
            "7missing rating",
            "8rating '4 stars' is not a number",
        ]
    )
    screenshot(page, "10-import-summary")
    with page.expect_download() as download_info:
        result.get_by_role("link", name="Download the skipped rows (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "my_export-skipped-rows.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert rows == [
        ["line", "field", "reason", "value", "raw"],
        ["6", "rating", "rating 'xyz' is not a number", "xyz", "Broken Row,2001,xyz"],
        ["7", "rating", "missing rating", "", "'=SUM(A1),2002,"],
        ["8", "rating", "rating '4 stars' is not a number", "4 stars", "Fine Film,2003,4 stars"],
    ]
    assert set(workspace.my_ratings_map()) == {t["item"] for t in titles}
    assert_clean(recorder)


def test_a_big_community_import_shows_progress_and_cancels_cleanly(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    big = tmp_path / "big club.csv"
    write_big_community(big, 4_000_000)
    before = (workspace.communities(), workspace.store.import_log())
    context, page, recorder = open_page(browser, width=800, height=600, color_scheme="dark")
    try:
        page.goto(live_server.url(f"/communities?token={live_server.token}"))
        form = page.locator("[data-community-form]")
        form.get_by_label("File").set_input_files(str(big))
        expect(form.locator("[data-preview-facts]")).to_contain_text("big club.csv")
        expect(form.get_by_label("A community")).to_be_checked()
        expect(form.get_by_label("user role")).to_have_value("user")
        form.get_by_label("Name (optional)").fill("Too big")
        form.get_by_role("button", name="Import", exact=True).click()
        progress_line = form.locator("[data-progress-text]")
        expect(progress_line).to_contain_text("rows/s")
        expect(form.locator("progress[data-import-progress]")).to_be_visible()
        screenshot(page, "11-import-progress-dark-800")
        page.reload()  # a page opened during an import follows it
        expect(progress_line).to_contain_text("rows/s")
        form.get_by_role("button", name="Cancel").click()
        expect(form.get_by_role("alert")).to_have_text(
            "The import was cancelled; nothing was changed.", timeout=30_000
        )
        expect(form.get_by_role("button", name="Cancel")).to_be_hidden()
        expect(form.locator("[data-preview]")).to_be_hidden()
        assert workspace.wait_for_import(30)
        assert (workspace.communities(), workspace.store.import_log()) == before
        leftovers = workspace.data_dir / "communities"
        assert not leftovers.exists() or list(leftovers.iterdir()) == []
        assert big.exists()
        assert_clean(recorder)
    finally:
        context.close()


def test_a_community_import_lists_the_first_hundred_skipped_rows(
    live_server: LiveServer,  # noqa: F811
    workspace: Workspace,
    tab,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, recorder = tab
    table = tmp_path / "club.csv"
    rows = [f"u{n % 9},i{n % 40},{'x' if n % 3 == 0 else 1 + n % 5}" for n in range(450)]
    table.write_text("user,item,rating\n" + "\n".join(rows) + "\n")
    page.goto(live_server.url(f"/communities?token={live_server.token}"))
    form = page.locator("[data-community-form]")
    form.get_by_label("File").set_input_files(str(table))
    expect(form.locator("[data-preview-facts]")).to_contain_text("club.csv")
    form.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator('li[data-name="club"]')).to_be_visible()  # listed after the reload
    result = page.locator("[data-import-result]")
    expect(result.get_by_role("heading", name="Imported")).to_be_focused()
    skipped = result.get_by_role("table", name="Skipped rows (150)")
    expect(skipped.locator("tbody tr")).to_have_count(100)
    expect(result.locator("[data-skipped-note]")).to_have_text(
        "The table shows the first 100 of 150."
    )
    expect(result.get_by_role("link", name="Download the skipped rows (CSV)")).to_be_visible()
    expect(result.locator("[data-no-titles]")).to_contain_text("No titles were found")
    result.get_by_role("button", name="Use “club” now").click()
    expect(page).to_have_url(live_server.url("/recommendations"))
    expect(page.locator(".app-header .community-name")).to_have_text("club")
    assert_clean(recorder)


def test_a_file_over_the_upload_limit_is_refused_before_sending(
    live_server: LiveServer,  # noqa: F811
    tab,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, recorder = tab
    live_server.app.config["IMPORT_UPLOAD_MAX_BYTES"] = 2 * 1024**2
    big = tmp_path / "huge.csv"
    big.write_bytes(b"user,item,rating\n" + b"1,2,3\n" * 600_000)
    page.goto(live_server.url(f"/import?token={live_server.token}"))
    page.locator("[data-file-input]").set_input_files(str(big))
    expect(page.get_by_role("alert")).to_have_text(
        "huge.csv: The file is larger than the 2 MB an upload may be; in the Kindred window the"
        " system's file dialog reads a file of any size, or import it with python -m recommender."
    )
    expect(page.locator("[data-preview]")).to_be_hidden()
    assert not any("/api/import/staged" in url for url in recorder.requests)
    assert_clean(recorder)
