"""The app's import flow without Flask: staging, previews, background jobs, cancel, reports."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender import import_jobs
from recommender.errors import KindredError
from recommender.errors import RatingsImportError
from recommender.import_jobs import ImportJob
from recommender.import_jobs import ImportRunner
from recommender.import_jobs import StagingArea
from recommender.import_jobs import UploadTooLarge
from recommender.importing import ImportCancelled
from recommender.importing import Progress
from recommender.workspace import Workspace

COMMUNITY = "film,person,score\n" + "".join(
    f"u{user},m{item},{1 + (user + item) % 5}\n" for user in range(6) for item in range(5)
)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path / "data")
    yield workspace
    workspace.close_imports()
    workspace.close()


@pytest.fixture
def staging() -> Iterator[StagingArea]:
    area = StagingArea()
    yield area
    area.close()


def personal_export(workspace: Workspace) -> tuple[bytes, list[str]]:
    titles = workspace.catalogue(per_page=3)["items"]
    lines = ["Title,Year,Rating", *[f'"{t["title"]}",{t["year"]},4' for t in titles]]
    lines += ["Broken Row,2001,xyz", "=HYPERLINK(1),2002,=1+1"]
    return ("\n".join(lines) + "\n").encode(), [t["item"] for t in titles]


def test_an_upload_is_staged_previewed_and_removed_when_discarded(staging: StagingArea) -> None:
    staged = staging.stage_upload(io.BytesIO(COMMUNITY.encode()), "../club.csv", 1024**2)
    assert staged.name == "club.csv" and staged.path.parent.parent == staging.folder
    assert staged.to_dict()["format"] == "generic" and staged.to_dict()["kind"] == "community"
    assert staging.get(staged.id) is staged
    staging.discard(staged.id)
    assert not staged.path.exists()
    with pytest.raises(KindredError, match="no longer waiting"):
        staging.get(staged.id)


def test_a_newer_staging_replaces_the_older(staging: StagingArea) -> None:
    first = staging.stage_upload(io.BytesIO(COMMUNITY.encode()), "a.csv", 1024**2)
    second = staging.stage_upload(io.BytesIO(COMMUNITY.encode()), "b.csv", 1024**2)
    assert not first.path.exists() and second.path.exists()
    with pytest.raises(KindredError):
        staging.get(first.id)


def test_a_claimed_file_survives_a_newer_staging(staging: StagingArea) -> None:
    first = staging.stage_upload(io.BytesIO(COMMUNITY.encode()), "a.csv", 1024**2)
    assert staging.claim(first.id) is first
    with pytest.raises(KindredError, match="no longer waiting"):  # not twice
        staging.claim(first.id)
    second = staging.stage_upload(io.BytesIO(COMMUNITY.encode()), "b.csv", 1024**2)
    assert first.path.exists() and staging.get(second.id) is second
    staging.release(first)  # its import was refused: the newer file stays, it goes
    assert not first.path.exists() and staging.get(second.id) is second
    staging.discard(second.id)
    assert not second.path.exists()


def test_a_second_import_is_refused_and_its_file_waits(workspace: Workspace) -> None:
    release = threading.Event()
    original = workspace.import_community

    def held_import(*args, **kwargs):
        release.wait(10)
        return original(*args, **kwargs)

    workspace.import_community = held_import  # type: ignore[method-assign]
    first = workspace.stage_import_upload(io.BytesIO(COMMUNITY.encode()), "a.csv", 1024**2)
    workspace.start_import(first["staged_id"])
    second = workspace.stage_import_upload(io.BytesIO(COMMUNITY.encode()), "b.csv", 1024**2)
    with pytest.raises(KindredError, match="An import is already running"):
        workspace.start_import(second["staged_id"])
    assert workspace.staged_import(second["staged_id"])["file"] == "b.csv"
    release.set()
    assert workspace.wait_for_import(30)
    assert [c["name"] for c in workspace.communities()] == ["Demo films", "a"]


def test_a_staged_file_expires(staging: StagingArea, monkeypatch) -> None:
    staged = staging.stage_upload(io.BytesIO(COMMUNITY.encode()), "a.csv", 1024**2)
    monkeypatch.setattr(import_jobs, "STAGING_TTL_SECONDS", -1)
    staging.expire()
    assert not staged.path.exists()
    with pytest.raises(KindredError):
        staging.get(staged.id)


def test_too_large_or_unreadable_uploads_are_not_kept(staging: StagingArea) -> None:
    with pytest.raises(UploadTooLarge, match="larger than the 1 MB an upload may be"):
        staging.stage_upload(io.BytesIO(b"x" * 5000), "big.csv", 4096)
    with pytest.raises(RatingsImportError, match=r"photo\.csv: is a PNG image"):
        staging.stage_upload(io.BytesIO(b"\x89PNG\r\n\x1a\n"), "photo.csv", 4096)
    assert list(staging.folder.iterdir()) == []


def test_closing_the_staging_area_removes_its_folder() -> None:
    area = StagingArea()
    area.stage_upload(io.BytesIO(COMMUNITY.encode()), "a.csv", 1024**2)
    area.close()
    assert not area.folder.exists()


def test_a_chosen_path_is_read_in_place_and_never_deleted(staging: StagingArea, tmp_path) -> None:
    path = tmp_path / "club.csv"
    path.write_text(COMMUNITY)
    staged = staging.stage_path(path)
    assert staged.path == path and staged.name == str(path)
    staging.discard(staged.id)
    assert path.exists()


def test_a_job_reports_progress_then_its_answer() -> None:
    release = threading.Event()

    def importer(progress, cancel):
        progress(Progress(50, 100, 1000))
        release.wait(5)
        return {"ok": True}

    runner = ImportRunner()
    job = ImportJob("community", "club.csv", importer)
    assert runner.current() is None
    first = runner.start(job)
    assert first["state"] == "running" and first["kind"] == "community"
    assert runner.current() is job
    with pytest.raises(KindredError, match="already running"):
        runner.start(ImportJob("personal", "other.csv", importer))
    release.set()
    assert runner.wait(5)
    snapshot = job.snapshot()
    assert snapshot["state"] == "finished" and snapshot["result"] == {"ok": True}
    assert (snapshot["rows_read"], snapshot["bytes_read"], snapshot["bytes_total"]) == (
        1000,
        50,
        100,
    )
    assert snapshot["rows_per_second"] > 0 and snapshot["elapsed"] >= 0


@pytest.mark.parametrize(
    ("error", "state", "message"),
    [
        (ImportCancelled("the import was cancelled."), "cancelled", "nothing was changed"),
        (RatingsImportError("is empty.", path="x.csv"), "failed", "x.csv: is empty."),
        (ZeroDivisionError("bug"), "failed", "failed inside Kindred"),
    ],
)
def test_a_job_that_ends_badly_says_so_in_one_sentence(error, state, message) -> None:
    def importer(progress, cancel):
        raise error

    job = ImportJob("personal", "x.csv", importer)
    job.run()
    assert job.snapshot()["state"] == state and message in job.snapshot()["message"]


def test_a_personal_import_in_the_background(workspace: Workspace) -> None:
    content, items = personal_export(workspace)
    staged = workspace.stage_import_upload(io.BytesIO(content), "mine.csv", 1024**2)
    assert staged["kind"] == "personal" and staged["columns"][2]["role"] == "rating"
    job = workspace.start_import(staged["staged_id"])
    assert workspace.wait_for_import(30)
    snapshot = workspace.import_job(job["id"])
    assert snapshot["state"] == "finished", snapshot
    result = snapshot["result"]
    assert result["added"] == 3 and result["report"]["file"] == "mine.csv"
    assert set(workspace.my_ratings_map()) == set(items)
    with pytest.raises(KindredError, match="no longer waiting"):  # the copy is gone
        workspace.staged_import(staged["staged_id"])
    with pytest.raises(KindredError, match="already finished"):
        workspace.cancel_import(job["id"])

    report = workspace.skipped_rows_report(result["import_id"])
    assert report["file"] == "mine-skipped-rows.csv" and report["total"] == report["listed"] == 2
    rows = list(csv.reader(io.StringIO(report["csv"])))
    assert rows[0] == ["line", "field", "reason", "value", "raw"]
    assert rows[1] == ["5", "rating", "rating 'xyz' is not a number", "xyz", "Broken Row,2001,xyz"]
    assert rows[2][3:] == ["'=1+1", "'=HYPERLINK(1),2002,=1+1"]  # no formula reaches a sheet
    assert workspace.skipped_rows_report(999_999) is None


def test_corrected_columns_reach_the_community_import(workspace: Workspace) -> None:
    staged = workspace.stage_import_upload(io.BytesIO(COMMUNITY.encode()), "club.csv", 1024**2)
    with pytest.raises(RatingsImportError, match="cannot be both"):
        workspace.start_import(staged["staged_id"], columns={"user": 0, "item": 0, "rating": 2})
    with pytest.raises(KindredError, match="must be"):
        workspace.start_import(staged["staged_id"], kind="everyone")
    columns = {"user": 0, "item": 1, "rating": 2}
    job = workspace.start_import(staged["staged_id"], columns=columns, name="Club")
    assert workspace.wait_for_import(30)
    result = workspace.import_job(job["id"])["result"]
    assert result["name"] == "Club" and result["stored"]["users"] == 6
    assert result["stored"]["items"] == 5


def test_a_cancelled_import_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "club.csv"
    path.write_text(COMMUNITY)
    staged = workspace.stage_import_path(path)
    before = (workspace.communities(), workspace.store.import_log())
    started = threading.Event()
    original = workspace.import_community

    def slow_import(*args, cancel, **kwargs):
        started.set()
        while not cancel():
            threading.Event().wait(0.01)
        return original(*args, cancel=cancel, **kwargs)

    workspace.import_community = slow_import  # type: ignore[method-assign]
    assert workspace.running_import() is None
    job = workspace.start_import(staged["staged_id"])
    assert started.wait(5)
    assert workspace.running_import()["id"] == job["id"]
    assert workspace.cancel_import(job["id"])["stage"] == "Cancelling"
    assert workspace.wait_for_import(30)
    snapshot = workspace.import_job(job["id"])
    assert snapshot["state"] == "cancelled"
    assert snapshot["message"] == "The import was cancelled; nothing was changed."
    assert (workspace.communities(), workspace.store.import_log()) == before
    assert path.exists()
    assert workspace.import_job("nope") is None and workspace.cancel_import("nope") is None


def test_the_log_keeps_the_first_thousand_skipped_rows_and_says_how_many(
    workspace: Workspace,
) -> None:
    rows = "".join(f"u{n % 7},m{n},{'bad' if n % 2 else 3}\n" for n in range(2400))
    staged = workspace.stage_import_upload(
        io.BytesIO(("user,item,rating\n" + rows).encode()), "many bad.csv", 1024**2
    )
    job = workspace.start_import(staged["staged_id"])
    assert workspace.wait_for_import(30)
    result = workspace.import_job(job["id"])["result"]
    report = workspace.skipped_rows_report(result["import_id"])
    assert (report["listed"], report["total"]) == (1000, 1200)
    assert report["file"] == "many bad-skipped-rows.csv"
    lines = report["csv"].splitlines()
    assert (
        len(lines) == 1001 and lines[1] == "3,rating,rating 'bad' is not a number,bad,\"u1,m1,bad\""
    )


def test_a_failed_import_leaves_the_file_waiting_for_corrected_roles(workspace: Workspace) -> None:
    content = b"user,item,rating,note\n" + b"".join(
        f"u{n % 5},i{n},{1 + n % 5},x\n".encode() for n in range(40)
    )
    staged = workspace.stage_import_upload(io.BytesIO(content), "club.csv", 1024**2)
    wrong = {"user": 0, "item": 1, "rating": 3}  # the note column holds no ratings
    job = workspace.start_import(staged["staged_id"], columns=wrong)
    assert workspace.wait_for_import(30)
    failed = workspace.import_job(job["id"])
    assert failed["state"] == "failed" and "not a number" in failed["message"]
    assert workspace.staged_import(staged["staged_id"])["file"] == "club.csv"
    job = workspace.start_import(staged["staged_id"], columns={"user": 0, "item": 1, "rating": 2})
    assert workspace.wait_for_import(30)
    assert workspace.import_job(job["id"])["state"] == "finished"
    with pytest.raises(KindredError, match="no longer waiting"):
        workspace.staged_import(staged["staged_id"])


def test_closing_the_workspace_removes_its_staged_uploads(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "data")
    staged = workspace.stage_import_upload(io.BytesIO(COMMUNITY.encode()), "club.csv", 1024**2)
    path = Path(workspace._staging.get(staged["staged_id"]).path)
    assert path.exists()
    workspace.close()
    assert not path.exists()
