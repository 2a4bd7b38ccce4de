"""The embedded demo community: simulated people rating a real film catalogue.

The catalogue (``assets/demo/catalogue.csv``) holds real films written as facts; the people and
their ratings are invented here, deterministically from a seed, so that the first launch has a
community whose neighbours and recommendations make visible sense.

How a simulated person rates
----------------------------
Each person belongs to one *taste group* (sci-fi and action fans, drama and romance, ...), and
a quarter of them also lean towards a second group. A group is a set of weights over genres
(and, for classic-film buffs, over eras). A person's weights are their group's plus a little
personal noise, so no two people agree exactly. For person ``u`` and film ``i``:

    affinity(u, i)  = sum over the film's genres g of w_u[g] / sqrt(number of genres)
                      + w_u[era of i]
    rating(u, i)    = 2.8 + b_u + q_i + 1.1 * affinity(u, i) + e,   e ~ N(0, 0.45)

clipped to 0.5..5 and rounded to half stars, where ``b_u ~ N(0, 0.3)`` is how generous the
person is and ``q_i ~ N(0, 0.45)`` how good the film is. Which films a person rated is drawn
without replacement with probability proportional to

    popularity_i * exp(1.2 * affinity(u, i)),

where ``log popularity_i ~ N(0, 1) + q_i + 1.5 * recency_i`` (a long tail: a few films
everyone has seen, many that few have seen; better and more recent films are seen more, as
in real rating sites). People watch what they expect to like, so ratings are
biased upwards, as real ones are. Everyone rates between 20 and 80 films.

Everything comes from one ``numpy.random.Generator`` seeded with ``seed`` and consumes it in a
fixed order (no dict or set iteration order, no hash seeds), so two builds are equal.
"""

from __future__ import annotations

import functools
import logging
import threading

import numpy as np
import pandas as pd

from recommender.assets import asset_path
from recommender.community import Community
from recommender.errors import KindredError

logger = logging.getLogger(__name__)
_build_lock = threading.Lock()

DEFAULT_SEED = 20261204
DEMO_NAME = "Demo films"
SCALE = (0.5, 5.0)
N_PEOPLE = 400
MIN_RATINGS_PER_PERSON = 20
MAX_RATINGS_PER_PERSON = 80

GENRES: tuple[str, ...] = (
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
ERAS: tuple[str, ...] = ("era:before-1970", "era:1970s-1990s", "era:2000-on")
FEATURES: tuple[str, ...] = GENRES + ERAS

# Taste groups as (name, {feature: weight}); a tuple, so their order is fixed.
TASTE_GROUPS: tuple[tuple[str, dict[str, float]], ...] = (
    (
        "sci-fi and action",
        {
            "Sci-Fi": 1.3,
            "Action": 0.9,
            "Adventure": 0.5,
            "Thriller": 0.2,
            "Romance": -0.6,
            "Musical": -0.9,
            "Documentary": -0.6,
            "Drama": -0.2,
        },
    ),
    (
        "drama and romance",
        {
            "Romance": 1.3,
            "Drama": 0.8,
            "Musical": 0.3,
            "Horror": -1.1,
            "Sci-Fi": -0.5,
            "Action": -0.6,
            "Animation": -0.2,
        },
    ),
    (
        "animation and family",
        {
            "Animation": 1.5,
            "Family": 1.1,
            "Fantasy": 0.5,
            "Musical": 0.4,
            "Horror": -1.3,
            "Crime": -0.6,
            "War": -0.6,
            "Thriller": -0.4,
        },
    ),
    (
        "horror and thriller",
        {
            "Horror": 1.5,
            "Thriller": 0.8,
            "Mystery": 0.5,
            "Family": -1.0,
            "Romance": -0.6,
            "Musical": -0.9,
            "Animation": -0.4,
        },
    ),
    (
        "classic-film buffs",
        {
            "era:before-1970": 1.4,
            "era:1970s-1990s": 0.3,
            "era:2000-on": -0.8,
            "Drama": 0.3,
            "Western": 0.4,
            "Animation": -0.3,
            "Sci-Fi": -0.2,
        },
    ),
    (
        "comedy",
        {
            "Comedy": 1.4,
            "Romance": 0.2,
            "Family": 0.1,
            "Drama": -0.4,
            "War": -0.6,
            "Documentary": -0.4,
            "Horror": -0.3,
        },
    ),
    (
        "crime and mystery",
        {
            "Crime": 1.3,
            "Mystery": 0.9,
            "Thriller": 0.5,
            "Family": -0.8,
            "Animation": -0.6,
            "Musical": -0.6,
        },
    ),
    (
        "war, westerns and true stories",
        {
            "War": 1.3,
            "Western": 1.0,
            "Documentary": 1.1,
            "Drama": 0.3,
            "Fantasy": -0.6,
            "Animation": -0.6,
            "Musical": -0.4,
        },
    ),
)

BASE_RATING = 2.8
AFFINITY_WEIGHT = 1.1
CHOICE_TEMPERATURE = 1.2
SECOND_GROUP_SHARE = 0.25
SECOND_GROUP_WEIGHT = 0.4
PERSONAL_TASTE_NOISE = 0.3
GENEROSITY_SPREAD = 0.3
QUALITY_SPREAD = 0.45
RATING_NOISE = 0.45
POPULARITY_SPREAD = 1.0
QUALITY_POPULARITY = 1.0
RECENCY_POPULARITY = 1.5
MEAN_EXTRA_RATINGS = 18.0


def load_catalogue() -> pd.DataFrame:
    """Read the bundled catalogue: indexed by ``item`` with ``title, year, genres, imdb_id``.

    Ids, titles, genres and IMDb ids are strings (empty when unknown); ``year`` is a nullable
    integer (``Int64``).
    """
    path = asset_path("demo", "catalogue.csv")
    try:
        catalogue = pd.read_csv(
            path,
            dtype={"item": str, "title": str, "genres": str, "imdb_id": str},
            keep_default_na=False,
            encoding="utf-8",
        )
    except OSError as error:
        raise KindredError(
            f"The demo catalogue {path} cannot be read ({error.strerror or error}); "
            "this installation of Kindred is incomplete."
        ) from error
    catalogue["year"] = pd.to_numeric(catalogue["year"].replace("", None)).astype("Int64")
    return catalogue.set_index("item")[["title", "year", "genres", "imdb_id"]]


def _item_features(catalogue: pd.DataFrame) -> np.ndarray:
    """Items × features matrix: genres weighted 1/sqrt(count), plus a one-hot era column.

    Dividing by the square root keeps a film with five genres from counting five times as much
    as a film with one, while still letting each of its genres matter.
    """
    features = np.zeros((len(catalogue), len(FEATURES)))
    column_of = {feature: column for column, feature in enumerate(FEATURES)}
    for row, (genres, year) in enumerate(zip(catalogue["genres"], catalogue["year"], strict=True)):
        names = [name for name in genres.split("|") if name in column_of]
        for name in names:
            features[row, column_of[name]] = 1.0 / np.sqrt(len(names))
        if not pd.isna(year):
            era = ERAS[0] if year < 1970 else ERAS[1] if year < 2000 else ERAS[2]
            features[row, column_of[era]] = 1.0
    return features


def _recency(catalogue: pd.DataFrame) -> np.ndarray:
    """How recent each film is, 0 (1960 or before) to 1 (2000 or later); 0.5 when unknown."""
    years = catalogue["year"].astype("Float64").fillna(1980.0).to_numpy(dtype=float)
    return np.clip((years - 1960.0) / 40.0, 0.0, 1.0)


def _group_weights() -> np.ndarray:
    """Taste groups × features matrix of the weights in ``TASTE_GROUPS``."""
    weights = np.zeros((len(TASTE_GROUPS), len(FEATURES)))
    for row, (_, profile) in enumerate(TASTE_GROUPS):
        for feature, weight in profile.items():
            weights[row, FEATURES.index(feature)] = weight
    return weights


@functools.lru_cache(maxsize=4)
def _build(seed: int) -> tuple[Community, pd.DataFrame]:
    """Build the demo community and its people (user, taste group); see the module docstring."""
    rng = np.random.default_rng(seed)
    catalogue = load_catalogue()
    n_items = len(catalogue)
    item_features = _item_features(catalogue)
    group_weights = _group_weights()
    n_groups = len(TASTE_GROUPS)

    quality = rng.normal(0.0, QUALITY_SPREAD, n_items)
    log_popularity = (
        rng.normal(0.0, POPULARITY_SPREAD, n_items)
        + QUALITY_POPULARITY * quality
        + RECENCY_POPULARITY * _recency(catalogue)
    )

    groups = rng.permutation(np.arange(N_PEOPLE) % n_groups)
    second_groups = (groups + rng.integers(1, n_groups, N_PEOPLE)) % n_groups
    has_second = rng.random(N_PEOPLE) < SECOND_GROUP_SHARE
    personal_noise = rng.normal(0.0, PERSONAL_TASTE_NOISE, (N_PEOPLE, len(FEATURES)))
    person_weights = (
        group_weights[groups]
        + np.where(has_second[:, None], SECOND_GROUP_WEIGHT * group_weights[second_groups], 0.0)
        + personal_noise
    )
    generosity = rng.normal(0.0, GENEROSITY_SPREAD, N_PEOPLE)
    counts = np.clip(
        np.rint(MIN_RATINGS_PER_PERSON + rng.exponential(MEAN_EXTRA_RATINGS, N_PEOPLE)),
        MIN_RATINGS_PER_PERSON,
        MAX_RATINGS_PER_PERSON,
    ).astype(int)

    affinity = person_weights @ item_features.T  # people × items
    user_column: list[str] = []
    item_rows: list[np.ndarray] = []
    rating_chunks: list[np.ndarray] = []
    for person in range(N_PEOPLE):
        choice_logits = log_popularity + CHOICE_TEMPERATURE * affinity[person]
        probabilities = np.exp(choice_logits - choice_logits.max())
        probabilities /= probabilities.sum()
        chosen = np.sort(rng.choice(n_items, size=counts[person], replace=False, p=probabilities))
        raw = (
            BASE_RATING
            + generosity[person]
            + quality[chosen]
            + AFFINITY_WEIGHT * affinity[person, chosen]
            + rng.normal(0.0, RATING_NOISE, chosen.size)
        )
        rating_chunks.append(np.clip(np.rint(raw * 2.0) / 2.0, *SCALE))
        item_rows.append(chosen)
        user_column.extend([f"demo-{person + 1:03d}"] * chosen.size)

    item_ids = catalogue.index.to_numpy()
    ratings = pd.DataFrame(
        {
            "user": user_column,
            "item": item_ids[np.concatenate(item_rows)],
            "rating": np.concatenate(rating_chunks).astype(float),
        }
    )
    people = pd.DataFrame(
        {
            "user": [f"demo-{person + 1:03d}" for person in range(N_PEOPLE)],
            "taste_group": [TASTE_GROUPS[group][0] for group in groups],
        }
    ).set_index("user")
    community = Community(
        name=DEMO_NAME, ratings=ratings, items=catalogue, scale=SCALE, is_demo=True
    )
    logger.debug(
        "built demo community: %d people, %d films, %d ratings",
        community.n_users,
        community.n_items,
        community.n_ratings,
    )
    return community, people


def demo_community(seed: int = DEFAULT_SEED) -> Community:
    """The demo community for ``seed``: ~400 simulated people rating the bundled catalogue.

    Built once per seed and process, then the same object is returned; callers must not modify
    its DataFrames.
    """
    with _build_lock:  # two threads asking at once still get one and the same object
        community, _ = _build(seed)
    return community


def demo_taste_groups(seed: int = DEFAULT_SEED) -> pd.Series:
    """Each simulated person's taste group, indexed by user id (for tests and explanations)."""
    with _build_lock:
        _, people = _build(seed)
    return people["taste_group"]
