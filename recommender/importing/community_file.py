"""Read a community file (many people's ratings) into a ``Community`` and its ``ImportReport``.

The steps: find the ratings file (file, folder or zip), check its size, sniff its layout,
recognise its format, read it with pandas (chunked, with progress and cancellation, for big
files), skip bad rows with their line numbers, resolve duplicates, then attach the item
metadata found beside it. Nothing is stored: the caller receives a complete community or an
error, so a failed or cancelled import changes nothing.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.community import Community
from recommender.errors import RatingsImportError
from recommender.importing import catalogue
from recommender.importing import formats
from recommender.importing import reading
from recommender.importing import rows
from recommender.importing.columns import ColumnRoles
from recommender.importing.failures import import_failures_as_sentences
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ImportCancelled
from recommender.importing.progress import Progress
from recommender.importing.progress import ProgressCallback
from recommender.importing.report import ImportReport
from recommender.importing.sniff import Layout
from recommender.importing.sniff import sniff
from recommender.importing.sources import open_source

logger = logging.getLogger(__name__)


class NotACommunityError(RatingsImportError):
    """The file is one person's export, not a community (``inspect`` then reads it as such)."""


try:  # Arrow makes text ids compact and casts integer ids fast; pandas works without it.
    import pyarrow as pa
except ImportError:  # pragma: no cover - depends on the installation
    pa = None

#: Text ids: pandas' ``str`` dtype (its default from pandas 3), Arrow-backed when available.
ID_DTYPE = pd.StringDtype("pyarrow" if pa is not None else "python", na_value=np.nan)


def read_community(
    path: str | Path,
    *,
    columns: ColumnRoles | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    max_bytes: int | None = None,
) -> tuple[Community, ImportReport]:
    """Read a community ratings file, folder or zip; raise ``RatingsImportError`` if unusable.

    ``columns`` (role -> column position or header name) replaces the detected column roles,
    when a person corrected them (see ``formats.with_roles``). ``progress`` receives
    ``Progress`` events while a big file is read; ``cancel`` is polled between chunks and, when
    it returns True, the import stops with ``ImportCancelled``. ``max_bytes`` caps the file's
    size (None: ``$KINDRED_MAX_IMPORT_MB``, else 4 GB; see ``safety.import_limit``).
    """
    started = time.monotonic()
    with import_failures_as_sentences(path), open_source(path, max_bytes) as source:
        community, report = _read_source(source, columns, progress, cancel)
    logger.info("imported %s in %.1f s: %s", path, time.monotonic() - started, report.summary())
    return community, report


def _read_source(
    source,
    columns: ColumnRoles | None,
    progress: ProgressCallback | None,
    cancel: CancelCheck | None,
) -> tuple[Community, ImportReport]:
    size = source.path.stat().st_size
    report = ImportReport(path=source.origin, kind=formats.COMMUNITY)
    layout = sniff(source.path, size)
    spec = formats.identify(layout, source.path)
    if columns is not None:
        spec = formats.with_roles(spec, layout, columns, formats.COMMUNITY, source.origin)
    _describe(report, layout, spec)
    if spec.kind != formats.COMMUNITY:
        what = "one person's export" if spec.name != "generic" else "one person's ratings"
        raise NotACommunityError(
            f"looks like {what} ({spec.name}: no user column), not a community of many people;"
            " import it as your own ratings instead.",
            path=source.origin,
        )
    roles = {
        role: spec.roles[role]
        for role in ("user", "item", "rating", "timestamp")
        if role in spec.roles
    }
    frame = reading.read_table(
        source.path,
        layout,
        roles,
        ("rating", "timestamp"),
        report,
        size=size,
        id_dtype="category",
        progress=progress,
        cancel=cancel,
    )
    _stop_if_cancelled(cancel, source.origin)
    rated, _implicit, scale = rows.validate(
        frame, ["user", "item"], report, spec.scale, spec.zero_means_unrated
    )
    del frame  # big files: let the raw table go before the ids are converted
    reading.attach_raw_lines(report, source.path, report.encoding or layout.encoding, size)
    if scale is None or rated.empty:
        raise RatingsImportError(_nothing_usable(report), path=source.origin)
    _stop_if_cancelled(cancel, source.origin)
    rated = rows.drop_duplicates(rated, ["user", "item"], report)
    _stop_if_cancelled(cancel, source.origin)
    report.users = int(rated["user"].nunique())  # counted before the ids become text: faster
    report.items = int(rated["item"].nunique())
    user_ids, item_ids = _text_ids(rated["user"], rated["item"])
    ratings = pd.DataFrame(
        {
            "user": user_ids,
            "item": item_ids,
            "rating": rated["rating"].to_numpy(dtype="float64"),
        }
    )
    _stop_if_cancelled(cancel, source.origin)
    rated_items = _ids(pd.Series(rated["item"].unique()))
    del rated
    items = catalogue.complete_catalogue(
        catalogue.read_catalogue(source.companions, report), pd.Index(rated_items)
    )
    report.scale = scale
    report.ratings = len(ratings)
    if progress is not None:
        progress(Progress(size, size, report.rows_read))
    community = Community(name=source.name, ratings=ratings, items=items, scale=scale)
    return community, report


def _stop_if_cancelled(cancel: CancelCheck | None, path: Path) -> None:
    """Between the steps after reading (each seconds long for tens of millions of rows), so a
    Cancel is honoured soon, not only once everything is built."""
    if cancel is not None and cancel():
        raise ImportCancelled("the import was cancelled.", path=path)


def _ids(column: pd.Series) -> pd.Series:
    """Ids as text, whatever dtype the reader produced (integers are cast by Arrow, in C++)."""
    if pa is not None and pd.api.types.is_integer_dtype(column.dtype):
        text = pa.array(column.to_numpy()).cast(pa.large_string())
        return pd.Series(pd.array(text, dtype=ID_DTYPE))
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories.astype(str).str.strip()
        codes = column.cat.codes.to_numpy()
        return pd.Series(pd.array(categories.to_numpy()[codes], dtype=ID_DTYPE))
    return pd.Series(pd.array(column.astype(str).str.strip().to_numpy(), dtype=ID_DTYPE))


def _text_ids(users: pd.Series, items: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Both id columns as text, converted side by side (Arrow releases the GIL)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        user_ids = pool.submit(_ids, users)
        item_ids = pool.submit(_ids, items)
        return user_ids.result(), item_ids.result()


def _describe(report: ImportReport, layout: Layout, spec: formats.FormatSpec) -> None:
    report.format = spec.name
    report.kind = spec.kind
    report.encoding = report.encoding or layout.encoding
    report.delimiter = layout.delimiter_name
    report.has_header = layout.has_header
    names = layout.header
    report.columns = {
        role: (names[position] if position < len(names) else f"column {position + 1}")
        for role, position in spec.roles.items()
    }


def _nothing_usable(report: ImportReport) -> str:
    if report.rows_read == 0:
        return "has a header but no rows of ratings."
    if report.implicit and not report.skipped:
        return "has no explicit ratings (every rating is 0, meaning 'not rated')."
    first = report.skipped_rows[0] if report.skipped_rows else None
    detail = f" (line {first.line}: {first.reason})" if first else ""
    return f"has no usable ratings: all {report.rows_read:,} rows were skipped{detail}."
