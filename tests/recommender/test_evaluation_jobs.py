"""Background evaluation: results match the evaluation module, progress, cancel, tuning."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender import evaluation_jobs
from recommender.demo import demo_community
from recommender.errors import KindredError
from recommender.evaluation import evaluate
from recommender.evaluation_jobs import EvaluationJob
from recommender.evaluation_jobs import EvaluationRunner
from recommender.model_settings import model_for
from recommender.workspace import Workspace


@pytest.fixture(scope="module")
def community():
    return demo_community()


def small_grid(monkeypatch) -> None:
    monkeypatch.setattr(evaluation_jobs, "K_VALUES", (5, 20))
    monkeypatch.setattr(evaluation_jobs, "TUNED_SIMILARITIES", ("pearson_baseline", "msd"))


def test_a_finished_job_reports_what_evaluate_measures(community, monkeypatch) -> None:
    small_grid(monkeypatch)
    job = EvaluationJob(community.name, community.ratings, community.scale, {"k": 20})
    job.run()
    answer = job.snapshot()
    assert answer["state"] == "finished", answer["message"]
    assert answer["progress"] == {"done": 7, "total": 7, "stage": "Done"}
    expected = evaluate(community.ratings, model_for({"k": 20}), folds=5, topn=True)
    results = answer["results"]
    assert results["rmse"] == pytest.approx(expected["rmse"])
    assert results["mae"] == pytest.approx(expected["mae"])
    assert results["precision"] == pytest.approx(expected["precision@10"])
    assert results["ndcg"] == pytest.approx(expected["ndcg@10"])
    assert "A title counts as liked from 4" in results["topn_note"]
    assert answer["plan"]["note"].startswith(f"Measured on all {len(community.ratings):,}")


def test_the_grid_gives_error_by_k_and_the_best_setting(community, monkeypatch) -> None:
    small_grid(monkeypatch)
    job = EvaluationJob(community.name, community.ratings, community.scale, {"k": 20})
    job.run()
    results = job.snapshot()["results"]
    assert results["by_k"]["ks"] == [5, 20]
    series = {line["similarity"]: line["rmse"] for line in results["by_k"]["series"]}
    assert list(series) == ["pearson_baseline", "msd"]
    # the current setting's cell of the grid is the accuracy measured first
    assert series["pearson_baseline"][1] == pytest.approx(results["rmse"])
    cells = [
        (rmse, k, name)
        for name, line in series.items()
        for k, rmse in zip([5, 20], line, strict=True)
    ]
    best_rmse, best_k, best_name = min(cells)
    best = results["best"]
    assert (best["k"], best["similarity"], best["rmse"]) == (best_k, best_name, best_rmse)
    assert best["improvement"] == pytest.approx(results["rmse"] - best_rmse)


def test_the_distribution_counts_every_rating(community) -> None:
    job = EvaluationJob(community.name, community.ratings, community.scale, {})
    assert job.snapshot()["plan"] is None and "distribution" not in job.snapshot()["results"]
    job._prepare()
    distribution = job.snapshot()["results"]["distribution"]
    assert sum(bar["count"] for bar in distribution) == len(community.ratings)
    assert [bar["rating"] for bar in distribution] == sorted(bar["rating"] for bar in distribution)


def test_big_communities_are_sampled_by_whole_people() -> None:
    rng = np.random.default_rng(1)
    ratings = pd.DataFrame(
        {
            "user": np.repeat([f"u{i}" for i in range(300)], 20),
            "item": rng.integers(0, 50, 6000).astype(str),
            "rating": rng.integers(1, 6, 6000).astype(float),
        }
    )
    sample = evaluation_jobs.sample_people(ratings, limit=1000)
    assert len(sample) == 1000  # 50 whole people of 20 ratings
    assert (sample.groupby("user").size() == 20).all()
    plan = evaluation_jobs.plan_for(ratings, sample)
    assert plan.sampled and "a sample of 50 of 300 people" in plan.note()
    assert evaluation_jobs.sample_people(ratings, limit=10_000) is ratings


def test_a_job_samples_only_communities_over_the_threshold(monkeypatch, community) -> None:
    monkeypatch.setattr(evaluation_jobs, "SAMPLE_ABOVE", len(community.ratings))
    whole = EvaluationJob(community.name, community.ratings, community.scale, {})
    whole._prepare()
    assert whole.sample is community.ratings and not whole.plan.sampled
    monkeypatch.setattr(evaluation_jobs, "SAMPLE_ABOVE", len(community.ratings) - 1)
    monkeypatch.setattr(evaluation_jobs, "SAMPLE_RATINGS", 5000)
    sampled = EvaluationJob(community.name, community.ratings, community.scale, {})
    sampled._prepare()
    assert sampled.plan.sampled and len(sampled.sample) <= 5000
    assert "to keep it quick" in sampled.snapshot()["plan"]["note"]


@pytest.mark.parametrize(
    ("scale", "threshold"), [((0.5, 5.0), 4.0), ((1.0, 5.0), 4.0), ((1.0, 10.0), 8.0)]
)
def test_liked_means_the_top_fifth_of_the_scale(scale, threshold) -> None:
    assert evaluation_jobs.relevance_threshold(scale) == threshold


def test_a_cancelled_job_stops_between_steps(community, monkeypatch) -> None:
    job = EvaluationJob(community.name, community.ratings, community.scale, {})
    original = evaluation_jobs.rating_prediction
    calls = []

    def cancel_after_first(*args, **kwargs):
        calls.append(1)
        job.cancel()
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluation_jobs, "rating_prediction", cancel_after_first)
    job.run()
    answer = job.snapshot()
    assert answer["state"] == "cancelled"
    assert answer["message"] == "The evaluation was cancelled."
    assert len(calls) == 1 and answer["progress"]["done"] == 2  # prepared, measured
    assert "rmse" in answer["results"] and "by_k" not in answer["results"]


def test_a_bug_becomes_one_sentence_and_is_logged(community, monkeypatch, caplog) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(evaluation_jobs, "rating_prediction", broken)
    job = EvaluationJob(community.name, community.ratings, community.scale, {})
    job.run()
    assert job.snapshot()["state"] == "failed"
    assert job.snapshot()["message"] == "The evaluation failed inside Kindred; see its log."
    assert "boom" in caplog.text


def test_the_runner_runs_one_job_at_a_time(community, monkeypatch) -> None:
    release = threading.Event()
    original = evaluation_jobs.rating_prediction

    def held(*args, **kwargs):
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluation_jobs, "rating_prediction", held)
    small_grid(monkeypatch)
    runner = EvaluationRunner()
    assert runner.status() == {"state": "idle"}
    with pytest.raises(KindredError, match="No evaluation has been started"):
        runner.cancel()
    job = EvaluationJob(community.name, community.ratings, community.scale, {})
    assert runner.start(job)["state"] == "running"
    with pytest.raises(KindredError, match="already running"):
        runner.start(EvaluationJob(community.name, community.ratings, community.scale, {}))
    runner.cancel()
    release.set()
    assert runner.wait(30)
    assert runner.status()["state"] == "cancelled"


def test_the_workspace_evaluates_its_community_with_the_persons_options(
    tmp_path: Path, monkeypatch
) -> None:
    small_grid(monkeypatch)
    with Workspace(tmp_path / "data") as workspace:
        workspace.set_model_options({"k": 10})
        started = workspace.start_evaluation()
        assert started["community"] == workspace.community.name
        assert started["options"]["k"] == 10
        assert workspace.wait_for_evaluation(60)
        answer = workspace.evaluation_status()
        assert answer["state"] == "finished"
        assert answer["results"]["by_k"]["ks"] == [5, 10, 20]
