"""Read a delimited file into a DataFrame with pandas' C parser, keeping physical line numbers.

pandas numbers records (a quoted field spanning lines counts once, blank lines count); each
returned row carries ``line``, the physical line its record starts on (header = line 1). Rows
with more fields than the header are skipped by pandas with a warning; they are then read
leniently from their first fields, and each such row is counted as a warning. A value that is
not a number in a numeric column makes the fast typed read fail; the file is then read again
with those columns as text so the bad cells can be reported row by row.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.errors import RatingsImportError
from recommender.importing.collect import Collector
from recommender.importing.collect import concat_rows
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ImportCancelled
from recommender.importing.progress import Progress
from recommender.importing.progress import ProgressCallback
from recommender.importing.report import ImportReport
from recommender.importing.sniff import WHITESPACE
from recommender.importing.sniff import Layout

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2_000_000
#: Smaller chunks when someone watches the progress: an event (and a cancel check) about every
#: quarter second instead of every second or two.
PROGRESS_CHUNK_ROWS = 500_000
CHUNKED_ABOVE_BYTES = 64 * 1024**2
LINE_MAP_BELOW_BYTES = 64 * 1024**2
MAX_LENIENT_ROWS = 10_000
_PLAIN_INTEGER = re.compile(r"0|[1-9][0-9]{0,17}")
_SKIPPED = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def _parser_options(layout: Layout) -> tuple[dict, Callable[[int], int]]:
    """pandas options for the layout, and the map from a field's position to pandas' column."""
    if layout.delimiter == "::":
        # "a::b" read with ':' gives a,'',b: the C parser, much faster than a regex separator.
        return {"sep": ":", "quoting": csv.QUOTE_NONE}, lambda position: 2 * position
    if layout.delimiter == WHITESPACE:
        return {"sep": r"\s+"}, lambda position: position
    return {"sep": layout.delimiter, "quotechar": '"'}, lambda position: position


def read_table(
    path: Path,
    layout: Layout,
    roles: dict[str, int],
    numeric_roles: tuple[str, ...],
    report: ImportReport,
    *,
    size: int,
    id_dtype: str = "str",
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> pd.DataFrame:
    """Read the columns named in ``roles`` (role -> field position) plus ``line``.

    ``numeric_roles`` are parsed as float64 on the fast path; other roles are text (ids use
    ``id_dtype``: ``"category"`` saves memory on big community files).
    """
    options, column_of = _parser_options(layout)
    # Read as many fields as the widest sampled row: a first row wider than the header would
    # otherwise become pandas' index. Wider rows further on are skipped, then read leniently.
    widest = max([layout.n_fields, *(len(row) for row in layout.rows)])
    width = column_of(widest - 1) + 1
    columns = {role: column_of(position) for role, position in roles.items()}
    extra_columns = [column_of(position) for position in range(layout.n_fields, widest)]
    if id_dtype == "category" and _integer_ids(layout, roles):
        id_dtype = "int64"  # parsed fastest; turned into text ids by the caller
    dtypes = {column: _dtype_of(role, numeric_roles, id_dtype) for role, column in columns.items()}
    dtypes.update({column: str for column in extra_columns})
    frame, bad_records, encoding = _read_with_fallbacks(
        path, layout, options, width, dtypes, report, size=size, progress=progress, cancel=cancel
    )
    names = list(columns.keys()) + [f"_extra{i}" for i in range(len(extra_columns))]
    selected = list(columns.values()) + extra_columns
    frame = pd.DataFrame(  # a view of the parsed columns, not a copy
        {name: frame[column] for name, column in zip(names, selected, strict=True)},
        copy=False,
    )
    first_record = 2 if layout.has_header else 1
    records = _record_numbers(len(frame), first_record, bad_records)
    line_of = _record_start_lines(path, encoding, layout, size)
    frame["line"] = line_of(records).astype(np.int32)  # 4 bytes a row: files stay < 2**31 lines
    if extra_columns:
        frame = _warn_extra_fields(frame, layout.n_fields, len(extra_columns), report)
    if bad_records:
        lenient = _read_lenient(path, encoding, layout, bad_records, line_of, columns, report)
        if lenient is not None:
            frame = concat_rows([frame, lenient])
    report.rows_read = len(frame)
    return frame


def _warn_extra_fields(
    frame: pd.DataFrame, n_fields: int, n_extra: int, report: ImportReport
) -> pd.DataFrame:
    """Warn about rows that had fields beyond the header's; their first fields were kept."""
    extra = [f"_extra{i}" for i in range(n_extra)]
    present = frame[extra].notna()
    wide = present.any(axis=1)
    if wide.any():
        counts = n_fields + present[wide].sum(axis=1)
        for line, count in zip(frame.loc[wide, "line"], counts, strict=True):
            report.warn(
                f"line {int(line)} has {int(count)} fields where {n_fields} were expected;"
                f" its first {n_fields} were read"
            )
    return frame.drop(columns=extra)


def _integer_ids(layout: Layout, roles: dict[str, int]) -> bool:
    """True when the sampled user and item ids are plain integers (no sign, no leading 0)."""
    positions = [roles[role] for role in ("user", "item") if role in roles]
    cells = [row[p] for row in layout.rows for p in positions if p < len(row)]
    return bool(cells) and all(_PLAIN_INTEGER.fullmatch(cell) for cell in cells)


def _dtype_of(role: str, numeric_roles: tuple[str, ...], id_dtype: str) -> object:
    if role in numeric_roles:
        return "float64"
    return id_dtype if role in ("user", "item") else str


def _read_with_fallbacks(
    path: Path,
    layout: Layout,
    options: dict,
    width: int,
    dtypes: dict,
    report: ImportReport,
    *,
    size: int,
    progress: ProgressCallback | None,
    cancel: CancelCheck | None,
) -> tuple[pd.DataFrame, dict[int, int], str]:
    """Typed read; on a non-number, text read; on a decoding error, a Western code page."""
    encoding = layout.encoding
    decoding_attempts = 0
    for _ in range(6):
        try:
            frame, bad = _read_all(
                path, layout, options, width, dtypes, encoding, size, progress, cancel
            )
            return frame, bad, encoding
        except UnicodeDecodeError:
            decoding_attempts += 1
            western = decoding_attempts > 1 or encoding in ("latin-1", "cp1252")
            encoding = "latin-1" if western else "cp1252"
            report.warn(f"The file is not entirely {layout.encoding}; it was read as {encoding}.")
            report.encoding = encoding
        except ValueError as error:
            # A typed column met a value of another kind: integer ids become text ids first,
            # then numbers become text, so the bad cells can be reported row by row.
            if "int64" in dtypes.values():
                dtypes = {c: ("category" if d == "int64" else d) for c, d in dtypes.items()}
            elif "float64" in dtypes.values():
                dtypes = {c: (str if d == "float64" else d) for c, d in dtypes.items()}
            else:
                raise _parse_error(path, error) from error
    raise RatingsImportError("cannot be decoded as text.", path=path)


def _read_all(
    path: Path,
    layout: Layout,
    options: dict,
    width: int,
    dtypes: dict,
    encoding: str,
    size: int,
    progress: ProgressCallback | None,
    cancel: CancelCheck | None,
) -> tuple[pd.DataFrame, dict[int, int]]:
    """One pandas pass over the file (chunked with progress when it is big)."""
    chunked = size > CHUNKED_ABOVE_BYTES or progress is not None or cancel is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with path.open("rb") as handle:
                reader = pd.read_csv(
                    handle,
                    header=None,
                    skiprows=1 if layout.has_header else 0,
                    names=list(range(width)),
                    dtype=dtypes,
                    encoding=encoding,
                    decimal=layout.decimal,
                    on_bad_lines="warn",
                    skip_blank_lines=False,
                    engine="c",
                    chunksize=_chunk_rows(chunked, progress),
                    **options,
                )
                if not chunked:
                    frame = reader
                else:
                    collector, rows, started = Collector(list(dtypes), size), 0, time.monotonic()
                    with reader:
                        for chunk in reader:
                            if cancel is not None and cancel():
                                raise ImportCancelled("the import was cancelled.", path=path)
                            collector.add(chunk, handle.tell())
                            rows += len(chunk)
                            if progress is not None:
                                progress(Progress(handle.tell(), size, rows))
                    logger.info("read %s rows in %.1f s", rows, time.monotonic() - started)
                    frame = collector.frame(dtypes)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
            raise _parse_error(path, error) from error
        except (OverflowError, MemoryError) as error:
            raise RatingsImportError(
                f"cannot be read ({type(error).__name__}).", path=path
            ) from error
    bad: dict[int, int] = {}
    for warning in caught:
        for match in _SKIPPED.finditer(str(warning.message)):
            bad[int(match.group(1))] = int(match.group(3))
    return frame, bad


def _chunk_rows(chunked: bool, progress: ProgressCallback | None) -> int | None:
    if not chunked:
        return None
    return PROGRESS_CHUNK_ROWS if progress is not None else CHUNK_ROWS


def _parse_error(path: Path, error: Exception) -> RatingsImportError:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    line = re.search(r"line (\d+)", text)
    return RatingsImportError(
        f"cannot be read as a table ({text}).",
        path=path,
        line=int(line.group(1)) if line else None,
    )


def _record_numbers(n_rows: int, first_record: int, bad_records: dict[int, int]) -> np.ndarray:
    """Record number of each returned row: consecutive records minus those pandas skipped."""
    records = np.arange(first_record, first_record + n_rows + len(bad_records), dtype=np.int64)
    if bad_records:
        records = records[~np.isin(records, np.fromiter(bad_records, dtype=np.int64))]
    return records[:n_rows]


def _record_start_lines(
    path: Path, encoding: str, layout: Layout, size: int
) -> Callable[[np.ndarray], np.ndarray]:
    """Map record numbers to physical lines (they differ only when quoted fields span lines)."""
    if size > LINE_MAP_BELOW_BYTES or len(layout.delimiter) != 1 or layout.delimiter == WHITESPACE:
        return lambda records: records
    try:
        with path.open(encoding=encoding, errors="replace", newline="") as handle:
            text = handle.read()
        if '"' not in text:
            return lambda records: records
        starts = [0]  # record 0 does not exist; keeps 1-based indexing
        reader = csv.reader(io.StringIO(text), delimiter=layout.delimiter)
        previous = 0
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    except (OSError, csv.Error, UnicodeError):
        return lambda records: records
    table = np.asarray(starts, dtype=np.int64)

    def line_of(records: np.ndarray) -> np.ndarray:
        inside = records < len(table)
        return np.where(inside, table[np.minimum(records, len(table) - 1)], records)

    return line_of


def _read_lenient(
    path: Path,
    encoding: str,
    layout: Layout,
    bad_records: dict[int, int],
    line_of: Callable[[np.ndarray], np.ndarray],
    columns: dict[str, int],
    report: ImportReport,
) -> pd.DataFrame | None:
    """Read rows that had extra fields from their first fields, warning once per row."""
    records = np.array(sorted(bad_records), dtype=np.int64)
    lines = line_of(records)
    if len(records) > MAX_LENIENT_ROWS:
        report.skip_many(
            [int(line) for line in lines],
            [f"has {bad_records[int(r)]} fields, expected {layout.n_fields}" for r in records],
        )
        return None
    wanted = {int(line) for line in lines}
    texts: dict[int, str] = {}
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number in wanted:
                texts[number] = text.rstrip("\r\n")
                if len(texts) == len(wanted):
                    break
    options, _ = _parser_options(layout)
    widest = max(bad_records.values()) * (2 if layout.delimiter == "::" else 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extra = pd.read_csv(
                io.StringIO("\n".join(texts.get(int(line), "") for line in lines)),
                header=None,
                names=list(range(widest)),
                dtype=str,
                skip_blank_lines=False,
                **options,
            )
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        logger.info("lenient re-read failed: %s", error)
        report.skip_many([int(line) for line in lines], ["has too many fields"] * len(lines))
        return None
    extra = extra.iloc[: len(lines)]
    extra = extra[list(columns.values())]
    extra.columns = list(columns.keys())
    extra["line"] = lines[: len(extra)]
    for record, line in zip(records, lines, strict=True):
        report.warn(
            f"line {int(line)} has {bad_records[int(record)]} fields where {layout.n_fields}"
            f" were expected; its first {layout.n_fields} were read"
        )
    return extra


def attach_raw_lines(report: ImportReport, path: Path, encoding: str, size: int) -> None:
    """Give each listed skipped row its text as written, for the downloadable report.

    One more pass over the file, so only for files up to ``LINE_MAP_BELOW_BYTES``; bigger
    files keep the line number, field and cell value of each skipped row, which is enough to
    find it.
    """
    wanted = {row.line for row in report.skipped_rows if row.line is not None}
    if not wanted or size > LINE_MAP_BELOW_BYTES:
        return
    texts: dict[int, str] = {}
    try:
        with path.open(encoding=encoding, errors="replace", newline="") as handle:
            for number, text in enumerate(handle, start=1):
                if number in wanted:
                    texts[number] = text.rstrip("\r\n")[:1000]
                    if len(texts) == len(wanted):
                        break
    except OSError as error:
        logger.info("raw text of skipped rows not kept: %s", error)
        return
    report.skipped_rows = [
        replace(row, raw=texts.get(row.line)) if row.line is not None else row
        for row in report.skipped_rows
    ]
