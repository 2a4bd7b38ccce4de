"""Row-level honesty: skip bad rows with their line and reason, resolve duplicates, count both.

A row is skipped when its user or item is missing, its rating is missing or not a number, or
the rating lies outside the scale. A rating of 0 where 0 means "not rated" (Book-Crossing,
Goodreads) is not a bad row: it is counted as implicit. Duplicates (same user and item) keep
the row with the latest timestamp, else the last one in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.importing.report import MAX_LISTED_ROWS
from recommender.importing.report import ImportReport
from recommender.importing.scales import Scale
from recommender.importing.scales import describe
from recommender.importing.scales import infer_scale


def blank_rows(frame: pd.DataFrame, roles: list[str]) -> pd.Series:
    """Rows with every role empty: blank lines, not worth a report line."""
    present = [role for role in roles if role in frame]
    return frame[present].isna().all(axis=1) if present else pd.Series(False, index=frame.index)


def numeric_ratings(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The rating column as float64, and a mask of cells that held text that is not a number."""
    raw = frame["rating"]
    if pd.api.types.is_float_dtype(raw.dtype) or pd.api.types.is_integer_dtype(raw.dtype):
        return raw.astype("float64"), pd.Series(False, index=frame.index)
    text = raw.astype("string").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    not_number = values.isna() & text.notna() & (text != "")
    return values, not_number.fillna(False).astype(bool)


def _missing(column: pd.Series) -> pd.Series:
    missing = column.isna()
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        missing |= column.astype("string").str.strip().fillna("") == ""
    return missing.astype(bool)


def validate(
    frame: pd.DataFrame,
    id_roles: list[str],
    report: ImportReport,
    scale: Scale | None,
    zero_means_unrated: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, Scale | None]:
    """Split rows into (rated, implicit) and report the skipped ones.

    Returns the rated rows with a float ``rating``, the rows whose rating means "not rated",
    and the scale (given, else inferred from the valid ratings; None when none fits).
    """
    frame = frame[~blank_rows(frame, [*id_roles, "rating"])]
    ratings, not_number = numeric_ratings(frame)
    reasons = pd.Series("", index=frame.index, dtype=object)
    for role in reversed(id_roles):
        reasons[_missing(frame[role]).to_numpy()] = (
            f"missing {role} id" if role in ("user", "item") else f"missing {role}"
        )
    missing_rating = ratings.isna() & ~not_number
    reasons[(missing_rating & (reasons == "")).to_numpy()] = "missing rating"
    bad_text = not_number & (reasons == "")
    if bad_text.any():
        raw = frame["rating"].astype("string")
        reasons[bad_text.to_numpy()] = (
            "rating '" + raw[bad_text].str.slice(0, 40) + "' is not a number"
        )
    implicit = (ratings == 0) & (reasons == "")
    if not zero_means_unrated:
        implicit &= False
    usable = (reasons == "") & ~implicit
    if scale is None:
        scale = infer_scale(ratings[usable])
    if scale is not None:
        low, high = scale
        outside = usable & ~((ratings >= low) & (ratings <= high))
        if outside.any():
            shown = ratings[outside].map(lambda value: f"{value:g}")
            reasons[outside.to_numpy()] = (
                "rating " + shown + f" is outside the scale {describe(scale)}"
            )
    else:
        reasons[usable.to_numpy()] = "no rating scale fits the values"
    _report_skipped(frame, reasons, report)
    keep = (reasons == "") & ~implicit
    rated = frame[keep.to_numpy()].copy()
    rated["rating"] = ratings[keep].to_numpy()
    report.implicit += int(implicit.sum())
    return rated, frame[implicit.to_numpy()].copy(), scale


def _report_skipped(frame: pd.DataFrame, reasons: pd.Series, report: ImportReport) -> None:
    bad = reasons != ""
    count = int(bad.sum())
    if not count:
        return
    room = max(MAX_LISTED_ROWS - len(report.skipped_rows), 0)
    listed = frame.loc[bad.to_numpy(), "line"].head(room)
    report.skip_many([int(line) for line in listed], list(reasons[bad].head(room)))
    report.skipped += count - len(listed)


def timestamps(column: pd.Series) -> pd.Series:
    """Timestamps as sortable numbers: Unix seconds as they are, dates parsed; else NaN."""
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("float64")
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() >= 0.9 * column.notna().sum():
        return numbers.astype("float64")
    dates = pd.to_datetime(column, errors="coerce", format="mixed")
    return (dates - pd.Timestamp("1970-01-01")).dt.total_seconds()


def drop_duplicates(frame: pd.DataFrame, keys: list[str], report: ImportReport) -> pd.DataFrame:
    """Keep one row per ``keys``: the latest timestamp, else the last row; count the others."""
    duplicated = frame.duplicated(keys, keep=False)
    if not duplicated.any():
        return frame
    if "timestamp" in frame:
        order = timestamps(frame["timestamp"])
        frame = frame.assign(_order=order.to_numpy(), _row=np.arange(len(frame)))
        frame = frame.sort_values(["_order", "_row"], kind="stable", na_position="first")
        kept = frame.drop_duplicates(keys, keep="last").sort_values("_row")
        kept = kept.drop(columns=["_order", "_row"])
    else:
        kept = frame.drop_duplicates(keys, keep="last")
    report.duplicates += len(frame) - len(kept)
    return kept
