"""``python -m recommender import FILE [--name NAME] [--data-dir DIR] [--json]``: store a file.

A community file (many people's ratings: MovieLens, goodbooks, any user,item,rating table)
becomes a stored community, named ``--name`` or after the file; a personal export (IMDb,
Letterboxd, Goodreads, item,rating) is merged into the person's ratings in the current
community (or ``--community``). Prints what was stored. Nothing changes when the file cannot be
read: the error is one ``error:`` line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from recommender.commands.common import add_data_dir_argument
from recommender.commands.common import open_workspace
from recommender.errors import KindredError
from recommender.importing.community_file import NotACommunityError

SHOWN_UNMATCHED = 10


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``import`` command."""
    parser = subparsers.add_parser(
        "import",
        help="store a community file, or merge a personal export into your ratings",
        description=__doc__.replace("``", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="a ratings file, folder or zip")
    parser.add_argument("--name", default=None, help="the name to store a community under")
    parser.add_argument(
        "--community",
        default=None,
        help="for a personal export: the community to match it to (default: the current one)",
    )
    parser.add_argument("--json", action="store_true", help="print what was stored as JSON")
    add_data_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Import ``args.file`` as a community, or as the person's own ratings."""
    with open_workspace(args.data_dir, args.community) as workspace:
        try:
            answer = workspace.import_community(args.file, args.name)
        except NotACommunityError:
            if args.name is not None:
                raise KindredError(
                    f"{args.file.name} is one person's export, not a community, so --name "
                    "does not apply; import it without --name to add it to your ratings."
                ) from None
            answer = workspace.import_personal(args.file)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    elif answer["kind"] == "community":
        print(render_community(answer))
    else:
        print(render_personal(answer))
    return 0


def render_community(answer: dict[str, Any]) -> str:
    """What was stored, in two lines."""
    stored = answer["stored"]
    low, high = stored["scale"]
    return (
        f"Stored the community '{answer['name']}': {stored['ratings']:,} ratings by "
        f"{stored['users']:,} people of {stored['items']:,} titles (scale {low:g}–{high:g}).\n"
        f"{answer['summary']}\n"
        f"Use it with: --community '{answer['name']}'"
    )


def render_personal(answer: dict[str, Any]) -> str:
    """The merge's summary and the first unmatched rows."""
    lines = [
        f"Your ratings in {answer['community']}: {answer['summary']}",
        f"You now have {answer['my_ratings']:,} ratings there.",
    ]
    for row in answer["unmatched_rows"][:SHOWN_UNMATCHED]:
        year = f" ({row['year']})" if row.get("year") else ""
        lines.append(f"  not found: line {row['line']}: {row['title'] or row['id']}{year}")
    hidden = answer["unmatched_total"] - min(SHOWN_UNMATCHED, len(answer["unmatched_rows"]))
    if hidden > 0:
        lines.append(f"  ... and {hidden:,} more not found")
    return "\n".join(lines)
