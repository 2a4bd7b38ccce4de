"""Fuzzing: arbitrary bytes and mutated real files either import or raise RatingsImportError."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from recommender.errors import RatingsImportError
from recommender.importing import read_community
from recommender.importing import read_personal


def zipped(member: str, content: bytes) -> bytes:
    """A valid zip holding ``content`` under ``member``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


FUZZ = settings(
    max_examples=int(__import__("os").environ.get("KINDRED_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SEEDS = {
    "ratings.csv": b"userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n"
    b"2,1,3.5,964982224\n2,50,5.0,964982931\n",
    "u.data": b"196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n",
    "ratings.dat": b"1::1193::5::978300760\n1::661::3::978302109\n2::914::3::978301968\n",
    "imdb.csv": b"Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),"
    b"Year,Genres,Num Votes,Release Date,Directors\ntt0100150,6,2011-08-30,Miller's Crossing,"
    b'https://www.imdb.com/title/tt0100150/,movie,7.7,115,1990,"Crime, Drama",130579,'
    b'1990-09-21,"Joel Coen, Ethan Coen"\n',
    "letterboxd.csv": b"Date,Name,Year,Letterboxd URI,Rating\r\n2021-04-06,Whiplash,2014,"
    b"https://boxd.it/7bQA,5\r\n2021-04-06,Mad Max: Fury Road,2015,https://boxd.it/2DjO,4.5\r\n",
}


def attempt(name: str, content: bytes) -> None:
    """Both importers must answer with data or with the package's own error, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        for importer in (read_community, read_personal):
            try:
                importer(path)
            except RatingsImportError as error:
                assert str(error).strip(), "the error says something"


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=600).map(lambda tail: b"PK\x03\x04" + tail),  # broken zips
        st.binary(max_size=200).map(lambda tail: b"\xff\xfe" + tail),  # UTF-16 BOM
        st.builds(
            zipped,
            st.sampled_from(["ratings.csv", "x/u.data", "watched.csv"]),
            st.binary(max_size=300),
        ),
    ),
    name=st.sampled_from(["x.csv", "u.data", "r.zip"]),
)
def test_arbitrary_bytes(content: bytes, name: str):
    attempt(name, content)


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        byte = draw(
            st.sampled_from(
                [
                    b",",
                    b";",
                    b"\t",
                    b'"',
                    b"\n",
                    b"\r",
                    b"\x00",
                    b"\xff",
                    b"x",
                    b"9",
                    b":",
                    b" ",
                    b"\xe9",
                    b"-",
                ]
            )
        )
        if action == "insert":
            data[position:position] = byte
        elif action == "delete" and data:
            del data[min(position, len(data) - 1)]
        elif action == "replace" and data:
            data[min(position, len(data) - 1)] = byte[0]
        else:
            del data[position:]
    return name, bytes(data)


@FUZZ
@given(case=mutated())
def test_mutated_real_shapes(case: tuple[str, bytes]):
    attempt(*case)


@pytest.mark.shared_data
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cut=st.integers(0, 20_000), flip=st.integers(0, 20_000), byte=st.integers(0, 255))
def test_mutated_real_files(shared_data, cut, flip, byte):
    for relative in (
        "ml-latest-small/ratings.csv",
        "exports/imdb/ronilaukkarinen_rollekino_imdb_ratings.csv",
    ):
        source = shared_data / relative
        if not source.is_file():
            pytest.skip(f"{relative} not in the shared data")
        data = bytearray(source.read_bytes()[:20_000])
        if flip < len(data):
            data[flip] = byte
        attempt(source.name, bytes(data[: max(cut, 1)]))
