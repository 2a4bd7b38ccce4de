"""``python -m recommender``: help, recommend and ratings, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.commands.common import read_ratings_file
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


# The older IMDb "Your ratings" header (13 columns), as in the real exports.
IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,"
    "Genres,Num Votes,Release Date,Directors"
)
# (IMDb id, rating out of 10, title, year) of films in the demo community, and one not in it.
IMDB_ROWS = [
    ("tt0010323", 8, "The Cabinet of Dr. Caligari", 1920),
    ("tt0012349", 10, "The Kid", 1921),
    ("tt0013442", 6, "Nosferatu", 1922),
    ("tt0015864", 9, "The Gold Rush", 1925),
    ("tt0017136", 7, "Metropolis", 1927),
    ("tt0211915", 10, "Amélie", 2001),
    ("tt9999999", 7, "Not In The Demo", 2020),
]
IMDB_ITEMS = {"d001", "d002", "d003", "d005", "d007", "d368"}


def write_imdb_export(folder: Path) -> Path:
    """An IMDb export in cp1252, as older IMDb exports are (the é of Amélie is one byte)."""
    lines = [IMDB_HEADER]
    for imdb_id, rating, title, year in IMDB_ROWS:
        lines.append(
            f"{imdb_id},{rating},2021-01-02,{title},https://www.imdb.com/title/{imdb_id}/,"
            f'movie,7.5,95,{year},"Drama, Comedy",12345,{year}-05-01,Someone'
        )
    path = folder / "ratings.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    return path


def test_recommend_for_an_imdb_export(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    export = write_imdb_export(tmp_path)
    argv = ["recommend", "--ratings", str(export), "-n", "5", "--json"]
    assert main([*argv, "--data-dir", str(tmp_path / "data")]) == 0
    captured = capsys.readouterr()
    recommendations = json.loads(captured.out)
    assert len(recommendations) == 5
    assert not IMDB_ITEMS & {item["item"] for item in recommendations}, "rated films excluded"
    assert captured.err == (
        "not found: 1 of 7 rated titles in ratings.csv is not in Demo films "
        "(recommending from 6 ratings).\n"
    )
    with Workspace(tmp_path / "data") as workspace:
        assert workspace.my_ratings_map() == {}, "a --ratings file is not stored"


def test_titles_seen_without_a_rating_are_not_recommended(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    argv = ["recommend", "-n", "5", "--json", "--data-dir", str(tmp_path / "data")]
    assert main([*argv, "--ratings", str(write_imdb_export(tmp_path))]) == 0
    first = json.loads(capsys.readouterr().out)[0]["item"]
    with Workspace(tmp_path / "data") as workspace:
        row = workspace.community.items.loc[first]
    export = write_imdb_export(tmp_path)
    seen_row = (
        f"{row['imdb_id']},,2021-01-02,{row['title']},https://www.imdb.com/,movie,7.5,95,"
        f'{row["year"]},"Drama",12345,{row["year"]}-05-01,Someone\n'
    )
    with export.open("ab") as handle:
        handle.write(seen_row.encode("cp1252"))
    assert main([*argv, "--ratings", str(export)]) == 0
    again = [item["item"] for item in json.loads(capsys.readouterr().out)]
    assert first not in again and len(again) == 5


def test_an_imdb_export_is_read_on_the_communitys_scale(tmp_path: Path) -> None:
    export = write_imdb_export(tmp_path)
    with Workspace(tmp_path / "data") as workspace:
        exported = read_ratings_file(export, workspace)
    assert exported.personal.as_dict() == {
        "d001": 4.0, "d002": 5.0, "d003": 3.0, "d005": 4.5, "d007": 3.5, "d368": 5.0,
    }  # fmt: skip
    assert (exported.matched, exported.unmatched) == (6, 1)


def test_recommend_for_a_title_year_rating_list(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    ratings_file = tmp_path / "films.csv"
    ratings_file.write_text(
        "title,year,rating\n"
        '"Matrix, The",1999,5\n'
        "Amelie,2001,4.5\n"
        "Léon: The Professional,1994,4\n"
        "The Good the Bad and the Ugly,1966,4.5\n"
        "Metropolis,1926,3.5\n",  # one year off: release dates differ between countries
        encoding="utf-8",
    )
    argv = ["recommend", "--ratings", str(ratings_file), "-n", "3", "--json"]
    assert main([*argv, "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    recommendations = json.loads(captured.out)
    assert len(recommendations) == 3
    rated = {"d340", "d368", "d288", "d106", "d007"}
    assert not rated & {item["item"] for item in recommendations}


SHARED_EXPORTS = ("imdb", "letterboxd", "goodreads")


@pytest.mark.parametrize("service", SHARED_EXPORTS)
def test_real_exports_against_the_demo_community(
    service: str, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    exports = sorted((shared_data / "exports" / service).glob("*.csv"))
    if not exports:
        pytest.skip(f"no {service} exports in {shared_data / 'exports'}")
    for export in exports:
        argv = ["recommend", "--ratings", str(export), "-n", "5", "--json"]
        status = main([*argv, "--data-dir", str(tmp_path)])
        captured = capsys.readouterr()
        if service == "goodreads" and status == 2:  # books: few or no titles in a film demo
            assert captured.out == ""
            assert captured.err.startswith(f"error: {export.name}: none of its ")
            assert captured.err.count("\n") == 1
            continue
        assert status == 0, captured.err
        assert len(json.loads(captured.out)) == 5
        for line in captured.err.splitlines():
            assert line.startswith(("skipped: ", "not found: ")), line
