"""``python -m recommender inspect``: the JSON it prints, and refusals as one ``error:`` line."""

from __future__ import annotations

import json

import pytest

from recommender import cli
from recommender.importing import inspect_file

KEYS = {
    "kind",
    "format",
    "encoding",
    "delimiter",
    "ratings",
    "users",
    "items",
    "scale",
    "duplicates",
    "skipped_rows",
    "errors",
}


@pytest.fixture
def main():
    """The real CLI entry point, with every command registered."""
    return cli.main


def test_json_for_a_community_file(write, main, capsys):
    path = write("r.csv", "user;item;rating\n1;a;4,5\n1;a;3\n2;b;x\n3;c;2\n")
    assert main(["inspect", str(path), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) >= KEYS
    assert (answer["kind"], answer["format"], answer["delimiter"]) == ("community", "generic", ";")
    assert (answer["ratings"], answer["users"], answer["duplicates"]) == (2, 2, 1)
    assert answer["scale"] == [0.5, 5.0]
    assert answer["skipped_rows"] == 1
    assert answer["errors"] == [{"line": 4, "message": "rating 'x' is not a number"}]


def test_personal_export_with_community_counts_matches(write, main, capsys):
    community = write("c/ratings.csv", "userId,movieId,rating\n1,1,4\n2,2,3\n")
    write(
        "c/movies.csv",
        'movieId,title,genres\n1,"Usual Suspects, The (1995)",Crime\n2,Heat (1995),Crime\n',
    )
    export = write(
        "ratings.csv",
        "Date,Name,Year,Letterboxd URI,Rating\n"
        "2020-01-01,The Usual Suspects,1995,u1,4.5\n"
        "2020-01-01,Unknown,1995,u2,3\n",
    )
    assert main(["inspect", str(export), "--community", str(community), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert (answer["kind"], answer["format"]) == ("personal", "letterboxd")
    assert (answer["matched"], answer["unmatched"]) == (1, 1)
    assert answer["unmatched_rows"][0]["line"] == 3


def test_text_output(write, main, capsys):
    path = write("r.csv", "user,item,rating\n1,a,4\n")
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "format: generic" in out and "ratings: 1" in out


@pytest.mark.parametrize("content", [b"", b"<html><body>x</body></html>", b"\x89PNG\r\n\x1a\n"])
def test_unusable_file_exit_2_one_error_line_nothing_on_stdout(write, main, capsys, content):
    path = write("bad.csv", content)
    assert main(["inspect", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: bad.csv:")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_inspect_file_on_real_u_data(shared_file):
    answer = inspect_file(shared_file("ml-100k/u.data"))
    assert (answer["format"], answer["ratings"], answer["scale"]) == (
        "movielens-100k",
        100_000,
        [1.0, 5.0],
    )


def test_inspect_a_letterboxd_zip_reads_it_as_personal(tmp_path):
    import zipfile

    archive = tmp_path / "letterboxd-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "ratings.csv", "Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Heat,1995,u,4\n"
        )
        zipped.writestr("watchlist.csv", "Date,Name,Year,Letterboxd URI\n2020-01-01,Ran,1985,v\n")
    answer = inspect_file(archive)
    assert (answer["kind"], answer["format"], answer["ratings"], answer["want"]) == (
        "personal",
        "letterboxd",
        1,
        1,
    )
