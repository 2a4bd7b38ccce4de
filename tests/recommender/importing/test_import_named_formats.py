"""Generated files in the shapes of Book-Crossing and MovieLens 1M (not in the shared data)."""

from __future__ import annotations

from recommender.importing import read_community
from recommender.importing import read_personal


def test_book_crossing_semicolons_latin1_and_zero_as_implicit(write):
    write(
        "bx/BX-Books.csv",
        '"ISBN";"Book-Title";"Book-Author";"Year-Of-Publication";"Publisher";"Image-URL-S"\n'
        '"034545104X";"Flesh Tones: A Novel";"M. J. Rose";"2002";"Ballantine";"http://x"\n'
        '"0155061224";"Rites of Passage";"Judith Rae";"0";"Heinle";"http://x"\n',
        "latin-1",
    )
    path = write(
        "bx/BX-Book-Ratings.csv",
        '"User-ID";"ISBN";"Book-Rating"\n'
        '"276725";"034545104X";"0"\n'
        '"276726";"0155061224";"5"\n'
        '"276727";"034545104X";"10"\n'
        '"276728";"Müller";"11"\n',
        "latin-1",
    )
    community, report = read_community(path)
    assert report.format == "book-crossing"
    assert report.encoding in ("cp1252", "latin-1")
    assert community.scale == (1.0, 10.0)
    assert report.implicit == 1, "0 means 'not rated': kept apart, not a bad rating"
    assert [(row.line, row.reason) for row in report.skipped_rows] == [
        (5, "rating 11 is outside the scale 1–10")
    ]
    assert sorted(community.ratings["rating"]) == [5.0, 10.0]
    assert community.items.loc["034545104X", "title"] == "Flesh Tones: A Novel"
    assert community.items.loc["034545104X", "year"] == 2002
    assert community.name == "bx"


def test_movielens_1m_ratings_dat_with_latin1_movies_dat(write):
    write(
        "ml-1m/movies.dat",
        "1::Toy Story (1995)::Animation|Children's|Comedy\n"
        "2::Misérables, Les (1995)::Drama|Musical\n",
        "latin-1",
    )
    path = write(
        "ml-1m/ratings.dat", "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n"
    )
    community, report = read_community(path)
    assert (report.format, report.delimiter, report.has_header) == ("movielens-dat", "::", False)
    assert community.scale == (1.0, 5.0)
    assert community.items.loc["2", "title"] == "Les Misérables"
    assert community.items.loc["1", "genres"] == "Animation|Children's|Comedy"


def test_movielens_10m_half_stars_in_ratings_dat(write):
    path = write("ratings.dat", "1::122::5::838985046\n1::185::4.5::838983525\n2::122::0.5::1\n")
    community, _ = read_community(path)
    assert community.scale == (0.5, 5.0)


def test_personal_generic_headerless_title_year_rating(write):
    path = write("mine.tsv", "Heat\t1995\t9\nAlien\t1979\t8\nBrazil\t1985\t10\n")
    personal, report = read_personal(path)
    assert report.format == "generic" and report.delimiter == "tab"
    assert personal.scale == (1.0, 10.0)
    assert personal.as_dict() == {"Heat (1995)": 9.0, "Alien (1979)": 8.0, "Brazil (1985)": 10.0}
