"""The scale benchmark's results file: only its own section changes; sizes and notes persist."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def run_module():
    sys.path.insert(0, str(BENCHMARKS_DIR))
    try:
        yield importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCHMARKS_DIR))


def _record(size: str, new_person_ms: float) -> dict:
    """A measurement as ``measure_size`` returns it (only the keys the table needs)."""
    return {
        "size": size,
        "date": "2026-12-04 17:00 UTC",
        "machine": {
            "cores": 2,
            "ram_gib": 23.5,
            "cpu": "Test CPU",
            "os": "Linux",
            "python": "3.11",
            "versions": {"numpy": "2"},
            "kindred_commit": "abc123",
            "load_average": [1.0, 1.0, 1.0],
        },
        "import_method": "recommender.importing.read_community",
        "import_s": 0.5,
        "new_person_top20_ms_median": new_person_ms,
        "new_person_top20_ms_p95": new_person_ms * 2,
        "profiles": 60,
        "profile_sizes": [20, 200],
        "reopen_s": None,
    }


OTHER_SECTION = (
    "# Kindred benchmarks\n\nIntro kept.\n\n"
    "<!-- engine-accuracy:start -->\n| RMSE | 0.92 |\n<!-- engine-accuracy:end -->\n\nOutro kept.\n"
)


def test_a_missing_file_is_created_with_both_sections(run_module, tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    run_module.merge_into_file(path, [_record("small", 3.0)])
    text = path.read_text()
    assert "<!-- engine-accuracy:start -->" in text
    assert "<!-- engine-accuracy:end -->" in text
    assert "| measure | small |" in text
    assert "small: new person's top-20 median 3.0 ms (target < 5): met" in text


def test_only_the_scale_section_changes_and_earlier_sizes_stay(run_module, tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    path.write_text(OTHER_SECTION)
    run_module.merge_into_file(path, [_record("1m", 9.0)])
    text = path.read_text()
    section = text.split(run_module.START)[1].split(run_module.END)[0]
    text = text.replace(section, section.replace(run_module.NOTES, run_module.NOTES + "\nkept"))
    path.write_text(text)

    run_module.merge_into_file(path, [_record("small", 4.0)])
    text = path.read_text()
    assert text.startswith(OTHER_SECTION.rstrip("\n"))
    assert text.count(run_module.START) == 1
    assert "| measure | small | 1m |" in text
    assert "1m: new person's top-20 median 9.0 ms (target < 5): **missed** by 1.8×" in text
    assert f"{run_module.NOTES}\nkept\n{run_module.END}" in text


def test_measuring_a_size_again_replaces_its_column(run_module, tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    run_module.merge_into_file(path, [_record("small", 8.0)])
    run_module.merge_into_file(path, [_record("small", 2.5)])
    text = path.read_text()
    assert "**2.50 (5.00)**" in text
    assert "8.00" not in text
    assert text.count("<!-- scale:json") == 1


def test_unknown_size_is_refused(run_module, capsys):
    with pytest.raises(SystemExit):
        run_module.main(["--sizes", "huge"])
    assert "unknown size" in capsys.readouterr().err


def _store_figures(size: str, reopen_s: float) -> dict:
    """What a ``--tasks import,reopen`` run measures for a size."""
    record = {
        **_record(size, 0.0),
        "partial": True,
        "date": "2026-12-04 20:00 UTC",
        "task_dates": {"import": "2026-12-04 20:00 UTC; load 2.5", "reopen": "same"},
        "import_s": 25.0,
        "import_cpu_s": 22.0,
        "import_peak_rss_mb": 2500.0,
        "import_baseline_rss_mb": 120.0,
        "store_mb": 500.0,
        "reopen_s": reopen_s,
        "reopen_rss_mb": 150.0,
        "errors": ["reopen failed: once"],
    }
    for key in ("new_person_top20_ms_median", "new_person_top20_ms_p95", "profiles"):
        del record[key]
    return record


def test_a_partial_run_replaces_only_its_own_figures(run_module, tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    full = {**_record("32m", 90.0), "errors": ["lenskit failed: x", "import failed: y"]}
    run_module.merge_into_file(path, [full])
    (stored,) = run_module.merge_into_file(path, [_store_figures("32m", 0.4)])
    assert stored["new_person_top20_ms_median"] == 90.0, "figures of other tasks are kept"
    assert stored["date"] == full["date"] and "partial" not in stored
    assert stored["reopen_s"] == 0.4 and stored["import_cpu_s"] == 22.0
    assert stored["errors"] == ["lenskit failed: x", "reopen failed: once"]
    text = path.read_text()
    assert "32m: reopen 0.4 s (target < 1): met" in text
    assert "32m: import 25.0 s (target < 30): met" in text
    assert "| **reopen s** (RSS MB after) | **0.400** (150) |" in text
    assert "2026-12-04 20:00 UTC; load 2.5" in text
    assert text.count("<!-- scale:json") == 1


def test_a_partial_run_of_a_new_size_stands_alone(run_module, tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    (stored,) = run_module.merge_into_file(path, [_store_figures("10m", 1.5)])
    assert stored["reopen_s"] == 1.5 and "partial" not in stored
    assert "| 10m |" in path.read_text()


def test_unknown_task_is_refused(run_module, capsys):
    with pytest.raises(SystemExit):
        run_module.main(["--sizes", "small", "--tasks", "import,teleport"])
    assert "unknown task ['teleport']" in capsys.readouterr().err
