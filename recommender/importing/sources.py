"""Find the ratings file a person pointed at: a file, a folder, or a zip (checked, then extracted).

A folder or archive is searched for the well-known ratings files (``ratings.csv``, ``u.data``,
``ratings.dat``, ``BX-Book-Ratings.csv``), shallowest first; metadata files in the same folder
come along. Zip members are extracted into a temporary folder that ``Source.close`` removes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from pathlib import PurePosixPath

from recommender.errors import RatingsImportError
from recommender.importing import safety
from recommender.importing.catalogue import METADATA_FILES

COMMUNITY_RATINGS = (
    "ratings.csv",
    "u.data",
    "ratings.dat",
    "BX-Book-Ratings.csv",
    "Ratings.csv",
    "book_ratings.csv",
)
PERSONAL_FILES = ("ratings.csv", "watched.csv", "watchlist.csv")


@dataclass
class Source:
    """The ratings file to read, where it came from, and companion files beside it."""

    path: Path
    origin: Path
    name: str
    companions: dict[str, Path] = field(default_factory=dict)
    temporary: Path | None = None

    def close(self) -> None:
        """Remove any temporary extraction folder."""
        if self.temporary is not None:
            safety.remove_folder(self.temporary)
            self.temporary = None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _choose(names: list[PurePosixPath], wanted: tuple[str, ...]) -> PurePosixPath | None:
    """The shallowest member named like one of ``wanted`` (in ``wanted``'s order)."""
    for target in wanted:
        matches = [name for name in names if name.name == target]
        if matches:
            return min(matches, key=lambda name: len(name.parts))
    return None


def open_source(
    path: str | Path,
    max_bytes: int | None,
    wanted: tuple[str, ...] = COMMUNITY_RATINGS,
    companions: tuple[str, ...] = METADATA_FILES,
) -> Source:
    """Resolve ``path`` (file, folder or zip) to the ratings file and its companions.

    ``max_bytes`` None: the configured limit (:func:`safety.import_limit`)."""
    max_bytes = safety.import_limit(max_bytes)
    origin = Path(path).expanduser()
    if not origin.exists():
        raise RatingsImportError("the file does not exist.", path=origin)
    if origin.is_dir():
        return _from_folder(origin, max_bytes, wanted, companions)
    safety.check_file(origin, max_bytes)
    if safety.is_zip(origin):
        return _from_zip(origin, max_bytes, wanted, companions)
    found = {name: origin.parent / name for name in companions if (origin.parent / name).is_file()}
    name = origin.parent.name if origin.name in wanted and origin.parent.name else origin.stem
    return Source(origin, origin, name, found)


def _from_folder(
    folder: Path, max_bytes: int, wanted: tuple[str, ...], companions: tuple[str, ...]
) -> Source:
    files = [
        PurePosixPath(p.relative_to(folder).as_posix())
        for p in folder.rglob("*")
        if p.is_file() and len(p.relative_to(folder).parts) <= 3
    ]
    chosen = _choose(files, wanted)
    if chosen is None:
        raise RatingsImportError(
            f"contains no ratings file (looked for {', '.join(wanted)}).", path=folder
        )
    ratings = folder / chosen
    safety.check_file(ratings, max_bytes)
    found = {n: ratings.parent / n for n in companions if (ratings.parent / n).is_file()}
    return Source(ratings, folder, folder.name, found)


def _from_zip(
    archive: Path, max_bytes: int, wanted: tuple[str, ...], companions: tuple[str, ...]
) -> Source:
    members = safety.safe_members(archive, max_bytes)
    by_name = {PurePosixPath(info.filename.replace("\\", "/")): info for info in members}
    chosen = _choose(list(by_name), wanted)
    if chosen is None:
        names = {str(name) for name in by_name}
        if "[Content_Types].xml" in names or "mimetype" in names:
            raise RatingsImportError(
                "is a spreadsheet or office document, not a text table; save it as CSV first.",
                path=archive,
            )
        raise RatingsImportError(
            f"is a zip without a ratings file (looked for {', '.join(wanted)}).", path=archive
        )
    folder = Path(tempfile.mkdtemp(prefix="kindred-import-"))
    try:
        ratings = safety.extract_member(archive, by_name[chosen], folder, max_bytes)
        found: dict[str, Path] = {}
        for name, info in by_name.items():
            if name.parent == chosen.parent and name.name in companions and name != chosen:
                found[name.name] = safety.extract_member(archive, info, folder, max_bytes)
    except BaseException:
        safety.remove_folder(folder)
        raise
    parent_name = chosen.parent.name or archive.stem
    return Source(ratings, archive, parent_name, found, temporary=folder)
