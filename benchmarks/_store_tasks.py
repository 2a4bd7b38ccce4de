"""The community store's scale tasks (issue 5): import into a data directory, reopen it, and
the first recommendation after reopening. Each runs in its own fresh process (``run.py`` starts
them through ``_scale_tasks.py``), so peak memory and "reopen" mean what a person's next start
would see.

* ``import``: ``CommunityStore.import_file`` on the size's ``ratings.csv`` into a new data
  directory ``benchmarks/out/<size>/datadir/`` (read + arrays + write, every file fsynced),
  made the current community; then a profile for the later tasks is drawn from the stored
  arrays (not timed).
* ``reopen``: ``Workspace(data_dir)`` (database, clean-up, the remembered community opened from
  its memory-mapped arrays) until the ratings are ready to read (``rating_arrays()``); then,
  separately, the first catalogue page (per-item statistics in one pass over the arrays).
* ``first_recommendation_cold`` / ``first_recommendation``: reopen, fit the model (with the
  engine's derived-arrays cache in the community's ``cache/`` removed first, or as the
  previous task left it), then the top-20 for the profile, as the app answers it
  (``recommendations_for_ratings``: titles, reasons). Resident memory after it, split into
  anonymous memory and file-backed (memory-mapped) pages.

The page cache is warm in every task (the files were just written or read): reopening after a
reboot reads the ids and the item layout from disk once more.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from _measure import current_rss_mb
from _measure import peak_rss_mb
from _measure import rss_breakdown_mb
from _measure import timed
from _measure import timed_with_cpu

DATA_DIR_NAME = "datadir"
PROFILE_FILE = "first-profile.json"
SEED = 42
TOP_N = 20
PROFILE_SIZES = (20, 200)


def data_dir_of(path: Path) -> Path:
    """Where a size's data directory lives: beside its ratings file (git-ignored)."""
    return path.parent / DATA_DIR_NAME


def community_name(path: Path) -> str:
    return f"synthetic {path.parent.name}"


def task_import(path: Path) -> dict[str, Any]:
    """Import the ratings file into a fresh data directory, as the app does."""
    from recommender.community_store import CommunityStore
    from recommender.storage import Store
    from recommender.workspace_communities import CURRENT_COMMUNITY

    data_dir = data_dir_of(path)
    shutil.rmtree(data_dir, ignore_errors=True)
    baseline = current_rss_mb()
    store = Store(data_dir)
    try:
        communities = CommunityStore(data_dir, store)
        wall, cpu, answer = timed_with_cpu(
            lambda: communities.import_file(path, name=community_name(path))
        )
        peak = peak_rss_mb()
        store.set_setting(CURRENT_COMMUNITY, community_name(path))
        folder = communities.folder / answer["stored"]["folder"]
        _write_profile(communities.open_arrays(community_name(path)), path.parent / PROFILE_FILE)
    finally:
        store.close()
    return {
        "import_s": wall,
        "import_cpu_s": cpu,
        "import_peak_rss_mb": peak,
        "import_baseline_rss_mb": baseline,
        "import_method": "CommunityStore.import_file: read + arrays + write",
        "ratings": int(answer["stored"]["ratings"]),
        "store_mb": sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 2**20,
    }


def _write_profile(stored, target: Path) -> None:
    """A member's random 20-200 ratings (seeded), as a new person's ratings to ask with."""
    rng = np.random.default_rng(SEED)
    arrays = stored.rating_arrays()
    counts = np.diff(arrays.user_indptr)
    user = int(rng.choice(np.flatnonzero(counts >= PROFILE_SIZES[0])))
    start, stop = int(arrays.user_indptr[user]), int(arrays.user_indptr[user + 1])
    size = min(int(rng.integers(PROFILE_SIZES[0], PROFILE_SIZES[1] + 1)), stop - start)
    picked = start + rng.choice(stop - start, size=size, replace=False)
    profile = {
        str(arrays.items[int(arrays.user_items[p])]): float(arrays.user_ratings[p]) for p in picked
    }
    target.write_text(json.dumps(profile), encoding="utf-8")


def task_reopen(path: Path) -> dict[str, Any]:
    """Open the data directory again and get its community ready, then its first page."""
    from recommender.workspace import Workspace

    baseline = current_rss_mb()
    reopen_s, workspace = timed(lambda: _reopened(Workspace, path))
    with workspace:
        after_reopen = current_rss_mb()
        page_s, page = timed(lambda: workspace.catalogue(sort="popular", per_page=40))
        return {
            "reopen_s": reopen_s,
            "reopen_rss_mb": after_reopen,
            "reopen_baseline_rss_mb": baseline,
            "reopen_decoded": "ratings" in vars(workspace.community),
            "first_page_s": page_s,
            "first_page_rss_mb": current_rss_mb(),
            "first_page_items": len(page["items"]),
        }


def _reopened(workspace_class, path: Path):
    """A Workspace on the size's data directory with its community's arrays at hand."""
    workspace = workspace_class(data_dir_of(path))
    if workspace.community.is_demo:
        workspace.close()
        raise RuntimeError(f"{data_dir_of(path)} holds no imported community: run 'import'")
    workspace.community.rating_arrays()
    return workspace


def first_recommendation(path: Path, cold: bool) -> dict[str, Any]:
    """Reopen, fit, answer the profile's top-20: seconds of each step and memory after."""
    from recommender.workspace import Workspace

    data_dir = data_dir_of(path)
    if cold:
        for cache in (data_dir / "communities").glob("*/cache"):
            shutil.rmtree(cache)
    profile = json.loads((path.parent / PROFILE_FILE).read_text(encoding="utf-8"))
    reopen_s, workspace = timed(lambda: _reopened(Workspace, path))
    with workspace:
        fit_s, _model = timed(workspace.model)
        answer_s, answer = timed(lambda: workspace.recommendations_for_ratings(profile, n=TOP_N))
        anonymous, file_backed = rss_breakdown_mb()
        prefix = "first_recommendation_cold" if cold else "first_recommendation"
        return {
            f"{prefix}_s": reopen_s + fit_s + answer_s,
            f"{prefix}_reopen_s": reopen_s,
            f"{prefix}_fit_s": fit_s,
            f"{prefix}_top20_ms": answer_s * 1000.0,
            f"{prefix}_rss_mb": current_rss_mb(),
            f"{prefix}_anonymous_mb": anonymous,
            f"{prefix}_mapped_mb": file_backed,
            f"{prefix}_peak_rss_mb": peak_rss_mb(),
            f"{prefix}_items": len(answer["items"]),
            "first_profile_ratings": len(profile),
        }


def task_first_recommendation_cold(path: Path) -> dict[str, Any]:
    """The first recommendation after reopening, the engine's cache removed first."""
    return first_recommendation(path, cold=True)


def task_first_recommendation(path: Path) -> dict[str, Any]:
    """The first recommendation after reopening, the engine's cache as the last run left it."""
    return first_recommendation(path, cold=False)


STORE_TASKS = {
    "import": task_import,
    "reopen": task_reopen,
    "first_recommendation_cold": task_first_recommendation_cold,
    "first_recommendation": task_first_recommendation,
}
