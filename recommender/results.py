"""Plain, immutable answers returned by the engine.

They carry everything the interface needs to explain a recommendation: who the kindred people
are, how similar they are, and how they rated the item.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NeighbourRating:
    """One kindred person behind a recommendation: their similarity and their rating."""

    user: Hashable
    similarity: float
    rating: float


@dataclass(frozen=True, slots=True)
class Recommendation:
    """An item worth trying.

    ``score`` orders the list; ``predicted_rating`` is on the community's rating scale;
    ``confidence`` is in [0, 1]; ``neighbours`` are the kindred people who rated the item;
    ``baseline_rating`` is what Kindred would expect without them (``mu + b_u + b_i``: how the
    community rates the item, adjusted to how generously this person rates), the starting point
    the neighbours move the prediction from.
    """

    item: Hashable
    score: float
    predicted_rating: float
    confidence: float
    neighbours: tuple[NeighbourRating, ...]
    baseline_rating: float = float("nan")


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A kindred person: similarity to the person asking, and how many items both rated."""

    user: Hashable
    similarity: float
    overlap: int


@dataclass(frozen=True, slots=True)
class PredictionDetail:
    """One predicted rating and how it was made.

    ``was_impossible`` is true when the estimate fell back to the baseline; ``reason`` says why.
    """

    user: Hashable
    item: Hashable
    estimate: float
    neighbours_used: int
    was_impossible: bool
    reason: str | None
