"""Shared pieces of the interface tests: a hostile community and a scripted person."""

from __future__ import annotations

import pandas as pd
from flask.testing import FlaskClient

from recommender.community import Community

# Every page of the app (items aside), for checks that must hold on all of them.
PAGES = [
    "/",
    "/catalogue",
    "/recommendations",
    "/ratings",
    "/import",
    "/people",
    "/communities",
    "/evaluate",
    "/settings",
    "/about",
]

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
# An id with every character that could break a URL, an attribute or a CSS selector.
ODD_ID = 'odd/"id" & ?#<x>'

HOSTILE_TITLES = {
    "h1": HOSTILE_TITLE,
    "h2": "<script>alert('title')</script>",
    "h3": '"><svg onload=alert(3)>',
    "h4": "Plain & Simple",
    "h5": "Fine Film",
    "h6": "Another Fine Film",
    "h7": "Quiet Evening",
    ODD_ID: "Loud Morning",
}


def hostile_community() -> Community:
    """Six people rating eight titles, three of them hostile, with two clear tastes.

    People a1–a3 love h1–h4 and dislike h5–h7 and ``ODD_ID``; b1–b3 the other way round. A
    person who rates h2–h4 high and h5–h6 low is kindred to the a's, who recommend h1 (the
    ``<img>`` title).
    """
    rows = []
    for person in ("a1", "a2", "a3"):
        rows += [(person, item, 4.5 + 0.5 * (item == "h1")) for item in ("h1", "h2", "h3", "h4")]
        rows += [(person, item, 1.0) for item in ("h5", "h6", "h7", ODD_ID)]
    for person in ("b1", "b2", "b3"):
        rows += [(person, item, 1.5) for item in ("h1", "h2", "h3", "h4")]
        rows += [(person, item, 4.5) for item in ("h5", "h6", "h7", ODD_ID)]
    ratings = pd.DataFrame(rows, columns=["user", "item", "rating"])
    items = pd.DataFrame(
        {
            "title": list(HOSTILE_TITLES.values()),
            "year": pd.array([2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008], dtype="Int64"),
            "genres": [
                "Drama|<b>Bold</b>",
                "Comedy",
                "Drama",
                "Comedy",
                "Drama",
                "Comedy",
                "Drama",
                "Comedy",
            ],
        },
        index=pd.Index(list(HOSTILE_TITLES), name="item"),
    )
    return Community(
        name="Hostile <i>test</i> community", ratings=ratings, items=items, scale=(0.5, 5.0)
    )


class Person:
    """Does what a person does through the pages' scripts: the same API calls, same headers."""

    def __init__(self, client: FlaskClient, csrf: dict[str, str]) -> None:
        self.client = client
        self.csrf = csrf

    def popular_items(self, count: int, genre: str | None = None) -> list[str]:
        """The ids of the community's ``count`` most-rated titles (of ``genre``)."""
        query: dict[str, object] = {"sort": "popular", "per_page": count}
        if genre:
            query["genre"] = genre
        response = self.client.get("/api/catalogue", query_string=query)
        assert response.status_code == 200, response.json
        return [item["item"] for item in response.json["items"]]

    def rate(self, item: str, rating: float) -> dict:
        response = self.client.post(
            "/api/ratings", json={"item": item, "rating": rating}, headers=self.csrf
        )
        assert response.status_code == 200, response.json
        return response.json

    def rate_all(self, items: list[str], rating: float) -> None:
        for item in items:
            self.rate(item, rating)
