"""What several commands share: the ``--data-dir`` option, opening the workspace, and reading
a small file of the person's ratings."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from recommender.datadir import resolve_data_dir
from recommender.errors import RatingsImportError
from recommender.workspace import Workspace


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--data-dir`` (default: ``KINDRED_DATA_DIR``, else the platform's data dir)."""
    parser.add_argument(
        "--data-dir",
        default=None,
        help="where your data lives (default: $KINDRED_DATA_DIR or the platform's data dir)",
    )


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Add what commands that read the person's data share: ``--community``, ``--json`` and
    ``--data-dir``."""
    parser.add_argument(
        "--community",
        default=None,
        help="a stored community, or demo (default: the one in use in the app)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir_argument(parser)


def open_workspace(data_dir: str | None, community_name: str | None) -> Workspace:
    """The workspace on the named community ("demo" or a stored one), else on the current
    one; naming a community here does not change which one the app opens next."""
    workspace = Workspace(resolve_data_dir(data_dir))
    if community_name is None:
        return workspace
    try:
        workspace.use_community(community_name, remember=False)
    except BaseException:
        workspace.close()
        raise
    return workspace


def read_item_ratings(path: Path, workspace: Workspace) -> dict[str, float]:
    """Read a CSV of ``item,rating`` rows (a header naming those columns, or none).

    Unknown items and ratings off the community's scale are refused with the line number.
    """
    if not path.is_file():
        raise RatingsImportError("the file does not exist.", path=path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise RatingsImportError(f"cannot be read as CSV ({error}).", path=path) from None
    columns = [column.strip().lower() for column in table.columns]
    if "item" not in columns or "rating" not in columns:
        raise RatingsImportError("needs a header with the columns 'item' and 'rating'.", path=path)
    table.columns = columns
    ratings: dict[str, float] = {}
    lowest, highest = workspace.community.scale
    for offset, (item, rating) in enumerate(zip(table["item"], table["rating"], strict=True)):
        line = offset + 2
        if item.strip() not in workspace.statistics.index:
            raise RatingsImportError(
                f"item '{item}' is not in {workspace.community.name}.", path=path, line=line
            )
        try:
            value = float(rating)
        except ValueError:
            raise RatingsImportError(
                f"'{rating}' is not a number.", path=path, line=line, field="rating"
            ) from None
        if not lowest <= value <= highest:
            raise RatingsImportError(
                f"{value:g} is outside the scale {lowest:g}–{highest:g}.",
                path=path,
                line=line,
                field="rating",
            )
        ratings[item.strip()] = value
    if not ratings:
        raise RatingsImportError("holds no ratings.", path=path)
    return ratings
