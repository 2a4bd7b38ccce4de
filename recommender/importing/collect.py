"""Joining the chunks of a big file without holding it twice in memory."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def concat_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack row tables; empty ones are left out so they cannot decide the column types.

    pandas warns (FutureWarning) that all-NA columns will count towards the result's dtypes in
    a future version; for these tables either behaviour is right (an all-empty column stays
    empty), so that one warning is silenced here instead of failing the import.
    """
    kept = [frame for frame in frames if len(frame)] or frames[:1]
    if len(kept) == 1:
        return kept[0].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*empty or all-NA entries", category=FutureWarning
        )
        return pd.concat(kept, ignore_index=True)


class Collector:
    """Gathers chunks into preallocated column arrays, so a big file is not held twice.

    Numeric columns (int64 ids, float64 ratings) are copied into arrays sized from the first
    chunk's bytes per row (grown by a quarter when the estimate falls short) and each chunk is
    dropped at once: peak memory is the result plus one chunk instead of twice the result.
    Text or categorical columns (rare on big files) are kept as chunks and joined at the end.
    """

    def __init__(self, columns: list, size: int) -> None:
        self.columns = columns
        self.size = size
        self.arrays: dict = {}
        self.pieces: dict = {column: [] for column in columns}
        self.rows = 0

    def add(self, chunk: pd.DataFrame, bytes_read: int) -> None:
        end = self.rows + len(chunk)
        for column in self.columns:
            values = chunk[column]
            if values.dtype.kind in "if" and not self.pieces[column]:
                array = self.arrays.get(column)
                if array is None:
                    estimate = int(len(chunk) * self.size / max(bytes_read, 1) * 1.02) + 1024
                    array = np.empty(max(estimate, end), dtype=values.dtype)
                elif array.dtype != values.dtype:
                    array = array.astype(np.result_type(array.dtype, values.dtype))
                if end > len(array):
                    array = np.resize(array, max(end, int(len(array) * 1.25)))
                array[self.rows : end] = values.to_numpy()
                self.arrays[column] = array
            else:
                if column in self.arrays:  # the column turned non-numeric: keep it as pieces
                    self.pieces[column].append(pd.Series(self.arrays.pop(column)[: self.rows]))
                self.pieces[column].append(values.reset_index(drop=True))
        self.rows = end

    def frame(self, dtypes: dict) -> pd.DataFrame:
        data = {}
        for column in self.columns:
            if column in self.arrays:
                data[column] = self.arrays.pop(column)[: self.rows]
            else:
                data[column] = _join_pieces(self.pieces.pop(column), dtypes.get(column))
        return pd.DataFrame(data, copy=False)


def _join_pieces(pieces: list[pd.Series], dtype: object) -> pd.Series:
    """One column from its chunks; categorical ones get the union of their categories."""
    if not pieces:
        return pd.Series(dtype=object)
    if dtype == "category" and all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces):
        every = [piece.cat.categories.to_numpy(dtype=object) for piece in pieces]
        categories = pd.Index(np.unique(np.concatenate(every)))
        pieces = [piece.cat.set_categories(categories) for piece in pieces]
    return concat_rows([piece.to_frame("value") for piece in pieces])["value"]
