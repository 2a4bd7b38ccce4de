"""Rating scales: recognise them from the values, and convert between them.

A rating ``r`` on scale ``[a, b]`` is shown on scale ``[c, d]`` by the linear map

    r' = c + (r - a) · (d - c) / (b - a)

so IMDb's 1–10 maps onto MovieLens 0.5–5 as ``r / 2`` exactly, and Goodreads' 1–5 onto
MovieLens 0.5–5 as ``0.5 + (r - 1) · 1.125``. The original value is always kept beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Scale = tuple[float, float]

#: Scales people's files use, in the order they are tried (smallest first).
KNOWN_SCALES: tuple[Scale, ...] = (
    (1.0, 5.0),
    (0.5, 5.0),
    (0.0, 5.0),
    (1.0, 10.0),
    (0.0, 10.0),
    (1.0, 100.0),
    (0.0, 100.0),
)
#: Share of values that must lie on a scale for it to be chosen; the rest are bad rows.
IN_SCALE_SHARE = 0.99
#: A couple of stray values in a small file do not widen the scale either (under 10% of rows).
FEW_OUTLIERS = 2


def infer_scale(ratings: pd.Series) -> Scale | None:
    """The scale the ratings were given on, or None; values outside it are bad rows.

    In order of preference, trying the known scales smallest first:

    1. a scale holding at least 99% of the ratings (or all but two when that is under 10%);
    2. with half points present ("4.5"), a half-point scale (0.5–5, 0–5, 0–10) holding at
       least 75% of them: a stray "7" among half stars is a bad row, not a sign that every
       rating is out of 10 (which would halve all the others);
    3. the smallest scale holding at least half of them (a few garbage values such as 99 or
       -1 among real ratings are skipped, not a reason to refuse the file).

    Half points also rule out whole-number scales that start at 1 and end at 5.
    """
    values = ratings.dropna().to_numpy(dtype=float)
    if len(values) == 0:
        return None
    halves = bool(np.any(values != np.round(values)))
    candidates = [
        scale for scale in KNOWN_SCALES if not (halves and scale[0] == 1.0 and scale[1] <= 5.0)
    ]
    inside = {
        scale: int(np.count_nonzero((values >= scale[0]) & (values <= scale[1])))
        for scale in candidates
    }
    for scale in candidates:
        outside = len(values) - inside[scale]
        few = outside <= FEW_OUTLIERS and outside < 0.1 * len(values)
        if outside <= (1 - IN_SCALE_SHARE) * len(values) or few:
            return scale
        if halves and scale[0] < 1.0 and scale[1] <= 10.0 and inside[scale] >= 0.75 * len(values):
            return scale
    return next((scale for scale in candidates if inside[scale] >= 0.5 * len(values)), None)


def convert(rating: float | np.ndarray, source: Scale, target: Scale) -> float | np.ndarray:
    """Show a rating from ``source`` on ``target`` (the linear map in the module docstring)."""
    (a, b), (c, d) = source, target
    if b == a:
        return c
    return c + (rating - a) * (d - c) / (b - a)


def describe(scale: Scale) -> str:
    """``(0.5, 5.0)`` -> ``"0.5–5"`` for messages."""
    return "–".join(f"{value:g}" for value in scale)
