"""What several commands share: the ``--data-dir`` option, opening the workspace, and reading
a personal export for one answer (``recommend --ratings``) without storing it."""

from __future__ import annotations

import argparse
from pathlib import Path

from recommender.datadir import resolve_data_dir
from recommender.errors import RatingsImportError
from recommender.importing import SkippedRow
from recommender.personal_import import MatchedExport
from recommender.personal_import import read_matched_export
from recommender.workspace import Workspace

#: How many skipped rows of a ratings file are listed on stderr (all are counted).
SHOWN_PROBLEMS = 10


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


def read_ratings_file(path: Path, workspace: Workspace) -> MatchedExport:
    """Read a personal export (IMDb, Letterboxd, Goodreads, ``item,rating``,
    ``title,year,rating``) and match it to the workspace's community, storing nothing.

    The importer's personal path does the work (encodings, scales converted to the
    community's, bad rows skipped with their line numbers, titles matched as ``import`` does);
    the ratings are meant for one answer only. A file that cannot be read, or whose rated
    rows all fail to match, raises ``RatingsImportError``.
    """
    exported = read_matched_export(workspace.community, path)
    if not exported.personal.ratings:
        raise RatingsImportError(_why_no_ratings(exported), path=path)
    return exported


def _why_no_ratings(exported: MatchedExport) -> str:
    """The sentence for an export that gives no rating to recommend from."""
    if exported.unmatched:
        titles = "title is" if exported.unmatched == 1 else "titles are"
        return f"none of its {exported.unmatched:,} rated {titles} in {exported.community}."
    listed = exported.report.seen + exported.report.want
    if listed:
        return f"has no ratings to recommend from, only {listed:,} titles listed without one."
    return "holds no ratings."


def report_lines(exported: MatchedExport, limit: int = SHOWN_PROBLEMS) -> list[str]:
    """What a person should know about a ratings file read for one answer, one line each:
    the first ``limit`` skipped rows (file, line and why), how many more were
    skipped, and how many rated titles are not in the community. Empty when all was used."""
    report = exported.report
    name = report.path.name
    lines = [
        f"skipped: {name}{_line(row)}: {row.reason.rstrip('.')}."
        for row in report.skipped_rows[:limit]
    ]
    hidden = report.skipped - min(limit, len(report.skipped_rows))
    if hidden > 0:
        lines.append(f"skipped: ... and {hidden:,} more rows of {name}.")
    if exported.unmatched:
        rated = exported.matched + exported.unmatched
        verb = "is" if exported.unmatched == 1 else "are"
        lines.append(
            f"not found: {exported.unmatched:,} of {rated:,} rated titles in {name} {verb} not "
            f"in {exported.community} (recommending from {len(exported.personal.ratings):,} "
            "ratings)."
        )
    return lines


def _line(row: SkippedRow) -> str:
    """``, line 3`` when the row's line is known (its reason already names the field)."""
    return "" if row.line is None else f", line {row.line}"
