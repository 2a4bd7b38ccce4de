"""Checks of the values the store accepts, and the timestamps it writes.

Each check returns the value in the type SQLite stores, or raises a ``KindredError`` with one
sentence naming what was wrong, so a bad value never reaches a transaction.
"""

from __future__ import annotations

import json
import math
from datetime import UTC
from datetime import datetime
from numbers import Integral
from numbers import Real

from recommender.errors import KindredError


def now_timestamp() -> str:
    """The current time as ISO 8601 in UTC with microseconds, so recent edits sort in order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def checked_text(value: object, what: str) -> str:
    """A non-empty string id, or a KindredError naming what was wrong."""
    if not isinstance(value, str) or not value:
        raise KindredError(f"The {what} must be a non-empty text, not {value!r}.")
    return value


def checked_finite(value: object, what: str) -> float:
    """A finite number as float (booleans and text are refused)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise KindredError(f"The {what} must be a finite number, not {value!r}.")
    return float(value)


def optional_finite(value: object, what: str) -> float | None:
    return None if value is None else checked_finite(value, what)


def checked_count(value: object, what: str) -> int:
    """A whole number of things, zero or more (NumPy integers included)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise KindredError(f"The number of {what} must be a whole number ≥ 0, not {value!r}.")
    return int(value)


def optional_year(value: object) -> int | None:
    """A year as int; None when missing (None, NaN, pandas' NA); KindredError otherwise."""
    if value is None or type(value).__name__ == "NAType":
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        if math.isnan(number):
            return None
        if number.is_integer():
            return int(number)
    raise KindredError(f"A year must be a whole number, not {value!r}.")


def scale_to_text(scale: tuple[float, float] | None) -> str | None:
    if scale is None:
        return None
    low, high = (checked_finite(bound, "original scale") for bound in scale)
    return json.dumps([low, high])


def scale_from_text(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    low, high = json.loads(text)
    return (float(low), float(high))
