"""``python -m recommender recommend``: recommendations with their reasons.

For the person using Kindred (their stored ratings), for a community member (``--user``), or
for the ratings in a file (``--ratings``): an IMDb, Letterboxd or Goodreads export, or a CSV of
``item,rating`` or ``title,year,rating``, read and matched as ``import`` would but not stored.
Its skipped rows and the titles not in the community are reported on stderr, one line each.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from recommender.commands.common import add_common_arguments
from recommender.commands.common import open_workspace
from recommender.commands.common import read_ratings_file
from recommender.commands.common import report_lines


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
        "--ratings",
        type=Path,
        help="an IMDb, Letterboxd or Goodreads export, or a CSV of item,rating or "
        "title,year,rating, to recommend for (not stored)",
    )
    parser.add_argument("-n", type=int, default=10, help="how many recommendations (default 10)")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the recommendations as a table or as JSON (what was skipped or not found in a
    ``--ratings`` file goes to stderr, so the JSON on stdout stays pure)."""
    notes: list[str] = []
    with open_workspace(args.data_dir, args.community) as workspace:
        if args.ratings is not None:
            exported = read_ratings_file(args.ratings, workspace)
            answer = workspace.recommendations_for_ratings(
                exported.personal.as_dict(), n=args.n, seen=exported.personal.seen
            )
            notes = report_lines(exported)
        else:
            answer = workspace.recommendations(n=args.n, user=args.user)
    # Only once the answer stands: an error must stay the one line on stderr.
    for note in notes:
        print(note, file=sys.stderr)
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
