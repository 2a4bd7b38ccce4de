"""Title normalisation and title matching, one rule per case."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.community import Community
from recommender.importing.matching import ItemIndex
from recommender.importing.matching import clean_isbn
from recommender.importing.matching import isbn10_from_13
from recommender.importing.matching import normalise_imdb_id
from recommender.importing.titles import display_title
from recommender.importing.titles import normalise
from recommender.importing.titles import split_year


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Matrix, The", "The Matrix"),  # trailing article
        ("Amélie", "Amelie"),  # diacritics
        ("Léon: The Professional", "Leon The Professional"),  # punctuation
        ("Fast & Furious", "Fast and Furious"),
        ("Avventura, L'", "L'Avventura"),  # apostrophe article
        ("Postman, The", "postman"),
    ],
)
def test_normalise_makes_equivalent_titles_equal(left, right):
    assert normalise(left) == normalise(right)


def test_split_year_and_display_title():
    assert split_year("Heat (1995)") == ("Heat", 1995)
    assert split_year("Babylon 5") == ("Babylon 5", None)
    assert display_title("Postman, The (Postino, Il)") == "The Postman (Postino, Il)"


def test_ids_are_normalised():
    assert normalise_imdb_id("114709") == normalise_imdb_id("tt0114709") == "tt0114709"
    assert normalise_imdb_id("tt10003008") == "tt10003008"
    assert normalise_imdb_id("not an id") is None
    assert clean_isbn('="0441013597"') == "0441013597"
    assert clean_isbn('=""') is None
    assert isbn10_from_13("9780441013593") == "0441013597"


@pytest.fixture
def index() -> ItemIndex:
    titles = {
        "1": ("Star Wars: Episode IV - A New Hope", 1977),
        "2": ("Seven (a.k.a. Se7en)", 1995),
        "3": ("The Producers", 1968),
        "4": ("The Producers", 2005),
        "5": ("The Texas Chainsaw Massacre", 1974),
        "6": ("Heat", 1995),
        "7": ("Heat", 1995),
    }
    items = pd.DataFrame(
        {
            "title": [title for title, _ in titles.values()],
            "year": pd.array([year for _, year in titles.values()], dtype="Int64"),
            "genres": "",
        },
        index=pd.Index(list(titles), name="item"),
    )
    ratings = pd.DataFrame({"user": ["a", "b", "c"], "item": ["7", "7", "6"], "rating": 3.0})
    return ItemIndex(Community("films", ratings, items, (0.5, 5.0)))


@pytest.mark.parametrize(
    ("title", "year", "item"),
    [
        ("Star Wars", 1977, "1"),  # the part before the colon, loosely
        ("Se7en", 1995, "2"),  # a.k.a. alternate
        ("The Producers", 1967, "3"),  # year off by one
        ("The Producers", 2005, "4"),
        ("The Texas Chain Saw Massacre", 1974, "5"),  # spaces ignored, loosely
        ("Heat", 1995, "7"),  # ties go to the most rated
        ("Heat", None, "7"),
    ],
)
def test_title_matching(index, title, year, item):
    assert index.by_title(title, year).item == item


def test_unmatched_titles_say_why(index):
    assert index.by_title("The Producers", 1990).how == (
        "the community has this title only from 1968, 2005"
    )
    assert index.by_title("Nothing", 2000).how == "no item with this title in the community"
