"""Kindred's engine: user-based collaborative filtering, evaluation, import and storage.

The public API is imported lazily, so ``import recommender`` stays cheap for the app's start-up
and the CLI's ``--help``::

    from recommender import UserKNN, evaluate
    model = UserKNN(k=40).fit(ratings)          # ratings: DataFrame user, item, rating
    model.recommend(ratings={"tt0133093": 5.0}, n=10)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY_EXPORTS = {
    "UserKNN": "recommender.knn",
    "evaluate": "recommender.evaluation",
    "Community": "recommender.community",
    "Workspace": "recommender.workspace",
    "demo_community": "recommender.demo",
    "Recommendation": "recommender.results",
    "NeighbourRating": "recommender.results",
    "Neighbour": "recommender.results",
    "PredictionDetail": "recommender.results",
    "KindredError": "recommender.errors",
    "RatingsImportError": "recommender.errors",
}

__all__ = ["__version__", *_LAZY_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    module_name = _LAZY_EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'recommender' has no attribute '{name}'")
    return getattr(importlib.import_module(module_name), name)
