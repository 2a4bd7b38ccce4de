"""``python -m recommender ratings``: the person's own ratings in the current community."""

from __future__ import annotations

import argparse
import json

from recommender.commands.common import add_common_arguments
from recommender.commands.common import open_workspace


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``ratings`` command."""
    parser = subparsers.add_parser("ratings", help="list your own ratings", description=__doc__)
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the ratings, newest first."""
    with open_workspace(args.data_dir, args.community) as workspace:
        rows = workspace.my_ratings()
        community_name = workspace.community.name
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"You have not rated anything in {community_name} yet.")
    for row in rows:
        year = f" ({row['year']})" if row.get("year") else ""
        print(f"{row['my_rating']:>4g}  {row['title']}{year}")
    return 0
