"""``python -m recommender``: help, recommend and ratings, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.workspace import Workspace


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("recommend", "ratings", "evaluate"):
        assert command in result.stdout


def test_recommend_for_a_member_as_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    member = str(Workspace(tmp_path).community.ratings["user"].iloc[0])
    assert (
        main(["recommend", "--user", member, "-n", "3", "--json", "--data-dir", str(tmp_path)]) == 0
    )
    recommendations = json.loads(capsys.readouterr().out)
    assert len(recommendations) == 3
    for recommendation in recommendations:
        assert {"item", "title", "predicted_rating", "confidence", "neighbours"} <= set(
            recommendation
        )


def test_recommend_for_a_ratings_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    workspace = Workspace(tmp_path)
    items = [row["item"] for row in workspace.catalogue(per_page=6)["items"]]
    ratings_file = tmp_path / "mine.csv"
    ratings_file.write_text("item,rating\n" + "".join(f"{item},4.5\n" for item in items))
    assert main(["recommend", "--ratings", str(ratings_file), "--data-dir", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "kindred people rated it" in output
    assert workspace.my_ratings_map() == {}, "a --ratings file is not stored"


def test_own_ratings_listed(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    workspace = Workspace(tmp_path)
    item = workspace.catalogue(per_page=1)["items"][0]
    workspace.rate(item["item"], 3.5)
    assert main(["ratings", "--json", "--data-dir", str(tmp_path)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["item"], row["my_rating"]) == (item["item"], 3.5)


def test_bad_rows_of_a_ratings_file_are_skipped_and_reported_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    items = ["d001", "d002", "d003", "d005", "d006", "d007"]
    bad_rows = [f"d0{10 + number},lots\n" for number in range(12)]  # lines 8 to 19
    ratings_file = tmp_path / "mine.csv"
    ratings_file.write_text(
        "item,rating\n" + "".join(f"{item},4.5\n" for item in items) + "".join(bad_rows)
    )
    argv = ["recommend", "--ratings", str(ratings_file), "-n", "4", "--json"]
    assert main([*argv, "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 4, "stdout stays pure JSON"
    assert captured.err.splitlines() == [
        *(
            f"skipped: mine.csv, line {line}: rating 'lots' is not a number."
            for line in range(8, 18)
        ),
        "skipped: ... and 2 more rows of mine.csv.",
    ]


def test_a_binary_ratings_file_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    ratings_file = tmp_path / "mine.csv"
    ratings_file.write_bytes(bytes(range(256)) * 8)
    result = run_cli("recommend", "--ratings", str(ratings_file), "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "error: mine.csv: is a binary file, not a ratings table.\n"


def test_a_ratings_file_matching_no_title_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    ratings_file = tmp_path / "mine.csv"
    ratings_file.write_text("title,year,rating\nNo Such Film,2031,4\nNor This,2032,3\n")
    argv = ["recommend", "--ratings", str(ratings_file), "--data-dir", str(tmp_path)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: mine.csv: none of its 2 rated titles are in Demo films.\n"


def test_unknown_community_is_one_line_on_stderr(tmp_path: Path) -> None:
    result = run_cli("recommend", "--community", "ml-32m", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: There is no stored community named 'ml-32m'")
    assert "Traceback" not in result.stderr
