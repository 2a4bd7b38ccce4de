"""``python -m recommender evaluate FILE``: measure the engine on a ratings file.

Rating prediction by k-fold cross-validation (the folds of scikit-learn's
``KFold(n_splits, shuffle=True, random_state=seed)`` over the file's rows), and with ``--topn``
the per-person 20 % holdout top-N protocol. See :mod:`recommender.evaluation`.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pandas as pd

from recommender.errors import RatingsImportError
from recommender.evaluation import evaluate
from recommender.knn import CONFIGURATIONS
from recommender.knn import UserKNN
from recommender.similarity import SIMILARITIES

#: Header names (lower case) understood for each column.
COLUMN_NAMES = {
    "user": {"user", "userid", "user_id", "user id"},
    "item": {"item", "itemid", "item_id", "movieid", "movie_id", "bookid", "book_id", "isbn"},
    "rating": {"rating", "score", "stars"},
}
HEADERLESS = ["user", "item", "rating", "timestamp"]

#: Model options: flag, UserKNN parameter, type, help.
MODEL_OPTIONS = [
    ("--k", "k", int, "most neighbours per item"),
    ("--min-k", "min_k", int, "fewest neighbours for a neighbourhood estimate"),
    ("--similarity", "similarity", str, f"one of {', '.join(sorted(SIMILARITIES))}"),
    ("--centering", "centering", str, "baseline, mean, zscore or none"),
    ("--min-overlap", "min_overlap", int, "fewest items in common to compare two people"),
    ("--shrinkage", "shrinkage", float, "similarity shrinkage (0 = none)"),
    ("--min-similarity", "min_similarity", float, "neighbours need a similarity above this"),
    ("--neighbourhood", "neighbourhood", str, "item or global"),
    ("--damping", "damping", float, "weighted-average damping"),
    ("--ranking", "ranking", str, "evidence or rating"),
    ("--ranking-similarity", "ranking_similarity", str, "similarity that picks evidence"),
]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``evaluate`` command."""
    parser = subparsers.add_parser(
        "evaluate",
        help="measure RMSE/MAE (k-fold) and optionally top-N precision on a ratings file",
        description=__doc__,
    )
    parser.add_argument("file", type=Path, help="CSV/TSV of user,item,rating (u.data works)")
    parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--seed", type=int, default=42, help="shuffle seed (default 42)")
    parser.add_argument("--topn", action="store_true", help="also measure P@10, R@10, nDCG@10")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--configuration",
        default="default",
        choices=sorted(CONFIGURATIONS),
        help="a named configuration to start from (default: default)",
    )
    model = parser.add_argument_group("model options (override the configuration)")
    for flag, name, kind, description in MODEL_OPTIONS:
        model.add_argument(flag, dest=name, type=kind, default=None, help=description)


def run(args: argparse.Namespace) -> int:
    """Evaluate and print a short report or one JSON object."""
    ratings = read_ratings_table(args.file)
    overrides = {
        name: getattr(args, name)
        for _, name, _, _ in MODEL_OPTIONS
        if getattr(args, name, None) is not None
    }
    model = UserKNN.configuration(args.configuration, **overrides)
    summary = evaluate(ratings, model, folds=args.folds, seed=args.seed, topn=args.topn)
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"{len(ratings)} ratings, {args.folds}-fold cross-validation (seed {args.seed})")
    print(f"RMSE {summary['rmse']:.4f}   MAE {summary['mae']:.4f}")
    print(f"fit {summary['fit_seconds']:.2f} s   predict {summary['predict_seconds']:.2f} s")
    if args.topn:
        print(
            f"top-10 over {summary['topn_users']} people: "
            f"precision {summary['precision@10']:.4f}   recall {summary['recall@10']:.4f}   "
            f"nDCG {summary['ndcg@10']:.4f}"
        )
    return 0


def read_ratings_table(path: Path) -> pd.DataFrame:
    """Read ``user, item, rating`` from a delimited file, keeping the file's row order.

    The delimiter is sniffed (comma, tab, semicolon, pipe or spaces). A header is recognised by
    its names (``user``/``userId``, ``item``/``movieId``/``book_id``, ``rating``); without one,
    the first three columns are user, item and rating. Ids are kept as text.
    """
    if not path.is_file():
        raise RatingsImportError("the file does not exist.", path=path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            sample = handle.read(64 * 1024)
    except (OSError, UnicodeDecodeError) as error:
        raise RatingsImportError(f"cannot be read as text ({error}).", path=path) from None
    lines = [line for line in sample.splitlines() if line.strip()]
    if not lines:
        raise RatingsImportError("is empty.", path=path)
    delimiter = _delimiter(sample)
    first = [field.strip().lower() for field in _split(lines[0], delimiter)]
    columns = _header_columns(first, path)
    has_header = columns is not None
    try:
        table = pd.read_csv(
            path,
            sep=delimiter if delimiter != " " else r"\s+",
            header=0 if columns else None,
            dtype=str,
            encoding="utf-8-sig",
            skip_blank_lines=True,
            engine="python" if delimiter == " " else "c",
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise RatingsImportError(f"cannot be read as a table ({error}).", path=path) from None
    if columns is None:
        if table.shape[1] < 3:
            raise RatingsImportError(
                "needs the columns user, item and rating (a header naming them, or at least "
                "three columns in that order).",
                path=path,
            )
        columns = {role: position for position, role in enumerate(HEADERLESS[:3])}
    frame = pd.DataFrame({role: table.iloc[:, position] for role, position in columns.items()})
    values = pd.to_numeric(frame["rating"], errors="coerce")
    bad = values.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        line = position + (2 if has_header else 1)
        raise RatingsImportError(
            f"'{frame['rating'].iloc[position]}' is not a number.",
            path=path,
            line=line,
            field="rating",
        )
    frame["rating"] = values.astype(float)
    return frame


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;| ").delimiter
    except csv.Error:
        return ","


def _split(line: str, delimiter: str) -> list[str]:
    return line.split() if delimiter == " " else next(csv.reader([line], delimiter=delimiter))


def _header_columns(first_row: list[str], path: Path) -> dict[str, int] | None:
    """Positions of user, item and rating when ``first_row`` is a header naming them."""
    positions = {}
    for role, names in COLUMN_NAMES.items():
        matches = [index for index, field in enumerate(first_row) if field in names]
        if matches:
            positions[role] = matches[0]
    if len(positions) == 3:
        return positions
    if positions:
        missing = ", ".join(sorted(set(COLUMN_NAMES) - set(positions)))
        raise RatingsImportError(f"the header has no column for {missing}.", path=path, line=1)
    return None
