"""How neighbours' opinions of one item combine into one number: pure functions by name.

Every aggregation has one signature, ``(weighted_sum, weight_total, damping) -> estimate``,
working on per-(person, item) sums over the chosen neighbours ``N``:

* ``weighted_sum`` is :math:`\\sum_{v \\in N} s_{uv} z_{vi}`, where ``z`` is a neighbour's
  rating after centring (their rating minus their mean or baseline, or the raw rating);
* ``weight_total`` is :math:`\\sum_{v \\in N} |s_{uv}|`;
* ``damping`` is a number of "phantom" neighbours of weight 1 who think the item is exactly
  average (``z = 0``).

Working on sums keeps every function vectorised: the caller adds up each neighbourhood once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from recommender.errors import ConfigurationError

Aggregation = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def weighted_average(
    weighted_sum: np.ndarray, weight_total: np.ndarray, damping: float
) -> np.ndarray:
    """Similarity-weighted mean of the neighbours' centred ratings, pulled towards 0.

    .. math::  \\hat z_{ui} = \\frac{\\sum_{v \\in N} s_{uv} z_{vi}}
                                    {\\lambda + \\sum_{v \\in N} |s_{uv}|}

    With ``lambda = 0`` this is the classic weighted average (Resnick et al. 1994). A positive
    ``lambda`` trusts an item backed by little similarity less: the estimate slides towards the
    baseline when the neighbours' total weight is small compared to ``lambda``. An empty
    neighbourhood gives 0.
    """
    denominator = weight_total + damping
    out = np.zeros_like(weighted_sum, dtype=np.float64)
    np.divide(weighted_sum, denominator, out=out, where=denominator > 0)
    return out


def weighted_sum(weighted_sum: np.ndarray, weight_total: np.ndarray, damping: float) -> np.ndarray:
    """Plain similarity-weighted sum, unnormalised (LensKit's implicit-feedback scorer).

    .. math::  \\hat z_{ui} = \\sum_{v \\in N} s_{uv} z_{vi}

    Grows with the number of agreeing neighbours, so it measures evidence rather than a rating;
    ``weight_total`` and ``damping`` are ignored.
    """
    del weight_total, damping
    return np.asarray(weighted_sum, dtype=np.float64)


AGGREGATIONS: dict[str, Aggregation] = {
    "weighted_average": weighted_average,
    "weighted_sum": weighted_sum,
}


def get_aggregation(name: str) -> Aggregation:
    """The aggregation called ``name``; a ConfigurationError lists the valid names."""
    if not isinstance(name, str) or name not in AGGREGATIONS:
        valid = ", ".join(sorted(AGGREGATIONS))
        raise ConfigurationError(f"Unknown aggregation {name!r}; choose one of: {valid}.")
    return AGGREGATIONS[name]
