"""Progress events for long imports, and the error a cancelled import ends with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from recommender.errors import RatingsImportError


class ImportCancelled(RatingsImportError):
    """The person cancelled a long import; nothing was imported."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far an import is: bytes read of the total, and rows read so far."""

    bytes_read: int
    bytes_total: int
    rows: int

    @property
    def fraction(self) -> float:
        """Share of the file read, in [0, 1]."""
        return min(self.bytes_read / self.bytes_total, 1.0) if self.bytes_total else 1.0


ProgressCallback = Callable[[Progress], None]
CancelCheck = Callable[[], bool]
