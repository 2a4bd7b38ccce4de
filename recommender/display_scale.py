"""The person's own rating scale: which one ratings are shown in, and the conversion both ways.

A community rates on its own scale (MovieLens: 0.5–5 in half stars). A person who brought
their ratings from IMDb thinks in 1–10, from Goodreads in 1–5 whole stars; Kindred shows them
predicted ratings, their own ratings and the rating control in that scale, and stores every
rating on the community's scale (what the engine uses) beside the value the person gave.

The conversion is the linear map of :func:`recommender.importing.scales.convert`,

    r' = c + (r - a) · (d - c) / (b - a)     for r on [a, b] shown on [c, d],

so 0.5–5 ↔ 1–10 is ``r' = 2r`` (every half star is a whole IMDb point) and 0.5–5 → 1–5 is
``r' = 1 + (r - 0.5) · 8 / 9``. Shown values are clipped to the display scale, so rounding in
the engine never shows 10.0000001 out of 10.

The preference (a setting, ``display_scale``) is one of :data:`PREFERENCES`: ``"auto"`` (the
default: the scale most of the person's imported ratings came in, else the community's),
``"community"``, or a named scale of :data:`NAMED_SCALES`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recommender.errors import KindredError
from recommender.importing.scales import Scale
from recommender.importing.scales import convert
from recommender.importing.scales import describe

SETTING_KEY = "display_scale"
AUTO = "auto"
COMMUNITY = "community"


@dataclass(frozen=True)
class DisplayScale:
    """A scale ratings are shown and given in: its bounds, the step of the rating control, and
    how a person would recognise it."""

    name: str
    low: float
    high: float
    step: float
    label: str

    @property
    def bounds(self) -> Scale:
        return (self.low, self.high)

    def steps(self) -> list[float]:
        """The rating control's positions, lowest first: multiples of the step from one step up
        to the top (1, 2, …, 10; or ½, 1, …, 5). Those below ``low`` are shown disabled, so a
        1–5 community still draws five whole stars."""
        count = math.ceil(self.high / self.step - 1e-9)
        return [index * self.step for index in range(1, count + 1)]

    def nearest_step(self, value: float) -> float:
        """The usable control position closest to ``value`` (halves round up)."""
        snapped = math.floor(value / self.step + 0.5 + 1e-9) * self.step
        usable = [step for step in self.steps() if step >= self.low - 1e-9]
        return min(max(snapped, usable[0]), usable[-1])

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: ``name, scale [low, high], step, label``."""
        return {
            "name": self.name,
            "scale": [self.low, self.high],
            "step": self.step,
            "label": self.label,
        }


#: Scales a person may choose, by name: bounds, control step, and where people know them from.
NAMED_SCALES: dict[str, DisplayScale] = {
    "0.5-5": DisplayScale("0.5-5", 0.5, 5.0, 0.5, "½ to 5 stars in half stars, as Letterboxd"),
    "1-5": DisplayScale("1-5", 1.0, 5.0, 1.0, "1 to 5 whole stars, as Goodreads"),
    "1-10": DisplayScale("1-10", 1.0, 10.0, 1.0, "1 to 10 points, as IMDb"),
}
PREFERENCES = (AUTO, COMMUNITY, *NAMED_SCALES)


def community_display(scale: Scale) -> DisplayScale:
    """The community's own scale as a display scale: half steps up to 5, whole steps above."""
    low, high = float(scale[0]), float(scale[1])
    step = 0.5 if high <= 5 else 1.0
    return DisplayScale(COMMUNITY, low, high, step, f"the community's own scale, {describe(scale)}")


def checked_preference(value: object) -> str:
    """``value`` if it is a valid preference; else KindredError with one sentence."""
    if not isinstance(value, str) or value not in PREFERENCES:
        shown = str(value)[:40]
        raise KindredError(
            f"'{shown}' is not a rating scale Kindred can show; choose one of: "
            f"{', '.join(PREFERENCES)}."
        )
    return value


def most_common_scale(imported_scales: Iterable[Scale | None]) -> Scale | None:
    """The scale most of the person's imported ratings came in (ties: the first seen)."""
    counts = Counter(scale for scale in imported_scales if scale is not None)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def resolve(
    preference: str, community_scale: Scale, imported_scales: Iterable[Scale | None]
) -> DisplayScale:
    """The display scale a preference means for this community and these imported ratings.

    ``"auto"`` picks the named scale matching the most common original scale of the person's
    imported ratings; with none, or one Kindred has no control for (0–100), the community's.
    """
    if preference in NAMED_SCALES:
        return NAMED_SCALES[preference]
    if preference == AUTO:
        usual = most_common_scale(imported_scales)
        for named in NAMED_SCALES.values():
            if usual is not None and named.bounds == (float(usual[0]), float(usual[1])):
                return named
    return community_display(community_scale)


def to_display(rating: float | None, community_scale: Scale, display: DisplayScale) -> float | None:
    """A community-scale rating in the display scale, clipped to it and rounded to 2 decimals
    (the linear map in the module docstring); ``None`` stays ``None``."""
    if rating is None:
        return None
    shown = float(convert(float(rating), community_scale, display.bounds))
    return round(min(max(shown, display.low), display.high), 2)


def from_display(value: object, display: DisplayScale, community_scale: Scale) -> float:
    """A rating given in the display scale, on the community's scale (clipped to it).

    :raise KindredError: when ``value`` is not a number, is off the display scale, or is not one
        of the control's steps (8.5 on 1–10).
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise KindredError(f"The rating '{str(value)[:40]}' is not a number.")
    if not display.low <= value <= display.high:
        raise KindredError(
            f"A rating on the {describe(display.bounds)} scale must be between "
            f"{display.low:g} and {display.high:g}; got {value:g}."
        )
    if abs(display.nearest_step(value) - value) > 1e-9:
        raise KindredError(
            f"A rating on the {describe(display.bounds)} scale goes in steps of "
            f"{display.step:g}; got {value:g}."
        )
    low, high = community_scale
    return float(min(max(convert(float(value), display.bounds, community_scale), low), high))


def add_display_fields(
    view: dict[str, Any], community_scale: Scale, display: DisplayScale
) -> dict[str, Any]:
    """Add the display-scale twins to one JSON-ready item view, in place, and return it.

    Every rating a page shows gets a ``*_display`` twin beside the community-scale value it
    keeps: ``my_rating_display``, ``predicted_rating_display``, ``baseline_rating_display``,
    ``community_mean_display``, each neighbour's ``rating_display`` (in ``neighbours`` and
    ``kindred_ratings``), ``mine_display`` / ``theirs_display`` in agree/disagree lists, and
    an item page's ``histogram`` as ``histogram_display`` (``rating``, ``rating_display``,
    ``count`` rows, lowest first). Calling it twice is harmless.
    """
    scales = (community_scale, display)
    for field in ("my_rating", "predicted_rating", "baseline_rating", "community_mean"):
        if field in view:
            view[f"{field}_display"] = to_display(view[field], community_scale, display)
    for group in ("neighbours", "kindred_ratings"):
        for neighbour in view.get(group) or ():
            neighbour["rating_display"] = to_display(neighbour["rating"], community_scale, display)
    if "histogram" in view:  # community-scale value (as text) -> count, lowest first
        view["histogram_display"] = [
            {
                "rating": float(value),
                "rating_display": to_display(float(value), *scales),
                "count": n,
            }
            for value, n in view["histogram"].items()
        ]
    for group in ("agree", "disagree"):
        for entry in view.get(group) or ():
            entry["mine_display"] = to_display(entry["mine"], community_scale, display)
            entry["theirs_display"] = to_display(entry["theirs"], community_scale, display)
    return view


def add_display_to_answer(
    answer: Mapping[str, Any] | dict[str, Any], community_scale: Scale, display: DisplayScale
) -> dict[str, Any]:
    """Add ``display_scale`` to an answer with ``items`` and display twins to each item."""
    result = dict(answer)
    for view in result.get("items") or ():
        add_display_fields(view, community_scale, display)
    result["display_scale"] = display.as_dict()
    return result
