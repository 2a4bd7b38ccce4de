"""Centring: what a neighbour's rating is measured against, and how the estimate is rebuilt.

Neighbours' ratings are compared after removing what is personal about them, so a generous
rater's 4 and a severe rater's 3 can mean the same. For ``centering``:

=============  ==========================  ===============================================
centering      neighbour value ``z_vi``    estimate from the aggregate ``a``
=============  ==========================  ===============================================
``baseline``   ``r_vi - b_vi``             ``b_ui + a``  (``b_ui = mu + b_u + b_i``)
``mean``       ``r_vi - mu_v``             ``mu_u + a``
``zscore``     ``(r_vi - mu_v) / sigma_v`` ``mu_u + sigma_u a``
``none``       ``r_vi``                    ``a``
=============  ==========================  ===============================================
"""

from __future__ import annotations

import numpy as np

#: The per-entry values (see ``RatingMatrix.values``) each centring averages.
CENTRED_VALUES = {
    "baseline": "baseline_residual",
    "mean": "mean_centred",
    "zscore": "zscore",
    "none": "raw",
}


def uncentre(
    centering: str,
    aggregate: np.ndarray,
    baseline: np.ndarray,
    mean: np.ndarray | float,
    spread: np.ndarray | float,
) -> np.ndarray:
    """The estimate on the rating scale from the aggregated centred values (table above)."""
    if centering == "baseline":
        return baseline + aggregate
    if centering == "mean":
        return mean + aggregate
    if centering == "zscore":
        return mean + spread * aggregate
    return np.asarray(aggregate, dtype=np.float64)
