"""Jinja filters that turn numbers into the words and symbols the pages show."""

from __future__ import annotations

import math

from flask import Flask


def stars_text(value: float) -> str:
    """``3.5`` → ``"3½ stars"``, ``1`` → ``"1 star"``, ``0.5`` → ``"½ star"``."""
    whole = int(value)
    half = value - whole >= 0.5
    number = (str(whole) if whole else "") + ("½" if half else "")
    return f"{number} star" + ("" if value <= 1 else "s")


def rating(value: float | None) -> str:
    """A rating with one decimal and a star, or a dash when there is none."""
    return "–" if value is None else f"{value:.1f}★"


def whole_percent(value: float) -> int:
    """A share in [0, 1] as a whole percentage, halves rounded up (as JavaScript's Math.round)."""
    return math.floor(100 * value + 0.5)


def percent(value: float | None) -> str:
    """A share in [0, 1] as a whole percentage."""
    return "–" if value is None else f"{whole_percent(value)}%"


def similarity(value: float | None) -> str:
    """A similarity in [-1, 1] with two decimals (shrunk similarities are often small)."""
    return "–" if value is None else f"{value:.2f}"


MEDIUM_CONFIDENCE = 34  # percent; the recommendations page's confidence filter uses the same
HIGH_CONFIDENCE = 67


def confidence_word(value: float) -> str:
    """How sure a prediction is, in a word: low below 34 %, high from 67 %."""
    shown = whole_percent(value)
    if shown < MEDIUM_CONFIDENCE:
        return "low"
    return "medium" if shown < HIGH_CONFIDENCE else "high"


def mean_rating(neighbours: list[dict]) -> float | None:
    """The average of the ``rating`` of the kindred people behind a recommendation."""
    if not neighbours:
        return None
    return sum(neighbour["rating"] for neighbour in neighbours) / len(neighbours)


def thousands(value: int) -> str:
    """``15361`` → ``"15,361"``."""
    return f"{value:,}"


def number(value: float) -> str:
    """A number without a needless ``.0``: ``5.0`` → ``"5"``, ``0.5`` → ``"0.5"``."""
    return f"{value:g}"


def init_app(app: Flask) -> None:
    """Register the filters on ``app``."""
    app.add_template_filter(stars_text)
    app.add_template_filter(rating)
    app.add_template_filter(percent)
    app.add_template_filter(thousands)
    app.add_template_filter(similarity)
    app.add_template_filter(confidence_word)
    app.add_template_filter(mean_rating)
    app.add_template_filter(number)
