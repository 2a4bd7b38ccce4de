"""``python -m recommender recommend``: recommendations with their reasons.

For the person using Kindred (their stored ratings), for a community member (``--user``), or
for the ratings in a plain ``item,rating`` file (``--ratings``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from recommender.commands.common import add_common_arguments
from recommender.commands.common import open_workspace
from recommender.commands.common import read_item_ratings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``recommend`` command."""
    parser = subparsers.add_parser(
        "recommend",
        help="recommend items, with the kindred people behind each one",
        description=__doc__,
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", help="a member of the community to recommend for")
    who.add_argument(
        "--ratings", type=Path, help="a CSV file of item,rating to recommend for (not stored)"
    )
    parser.add_argument("-n", type=int, default=10, help="how many recommendations (default 10)")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the recommendations as a table or as JSON."""
    with open_workspace(args.data_dir, args.community) as workspace:
        if args.ratings is not None:
            personal_ratings = read_item_ratings(args.ratings, workspace)
            answer = workspace.recommendations_for_ratings(personal_ratings, n=args.n)
        else:
            answer = workspace.recommendations(n=args.n, user=args.user)
    if args.json:
        print(json.dumps(answer["items"], ensure_ascii=False, indent=2))
        return 0
    if answer.get("message"):
        print(answer["message"])
    for rank, item in enumerate(answer["items"], start=1):
        year = f" ({item['year']})" if item.get("year") else ""
        ratings = ", ".join(format(n["rating"], "g") for n in item["neighbours"][:8])
        print(
            f"{rank:>3}. {item['title']}{year}  predicted {item['predicted_rating']:.1f}"
            f"  confidence {item['confidence']:.0%}"
            f"  · {item['kindred_count']} kindred people rated it: {ratings}"
        )
    return 0
