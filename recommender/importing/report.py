"""The import report: what was read, what was dropped and why, in words a person can check.

Every importer returns one of these beside its data, so the interface and ``inspect`` can say
"100,836 ratings from 610 people; 3 duplicates resolved; 2 rows skipped (line 17: rating 'x' is
not a number)" instead of silently trusting or silently dropping rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

#: How many skipped rows are listed one by one (all of them are counted).
MAX_LISTED_ROWS = 1000
#: How many skipped rows ``inspect``'s JSON lists under ``errors``.
MAX_JSON_ERRORS = 100
#: How many warnings are kept verbatim.
MAX_WARNINGS = 200


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """One row that was not imported: its physical line number (header = line 1) and why.

    ``field`` is the role of the cell at fault (``rating``, ``user``...; None when the whole
    row is), ``value`` that cell's text, ``raw`` the row's text as written (kept for files
    small enough to look the lines up again, see ``attach_raw_lines``).
    """

    line: int | None
    reason: str
    field: str | None = None
    value: str | None = None
    raw: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data (what the import log keeps and the CSV report writes)."""
        return {
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
            "value": self.value,
            "raw": self.raw,
        }


@dataclass
class ImportReport:
    """Counts, detected layout, skipped rows and warnings of one import.

    ``skipped`` counts every skipped row; ``skipped_rows`` lists the first ``MAX_LISTED_ROWS``
    of them. ``implicit`` counts rows whose rating means "no rating" (0 in Book-Crossing and
    Goodreads), which are kept as interactions rather than treated as bad ratings.
    """

    path: Path
    kind: str = "community"
    format: str = "generic"
    encoding: str | None = None
    delimiter: str | None = None
    has_header: bool | None = None
    columns: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    ratings: int = 0
    users: int = 0
    items: int = 0
    scale: tuple[float, float] | None = None
    duplicates: int = 0
    implicit: int = 0
    skipped: int = 0
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    matched: int | None = None
    unmatched: int | None = None
    seen: int = 0
    want: int = 0
    metadata_files: list[str] = field(default_factory=list)

    def skip(
        self, line: int | None, reason: str, field: str | None = None, value: str | None = None
    ) -> None:
        """Count one skipped row and list it while the list is not full."""
        self.skipped += 1
        if len(self.skipped_rows) < MAX_LISTED_ROWS:
            self.skipped_rows.append(SkippedRow(line, reason, field, value))

    def skip_many(
        self,
        lines: list[int | None],
        reasons: list[str],
        fields: list[str | None] | None = None,
        values: list[str | None] | None = None,
    ) -> None:
        """Count many skipped rows at once (``lines``, ``reasons``, ``fields`` and ``values``
        pair up; ``fields`` and ``values`` may be left out)."""
        room = max(MAX_LISTED_ROWS - len(self.skipped_rows), 0)
        fields = fields if fields is not None else [None] * len(lines)
        values = values if values is not None else [None] * len(lines)
        listed = zip(lines[:room], reasons[:room], fields[:room], values[:room], strict=True)
        self.skipped_rows.extend(SkippedRow(*row) for row in listed)
        self.skipped += len(lines)

    def warn(self, message: str) -> None:
        """Keep a warning (a row read leniently, an encoding fallback, ...)."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    def summary(self) -> str:
        """One or two sentences for a person: what was imported and what was not."""
        parts = [
            f"{self.ratings:,} ratings",
            f"{self.users:,} people" if self.kind == "community" else None,
            f"{self.items:,} items rated",
        ]
        text = f"{self.path.name} ({self.format}): " + ", ".join(p for p in parts if p)
        if self.duplicates:
            text += f"; {self.duplicates:,} duplicates resolved to the latest"
        if self.implicit:
            text += f"; {self.implicit:,} rows without a rating kept as seen"
        if self.skipped:
            first = self.skipped_rows[0] if self.skipped_rows else None
            where = f" (first: line {first.line}: {first.reason})" if first else ""
            text += f"; {self.skipped:,} rows skipped{where}"
        if self.seen or self.want:
            text += f"; {self.seen:,} seen without a rating, {self.want:,} on the want-list"
        if self.matched is not None:
            text += f"; {self.matched:,} matched, {self.unmatched or 0:,} not matched"
        return text + "."

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the shape ``inspect --json`` prints).

        ``errors`` lists the first ``MAX_JSON_ERRORS`` skipped rows as line and message;
        ``skipped_list`` every listed one (the first ``MAX_LISTED_ROWS``) with its field, cell
        value and raw text, for the downloadable skipped-row report.
        """
        return {
            "file": str(self.path),
            "kind": self.kind,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header": self.has_header,
            "columns": dict(self.columns),
            "rows_read": self.rows_read,
            "ratings": self.ratings,
            "users": self.users,
            "items": self.items,
            "scale": list(self.scale) if self.scale is not None else None,
            "duplicates": self.duplicates,
            "implicit": self.implicit,
            "skipped_rows": self.skipped,
            "errors": [
                {"line": row.line, "message": row.reason}
                for row in self.skipped_rows[:MAX_JSON_ERRORS]
            ],
            "skipped_list": [row.to_dict() for row in self.skipped_rows],
            "skipped_listed_max": MAX_LISTED_ROWS,
            "warnings": list(self.warnings),
            "seen": self.seen,
            "want": self.want,
            "metadata_files": list(self.metadata_files),
        }
