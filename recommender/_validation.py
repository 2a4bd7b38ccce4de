"""Checks on what callers hand the engine; each failure is one sentence naming the culprit."""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence
from numbers import Integral
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from recommender._sparse import CENTERINGS
from recommender.errors import ConfigurationError
from recommender.rating_arrays import RatingArrays

if TYPE_CHECKING:
    from recommender.knn import UserKNN

logger = logging.getLogger(__name__)

NEIGHBOURHOODS = ("item", "global")
RANKINGS = ("evidence", "rating")


def _whole(value: object, name: str, lowest: int) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < lowest:
        raise ConfigurationError(
            f"{name} must be a whole number of at least {lowest}; got {value!r}."
        )


def _number(value: object, name: str, lowest: float, highest: float = math.inf) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(value)
        or not lowest <= value <= highest
    ):
        bounds = f"at least {lowest}" if highest == math.inf else f"between {lowest} and {highest}"
        raise ConfigurationError(f"{name} must be a number {bounds}; got {value!r}.")


def _choice(value: object, name: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ConfigurationError(
            f"Unknown {name} {value!r}; choose one of: {', '.join(sorted(choices))}."
        )


def check_parameters(model: UserKNN) -> None:
    """Validate every constructor parameter (similarity and aggregation names are checked
    against their registries by the caller)."""
    _whole(model.k, "k", 1)
    _whole(model.min_k, "min_k", 0)
    if model.min_k > model.k:
        raise ConfigurationError(f"min_k ({model.min_k}) must not exceed k ({model.k}).")
    _whole(model.min_overlap, "min_overlap", 1)
    _number(model.shrinkage, "shrinkage", 0.0)
    _number(model.min_similarity, "min_similarity", -1.0, 1.0)
    _number(model.damping, "damping", 0.0)
    _number(model.user_regularisation, "user_regularisation", 0.0)
    _number(model.item_regularisation, "item_regularisation", 0.0)
    _choice(model.centering, "centering", CENTERINGS)
    _choice(model.neighbourhood, "neighbourhood", NEIGHBOURHOODS)
    _choice(model.ranking, "ranking", RANKINGS)


def check_ratings(ratings: object) -> pd.DataFrame:
    """A clean ``user, item, rating`` frame: ids present, ratings finite (repeated pairs are
    averaged by ``RatingArrays.from_frame``)."""
    if not isinstance(ratings, pd.DataFrame):
        raise ConfigurationError(
            f"ratings must be a pandas DataFrame with columns user, item, rating; "
            f"got {type(ratings).__name__}."
        )
    missing = [column for column in ("user", "item", "rating") if column not in ratings.columns]
    if missing:
        raise ConfigurationError(
            f"ratings lacks the column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, ratings.columns))}."
        )
    if len(ratings) == 0:
        raise ConfigurationError("ratings is empty: there is nobody to learn from.")
    frame = ratings[["user", "item", "rating"]]
    for column in ("user", "item"):
        if frame[column].isna().any():
            position = int(np.flatnonzero(frame[column].isna().to_numpy())[0])
            raise ConfigurationError(f"ratings row {position} has no {column}.")
    values = pd.to_numeric(frame["rating"], errors="coerce").astype(np.float64)
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise ConfigurationError(
            f"ratings row {position} has rating {frame['rating'].iloc[position]!r}, "
            "which is not a number."
        )
    # Repeated (user, item) pairs are averaged when the arrays are built (RatingArrays).
    return pd.DataFrame(
        {"user": frame["user"].array, "item": frame["item"].array, "rating": values.to_numpy()}
    )


def check_arrays(arrays: RatingArrays) -> RatingArrays:
    """A community's arrays as the engine needs them: not empty, both layouts the same size,
    every rating a finite number."""
    if arrays.n_ratings == 0:
        raise ConfigurationError("ratings is empty: there is nobody to learn from.")
    n_users, n_items = arrays.shape
    sound = (
        len(arrays.user_indptr) == n_users + 1
        and len(arrays.item_indptr) == n_items + 1
        and int(arrays.item_indptr[-1]) == arrays.n_ratings
        and all(
            len(values) == arrays.n_ratings
            for values in (
                arrays.user_items,
                arrays.user_ratings,
                arrays.item_users,
                arrays.item_ratings,
            )
        )
    )
    if not sound:
        raise ConfigurationError("The rating arrays do not fit together: import them again.")
    if not np.isfinite(arrays.user_ratings).all():
        raise ConfigurationError("Some ratings in the arrays are not numbers: import them again.")
    return arrays


def check_person_ratings(ratings: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """A new person's ``{item: rating}``, each rating a finite number."""
    if not isinstance(ratings, Mapping):
        raise ConfigurationError(
            f"ratings= must map items to ratings; got {type(ratings).__name__}."
        )
    clean: dict[Hashable, float] = {}
    for item, rating in ratings.items():
        try:
            value = float(rating)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            raise ConfigurationError(f"The rating of item {item!r} is {rating!r}, not a number.")
        clean[item] = value
    return clean


def check_count(n: object, name: str) -> int:
    _whole(n, name, 0)
    return int(n)


def check_pairs(
    users: Sequence[Hashable], items: Sequence[Hashable]
) -> tuple[Sequence[Hashable], Sequence[Hashable]]:
    """Two equally long sequences of ids.

    Arrays (numpy, pandas) are kept as arrays: looking up a typed array in the fitted index is
    about a hundred times faster than looking up a list of Python objects.
    """
    users, items = _ids(users), _ids(items)
    if len(users) != len(items):
        raise ConfigurationError(
            f"users and items must be equally long; got {len(users)} users and {len(items)} items."
        )
    return users, items


def _ids(ids: Sequence[Hashable]) -> Sequence[Hashable]:
    if isinstance(ids, np.ndarray | pd.Series | pd.Index) and np.ndim(ids) == 1:
        return np.asarray(ids)
    return list(ids)


def plain_id(identifier: Hashable) -> Hashable:
    """An id as the caller gave it: numpy scalars from the index become Python scalars."""
    return identifier.item() if isinstance(identifier, np.generic) else identifier
