"""How ``recommend`` orders items: by the evidence that kindred people liked them."""

from __future__ import annotations

import numpy as np

from recommender._sparse import RatingMatrix
from recommender.neighbourhood import ItemNeighbourhoods


def evidence_scores(hoods: ItemNeighbourhoods, matrix: RatingMatrix, n_items: int) -> np.ndarray:
    """Per item, the summed similarity of the neighbours who rated it.

    .. math::  \\mathrm{score}_{ui} = \\sum_{v \\in N(u, i)} s_{uv}
    """
    del matrix
    return np.bincount(hoods.item_rows, weights=hoods.similarities, minlength=n_items)
