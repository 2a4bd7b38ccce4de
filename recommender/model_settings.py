"""The model options a person may change, with plain-language help, validation and storage.

Only a few of :class:`~recommender.knn.UserKNN`'s parameters are offered (those whose effect a
person can understand and an evaluation can show); the rest keep their evaluated defaults. The
chosen values are stored as one JSON setting, ``model_options``, holding only the options that
differ from the defaults, so a better default in a later version reaches people who never
changed that option.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol

from recommender import _validation
from recommender._sparse import CENTERINGS
from recommender.errors import ConfigurationError
from recommender.errors import KindredError
from recommender.knn import UserKNN
from recommender.similarity import SIMILARITIES

logger = logging.getLogger(__name__)

SETTING_KEY = "model_options"


class SettingsStore(Protocol):
    """What this module needs of :class:`recommender.storage.Store`."""

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Option:
    """One changeable model option: how it is shown, explained and checked."""

    name: str
    label: str
    help: str
    kind: str  # "whole", "number" or "choice"
    lowest: float | None = None
    highest: float | None = None
    step: float | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, plain-language description)

    def check(self, value: object) -> int | float | str:
        """``value`` converted to this option's type; KindredError naming the option if bad."""
        if self.kind == "choice":
            valid = [choice for choice, _ in self.choices]
            if value not in valid:
                raise KindredError(f"{self.label} must be one of: {', '.join(valid)}.")
            return str(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise KindredError(f"{self.label} must be a number.")
        if not math.isfinite(value):
            raise KindredError(f"{self.label} must be a finite number.")
        if self.kind == "whole":
            if value != int(value):
                raise KindredError(f"{self.label} must be a whole number.")
            value = int(value)
        else:
            value = float(value)
        if self.lowest is not None and value < self.lowest:
            raise KindredError(f"{self.label} must be at least {self.lowest:g}.")
        if self.highest is not None and value > self.highest:
            raise KindredError(f"{self.label} must be at most {self.highest:g}.")
        return value


CENTERING_HELP = {
    "baseline": "compare with what each person and title usually get (recommended)",
    "mean": "compare with each person's average rating",
    "zscore": "as 'mean', and also allow for how widely each person spreads their ratings",
    "none": "use the raw ratings",
}

OPTIONS: dict[str, Option] = {
    option.name: option
    for option in (
        Option(
            "k",
            "Kindred people per title",
            "How many of the most similar people who rated a title are asked about it. Fewer "
            "follows your closest matches (more surprising, noisier); more is steadier but "
            "closer to what everyone likes.",
            "whole",
            1,
            500,
            1,
        ),
        Option(
            "similarity",
            "How likeness is measured",
            "How Kindred decides that someone's taste is like yours.",
            "choice",
            choices=tuple((name, entry.description) for name, entry in SIMILARITIES.items()),
        ),
        Option(
            "min_overlap",
            "Titles in common",
            "The fewest titles someone must have rated in common with you to be compared at "
            "all. Higher ignores people who only look alike by chance.",
            "whole",
            1,
            100,
            1,
        ),
        Option(
            "shrinkage",
            "Caution with little in common",
            "How strongly a likeness resting on few shared titles is discounted "
            "(s × (n − 1) / (n − 1 + this), for n titles in common). 0 turns it off.",
            "number",
            0,
            1000,
            10,
        ),
        Option(
            "min_similarity",
            "Least likeness",
            "Kindred people must be more alike than this (from −1, opposite tastes, to 1, "
            "identical). 0 ignores people with opposite tastes.",
            "number",
            -1,
            1,
            0.05,
        ),
        Option(
            "damping",
            "Pull towards the usual rating",
            "How strongly a prediction backed by few, weakly similar people stays near what "
            "the title usually gets. 0 turns it off.",
            "number",
            0,
            10,
            0.1,
        ),
        Option(
            "centering",
            "What ratings are compared with",
            "Before averaging, each neighbour's rating is turned into 'how much more or less "
            "than usual'; this chooses what 'usual' means.",
            "choice",
            choices=tuple((name, CENTERING_HELP.get(name, name)) for name in CENTERINGS),
        ),
        Option(
            "ranking",
            "How recommendations are ordered",
            "By how many people like you loved a title (evidence), or by the predicted "
            "rating alone (rating), which favours titles few people rated.",
            "choice",
            choices=(
                ("evidence", "how many people like you loved it (recommended)"),
                ("rating", "the predicted rating alone"),
            ),
        ),
    )
}

DEFAULTS: dict[str, Any] = {name: getattr(UserKNN(), name) for name in OPTIONS}


def validate_options(options: object) -> dict[str, Any]:
    """The changes in ``options`` checked and converted: option name → value.

    :raise KindredError: one sentence naming the first unknown option or bad value.
    """
    if not isinstance(options, Mapping):
        raise KindredError("The model options must be an object of option names and values.")
    unknown = [str(name) for name in options if name not in OPTIONS]
    if unknown:
        raise KindredError(
            f"Unknown model option '{unknown[0]}'; choose from: {', '.join(OPTIONS)}."
        )
    return {name: OPTIONS[name].check(value) for name, value in options.items()}


def combined(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` options updated by ``changes``, checked together as a whole model
    (e.g. the least number of neighbours must not exceed ``k``)."""
    merged = {**current, **validate_options(changes)}
    try:
        _validation.check_parameters(model_for(merged))
    except ConfigurationError as error:
        raise KindredError(f"These model options do not fit together: {error}") from error
    return merged


def model_for(options: Mapping[str, Any], base: UserKNN | None = None) -> UserKNN:
    """An unfitted ``UserKNN`` with ``options``; every other parameter as in ``base`` (a
    model configured by its caller keeps its configuration), else at its default."""
    params = base.get_params() if base is not None else {}
    return UserKNN(**{**params, **options})


def stored_options(store: SettingsStore) -> dict[str, Any]:
    """The person's stored changes to the defaults; a stored value that is no longer valid
    (an option renamed or narrowed by an upgrade) is dropped with a log message."""
    stored = store.get_setting(SETTING_KEY, {})
    if not isinstance(stored, dict):
        logger.warning("ignoring stored model options that are not an object: %r", stored)
        return {}
    kept = {}
    for name, value in stored.items():
        try:
            kept.update(validate_options({name: value}))
        except KindredError as error:
            logger.warning("ignoring the stored model option %s: %s", name, error)
    return kept


def store_options(store: SettingsStore, options: Mapping[str, Any]) -> dict[str, Any]:
    """Store the options that differ from the defaults; returns what was stored."""
    changes = {name: value for name, value in options.items() if DEFAULTS[name] != value}
    store.set_setting(SETTING_KEY, changes)
    return changes


def describe_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Everything a settings page shows: each option with its value, default and help."""
    values = {**DEFAULTS, **options}
    return {
        "options": [
            {
                "name": option.name,
                "label": option.label,
                "help": option.help,
                "kind": option.kind,
                "value": values[option.name],
                "default": DEFAULTS[option.name],
                "lowest": option.lowest,
                "highest": option.highest,
                "step": option.step,
                "choices": [
                    {"value": value, "description": description}
                    for value, description in option.choices
                ],
            }
            for option in OPTIONS.values()
        ],
        "changed": {name: value for name, value in options.items() if DEFAULTS[name] != value},
    }
