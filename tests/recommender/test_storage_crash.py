"""A community import killed with SIGKILL at random instants leaves the old state or the new one,
never a mix, and the next open leaves no leftovers."""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_community_store import leftovers
from test_community_store import write_ratings_csv

from recommender.workspace import Workspace

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")

KILL_INSTANTS = 24
IMPORTER = """
import sys
from recommender.workspace import Workspace
workspace = Workspace(sys.argv[1])
print("start", flush=True)
workspace.import_community(sys.argv[2], name="big")
print("done", flush=True)
"""


def start_import(data_dir: Path, ratings_file: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(data_dir), str(ratings_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "start"
    return child


def finish(child: subprocess.Popen) -> None:
    child.kill()
    child.wait(timeout=60)
    if child.stdout is not None:
        child.stdout.close()


def stored_state(data_dir: Path) -> tuple[str, int]:
    """Open the directory (which cleans up) and check it is whole; returns (hash, log size)."""
    with Workspace(data_dir) as workspace:
        record = workspace.store.community("big")
        assert record is not None
        arrays = workspace.community_store.open_arrays("big")
        assert arrays.manifest["content_hash"] == record["content_hash"]
        community = arrays.to_community()
        assert (community.n_ratings, community.n_users) == (record["ratings"], record["users"])
        assert workspace.store.ratings("big") == {"1": 4.0}, "the person's rating is intact"
        logged = [entry for entry in workspace.store.import_log() if entry["community"] == "big"]
        assert leftovers(data_dir) == [record["folder"]], "no leftovers after the next open"
        return record["content_hash"], len(logged)


def test_sigkill_during_community_imports_leaves_old_or_new_state(tmp_path: Path):
    version_a = write_ratings_csv(tmp_path / "a" / "ratings.csv", 3000, 2000, 100, seed=1)
    version_b = write_ratings_csv(tmp_path / "b" / "ratings.csv", 2900, 2000, 100, seed=2)
    scratch = tmp_path / "scratch"
    child = start_import(scratch, version_b)
    started = time.monotonic()
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "done"
        duration = time.monotonic() - started
    finally:
        finish(child)
    with Workspace(scratch) as workspace:
        hash_b = workspace.store.community("big")["content_hash"]
    data_dir = tmp_path / "data"
    with Workspace(data_dir) as workspace:
        workspace.import_community(version_a, name="big")
        workspace.store.set_rating("big", "1", 4.0)
    current, log_size = stored_state(data_dir)
    hash_of = {version_a: current, version_b: hash_b}
    assert current != hash_b
    outcomes = {"old": 0, "new": 0}
    instants = random.Random(20261204).sample(range(1, 1000), KILL_INSTANTS)
    for fraction in instants:
        incoming = version_b if current == hash_of[version_a] else version_a
        child = start_import(data_dir, incoming)
        try:
            time.sleep(duration * 1.2 * fraction / 1000)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=60)
        finally:
            finish(child)
        after, after_log_size = stored_state(data_dir)
        assert after in (current, hash_of[incoming])
        committed = after == hash_of[incoming]
        assert after_log_size == log_size + committed, "the log entry commits with the row"
        outcomes["new" if committed else "old"] += 1
        current, log_size = after, after_log_size
    logging.getLogger(__name__).info("kills: %s (import takes %.2f s)", outcomes, duration)
    assert sum(outcomes.values()) == KILL_INSTANTS
