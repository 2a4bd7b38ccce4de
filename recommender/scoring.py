"""How ``recommend`` orders items: by the evidence that people alike liked them.

Ranking by predicted rating alone recommends obscure items that one neighbour rated 5 (on
MovieLens latest-small, precision@10 of about 0.001). What predicts what a person will enjoy
is how many people with overlapping taste rated an item, how alike they are, and how much
they liked it.
"""

from __future__ import annotations

import numpy as np

from recommender.neighbourhood import ItemNeighbourhoods


def evidence_scores(hoods: ItemNeighbourhoods, n_items: int) -> np.ndarray:
    """Per item, the squared similarity of each neighbour who rated it, times their rating.

    .. math::  \\mathrm{score}_{ui} = \\sum_{v \\in N(u, i)} s_{uv}^2 \\, r_{vi}

    ``N(u, i)`` are the (at most ``k``) people most alike who rated ``i``. Squaring favours
    the closest neighbours over a crowd of distant ones; the rating makes a 5 count more than
    a 2. Chosen on MovieLens latest-small's top-N
    protocol (see ``benchmarks/RESULTS.md``): with Jaccard similarity this beats the plain
    summed similarity (LensKit's implicit scorer) and the rating-weighted sum.
    """
    return np.bincount(
        hoods.item_rows,
        weights=evidence_weights(hoods.similarities, hoods.ratings),
        minlength=n_items,
    )


def evidence_weights(similarities: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """Each neighbour's share of the evidence, ``s^2 r`` (the square taken in the similarities'
    own precision, the product in float64, the same in every code path)."""
    return np.square(similarities).astype(np.float64) * np.asarray(ratings, dtype=np.float64)


def confidence(weight_total: float) -> float:
    """How much similarity backs a predicted rating, mapped to [0, 1).

    .. math::  c = \\frac{w}{w + 1}, \\qquad w = \\sum_{v \\in N} |s_{uv}|
    """
    return float(weight_total / (weight_total + 1.0))
