"""The synthetic community generator: exact shapes, MovieLens structure, determinism."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GENERATOR_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "make_synthetic.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_synthetic", GENERATOR_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_synthetic"] = module
    spec.loader.exec_module(module)
    return module


make_synthetic = _load_generator()


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    make_synthetic.generate("small", folder, seed=42)
    return folder


@pytest.fixture(scope="module")
def small_ratings(small_folder: Path) -> pd.DataFrame:
    return pd.read_csv(small_folder / "ratings.csv")


def test_small_has_exactly_the_latest_small_shape(small_ratings: pd.DataFrame):
    assert list(small_ratings.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert len(small_ratings) == 100_836
    assert small_ratings["userId"].nunique() == 610
    assert small_ratings["movieId"].nunique() == 9_724


def test_every_user_has_at_least_twenty_ratings(small_ratings: pd.DataFrame):
    assert small_ratings.groupby("userId").size().min() >= 20


def test_no_person_rates_an_item_twice(small_ratings: pd.DataFrame):
    assert not small_ratings.duplicated(["userId", "movieId"]).any()


def test_ratings_are_half_stars_from_half_to_five(small_ratings: pd.DataFrame):
    values = set(small_ratings["rating"].unique())
    assert values == {step / 2 for step in range(1, 11)}
    assert 3.2 < small_ratings["rating"].mean() < 3.8


def test_rows_are_sorted_by_user_then_movie_like_movielens(small_ratings: pd.DataFrame):
    keys = small_ratings["userId"].to_numpy() * 10**7 + small_ratings["movieId"].to_numpy()
    assert (np.diff(keys) > 0).all()


def test_activity_and_popularity_are_long_tailed(small_ratings: pd.DataFrame):
    activity = small_ratings.groupby("userId").size()
    assert activity.max() > 10 * activity.median()
    popularity = small_ratings.groupby("movieId").size().sort_values(ascending=False)
    top_percent = popularity.iloc[: len(popularity) // 100].sum()
    assert top_percent > 0.1 * len(small_ratings)
    assert popularity.median() < popularity.mean()


def test_timestamps_fall_between_1995_and_2023(small_ratings: pd.DataFrame):
    stamps = small_ratings["timestamp"]
    assert stamps.min() >= make_synthetic.FIRST_TIMESTAMP
    assert stamps.max() <= make_synthetic.LAST_TIMESTAMP
    assert stamps.nunique() > 0.9 * len(stamps)


def test_taste_groups_make_people_of_one_group_agree(small_ratings: pd.DataFrame):
    """Users with many ratings in common rate those items more alike than chance would."""
    table = small_ratings.pivot(index="userId", columns="movieId", values="rating")
    centred = table.sub(table.mean(axis=1), axis=0)
    correlation = centred.T.corr(min_periods=20).to_numpy()
    upper = correlation[np.triu_indices_from(correlation, k=1)]
    upper = upper[~np.isnan(upper)]
    assert len(upper) > 1000
    assert np.mean(upper > 0.3) > 0.1  # a clear share of strongly like-minded pairs
    assert np.mean(upper < 0.0) > 0.05  # and of people who disagree


def test_movies_file_describes_every_rated_movie(small_folder: Path, small_ratings):
    movies = pd.read_csv(small_folder / "movies.csv")
    assert list(movies.columns) == ["movieId", "title", "genres"]
    assert set(movies["movieId"]) == set(small_ratings["movieId"])
    assert movies["title"].str.fullmatch(r"Synthetic Film \d+ \(\d{4}\)").all()
    assert movies["genres"].str.len().gt(0).all()


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(
    tmp_path: Path, small_folder: Path
):
    again = make_synthetic.generate("small", tmp_path / "again", seed=42)
    other = make_synthetic.generate("small", tmp_path / "other", seed=7)
    original = (small_folder / "ratings.csv").read_bytes()
    assert again.read_bytes() == original
    assert other.read_bytes() != original
    assert (tmp_path / "again" / "movies.csv").read_bytes() == (
        small_folder / "movies.csv"
    ).read_bytes()


def test_output_does_not_depend_on_chunk_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Chunks bound memory; each user's count and every invariant hold at any chunk size."""
    monkeypatch.setitem(make_synthetic.SHAPES, "tiny", make_synthetic.Shape(80, 400, 6_000))
    whole = pd.read_csv(make_synthetic.generate("tiny", tmp_path / "whole", seed=3))
    monkeypatch.setattr(make_synthetic, "CHUNK_RATINGS", 1_000)
    chunked = pd.read_csv(make_synthetic.generate("tiny", tmp_path / "chunked", seed=3))
    assert len(chunked) == len(whole) == 6_000
    assert chunked["userId"].nunique() == 80
    assert chunked["movieId"].nunique() == 400
    assert chunked.groupby("userId").size().min() >= 20
    assert not chunked.duplicated(["userId", "movieId"]).any()
    assert (chunked.groupby("userId").size() == whole.groupby("userId").size()).all()


def test_pandas_writer_gives_the_same_bytes_as_pyarrow(
    tmp_path: Path, small_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """Without the ``bench`` extra the slower pandas writer must produce the identical file."""
    if make_synthetic.pa_csv is None:
        pytest.skip("pyarrow is not installed, so only the pandas writer exists")
    monkeypatch.setattr(make_synthetic, "pa_csv", None)
    written = make_synthetic.generate("small", tmp_path, seed=42)
    assert written.read_bytes() == (small_folder / "ratings.csv").read_bytes()


def test_command_line_writes_the_named_file_and_movies_beside_it(tmp_path: Path, capsys):
    target = tmp_path / "out" / "community.csv"
    assert make_synthetic.main(["--size", "small", "--out", str(target)]) == 0
    assert target.is_file()
    assert (tmp_path / "out" / "movies.csv").is_file()
    assert not (tmp_path / "out" / "ratings.csv").exists()
    assert str(target) in capsys.readouterr().out


def test_unknown_size_is_refused_with_the_choices(tmp_path: Path):
    with pytest.raises(ValueError, match="small, 1m, 10m, 32m"):
        make_synthetic.generate("huge", tmp_path)


def test_impossible_shape_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(make_synthetic.SHAPES, "dense", make_synthetic.Shape(10, 30, 150))
    with pytest.raises(ValueError, match="between 20 and"):
        make_synthetic.generate("dense", tmp_path)
