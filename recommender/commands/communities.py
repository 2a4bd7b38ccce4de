"""``python -m recommender communities [--data-dir DIR] [--json]``: the communities you can use.

The built-in demo and every stored community, with their counts, when each was imported and
which one is current.
"""

from __future__ import annotations

import argparse
import json

from recommender.commands.common import add_data_dir_argument
from recommender.commands.common import open_workspace


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``communities`` command."""
    parser = subparsers.add_parser(
        "communities", help="list the stored communities", description=__doc__
    )
    parser.add_argument("--json", action="store_true", help="print one JSON list")
    add_data_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print the communities as a table or as a JSON list."""
    with open_workspace(args.data_dir, None) as workspace:
        listed = workspace.communities()
    if args.json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return 0
    for community in listed:
        mark = "*" if community["current"] else " "
        when = (community["imported_at"] or "built in")[:19].replace("T", " ")
        missing = "  (files missing: import it again)" if not community["available"] else ""
        print(
            f"{mark} {community['name']}: {community['ratings']:,} ratings, "
            f"{community['users']:,} people, {community['items']:,} titles; {when}{missing}"
        )
    return 0
