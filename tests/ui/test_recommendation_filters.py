"""Narrowing recommendations: the pure filter rules, then the same through the API and page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from uitest_support import Person

from recommender.catalogue import fold_text
from ui.formatting import whole_percent
from ui.recommendation_filters import RecommendationFilters


def recommendation(item: str, **fields) -> dict:
    defaults = {
        "item": item,
        "title": f"Title {item}",
        "year": 2000,
        "genres": ["Drama"],
        "predicted_rating": 3.0,
        "confidence": 0.5,
        "score": 3.0,
    }
    return defaults | fields


ITEMS = [
    recommendation("a", title="Amélie", year=2001, genres=["Comedy", "Romance"], confidence=0.9),
    recommendation("b", title="Brazil", year=1985, genres=["Sci-Fi"], predicted_rating=4.5),
    recommendation("c", title="Casablanca", year=None, genres=["Drama"], confidence=0.335),
    recommendation("d", title="Dune", year=2021, genres=["Sci-Fi"], confidence=0.2),
]


def ids(items: list[dict]) -> list[str]:
    return [item["item"] for item in items]


def test_defaults_keep_the_order_and_do_not_narrow() -> None:
    filters = RecommendationFilters()
    assert not filters.narrows
    assert filters.apply(ITEMS) == (ITEMS, 4)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (RecommendationFilters(genre="Sci-Fi"), ["b", "d"]),
        (RecommendationFilters(year_from=1990), ["a", "d"]),  # no year: not in a year range
        (RecommendationFilters(year_from=1980, year_to=2001), ["a", "b"]),
        (RecommendationFilters(min_confidence=34), ["a", "b", "c"]),  # 0.335 shows as 34 %
        (RecommendationFilters(min_confidence=67), ["a"]),
        (RecommendationFilters(query="amelie"), ["a"]),  # accents and case ignored
        (RecommendationFilters(query="a a"), ["a", "b", "c"]),
        (RecommendationFilters(sort="predicted"), ["b", "a", "c", "d"]),
        (RecommendationFilters(sort="confidence"), ["a", "b", "c", "d"]),
        (RecommendationFilters(sort="newest"), ["d", "a", "b", "c"]),
        (RecommendationFilters(sort="title"), ["a", "b", "c", "d"]),
        (RecommendationFilters(per_page=3, page=2), ["d"]),
    ],
)
def test_each_filter(filters: RecommendationFilters, expected: list[str]) -> None:
    assert filters.narrows
    page, _total = filters.apply(ITEMS)
    assert ids(page) == expected


def test_paging_counts_all_matches() -> None:
    filters = RecommendationFilters(per_page=1, page=2, genre="Sci-Fi")
    page, total = filters.apply(ITEMS)
    assert (ids(page), total, filters.pages(total)) == (["d"], 2, 2)


@pytest.fixture
def rated(person: Person) -> Person:
    person.rate_all(person.popular_items(5, genre="Sci-Fi"), 5.0)
    return person


def test_api_filters_by_genre_year_and_confidence(client: FlaskClient, rated: Person) -> None:
    everything = client.get("/api/recommendations?n=200").json["items"]
    confidences = sorted((whole_percent(item["confidence"]) for item in everything), reverse=True)
    threshold = confidences[len(confidences) // 4]
    query = f"genre=Action&year_from=1980&year_to=2009&min_confidence={threshold}&n=200"
    answer = client.get(f"/api/recommendations?{query}").json
    assert answer["filters"]["genre"] == "Action"
    expected = [
        item["item"]
        for item in everything
        if "Action" in item["genres"]
        and item["year"] is not None
        and 1980 <= item["year"] <= 2009
        and whole_percent(item["confidence"]) >= threshold
    ]
    assert answer["total"] == len(expected) > 0
    assert ids(answer["items"]) == expected


def test_api_pages_do_not_overlap_and_say_when_there_is_more(
    client: FlaskClient, rated: Person
) -> None:
    first = client.get("/api/recommendations?n=10").json
    assert first["more"] is True and first["total"] is None and first["page"] == 1
    second = client.get("/api/recommendations?n=10&page=2").json
    assert second["page"] == 2 and second["pages"] >= 2
    assert not set(ids(first["items"])) & set(ids(second["items"]))
    both = client.get("/api/recommendations?n=20").json
    assert ids(both["items"]) == ids(first["items"]) + ids(second["items"])


def test_api_sorts_by_title(client: FlaskClient, rated: Person) -> None:
    answer = client.get("/api/recommendations?sort=title&n=30").json
    titles = [fold_text(item["title"]) for item in answer["items"]]  # "Amélie" sorts as "amelie"
    assert titles == sorted(titles)


def test_years_given_the_wrong_way_round_mean_the_same_years(
    client: FlaskClient, rated: Person
) -> None:
    reversed_years = client.get("/api/recommendations?year_from=2010&year_to=1990").json
    in_order = client.get("/api/recommendations?year_from=1990&year_to=2010").json
    assert reversed_years["items"] == in_order["items"] and in_order["items"]
    assert all(1990 <= item["year"] <= 2010 for item in in_order["items"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=random", "Unknown sort 'random'"),
        ("min_confidence=150", "'min_confidence' must be between 0 and 100."),
        ("page=0", "'page' must be between"),
    ],
)
def test_api_refuses_bad_filters(client: FlaskClient, query: str, message: str) -> None:
    response = client.get(f"/api/recommendations?{query}")
    assert response.status_code == 400
    assert message in response.json["error"]


def test_page_keeps_the_filters_in_its_form_and_pager(client: FlaskClient, rated: Person) -> None:
    html = client.get("/recommendations?genre=Drama&sort=predicted&n=5").get_data(as_text=True)
    assert "<option selected>Drama</option>" in html
    assert '<option value="predicted" selected>' in html
    assert "matching recommendation" in html
    assert "Clear filters" in html
    assert "page=2" in html and "genre=Drama" in html
    assert html.count('class="card recommendation"') == 5


def test_filters_that_match_nothing_say_so(client: FlaskClient, rated: Person) -> None:
    html = client.get("/recommendations?q=zzzzqqq").get_data(as_text=True)
    assert "No recommendation matches these filters." in html
    assert "0 matching recommendations." in html
