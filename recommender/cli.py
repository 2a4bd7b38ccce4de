"""``python -m recommender``: Kindred's engine from the command line.

Each sub-command lives in ``recommender/commands/<name>.py`` and exposes
``add_parser(subparsers)`` and ``run(args) -> int``. Errors a person can cause print one line
beginning ``error:`` on stderr and exit with status 2; nothing is printed on stdout then.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from recommender import __version__
from recommender.errors import KindredError

COMMANDS = (
    "recommend",
    "ratings",
    "inspect",
    "evaluate",
    "import",
    "communities",
    "backup",
    "restore",
)
# Commands whose module name differs from the command (``import`` is a Python keyword).
MODULES = {"import": "import_file"}

logger = logging.getLogger("recommender")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per command."""
    parser = argparse.ArgumentParser(
        prog="python -m recommender",
        description="Kindred: user-based collaborative filtering over your own ratings, offline.",
    )
    parser.add_argument("--version", action="version", version=f"Kindred {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        _command_module(name).add_parser(subparsers)
    return parser


def _command_module(name: str):
    return importlib.import_module(f"recommender.commands.{MODULES.get(name, name)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the chosen command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    module = _command_module(args.command)
    try:
        return int(module.run(args))
    except KindredError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
