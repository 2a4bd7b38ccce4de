"""A person's corrections before importing: the preview, and roles that override detection."""

from __future__ import annotations

import pytest

from recommender.errors import RatingsImportError
from recommender.importing import preview_file
from recommender.importing import read_community
from recommender.importing import read_personal

# Columns named so that detection is wrong: "person" is the item here, "film" the user.
SWAPPED = "film,person,score\n" + "".join(
    f"u{user},m{item},{1 + (user + item) % 5}\n" for user in range(4) for item in range(3)
)


def test_the_preview_shows_the_detection_and_the_first_rows(write):
    path = write("club.csv", SWAPPED)
    preview = preview_file(path).to_dict()
    assert preview["kind"] == "community"
    assert (preview["format"], preview["encoding"], preview["delimiter"]) == (
        "generic",
        "utf-8",
        ",",
    )
    assert preview["header"] is True and preview["usable"] is True
    assert [column["name"] for column in preview["columns"]] == ["film", "person", "score"]
    assert [column["role"] for column in preview["columns"]] == ["item", "user", "rating"]
    assert len(preview["rows"]) == 10 and preview["rows"][0] == ["u0", "m0", "1"]
    assert {"user", "item", "rating", "isbn"} <= {role["value"] for role in preview["roles"]}


def test_overriding_swapped_columns_changes_the_community(write):
    path = write("club.csv", SWAPPED)
    detected, _ = read_community(path)
    assert set(detected.ratings["user"]) == {"m0", "m1", "m2"}  # the wrong way round
    corrected, report = read_community(path, columns={"user": 0, "item": 1, "rating": 2})
    assert set(corrected.ratings["user"]) == {"u0", "u1", "u2", "u3"}
    assert set(corrected.ratings["item"]) == {"m0", "m1", "m2"}
    assert report.users == 4 and report.items == 3 and report.ratings == 12
    by_name, _ = read_community(path, columns={"user": "film", "item": "person", "rating": "score"})
    assert by_name.ratings.equals(corrected.ratings)


def test_overriding_a_personal_files_columns(write):
    # Detection takes "Name" as the title and "Id" as the item; the person says the title is
    # in "Other" and the rating in "Stars".
    path = write(
        "mine.csv",
        "Id,Name,Other,Stars\n1,x,Toy Story,4\n2,y,Heat,5\n3,z,Alien,bad\n",
    )
    personal, report = read_personal(path, columns={"title": 2, "rating": 3})
    assert [rating.title for rating in personal.ratings] == ["Toy Story", "Heat"]
    assert personal.as_dict() == {"Toy Story": 4.0, "Heat": 5.0}
    assert report.skipped == 1
    row = report.skipped_rows[0]
    assert (row.line, row.field, row.value, row.raw) == (4, "rating", "bad", "3,z,Alien,bad")


def test_a_community_file_can_be_read_as_ones_own_ratings(write):
    path = write("club.csv", "user,item,rating\n1,10,4\n1,11,5\n")
    with pytest.raises(RatingsImportError, match="community"):
        read_personal(path)
    personal, _ = read_personal(path, columns={"item": 1, "rating": 2})
    assert personal.as_dict() == {"10": 4.0, "11": 5.0}


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"user": 0, "item": 0, "rating": 2}, "column 1 cannot be both the user and the item"),
        ({"user": 0, "item": 1, "rating": 7}, "column 8 does not exist: the file has 3 columns"),
        ({"user": 0, "item": 1, "stars": 2}, "'stars' is not a column role Kindred knows"),
        ({"user": 0, "item": 1}, "choose the rating column"),
        ({"item": 1, "rating": 2}, "choose the user column"),
        ({"user": "nobody", "item": 1, "rating": 2}, "no column named 'nobody'"),
    ],
)
def test_bad_roles_are_one_sentence(write, columns, message):
    path = write("club.csv", SWAPPED)
    with pytest.raises(RatingsImportError, match=message) as caught:
        read_community(path, columns=columns)
    assert str(caught.value).startswith("club.csv: ")


def test_a_user_column_in_ones_own_ratings_is_refused(write):
    path = write("mine.csv", "user,item,rating\n1,10,4\n")
    with pytest.raises(RatingsImportError, match="no user column"):
        read_personal(path, columns={"user": 0, "item": 1, "rating": 2})


def test_a_table_without_a_rating_column_still_gets_a_preview(write):
    path = write("odd.csv", "who,what,how\nann,heat,great\nbob,alien,fine\n")
    preview = preview_file(path)
    assert preview.usable is False
    assert "Choose the roles" in preview.to_dict()["warnings"][0]
    with pytest.raises(RatingsImportError, match="looks like ratings"):
        preview.check_roles(None, "personal")
    spec = preview.check_roles({"user": 0, "item": 1, "rating": 2}, "community")
    assert spec.roles == {"user": 0, "item": 1, "rating": 2}


def test_a_file_that_is_no_table_gets_no_preview(write):
    path = write("photo.csv", b"\x89PNG\r\n\x1a\n")
    with pytest.raises(RatingsImportError, match="PNG image"):
        preview_file(path)


def test_the_skipped_list_keeps_every_listed_row(write):
    rows = "".join(f"u{n},i{n},{'x' if n % 2 else 3}\n" for n in range(300))
    path = write("bad.csv", "user,item,rating\n" + rows)
    _, report = read_community(path)
    listed = report.to_dict()["skipped_list"]
    assert len(report.to_dict()["errors"]) == 100 and len(listed) == 150
    assert listed[0] == {
        "line": 3,
        "field": "rating",
        "reason": "rating 'x' is not a number",
        "value": "x",
        "raw": "u1,i1,x",
    }


@pytest.mark.parametrize(
    ("relative", "kind", "format_name", "roles"),
    [
        ("ml-latest-small/ratings.csv", "community", "movielens-csv", ["user", "item", "rating"]),
        ("ml-100k/u.data", "community", "movielens-100k", ["user", "item", "rating"]),
        (
            "exports/imdb/TylerGrossi_Movie-Rankings_imdb_ratings.csv",
            "personal",
            "imdb",
            ["item", "rating", "timestamp", "title"],
        ),
        (
            "exports/letterboxd/vikram14s_FeedMovie_ratings.csv",
            "personal",
            "letterboxd",
            ["timestamp", "title", "year", "rating"],
        ),
        (
            "exports/goodreads/bernardkung_goodreads_goodreads_library_export.csv",
            "personal",
            "goodreads",
            ["item", "title", "isbn", "isbn13", "rating"],
        ),
    ],
)
def test_real_files_are_previewed_as_detected(shared_file, relative, kind, format_name, roles):
    preview = preview_file(shared_file(relative)).to_dict()
    assert (preview["kind"], preview["format"], preview["usable"]) == (kind, format_name, True)
    detected = [column["role"] for column in preview["columns"] if column["role"]]
    assert all(role in detected for role in roles), detected
    assert len(preview["rows"]) == 10
    assert all(len(row) == len(preview["columns"]) for row in preview["rows"])


def test_a_zip_is_previewed_through_its_ratings_member(shared_file, tmp_path):
    import zipfile

    archive = tmp_path / "ml-latest-small.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("ratings.csv", "movies.csv"):
            zipped.write(shared_file(f"ml-latest-small/{name}"), f"ml-latest-small/{name}")
    preview = preview_file(archive).to_dict()
    assert (preview["file"], preview["member"], preview["format"]) == (
        "ml-latest-small.zip",
        "ratings.csv",
        "movielens-csv",
    )
