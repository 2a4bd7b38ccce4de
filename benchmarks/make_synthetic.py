"""Deterministic MovieLens-shaped community files for the scale benchmarks.

``python benchmarks/make_synthetic.py --size 1m --out benchmarks/out/1m/ratings.csv`` writes a
``ratings.csv`` (``userId,movieId,rating,timestamp``, sorted by user then movie, like
MovieLens) and a ``movies.csv`` (``movieId,title,genres``) beside it, with exactly the user,
item and rating counts of the chosen shape. The same size and seed always give the same bytes.

How the structure is made (why each part matters to user-based KNN):

* **Activity** is long-tailed: ``n_u = 20 + e_u`` with ``e_u`` log-normal (sigma 1.2) scaled so
  the counts sum exactly to the shape's ratings, capped at 40 % of the catalogue.
* **Popularity** is long-tailed: item ``j`` of popularity rank ``j`` has weight
  ``w_j = (j + 10)^-1.1``; each item belongs to one of ``G`` latent taste groups ``h_j``.
* **Taste groups**: each user ``u`` belongs to a group ``g_u``; the items they pick are drawn
  from ``p_u(j) = (1 - a_u) w_j e^{beta A[g_u, h_j]} / Z_g + a_u / n_items``, a mix of their
  group's taste and curiosity (``a_u`` grows with activity, as heavy raters wander further).
* **Ratings**: ``r_uj = round_half(3.1 + b_u + b_j + T[g_u, h_j] + eps)`` clipped to
  ``[0.5, 5]``, with ``b_u ~ N(0, 0.45)``, ``b_j`` partly tied to popularity, ``T`` the groups'
  taste for each other's items and ``eps ~ N(0, 0.75)``; a quarter of users use whole stars.
* **Coverage and uniqueness**: every item gets one reserved rating (so the item count is
  exact); each user's picks are drawn with replacement, de-duplicated and topped up until they
  have exactly ``n_u`` distinct items.
* **Timestamps**: each user starts somewhere between 1995 and 2023 and rates in bursts.

Memory stays bounded: users are generated and written in chunks of about a million ratings,
with numpy only (no Python loop over ratings).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

try:  # optional: the `bench` extra brings pyarrow, which writes CSV much faster
    import pyarrow as pa
    import pyarrow.csv as pa_csv
except ImportError:  # pragma: no cover - exercised where pyarrow is absent
    pa = pa_csv = None

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shape:
    """Exact counts of one MovieLens release the synthetic file imitates."""

    users: int
    items: int
    ratings: int


SHAPES: dict[str, Shape] = {
    "small": Shape(610, 9_724, 100_836),  # ml-latest-small
    "1m": Shape(6_040, 3_706, 1_000_209),  # ML-1M
    "10m": Shape(69_878, 10_677, 10_000_054),  # ML-10M
    "32m": Shape(200_948, 87_585, 32_000_204),  # ML-32M
}

MIN_RATINGS_PER_USER = 20
GROUPS = 20
CHUNK_RATINGS = 1_000_000
FIRST_TIMESTAMP = 789_652_009  # 1995-01-09, MovieLens' first rating
LAST_TIMESTAMP = 1_697_164_000  # 2023-10-13, ML-32M's last
RATING_TEXT = np.array([f"{steps / 2:.1f}" for steps in range(11)])
GENRES = (
    *("Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary"),
    *("Drama", "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance"),
    *("Sci-Fi", "Thriller", "War", "Western"),
)


@dataclass(frozen=True)
class World:
    """Everything drawn once per file: who likes what, and how much."""

    activity: np.ndarray  # ratings per user (int64), sums to the shape's ratings
    user_group: np.ndarray  # g_u
    user_bias: np.ndarray  # b_u
    curiosity: np.ndarray  # a_u
    whole_stars: np.ndarray  # True for users who rate in whole stars
    item_group: np.ndarray  # h_j, by popularity rank
    item_bias: np.ndarray  # b_j, by popularity rank
    item_ids: np.ndarray  # movieId of popularity rank j
    taste: np.ndarray  # T[g, h]
    group_cdf: np.ndarray  # cumulative p_g(j) per group, offset by g (see _draw)
    reserved_user: np.ndarray  # the user who gives item j its guaranteed rating


def activity_counts(shape: Shape, rng: np.random.Generator) -> np.ndarray:
    """Long-tailed ratings per user: each ``>= 20``, at most 40 % of items, exact total."""
    cap = max(MIN_RATINGS_PER_USER, int(0.4 * shape.items))
    extra_total = shape.ratings - MIN_RATINGS_PER_USER * shape.users
    if extra_total < 0 or shape.ratings > cap * shape.users:
        raise ValueError(f"{shape} cannot give every user between 20 and {cap} ratings.")
    raw = rng.lognormal(mean=0.0, sigma=1.2, size=shape.users)
    extra = np.zeros(shape.users)
    free = np.ones(shape.users, dtype=bool)
    remaining = float(extra_total)
    for _ in range(50):  # scale the uncapped users until nobody exceeds the cap
        extra[free] = raw[free] * remaining / raw[free].sum()
        over = free & (extra > cap - MIN_RATINGS_PER_USER)
        if not over.any():
            break
        extra[over] = cap - MIN_RATINGS_PER_USER
        free &= ~over
        remaining = extra_total - extra[~free].sum()
    whole = np.floor(extra).astype(np.int64)
    shortfall = extra_total - int(whole.sum())
    room = np.flatnonzero(whole < cap - MIN_RATINGS_PER_USER)
    order = room[np.argsort(-(extra - whole)[room], kind="stable")]
    whole[order[:shortfall]] += 1
    return whole + MIN_RATINGS_PER_USER


def build_world(shape: Shape, rng: np.random.Generator) -> World:
    """Draw the users, items, taste groups and the reserved rating of each item."""
    activity = activity_counts(shape, rng)
    item_group = rng.integers(0, GROUPS, size=shape.items)
    popularity = (np.arange(shape.items) + 10.0) ** -1.1
    log_pop = np.log(popularity)
    item_bias = 0.25 * (log_pop - log_pop.mean()) / log_pop.std() + rng.normal(
        0.0, 0.35, shape.items
    )
    affinity = rng.normal(0.0, 1.0, size=(GROUPS, GROUPS)) + 2.0 * np.eye(GROUPS)
    weights = popularity[None, :] * np.exp(0.8 * affinity[:, item_group])
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    group_cdf = (cdf + np.arange(GROUPS)[:, None]).ravel()
    taste = 0.35 * affinity - 0.35 * affinity.mean()
    max_id = int(shape.items * 3.3)
    item_ids = rng.permutation(np.sort(rng.choice(max_id, size=shape.items, replace=False)) + 1)
    slots = rng.choice(shape.ratings, size=shape.items, replace=False)
    reserved_user = np.searchsorted(np.cumsum(activity), slots, side="right")
    share = activity / activity.max()
    return World(
        activity=activity,
        user_group=rng.integers(0, GROUPS, size=shape.users),
        user_bias=rng.normal(0.0, 0.45, shape.users),
        curiosity=0.02 + 0.4 * share,
        whole_stars=rng.random(shape.users) < 0.25,
        item_group=item_group,
        item_bias=item_bias,
        item_ids=item_ids,
        taste=taste,
        group_cdf=group_cdf,
        reserved_user=reserved_user,
    )


def _draw(world: World, users: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One item (popularity rank) per entry of ``users``, from each user's ``p_u``."""
    n_items = len(world.item_group)
    curious = rng.random(len(users)) < world.curiosity[users]
    items = np.empty(len(users), dtype=np.int64)
    items[curious] = rng.integers(0, n_items, size=int(curious.sum()))
    groups = world.user_group[users[~curious]]
    targets = groups + rng.random(len(groups))
    found = np.searchsorted(world.group_cdf, targets, side="right") - groups * n_items
    items[~curious] = np.minimum(found, n_items - 1)
    return items


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values by one sort (numpy's hash-based ``unique`` is slower here)."""
    values = np.sort(values)
    if len(values) == 0:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def pick_items(
    world: World, first: int, stop: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(user, item)`` pairs for users ``first..stop-1``, exactly ``n_u`` each.

    Reserved pairs are kept; other draws are oversampled, de-duplicated and trimmed at random.
    """
    n_items = len(world.item_group)
    users = np.arange(first, stop)
    wanted = world.activity[first:stop]
    reserved_items = np.flatnonzero((world.reserved_user >= first) & (world.reserved_user < stop))
    keys = world.reserved_user[reserved_items] * n_items + reserved_items
    keys = _sorted_unique(keys)
    reserved_keys = keys
    for _ in range(30):
        have = np.bincount(keys // n_items - first, minlength=len(users))
        need = wanted - have
        if (need <= 0).all():
            break
        short = need > 0
        draws = np.ceil(need[short] * 1.25).astype(np.int64) + 2
        drawn_users = np.repeat(users[short], draws)
        new_keys = drawn_users * n_items + _draw(world, drawn_users, rng)
        keys = _sorted_unique(np.concatenate((keys, new_keys)))
    else:
        raise RuntimeError("could not draw enough distinct items; the shape is too dense")
    # Trim each user to n_u: reserved pairs first, the rest in random order.
    priority = rng.random(len(keys))
    priority[np.isin(keys, reserved_keys, assume_unique=True)] = -1.0
    pair_users = keys // n_items
    order = np.lexsort((priority, pair_users))
    pair_users, keys = pair_users[order], keys[order]
    starts = np.searchsorted(pair_users, users)
    rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.append(starts, len(keys))))
    keep = rank < np.repeat(wanted, np.diff(np.append(starts, len(keys))))
    return pair_users[keep], keys[keep] % n_items


def rate(
    world: World, users: np.ndarray, items: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Half-star (or whole-star) ratings from biases, group taste and noise."""
    raw = (
        3.1
        + world.user_bias[users]
        + world.item_bias[items]
        + world.taste[world.user_group[users], world.item_group[items]]
        + rng.normal(0.0, 0.75, len(users))
    )
    whole = world.whole_stars[users]
    ratings = np.where(whole, np.round(raw), np.round(raw * 2.0) / 2.0)
    return np.clip(ratings, np.where(whole, 1.0, 0.5), 5.0)


def timestamps(world: World, users: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Seconds since 1970: a start per user, then bursts (most ratings soon after joining)."""
    span = LAST_TIMESTAMP - FIRST_TIMESTAMP
    # Per-user start and burst length come from a hash of the user id, not from the chunk's
    # generator, so they do not depend on how users are grouped into chunks.
    start = FIRST_TIMESTAMP + (_hash01(users, 1) * 0.97 * span).astype(np.int64)
    duration = np.exp(11.0 + 2.5 * _hash01(users, 2)) * (1.0 + 60.0 * _hash01(users, 3) ** 8)
    offset = (rng.random(len(users)) ** 3) * duration
    return np.minimum(start + offset.astype(np.int64), LAST_TIMESTAMP)


def _hash01(values: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic pseudo-random number in [0, 1) per value (splitmix64)."""
    x = values.astype(np.uint64) + np.uint64((0x9E3779B97F4A7C15 * salt) & 0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _chunks(activity: np.ndarray) -> list[tuple[int, int]]:
    """User ranges holding about ``CHUNK_RATINGS`` ratings each."""
    bounds = np.searchsorted(
        np.cumsum(activity), np.arange(CHUNK_RATINGS, activity.sum(), CHUNK_RATINGS)
    )
    edges = np.unique(np.concatenate(([0], bounds + 1, [len(activity)])))
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def write_ratings(world: World, path: Path, seed: int) -> None:
    """Generate and append users chunk by chunk, so memory does not grow with the file."""
    chunks = _chunks(world.activity)
    chunk_seeds = np.random.SeedSequence([seed, 1]).spawn(len(chunks))
    with path.open("wb") as handle:
        handle.write(b"userId,movieId,rating,timestamp\n")
        for (first, stop), chunk_seed in zip(chunks, chunk_seeds, strict=True):
            rng = np.random.default_rng(chunk_seed)
            users, items = pick_items(world, first, stop, rng)
            movie_ids = world.item_ids[items]
            order = np.lexsort((movie_ids, users))
            users, items, movie_ids = users[order], items[order], movie_ids[order]
            columns = {
                "userId": users + 1,
                "movieId": movie_ids,
                "rating": np.round(rate(world, users, items, rng) * 2).astype(np.int32),
                "timestamp": timestamps(world, users, rng),
            }
            _write_rows(columns, handle)


def _write_rows(columns: dict[str, np.ndarray], handle) -> None:
    """Append rows as MovieLens writes them ("4.0", "3.5"); ``rating`` holds half-stars x 2.

    pyarrow's CSV writer (present with the ``bench`` extra) is about five times faster than
    pandas; both write the same bytes.
    """
    if pa_csv is None:
        frame = pd.DataFrame({**columns, "rating": RATING_TEXT.astype(object)[columns["rating"]]})
        handle.write(frame.to_csv(header=False, index=False, lineterminator="\n").encode())
        return
    rating = pa.DictionaryArray.from_arrays(pa.array(columns["rating"]), pa.array(RATING_TEXT))
    table = pa.table({**columns, "rating": rating})
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    pa_csv.write_csv(table, handle, write_options=options)


def write_movies(world: World, path: Path, seed: int) -> None:
    """``movieId,title,genres``: "Synthetic Film 123 (1994)", genres from the taste group."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    n_items = len(world.item_ids)
    years = rng.integers(1920, 2024, size=n_items)
    primary = world.item_group % len(GENRES)
    secondary = rng.integers(0, len(GENRES), size=n_items)
    names = np.array(GENRES, dtype=object)
    genres = np.where(
        (secondary != primary) & (rng.random(n_items) < 0.6),
        names[primary] + "|" + names[secondary],
        names[primary],
    )
    order = np.argsort(world.item_ids)
    ids = world.item_ids[order]
    titles = [
        f"Synthetic Film {movie} ({year})" for movie, year in zip(ids, years[order], strict=True)
    ]
    pd.DataFrame({"movieId": ids, "title": titles, "genres": genres[order]}).to_csv(
        path, index=False, lineterminator="\n"
    )


def generate(size: str, out_dir: str | Path, seed: int = 42) -> Path:
    """Write ``ratings.csv`` and ``movies.csv`` of shape ``size`` into ``out_dir``; return the
    ratings path. Deterministic in ``(size, seed)``."""
    if size not in SHAPES:
        raise ValueError(f"Unknown size {size!r}; choose one of: {', '.join(SHAPES)}.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    world = build_world(SHAPES[size], np.random.default_rng(np.random.SeedSequence([seed, 0])))
    ratings_path = out_dir / "ratings.csv"
    partial = out_dir / "ratings.csv.partial"
    write_ratings(world, partial, seed)
    partial.replace(ratings_path)
    write_movies(world, out_dir / "movies.csv", seed)
    logger.info("wrote %s (%s) in %.1f s", ratings_path, size, time.perf_counter() - started)
    return ratings_path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--size small|1m|10m|32m --out FILE [--seed 42]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SHAPES), required=True)
    parser.add_argument("--out", required=True, help="ratings.csv to write (movies.csv beside)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.suffix != ".csv":
        parser.error(f"--out must name a .csv file; got {args.out!r}.")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    written = generate(args.size, out.parent, args.seed)
    if written != out:
        written.replace(out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
