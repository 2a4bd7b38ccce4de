"""The CLI over the stored data: ``import``, ``communities``, ``recommend --community``, and
one-line errors (exit 2, nothing on stdout)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_cli import run_cli
from test_community_store import write_ratings_csv

from recommender.cli import main


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    return str(tmp_path / "data")


@pytest.fixture
def ratings_file(tmp_path: Path) -> Path:
    return write_ratings_csv(tmp_path / "films" / "ratings.csv", 60, 80, 15, seed=1)


def run_json(capsys: pytest.CaptureFixture, *argv: str):
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out)


def test_import_a_community_list_it_and_recommend_from_it(capsys, data_dir, ratings_file):
    stored = run_json(
        capsys, "import", str(ratings_file), "--name", "films", "--data-dir", data_dir
    )
    assert stored["kind"] == "community"
    assert stored["stored"]["ratings"] == 900 and stored["stored"]["users"] == 60
    listed = run_json(capsys, "communities", "--data-dir", data_dir)
    assert [c["name"] for c in listed] == ["Demo films", "films"]
    for community in listed:
        assert {"name", "ratings", "users", "items", "imported_at"} <= set(community)
    assert listed[1]["ratings"] == 900 and listed[1]["users"] == 60
    member = "7"
    answer = run_json(
        capsys, "recommend", "--community", "films", "--user", member, "-n", "3",
        "--data-dir", data_dir,
    )  # fmt: skip
    assert len(answer) == 3
    for item in answer:
        assert {"item", "title", "predicted_rating", "confidence", "neighbours"} <= set(item)
        assert item["title"].startswith("Film ")
    again = run_json(capsys, "communities", "--data-dir", data_dir)
    assert again[0]["current"] is True, "--community does not change the current community"


def test_import_a_personal_export_into_the_current_community(capsys, data_dir, tmp_path):
    export = tmp_path / "mine.csv"
    export.write_text("item,rating\nd155,4.5\nd165,2\nnot-a-film,3\n", encoding="utf-8")
    answer = run_json(capsys, "import", str(export), "--data-dir", data_dir)
    assert answer["kind"] == "personal"
    assert (answer["added"], answer["unmatched"]) == (2, 1)
    assert main(["import", str(export), "--data-dir", data_dir]) == 0
    text = capsys.readouterr().out
    assert "0 new ratings, 0 changed, 2 unchanged" in text
    assert "not found: line 4: not-a-film" in text
    ratings = run_json(capsys, "ratings", "--data-dir", data_dir)
    assert {row["item"]: row["my_rating"] for row in ratings} == {"d155": 4.5, "d165": 2.0}


def test_text_output_of_import_and_communities(capsys, data_dir, ratings_file):
    assert main(["import", str(ratings_file), "--data-dir", data_dir]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Stored the community 'films': 900 ratings by 60 people")
    assert main(["communities", "--data-dir", data_dir]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("* Demo films: 15,361 ratings")
    assert out[1].startswith("  films: 900 ratings, 60 people")


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_are_one_line_with_exit_2(tmp_path: Path, data_dir: str, ratings_file: Path):
    html = tmp_path / "page.csv"
    html.write_text("<!DOCTYPE html><html><body>nope</body></html>\n", encoding="utf-8")
    export = tmp_path / "mine.csv"
    export.write_text("item,rating\nd155,4.5\n", encoding="utf-8")
    cases = [
        (("import", str(html)), "page.csv"),
        (("import", str(tmp_path / "missing.csv")), "missing.csv"),
        (("import", str(export), "--name", "x"), "--name does not apply"),
        (("import", str(ratings_file), "--name", "demo"), "the demo community's name"),
        (("recommend", "--community", "nope"), "no stored community named 'nope'"),
        (("import", str(export), "--community", "nope"), "no stored community named 'nope'"),
    ]
    for args, fragment in cases:
        assert_one_line_error(run_cli(*args, "--data-dir", data_dir), fragment)
    listed = run_cli("communities", "--json", "--data-dir", data_dir)
    assert [c["name"] for c in json.loads(listed.stdout)] == ["Demo films"]
    assert not (Path(data_dir) / "communities").exists() or not any(
        (Path(data_dir) / "communities").iterdir()
    )


def test_recommend_for_a_title_list_in_a_stored_community(capsys, data_dir, ratings_file):
    assert main(["import", str(ratings_file), "--name", "films", "--data-dir", data_dir]) == 0
    capsys.readouterr()
    title_list = ratings_file.parent / "my-films.csv"
    title_list.write_text(
        "Title;Year;Rating\nFilm 3;1903;4,5\nFilm 7;1907;2\nFilm 12;1912;5\nFilm 99;1999;3\n",
        encoding="utf-16",
    )  # semicolons, decimal commas, UTF-16: read as the importer reads them
    argv = ["recommend", "--community", "films", "--ratings", str(title_list), "-n", "3"]
    answer = run_json(capsys, *argv, "--data-dir", data_dir)
    assert len(answer) == 3
    assert not {"3", "7", "12"} & {item["item"] for item in answer}
    assert all(item["title"].startswith("Film ") for item in answer)
    assert main([*argv, "--data-dir", data_dir]) == 0
    assert capsys.readouterr().err == (
        "not found: 1 of 4 rated titles in my-films.csv is not in films "
        "(recommending from 3 ratings).\n"
    )
    stored = run_json(capsys, "ratings", "--community", "films", "--data-dir", data_dir)
    assert stored == [], "a --ratings file is not stored"
