"""``python -m recommender restore FILE [--data-dir DIR] [--json]``: replace your data with a
backup made by ``backup``. Close Kindred first; a backup that cannot be used changes nothing."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from recommender.commands.common import add_data_dir_argument
from recommender.datadir import resolve_data_dir
from recommender.storage.backup import restore_backup


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``restore`` command."""
    parser = subparsers.add_parser(
        "restore", help="replace your data with a backup zip file", description=__doc__
    )
    parser.add_argument("file", type=Path, help="a backup zip written by 'backup'")
    parser.add_argument("--json", action="store_true", help="print the backup's manifest")
    add_data_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Restore the backup and say what it held."""
    data_dir = resolve_data_dir(args.data_dir)
    manifest = restore_backup(args.file, data_dir)
    if args.json:
        print(json.dumps(manifest, ensure_ascii=False, indent=2))
    else:
        names = ", ".join(manifest["communities"]) or "none"
        print(
            f"Restored {data_dir} from {args.file} made {manifest['created_at'][:19]} "
            f"(communities: {names})."
        )
    return 0
