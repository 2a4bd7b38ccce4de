"""``python -m recommender inspect FILE [--community FILE] [--json]``: what would be imported.

Prints the detected format, encoding, delimiter, counts, scale, duplicates and skipped rows
(with line numbers) of a community file or a personal export, without storing anything. An
unusable file raises ``RatingsImportError``, which the CLI prints as one ``error:`` line with
exit status 2 and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from recommender.importing import inspect_file

SHOWN_ERRORS = 10


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``inspect`` command."""
    parser = subparsers.add_parser(
        "inspect",
        help="describe a ratings file (community or personal export) without importing it",
        description="Detect a ratings file's format and report what importing it would give.",
    )
    parser.add_argument("file", type=Path, help="a ratings file, folder or zip")
    parser.add_argument(
        "--community",
        type=Path,
        default=None,
        help="a community file to match a personal export to",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Inspect ``args.file`` and print the report; errors propagate as ``KindredError``."""
    answer = inspect_file(args.file, args.community)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        print(render_text(answer))
    return 0


def render_text(answer: dict[str, Any]) -> str:
    """The report as a few readable lines."""
    scale = answer.get("scale")
    lines = [
        f"{answer['file']}",
        f"  kind: {answer['kind']}   format: {answer['format']}",
        f"  encoding: {answer['encoding']}   delimiter: {answer['delimiter']}"
        f"   header: {'yes' if answer['header'] else 'no'}",
        f"  ratings: {answer['ratings']:,}   users: {answer['users']:,}"
        f"   items: {answer['items']:,}",
        f"  scale: {scale[0]:g}–{scale[1]:g}" if scale else "  scale: unknown",
        f"  duplicates resolved: {answer['duplicates']:,}"
        f"   skipped rows: {answer['skipped_rows']:,}",
    ]
    if answer.get("implicit"):
        lines.append(f"  rows without a rating (kept as seen): {answer['implicit']:,}")
    if answer.get("matched") is not None:
        lines.append(f"  matched: {answer['matched']:,}   not matched: {answer['unmatched']:,}")
    if answer.get("seen") or answer.get("want"):
        lines.append(f"  seen: {answer.get('seen', 0):,}   want-list: {answer.get('want', 0):,}")
    for error in answer["errors"][:SHOWN_ERRORS]:
        lines.append(f"  line {error['line']}: {error['message']}")
    if answer["skipped_rows"] > SHOWN_ERRORS:
        lines.append(f"  ... and {answer['skipped_rows'] - SHOWN_ERRORS:,} more skipped rows")
    for warning in answer.get("warnings", [])[:SHOWN_ERRORS]:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)
