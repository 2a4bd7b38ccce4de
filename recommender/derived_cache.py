"""What fitting derives from a stored community, kept beside it so the next start skips it.

Means, spreads and baseline biases are a few arrays of one number per person or item, but
computing them reads every rating (about two seconds for 32 million). They depend only on the
ratings (the community's content hash) and a few model options, so they are saved in the
community's ``cache_dir`` as ``derived-<key>.npz``, where ``key`` is a hash of both, and read
back when the key matches. A stale or unreadable file is simply rebuilt (and the reason
logged); the cache is never needed for correctness.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from recommender.rating_arrays import RatingArrays

logger = logging.getLogger(__name__)

#: Bump when what is derived, or how, changes: older files are then ignored.
DERIVED_VERSION = 1

Derived = dict[str, np.ndarray]


def cache_key(content_hash: str, options: Mapping[str, object]) -> str:
    """A short hash of the ratings' content hash, the options and :data:`DERIVED_VERSION`."""
    text = json.dumps(
        {"content": content_hash, "options": dict(options), "version": DERIVED_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_or_derive(
    arrays: RatingArrays, options: Mapping[str, object], derive: Callable[[], Derived]
) -> Derived:
    """The derived arrays for ``arrays`` and ``options``: from the cache when it holds them,
    else ``derive()`` (saved to the cache when there is one)."""
    if arrays.cache_dir is None or not arrays.content_hash:
        return derive()
    path = Path(arrays.cache_dir) / f"derived-{cache_key(arrays.content_hash, options)}.npz"
    cached = _read(path, arrays)
    if cached is not None:
        logger.info("derived arrays read from %s", path)
        return cached
    derived = derive()
    _write(path, derived)
    return derived


def _read(path: Path, arrays: RatingArrays) -> Derived | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            derived = {name: stored[name] for name in stored.files}
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
        logger.warning("ignoring the unreadable cache %s (%s); rebuilding it", path, error)
        return None
    n_users, n_items = arrays.shape
    expected = {"user_mean": n_users, "user_std": n_users, "user_bias": n_users}
    expected |= {"item_bias": n_items, "mean": 1}
    if any(len(derived.get(name, ())) != size for name, size in expected.items()):
        logger.warning("ignoring the cache %s: its shapes do not match; rebuilding it", path)
        return None
    return derived


def _write(path: Path, derived: Derived) -> None:
    """Save atomically (temporary file, then one rename); a failure is logged, not raised:
    the next start derives again."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=".tmp-derived-", suffix=".npz", delete=False
        ) as handle:
            temporary = Path(handle.name)
            np.savez(handle, **derived)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        logger.warning("could not cache the derived arrays in %s (%s)", path.parent, error)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
