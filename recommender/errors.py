"""The few exception types Kindred raises on purpose.

Every error a person can cause (a bad file, a data directory from a newer version) is one of
these, carrying a sentence fit to show as it is. Anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class KindredError(Exception):
    """Base class: an error whose message is one clear sentence for a person."""


class RatingsImportError(KindredError):
    """A ratings file could not be read; says which file, and where, and what is wrong."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path.name)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class NotFittedError(KindredError):
    """A model was asked for an answer before `fit` was called."""


class ConfigurationError(KindredError, ValueError):
    """A model or app option has a value Kindred does not accept."""


class DataDirError(KindredError):
    """The data directory cannot be used (written by a newer version, locked, unwritable)."""
