"""The start-up benchmark's parsing and reporting, and one tiny real launch (no timing asserts:
speed targets live in the benchmark's results, not in tests)."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import pytest

BENCHMARKS_DIR = Path(__file__).resolve().parents[2] / "benchmarks"

LOG_TEXT = """\
2026-12-04 17:00:00,100 INFO desktop.launcher: Kindred starting (pid 4242): data in /d, log in /l
2026-12-04 17:00:01,300 INFO desktop.window: window loaded the start-up page
2026-12-04 17:00:02,000 INFO desktop.launcher: engine and web app imported
2026-12-04 17:00:02,200 INFO desktop.launcher: workspace opened on community demo
2026-12-04 17:00:02,300 INFO desktop.launcher: model fitted and catalogue ready
2026-12-04 17:00:02,310 INFO desktop.server: server answering at http://127.0.0.1:5000/
a line from somewhere else that is not a log record
2026-12-04 17:00:03,000 INFO desktop.window: window loaded http://127.0.0.1:5000/recommendations
2026-12-04 17:00:09,000 INFO desktop.window: window loaded http://127.0.0.1:5000/
"""

IMPORTTIME_TEXT = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 |   numpy._core
import time:       200 |        300 | numpy
import time:        50 |       1350 |     pandas._libs
import time:      1000 |       2350 |   pandas.core
import time:       500 |       2850 | pandas
import time:        10 |         10 |   numpy
import time:       100 |       2950 | recommender
"""


@pytest.fixture(scope="module")
def bench():
    """The benchmark's three modules, imported the way the script imports them."""
    sys.path.insert(0, str(BENCHMARKS_DIR))
    try:
        yield {
            name: importlib.import_module(name)
            for name in ("startup", "_startup_launch", "_startup_report")
        }
    finally:
        sys.path.remove(str(BENCHMARKS_DIR))


def test_log_milestones_are_read_in_seconds_with_the_first_occurrence_kept(bench):
    launch = bench["_startup_launch"]
    reached = launch.parse_log(LOG_TEXT)
    assert launch.launcher_pid(LOG_TEXT) == 4242
    since_start = {name: round(at - reached["log_started"], 3) for name, at in reached.items()}
    assert since_start == {
        "log_started": 0.0,
        "first_paint": 1.2,
        "engine_imported": 1.9,
        "workspace_opened": 2.1,
        "model_fitted": 2.2,
        "server_answering": 2.21,
        "first_app_page": 2.9,
        "first_recommendations": 2.9,
    }


def test_a_skipped_loading_page_makes_the_app_page_the_first_paint(bench):
    launch = bench["_startup_launch"]
    without_loading_page = "\n".join(
        line for line in LOG_TEXT.splitlines() if "start-up page" not in line
    )
    reached = launch.parse_log(without_loading_page)
    assert reached["first_paint"] == reached["first_app_page"]


def test_a_failed_start_is_recognised_in_the_log(bench):
    failed = LOG_TEXT + (
        "2026-12-04 17:00:10,000 ERROR desktop.window: start-up failed unexpectedly\n"
        "Traceback (most recent call last):\n"
    )
    found = bench["_startup_launch"].START_FAILED.search(failed)
    assert found is not None and found[1] == "start-up failed unexpectedly"
    assert bench["_startup_launch"].START_FAILED.search(LOG_TEXT) is None


def test_importtime_lines_give_levels_and_cumulative_seconds(bench):
    modules = bench["startup"].parse_importtime(IMPORTTIME_TEXT)
    assert modules["numpy"] == (0, 0.0003)
    assert modules["numpy._core"] == (1, 0.0001)
    assert modules["pandas._libs"] == (2, 0.00135)
    assert modules["pandas"] == (0, 0.00285)
    assert modules["numpy"] == (0, 0.0003), "a second listing is not the real import"
    startup = bench["startup"]
    assert startup.import_chain(IMPORTTIME_TEXT, "pandas._libs") == [
        "pandas",
        "pandas.core",
        "pandas._libs",
    ]
    assert startup.import_chain(IMPORTTIME_TEXT, "numpy._core") == ["numpy", "numpy._core"]
    assert startup.import_chain(IMPORTTIME_TEXT, "scipy") == []


def _launch(bench, scenario: str, run: int, paint: float, shown: float | None) -> dict:
    """A launch as ``launch_once`` reports it; ``shown`` None: the page never came."""
    milestones = dict.fromkeys(bench["_startup_launch"].MILESTONES)
    milestones.update(log_started=0.1, first_paint=paint)
    milestones.update(first_app_page=shown, first_recommendations=shown)
    return {
        "scenario": scenario,
        "run": run,
        "milestones_s": milestones,
        "load_1min": 3.0 + run,
        "problem": None if shown is not None else "first_recommendations not logged",
    }


def _results(bench, tmp_path: Path) -> dict:
    startup = bench["startup"]
    scenarios = [
        startup.Scenario("demo", "demo, 5 ratings", tmp_path, "first_recommendations"),
        startup.Scenario("community-1m", "1M", tmp_path, "first_recommendations"),
    ]
    launches = [
        _launch(bench, "demo", 0, 1.0, 4.0),
        _launch(bench, "demo", 1, 2.0, 6.0),
        _launch(bench, "demo", 2, 1.5, 4.5),
        _launch(bench, "community-1m", 0, 1.1, 7.0),
        _launch(bench, "community-1m", 1, 1.2, None),
    ]
    return {
        "runs": 3,
        "source": startup.summarise(scenarios, launches),
        "importtime": [
            {
                "group": "engine",
                "statement": "import x",
                "total_s": 1.5,
                "heaviest": [["sklearn", 0.9], ["pandas", 0.4]],
                "heaviest_chain": ["recommender", "recommender.evaluation", "sklearn"],
            }
        ],
        "machine": {
            "date": "2026-12-04 17:00 UTC",
            "cores": 2,
            "cpu": "Test CPU",
            "python": "3.11",
            "commit": "abc123",
            "commit_after": "def456",
            "load_before": [3.0, 3.0, 3.0],
            "load_after": [4.0, 3.0, 3.0],
        },
    }


def test_summary_gives_median_and_max_over_the_launches_that_got_there(bench, tmp_path):
    demo, community = _results(bench, tmp_path)["source"]
    assert demo["figures"]["first_recommendations"] == {"median": 4.5, "max": 6.0, "n": 3}
    assert demo["figures"]["first_paint"] == {"median": 1.5, "max": 2.0, "n": 3}
    assert community["figures"]["first_recommendations"] == {"median": 7.0, "max": 7.0, "n": 1}
    assert community["failed_runs"] == ["first_recommendations not logged"]


def test_section_shows_targets_verdicts_failures_and_imports(bench, tmp_path):
    section = bench["_startup_report"].render_section(_results(bench, tmp_path))
    assert section.startswith("<!-- startup:start -->\n")
    assert section.endswith("<!-- startup:end -->\n")
    assert "| 4.50 / 6.00 (target < 5 s) |" in section
    assert "1.50 / 2.00 (target < 3 s)" in section
    assert "7.00 / 7.00 (1 of 2 runs)" in section
    assert "- Demo recommendations under 5 s: met on the median (4.50 s), missed" in section
    assert "- First paint under 3 s: met on the median" in section
    assert "- 1M: first_recommendations not logged" in section
    assert "sklearn 0.90, pandas 0.40. sklearn comes in through `recommender` → " in section
    assert "1-minute load at each launch 3.00–5.00" in section
    assert "3 launches per scenario" in section
    assert "commit abc123 at the start and def456 at the end (the tree changed)" in section
    assert "Meanwhile the main thread starts Qt and paints the loading page (1.50 s)." in section
    assert "not measured, `dist/Kindred/Kindred` did not exist" in section


def test_only_the_startup_section_changes_and_it_is_appended_when_missing(bench, tmp_path):
    report = bench["_startup_report"]
    path = tmp_path / "RESULTS.md"
    others = (
        "# Kindred benchmarks\n\n<!-- scale:start -->\nscale table\n<!-- scale:end -->\n"
        "\nOutro kept.\n"
    )
    path.write_text(others)
    first = "<!-- startup:start -->\nfirst\n<!-- startup:end -->\n"
    report.merge_section(path, first)
    assert path.read_text() == others + "\n" + first

    path.write_text(path.read_text().replace(first, first + "\nAfter kept.\n"))
    report.merge_section(path, "<!-- startup:start -->\nsecond\n<!-- startup:end -->\n")
    text = path.read_text()
    assert text.startswith(others)
    assert "first" not in text
    assert text.endswith("<!-- startup:start -->\nsecond\n<!-- startup:end -->\n\nAfter kept.\n")


def test_bad_arguments_are_one_sentence_and_exit_2(bench, capsys):
    assert bench["startup"].main(["--scenarios", "nonsense", "--no-write"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "nonsense" in error


@pytest.mark.window
def test_a_tiny_real_run_reports_every_milestone_and_leaves_nothing(bench, tmp_path, capsys):
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (apt-get install xvfb)")
    status = bench["startup"].main(
        [
            *("--runs", "1", "--scenarios", "demo", "--json", "--no-write", "--no-importtime"),
            *("--built-app", str(tmp_path / "no-such-app")),
        ]
    )
    assert status == 0
    results = json.loads(capsys.readouterr().out)
    (launch,) = results["launches"]["source"]
    assert launch["problem"] is None and launch["exit_status"] == 0
    milestones = launch["milestones_s"]
    assert all(seconds is not None and seconds > 0 for seconds in milestones.values()), milestones
    assert milestones["first_recommendations"] >= milestones["server_answering"]
    (demo,) = results["source"]
    assert demo["figures"]["first_recommendations"]["n"] == 1
    assert "built" not in results
