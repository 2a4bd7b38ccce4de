"""``--self-test``: prove an installed or packaged Kindred works, without a window or a network.

In a temporary data directory (never the person's own), it opens the embedded demo community,
rates five well-known demo titles, fits the model, asks the Workspace for recommendations and
then renders ``/recommendations`` through the real Flask app (security checks on, token sent
as a header) and checks that the recommended titles are on the page. This exercises the
bundled assets, templates, the engine and the web layer, which is what a broken build breaks.
"""

from __future__ import annotations

import html
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recommender.workspace import Workspace

log = logging.getLogger(__name__)

RATED_TITLES = 5
TITLES_CHECKED = 3
SELF_TEST_TOKEN = "self-test-token"
TEST_CLIENT_HOST = "localhost"


class SelfTestFailure(Exception):
    """A self-test check did not hold; the message says which."""


def run_self_test() -> int:
    """Run the check; print ``self-test ok`` (exit 0) or ``self-test failed: ...`` (exit 1)."""
    try:
        with tempfile.TemporaryDirectory(prefix="kindred-self-test-") as temporary:
            titles = check_recommendations_page(Path(temporary))
    except SelfTestFailure as failure:
        log.error("self-test failed: %s", failure, extra={"shown_to_person": True})
        print(f"self-test failed: {failure}", file=sys.stderr, flush=True)
        return 1
    except Exception as error:
        log.exception("self-test failed", extra={"shown_to_person": True})
        print(f"self-test failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return 1
    log.info("self-test ok; recommended %s", titles)
    print("self-test ok", flush=True)
    return 0


def check_recommendations_page(data_directory: Path) -> list[str]:
    """Rate demo titles, render the recommendations page, return the titles found on it."""
    from recommender.workspace import Workspace

    with Workspace(data_directory) as workspace:
        titles = recommended_titles_after_rating(workspace)
        check_page_shows(workspace, data_directory, titles)
    return titles


def recommended_titles_after_rating(workspace: Workspace) -> list[str]:
    """Rate the most-rated demo titles at the top of the scale; return the first titles
    the Workspace then recommends."""
    if not workspace.community.is_demo:
        raise SelfTestFailure("the workspace did not open the demo community")
    by_count = workspace.statistics.sort_values("count", ascending=False)
    most_rated = by_count.index[:RATED_TITLES]
    if len(most_rated) < RATED_TITLES:
        raise SelfTestFailure(f"the demo catalogue has fewer than {RATED_TITLES} titles")
    for item in most_rated:
        workspace.rate(str(item), workspace.community.scale[1])
    answer = workspace.recommendations(n=10)
    titles = [str(entry["title"]) for entry in answer["items"]][:TITLES_CHECKED]
    if len(titles) < TITLES_CHECKED:
        raise SelfTestFailure(f"only {len(titles)} recommendation(s) for five rated demo titles")
    return titles


def check_page_shows(workspace: Workspace, data_directory: Path, titles: list[str]) -> None:
    """Render ``/recommendations`` through the real app (token required) and find ``titles``."""
    from ui import create_app

    app = create_app(
        {
            "DATA_DIR": str(data_directory),
            "WORKSPACE": workspace,
            "SECRET_TOKEN": SELF_TEST_TOKEN,
            "ALLOWED_HOSTS": [TEST_CLIENT_HOST],
        }
    )
    client = app.test_client()
    response = client.get("/recommendations", headers={"X-Kindred-Token": SELF_TEST_TOKEN})
    if response.status_code != 200:
        raise SelfTestFailure(f"GET /recommendations answered {response.status_code}")
    page = response.get_data(as_text=True)
    missing = [title for title in titles if html.escape(title) not in page]
    if missing:
        raise SelfTestFailure(f"recommended titles missing from the page: {missing}")
    refused = client.get("/recommendations")
    if refused.status_code != 403:
        raise SelfTestFailure(f"a request without the token answered {refused.status_code}")
