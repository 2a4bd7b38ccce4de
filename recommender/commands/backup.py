"""``python -m recommender backup FILE [--data-dir DIR] [--json]``: the whole data directory
(your ratings, settings, stored communities) into one zip file, while Kindred may be running."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from recommender.commands.common import add_data_dir_argument
from recommender.datadir import resolve_data_dir
from recommender.errors import KindredError
from recommender.storage import Store
from recommender.storage.backup import create_backup


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``backup`` command."""
    parser = subparsers.add_parser(
        "backup", help="back up your data directory into one zip file", description=__doc__
    )
    parser.add_argument("file", type=Path, help="the zip file to write")
    parser.add_argument("--json", action="store_true", help="print the backup's manifest")
    parser.add_argument("--force", action="store_true", help="replace FILE when it already exists")
    add_data_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Write the backup and say what it holds; an existing FILE (an older backup, most
    likely) is kept unless ``--force``."""
    if args.file.exists() and not args.force:
        raise KindredError(
            f"{args.file} already exists; choose another name, or add --force to replace it."
        )
    with Store(resolve_data_dir(args.data_dir)) as store:
        manifest = create_backup(store, args.file)
    if args.json:
        print(json.dumps(manifest, ensure_ascii=False, indent=2))
    else:
        names = ", ".join(manifest["communities"]) or "none"
        print(f"Backed up {len(manifest['files'])} files into {args.file} (communities: {names}).")
    return 0
