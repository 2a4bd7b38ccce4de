"""A community's ratings as compact NumPy arrays in one folder, opened by memory mapping.

Folder layout (``FORMAT_VERSION`` 1)::

    manifest.json        format version, name, content hash, counts, scale, file list
    user_indptr.npy      int64 [users + 1]   CSR by user: the ratings of user u are the
    user_items.npy       int32 [ratings]       entries user_indptr[u] : user_indptr[u + 1]
    user_ratings.npy     float32 [ratings]     (item codes and ratings, items ascending)
    item_indptr.npy      int64 [items + 1]   CSR by item, likewise (user codes, ratings)
    item_users.npy       int32 [ratings]
    item_ratings.npy     float32 [ratings]
    user_ids.npy         <U [users]          user code -> the community's user id (sorted)
    item_ids.npy         <U [items]          item code -> item id (sorted)
    items.parquet        the item metadata (item, title, year, genres, outside ids)
    cache/               what the engine derives from the ratings (means, biases), keyed
                         by the content hash; not part of the hash, not backed up

float32 holds every rating scale Kindred reads exactly (halves and whole numbers). Vocabularies
are fixed-width Unicode arrays, so they load without pickle and map like the rest.

The content hash is SHA-256 over every array's bytes and the metadata file, in the order
above: two imports of the same ratings give the same hash, whatever the source file looked like.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recommender.community import Community
from recommender.errors import DataDirError
from recommender.errors import KindredError
from recommender.rating_arrays import RatingArrays
from recommender.storage.files import fsync_directory

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ITEMS_FILE = "items.parquet"
ARRAY_FILES = (
    "user_indptr",
    "user_items",
    "user_ratings",
    "item_indptr",
    "item_users",
    "item_ratings",
    "user_ids",
    "item_ids",
)
#: Text ids as in an imported community: pandas' Arrow-backed ``str`` dtype.
ID_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass(frozen=True)
class CommunityArrays:
    """A stored community as (memory-mapped) arrays plus its manifest and item metadata."""

    manifest: dict[str, Any]
    arrays: dict[str, np.ndarray]
    items: pd.DataFrame

    def rating_arrays(self, cache_dir: Path | None = None) -> RatingArrays:
        """The engine's view of these ratings: the memory-mapped arrays themselves, no copy.

        ``cache_dir`` is where the engine may keep what it derives (see ``RatingArrays``).
        """
        return RatingArrays(
            users=pd.Index(self.arrays["user_ids"].tolist(), dtype=object),
            items=pd.Index(self.arrays["item_ids"].tolist(), dtype=object),
            # Plain ndarray views of the maps (no copy): slicing a numpy.memmap costs
            # microseconds of Python per slice, which adds up over thousands of slices a query.
            user_indptr=np.asarray(self.arrays["user_indptr"]),
            user_items=np.asarray(self.arrays["user_items"]),
            user_ratings=np.asarray(self.arrays["user_ratings"]),
            item_indptr=np.asarray(self.arrays["item_indptr"]),
            item_users=np.asarray(self.arrays["item_users"]),
            item_ratings=np.asarray(self.arrays["item_ratings"]),
            cache_dir=cache_dir,
            content_hash=self.manifest.get("content_hash"),
        )

    def to_community(self, name: str | None = None, cache_dir: Path | None = None) -> Community:
        """The ``Community`` the app uses: counts, catalogue and scale at once; the ratings as
        these arrays (``rating_arrays(cache_dir)``), decoded into a DataFrame only on demand."""
        return StoredCommunity(name or self.manifest["name"], self, cache_dir)

    def decoded_ratings(self) -> pd.DataFrame:
        """Every rating as a DataFrame ``user, item, rating`` with text ids.

        The rows follow the CSR by user; ids are decoded through Arrow dictionaries, so the
        text of each id is built once, in C++. At 32 million ratings this takes tens of seconds
        and gigabytes: only evaluation and exports need it.
        """
        indptr = self.arrays["user_indptr"]
        users = self.arrays["user_ids"]
        user_codes = np.repeat(np.arange(len(users), dtype=np.int32), np.diff(indptr))
        return pd.DataFrame(
            {
                "user": _decoded(user_codes, users),
                "item": _decoded(np.asarray(self.arrays["user_items"]), self.arrays["item_ids"]),
                "rating": np.asarray(self.arrays["user_ratings"], dtype=np.float64),
            }
        )


class StoredCommunity(Community):
    """A community opened from its stored arrays, without decoding a single rating.

    ``rating_arrays()`` is the memory-mapped files themselves (with ``cache_dir`` for what the
    engine derives), counts come from the manifest, and ``ratings`` (the DataFrame) is decoded
    the first time something reads it, then kept. Equality is identity: comparing two stored
    communities field by field would decode both.
    """

    def __init__(self, name: str, stored: CommunityArrays, cache_dir: Path | None = None) -> None:
        low, high = stored.manifest["scale"]
        fields = {
            "name": name,
            "items": stored.items,
            "scale": (float(low), float(high)),
            "is_demo": False,
            "stored": stored,
            "cache_dir": cache_dir,
        }
        for attribute, value in fields.items():
            object.__setattr__(self, attribute, value)  # the dataclass is frozen

    @cached_property
    def ratings(self) -> pd.DataFrame:  # type: ignore[override]
        """Every rating as a DataFrame, decoded from the arrays on first use."""
        started = time.monotonic()
        frame = self.stored.decoded_ratings()
        logger.info(
            "decoded %s ratings of %s in %.2f s", len(frame), self.name, time.monotonic() - started
        )
        return frame

    @property
    def n_users(self) -> int:
        """How many people rated something (from the manifest)."""
        return int(self.stored.manifest["users"])

    @property
    def n_ratings(self) -> int:
        """How many ratings the community holds (from the manifest)."""
        return int(self.stored.manifest["ratings"])

    @cached_property
    def _rating_arrays(self) -> RatingArrays:
        return self.stored.rating_arrays(self.cache_dir)

    def __repr__(self) -> str:
        return f"StoredCommunity(name={self.name!r}, ratings={self.n_ratings})"

    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _decoded(codes: np.ndarray, vocabulary: np.ndarray) -> pd.Series:
    dictionary = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(vocabulary.tolist()))
    return pd.Series(pd.array(dictionary.dictionary_decode(), dtype=ID_DTYPE))


def build_arrays(community: Community) -> dict[str, np.ndarray]:
    """The CSR arrays and vocabularies of ``community``'s ratings (ids sorted as text).

    Both layouts are :meth:`RatingArrays.from_codes`'s; a community holds each (user, item)
    pair once (the importer resolves repeats), which is checked: a repeat would have been
    merged into one rating.
    """
    user_codes, users = _factorized(community.ratings["user"])
    item_codes, items = _factorized(community.ratings["item"])
    ratings = community.ratings["rating"].to_numpy(dtype=np.float32)
    layouts = RatingArrays.from_codes(
        user_codes, item_codes, ratings, pd.Index(users), pd.Index(items)
    )
    if layouts.n_ratings != len(ratings):
        raise KindredError(f"The community {community.name} rates some item twice by one person.")
    return {
        "user_indptr": layouts.user_indptr,
        "user_items": layouts.user_items,
        "user_ratings": layouts.user_ratings,
        "item_indptr": layouts.item_indptr,
        "item_users": layouts.item_users,
        "item_ratings": layouts.item_ratings,
        "user_ids": _vocabulary(users),
        "item_ids": _vocabulary(items),
    }


def _factorized(ids: pd.Series) -> tuple[np.ndarray, list[str]]:
    """int32 codes of the ids and the vocabulary, sorted as text.

    Arrow-backed text (what the importer gives) is dictionary-encoded in C++; anything else
    (the demo's Python strings) goes through pandas.
    """
    if isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow":
        encoded = pa.chunked_array(pa.array(ids.array)).combine_chunks().dictionary_encode()
        order = pc.sort_indices(encoded.dictionary).to_numpy()
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        codes = rank[encoded.indices.to_numpy(zero_copy_only=False)]
        return codes, encoded.dictionary.take(pa.array(order)).to_pylist()
    codes, uniques = pd.factorize(ids.astype(str), sort=True)
    return codes.astype(np.int32), [str(value) for value in uniques]


def _vocabulary(texts: list[str]) -> np.ndarray:
    width = max((len(text) for text in texts), default=1)
    return np.array(texts, dtype=f"<U{max(width, 1)}")


def write_arrays(
    community: Community,
    folder: Path,
    extra: dict[str, Any],
    check_cancel: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """Write ``community`` into the new ``folder`` (every file fsynced); return the manifest.

    ``extra`` is merged into the manifest (source file, format). ``check_cancel`` is called
    between files and may raise to stop; the caller removes the half-written folder.
    """
    folder.mkdir(parents=True)
    arrays = build_arrays(community)
    digest = hashlib.sha256()
    for name in ARRAY_FILES:
        check_cancel()
        array = np.ascontiguousarray(arrays[name])
        digest.update(name.encode())
        digest.update(array.reshape(-1).view(np.uint8))
        _write_synced(folder / f"{name}.npy", lambda handle, a=array: np.save(handle, a))
    check_cancel()
    metadata = _items_frame(community.items)
    _write_synced(
        folder / ITEMS_FILE,
        lambda handle: metadata.to_parquet(handle, engine="pyarrow", index=False),
    )
    digest.update((folder / ITEMS_FILE).read_bytes())
    manifest = {
        "format_version": FORMAT_VERSION,
        "name": community.name,
        "content_hash": f"sha256:{digest.hexdigest()}",
        "ratings": len(arrays["user_items"]),
        "users": len(arrays["user_ids"]),
        "items": len(community.items),
        "rated_items": len(arrays["item_ids"]),
        "scale": [float(community.scale[0]), float(community.scale[1])],
        "files": [f"{name}.npy" for name in ARRAY_FILES] + [ITEMS_FILE],
        **extra,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True).encode()
    _write_synced(folder / MANIFEST, lambda handle: handle.write(text))
    fsync_directory(folder)
    return manifest


def _items_frame(items: pd.DataFrame) -> pd.DataFrame:
    """The metadata with the id as a column and every text column as str or None."""
    frame = items.reset_index()
    frame = frame.rename(columns={frame.columns[0]: "item"})
    for column in frame.columns:
        if column != "year" and frame[column].dtype == object:
            frame[column] = [None if _missing(v) else str(v) for v in frame[column]]
    return frame


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _write_synced(path: Path, write: Callable[[Any], object]) -> None:
    with path.open("xb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


def read_arrays(folder: Path) -> CommunityArrays:
    """Open a stored community: manifest checked, arrays memory-mapped, metadata read.

    Raises ``DataDirError`` with one sentence when the folder is missing, damaged or written by
    a newer Kindred.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        version = int(manifest["format_version"])
        if version > FORMAT_VERSION:
            raise DataDirError(
                f"The community in {folder} was stored by a newer version of Kindred "
                f"(format {version}); please update Kindred."
            )
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ARRAY_FILES
        }
        items = pd.read_parquet(folder / ITEMS_FILE, engine="pyarrow").set_index("item")
    except DataDirError:
        raise
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as error:
        raise DataDirError(
            f"The community stored in {folder} cannot be read ({error}); import it again."
        ) from error
    items.index = items.index.astype(str)
    items["year"] = pd.array(items["year"], dtype="Int64")
    _check_shapes(folder, manifest, arrays)
    return CommunityArrays(manifest, arrays, items)


def _check_shapes(folder: Path, manifest: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    users, ratings = len(arrays["user_ids"]), int(manifest["ratings"])
    sound = (
        len(arrays["user_indptr"]) == users + 1
        and len(arrays["item_indptr"]) == len(arrays["item_ids"]) + 1
        and users == int(manifest["users"])
        and all(len(arrays[name]) == ratings for name in ARRAY_FILES[1:3] + ARRAY_FILES[4:6])
        and int(arrays["user_indptr"][-1]) == ratings == int(arrays["item_indptr"][-1])
    )
    if not sound:
        raise DataDirError(f"The community stored in {folder} is damaged; import it again.")
