"""Evaluating a stored community from its arrays: the same sample, plan and distribution as
from its decoded ratings frame, without decoding the frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_community_ratings import generated_community
from test_community_ratings import stored

from recommender import evaluation_jobs
from recommender.community import Community
from recommender.community_ratings import people_sample
from recommender.evaluation_jobs import EvaluationJob


@pytest.fixture
def community(tmp_path: Path) -> Community:
    return stored(generated_community(seed=11), tmp_path / "stored")


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"user": str, "item": str, "rating": float}).reset_index(drop=True)


@pytest.mark.parametrize("limit", [1, 200, 600, 10_000])
def test_the_sample_is_the_frame_sample(community: Community, limit: int) -> None:
    from_arrays = people_sample(community.rating_arrays(), limit, seed=3)
    from_frame = evaluation_jobs.sample_people(community.ratings, limit, seed=3)
    pd.testing.assert_frame_equal(as_text(from_arrays), as_text(from_frame))
    assert len(from_arrays) <= max(limit, int(from_frame.groupby("user").size().max()))


def test_a_job_on_arrays_prepares_what_a_job_on_the_frame_does(
    monkeypatch: pytest.MonkeyPatch, community: Community
) -> None:
    monkeypatch.setattr(evaluation_jobs, "SAMPLE_ABOVE", 300)
    monkeypatch.setattr(evaluation_jobs, "SAMPLE_RATINGS", 250)
    on_arrays = EvaluationJob(community.name, community.rating_arrays(), community.scale, {})
    on_arrays._prepare()
    assert "ratings" not in vars(community), "the arrays job decodes only its sample"
    on_frame = EvaluationJob(community.name, community.ratings, community.scale, {})
    on_frame._prepare()
    assert on_arrays.plan == on_frame.plan and on_arrays.plan.sampled
    assert on_arrays.results["distribution"] == on_frame.results["distribution"]
    pd.testing.assert_frame_equal(as_text(on_arrays.sample), as_text(on_frame.sample))


def test_a_job_on_arrays_runs_to_the_end(community: Community) -> None:
    job = EvaluationJob(community.name, community.rating_arrays(), community.scale, {"k": 10})
    job.run()
    snapshot = job.snapshot()
    assert snapshot["state"] == "finished", snapshot["message"]
    assert snapshot["results"]["rmse"] > 0 and not snapshot["plan"]["sampled"]
    assert sum(entry["count"] for entry in snapshot["results"]["distribution"]) == len(
        community.ratings
    )
