"""Named configurations of :class:`~recommender.knn.UserKNN`: parameter sets worth a name.

``UserKNN.configuration(name, **overrides)`` builds one; ``python -m recommender evaluate
--configuration NAME`` measures it. "default" is the evaluated defaults (see
``benchmarks/RESULTS.md``); "textbook" is the classic recipe, kept so that the gain over it
stays measurable.
"""

from __future__ import annotations

#: Named configurations. "textbook" is the classic recipe: cosine of raw rating vectors via
#: scikit-learn, the k nearest people overall, weighted average of their raw ratings.
CONFIGURATIONS: dict[str, dict[str, object]] = {
    "default": {},
    "textbook": {
        "similarity": "cosine",
        "centering": "none",
        "neighbourhood": "global",
        "shrinkage": 0.0,
        "min_overlap": 1,
        "damping": 0.0,
        "ranking": "rating",
    },
}
