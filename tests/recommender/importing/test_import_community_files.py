"""Generated community files: every encoding, delimiter, header style and malformed case."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from recommender.errors import RatingsImportError
from recommender.importing import ImportCancelled
from recommender.importing import read_community
from recommender.importing import read_personal
from recommender.importing.scales import infer_scale

ROWS = [
    ("1", "10", 4.0),
    ("1", "11", 3.5),
    ("2", "10", 5.0),
    ("2", "12", 1.0),
    ("3", "Ümlaut-é", 2.5),
]


def table(delimiter: str, header: bool = True, decimal: str = ".") -> str:
    lines = [delimiter.join(["user", "item", "rating"])] if header else []
    for user, item, rating in ROWS:
        lines.append(delimiter.join([user, item, f"{rating:.1f}".replace(".", decimal)]))
    return "\n".join(lines) + "\n"


def as_records(community) -> list[tuple[str, str, float]]:
    return [tuple(row) for row in community.ratings.itertuples(index=False)]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]
)
def test_every_encoding(write, encoding):
    community, report = read_community(write("r.csv", table(","), encoding))
    assert as_records(community) == ROWS
    if encoding.startswith("utf-16"):
        assert report.encoding.startswith("utf-16")
    elif encoding in ("cp1252", "latin-1"):
        assert report.encoding in ("cp1252", "latin-1")


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(",", ","), (";", ";"), ("\t", "tab"), ("|", "|"), ("::", "::"), ("   ", "whitespace")],
)
@pytest.mark.parametrize("header", [True, False])
def test_every_delimiter_with_and_without_header(write, delimiter, name, header):
    community, report = read_community(write("r.txt", table(delimiter, header)))
    assert report.delimiter == name
    assert report.has_header is header
    assert as_records(community) == ROWS


def test_semicolons_with_decimal_comma(write):
    community, report = read_community(write("r.csv", table(";", decimal=",")))
    assert report.delimiter == ";"
    assert as_records(community) == ROWS


def test_quoted_fields_and_crlf(write):
    text = '"user","item","rating"\r\n"1","a, b",4\r\n"2","c ""d""",5\r\n"3","a, b",2\r\n'
    community, _ = read_community(write("q.csv", text))
    assert as_records(community) == [("1", "a, b", 4.0), ("2", 'c "d"', 5.0), ("3", "a, b", 2.0)]


def test_bad_rows_are_skipped_with_physical_line_numbers_and_reasons(write):
    text = (
        "user,item,rating,timestamp\n"  # line 1
        "1,10,4,100\n"  # 2
        "2,11,abc,100\n"  # 3 not a number
        "\n"  # 4 blank: ignored
        "3,,4,100\n"  # 5 missing item
        ",12,4,100\n"  # 6 missing user
        "4,12,,100\n"  # 7 missing rating
        "5,13,3,100,extra\n"  # 8 extra field: read, warned
        '6,"x\ny",3,100\n'  # 9-10 quoted newline
        "7,14,60,100\n"  # 11 outside 0.5-5
        + "".join(f"{u},{i},{(u + i) % 5 + 1},100\n" for u in range(8, 30) for i in range(3))
    )
    community, report = read_community(write("bad.csv", text))
    assert community.scale == (1.0, 5.0)
    listed = {row.line: row.reason for row in report.skipped_rows}
    assert listed == {
        3: "rating 'abc' is not a number",
        5: "missing item id",
        6: "missing user id",
        7: "missing rating",
        11: "rating 60 is outside the scale 1–5",
    }
    assert report.skipped == 5
    assert report.warnings == ["line 8 has 5 fields where 4 were expected; its first 4 were read"]
    records = set(as_records(community))
    assert ("5", "13", 3.0) in records and ("6", "x\ny", 3.0) in records


def test_duplicates_keep_the_latest_timestamp_else_the_last_row(write):
    with_time = "user,item,rating,timestamp\n1,a,2,300\n1,a,5,100\n1,a,4,200\n2,a,3,1\n"
    community, report = read_community(write("t.csv", with_time))
    assert report.duplicates == 2
    assert as_records(community) == [("1", "a", 2.0), ("2", "a", 3.0)]
    without_time = "user,item,rating\n1,a,2\n1,a,5\n2,a,3\n"
    community, report = read_community(write("n.csv", without_time))
    assert report.duplicates == 1
    assert ("1", "a", 5.0) in as_records(community)


def test_generic_scales_are_inferred(write):
    ten = "user,item,score\n" + "".join(
        f"{u},{i},{u % 10 + 1}\n" for u in range(20) for i in range(2)
    )
    community, _ = read_community(write("ten.csv", ten))
    assert community.scale == (1.0, 10.0)
    halves = "user,item,rating\n1,a,0.5\n1,b,4.5\n2,a,3\n"
    community, _ = read_community(write("half.csv", halves))
    assert community.scale == (0.5, 5.0)


@pytest.mark.parametrize(
    ("values", "scale"),
    [
        # a stray 7 among half stars is a bad row; it does not make every rating out of 10
        ([5, 4.5, 3, 2, 7], (0.5, 5.0)),
        # garbage among a few real ratings is skipped, not a reason to refuse the file
        ([5, 4.5, 99, -1], (0.5, 5.0)),
        ([8, 7, 10, 6, 9, 4.5], (1.0, 10.0)),  # mostly above 5: a 1-10 file with one half
        ([1990, 2001, 1985, 4], None),  # years are not ratings
    ],
)
def test_the_scale_follows_most_ratings_and_the_rest_are_bad_rows(values, scale) -> None:
    assert infer_scale(pd.Series(values, dtype=float)) == scale


def test_a_few_bad_ratings_among_good_ones_are_skipped_with_their_lines(write):
    content = "user,item,rating\n1,a,5\n1,b,4.5\n2,a,99\n2,b,-1\n3,a,3.5\n"
    community, report = read_community(write("some-bad.csv", content))
    assert community.scale == (0.5, 5.0) and community.n_ratings == 3
    assert [error["line"] for error in report.to_dict()["errors"]] == [4, 5]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("header.csv", b"user,item,rating\n", "no rows"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        ("photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        ("binary.csv", bytes(range(256)) * 4, "binary"),
        ("page.csv", b"<!DOCTYPE html>\n<html><head></head><body>hi</body></html>", "HTML"),
        ("words.csv", b"name,colour\nanna,red\nbob,blue\n", "looks like ratings"),
        ("text.csv", b"user,item,rating\n1,a,good\n2,b,bad\n", "no usable ratings"),
    ],
)
def test_unusable_files_are_refused_with_one_sentence(write, name, content, message):
    with pytest.raises(RatingsImportError, match=message) as caught:
        read_community(write(name, content))
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_folder_without_ratings(tmp_path):
    with pytest.raises(RatingsImportError, match="does not exist"):
        read_community(tmp_path / "nope.csv")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(RatingsImportError, match="no ratings file"):
        read_community(tmp_path)


def test_zip_without_ratings_file_is_refused(tmp_path):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("holiday/readme.txt", "no ratings here")
    with pytest.raises(RatingsImportError, match="zip without a ratings file"):
        read_community(archive)


def test_spreadsheet_is_refused_with_advice(tmp_path):
    workbook = tmp_path / "ratings.xlsx"
    with zipfile.ZipFile(workbook, "w") as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(RatingsImportError, match="save it as CSV"):
        read_community(workbook)


def test_zip_bomb_and_unsafe_paths_are_refused_before_extraction(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("ratings.csv", b"0" * (50 * 1024**2))
    with pytest.raises(RatingsImportError, match="zip bomb"):
        read_community(bomb)
    sneaky = tmp_path / "sneaky.zip"
    with zipfile.ZipFile(sneaky, "w") as zipped:
        zipped.writestr("../../ratings.csv", "user,item,rating\n1,a,4\n")
    with pytest.raises(RatingsImportError, match="unsafe path"):
        read_community(sneaky)
    assert not (tmp_path.parent / "ratings.csv").exists()


def test_size_limit(write):
    path = write("r.csv", table(","))
    with pytest.raises(RatingsImportError, match="limit"):
        read_community(path, max_bytes=10)


def test_the_size_limit_is_configured_by_environment(write, monkeypatch):
    path = write("r.csv", table(","))
    monkeypatch.setenv("KINDRED_MAX_IMPORT_MB", "0.00001")  # about 10 bytes
    with pytest.raises(RatingsImportError, match="KINDRED_MAX_IMPORT_MB to allow bigger files"):
        read_community(path)
    with pytest.raises(RatingsImportError, match="limit"):
        read_personal(path)
    monkeypatch.setenv("KINDRED_MAX_IMPORT_MB", "1")
    community, _report = read_community(path)
    assert community.n_ratings == len(ROWS)
    monkeypatch.setenv("KINDRED_MAX_IMPORT_MB", "lots")
    with pytest.raises(RatingsImportError, match="must be a positive number of megabytes"):
        read_community(path)


def test_progress_events_and_cancellation(write):
    path = write("r.csv", table(","))
    events = []
    read_community(path, progress=events.append)
    assert events and events[-1].fraction == 1.0 and events[-1].rows == len(ROWS)
    with pytest.raises(ImportCancelled, match="cancelled"):
        read_community(path, cancel=lambda: True)


@pytest.mark.parametrize("ids", ["numeric", "text", "bad rating"])
def test_chunked_reading_gives_the_same_answer(write, monkeypatch, ids):
    from recommender.importing import reading

    rows = [(u, i, (u * 7 + i) % 5 + 1) for u in range(1, 40) for i in range(1, 6)]
    prefix = "" if ids == "numeric" else "u"
    text = "user,item,rating,timestamp\n" + "".join(
        f"{prefix}{u},{i},{r},{u * 10 + i}\n" for u, i, r in rows
    )
    if ids == "bad rating":
        text += "99,1,oops,1\n"
    path = write("chunked.csv", text)
    whole, whole_report = read_community(path)
    monkeypatch.setattr(reading, "CHUNK_ROWS", 7)
    monkeypatch.setattr(reading, "PROGRESS_CHUNK_ROWS", 7)
    events = []
    chunked, report = read_community(path, progress=events.append)
    assert len(events) > 10
    assert chunked.ratings.equals(whole.ratings)
    assert report.skipped_rows == whole_report.skipped_rows
    assert (report.users, report.items) == (39, 5)
