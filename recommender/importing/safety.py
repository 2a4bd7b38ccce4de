"""Limits that keep a hostile or mistaken file from exhausting the machine.

* A maximum file size (default 4 GiB, so MovieLens 32M's 850 MB ratings.csv passes).
* Zip archives: every member is checked before anything is extracted — its declared size, the
  total, its compression ratio (``file_size / compress_size``, a zip bomb has thousands), and
  its name (no absolute paths, no ``..``). Members are extracted only into a temporary folder,
  under flattened safe names, while counting the bytes really written (a lying header cannot
  get past the limit).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import zipfile
from pathlib import Path
from pathlib import PurePosixPath

from recommender.errors import RatingsImportError

DEFAULT_MAX_BYTES = 4 * 1024**3
#: Environment variable that changes the largest file Kindred imports, in megabytes.
MAX_IMPORT_ENV = "KINDRED_MAX_IMPORT_MB"
#: Largest accepted uncompressed / compressed ratio for members bigger than 1 MiB.
MAX_COMPRESSION_RATIO = 200
#: Most members a zip may declare (a Letterboxd export has a few dozen).
MAX_ZIP_MEMBERS = 10_000
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"


def import_limit(max_bytes: int | None = None) -> int:
    """The largest file (or zip content) to import, in bytes: ``max_bytes`` when given, else
    ``$KINDRED_MAX_IMPORT_MB`` megabytes when set, else :data:`DEFAULT_MAX_BYTES` (4 GB,
    room for MovieLens 32M's 850 MB ratings.csv)."""
    if max_bytes is not None:
        return int(max_bytes)
    configured = os.environ.get(MAX_IMPORT_ENV, "").strip()
    if not configured:
        return DEFAULT_MAX_BYTES
    try:
        megabytes = float(configured)
    except ValueError:
        megabytes = math.nan
    if not math.isfinite(megabytes) or megabytes <= 0:
        raise RatingsImportError(
            f"{MAX_IMPORT_ENV} must be a positive number of megabytes; it is {configured!r}."
        )
    return int(megabytes * 1024**2)


def check_file(path: Path, max_bytes: int) -> int:
    """Refuse a missing, unreadable or too-large file; return its size in bytes."""
    try:
        if not path.exists():
            raise RatingsImportError("the file does not exist.", path=path)
        if path.is_dir():
            raise RatingsImportError("is a folder, not a file.", path=path)
        size = path.stat().st_size
    except OSError as error:
        raise RatingsImportError(f"cannot be read ({error.strerror}).", path=path) from error
    if size > max_bytes:
        raise RatingsImportError(
            f"is {size / 1024**2:,.0f} MB, more than the {max_bytes / 1024**2:,.0f} MB limit "
            f"(set {MAX_IMPORT_ENV} to allow bigger files).",
            path=path,
        )
    return size


def is_zip(path: Path) -> bool:
    """True when the file starts like a zip archive (whatever its extension says)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError:
        return False
    return start in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)


def safe_members(path: Path, max_bytes: int) -> list[zipfile.ZipInfo]:
    """The archive's file members, after checking names, sizes and ratios of all of them."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise RatingsImportError(f"is not a readable zip archive ({error}).", path=path) from error
    if len(infos) > MAX_ZIP_MEMBERS:
        raise RatingsImportError(f"has {len(infos):,} members, too many for a zip.", path=path)
    total = 0
    members = []
    for info in infos:
        if info.is_dir():
            continue
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise RatingsImportError(
                f"contains an unsafe path '{info.filename}'; refusing to open it.", path=path
            )
        if info.flag_bits & 0x1:
            raise RatingsImportError(f"member '{info.filename}' is encrypted.", path=path)
        total += info.file_size
        if info.file_size > 1024**2 and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise RatingsImportError(
                f"member '{info.filename}' expands {ratio:,.0f} times;"
                " refusing a possible zip bomb.",
                path=path,
            )
        if total > max_bytes:
            raise RatingsImportError(
                f"would expand to more than the {max_bytes / 1024**2:,.0f} MB limit.", path=path
            )
        if name.name.startswith(".") or name.parts[0] == "__MACOSX":
            continue
        members.append(info)
    return members


def extract_member(archive_path: Path, info: zipfile.ZipInfo, folder: Path, max_bytes: int) -> Path:
    """Copy one member into ``folder`` under its safe base name, counting real bytes."""
    target = folder / safe_base_name(info.filename)
    written = 0
    try:
        with (
            zipfile.ZipFile(archive_path) as archive,
            archive.open(info) as source,
            target.open("wb") as sink,
        ):
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                if written > max_bytes or written > info.file_size + 1024:
                    raise RatingsImportError(
                        f"member '{info.filename}' is larger than it declares or than the"
                        " limit; refusing it.",
                        path=archive_path,
                    )
                sink.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise RatingsImportError(
            f"member '{info.filename}' cannot be extracted ({error}).", path=archive_path
        ) from error
    return target


def safe_base_name(member_name: str) -> str:
    """A member's base name made safe as a file name (``ml/ratings.csv`` -> ``ratings.csv``)."""
    parts = [part for part in re.split(r"[\\/]+", member_name) if part not in ("", ".", "..")]
    name = parts[-1] if parts else "member"
    return re.sub(r"[^A-Za-z0-9._ -]", "_", name)[-200:]


def remove_folder(folder: Path) -> None:
    """Delete a temporary extraction folder (errors are not worth failing an import for)."""
    shutil.rmtree(folder, ignore_errors=True)


def file_size(path: Path) -> int:
    """Size of a file in bytes (0 when it cannot be read)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
