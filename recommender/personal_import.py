"""Import one person's export into their stored ratings in a community, all or nothing.

The export is read and matched by :func:`recommender.importing.read_personal`, compared with
what is stored by :func:`recommender.importing.merge.compare` (ratings made in the app are newer
intent than an export row, so they are kept), and then written in ONE transaction: new and
changed ratings, newly seen items, newly wanted items and the import-log entry. A file that
cannot be read raises ``RatingsImportError`` before anything is written.

Reading and matching alone is :func:`read_matched_export`, which stores nothing: the CLI's
``recommend --ratings FILE`` uses it for one answer.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.community import Community
from recommender.importing import ImportReport
from recommender.importing import PersonalRatings
from recommender.importing import read_personal
from recommender.importing.columns import ColumnRoles
from recommender.importing.merge import ReimportChanges
from recommender.importing.merge import compare
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ProgressCallback
from recommender.storage import Store
from recommender.storage import now_timestamp

logger = logging.getLogger(__name__)

#: How many unmatched rows the answer lists (all are counted).
MAX_UNMATCHED_ROWS = 200


@dataclass(frozen=True)
class MatchedExport:
    """A personal export read and matched to one community, with nothing stored yet.

    What :func:`import_personal_file` stores, and what ``recommend --ratings`` uses for one
    answer only: the ratings on the community's scale, the row-level report (skipped rows,
    matched and unmatched counts) and the rows that found no item.
    """

    community: str
    personal: PersonalRatings
    report: ImportReport

    @property
    def matched(self) -> int:
        """How many rated rows found a community item."""
        return self.report.matched or 0

    @property
    def unmatched(self) -> int:
        """How many rated rows found no community item (seen or wanted rows not counted)."""
        return self.report.unmatched or 0

    def unmatched_rows(self, limit: int = MAX_UNMATCHED_ROWS) -> list[dict[str, Any]]:
        """The first ``limit`` rows that matched nothing, JSON-ready, each with its reason."""
        return [
            {
                "line": row.line,
                "title": row.title,
                "year": row.year,
                "id": row.source_id,
                "rating": row.original_rating,
                "list": row.list_kind,
                "reason": row.reason,
            }
            for row in self.personal.unmatched[:limit]
        ]


def read_matched_export(
    community: Community,
    path: str | Path,
    *,
    columns: ColumnRoles | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> MatchedExport:
    """Read the export at ``path`` and match it to ``community``'s items; store nothing.

    ``columns``, ``progress`` and ``cancel`` go to :func:`recommender.importing.read_personal`
    (a person's column roles; progress events; a cancel that stops the read). A file that
    cannot be read raises ``RatingsImportError``.
    """
    personal, report = read_personal(
        path, community, columns=columns, progress=progress, cancel=cancel
    )
    return MatchedExport(community.name, personal, report)


def import_personal_file(
    store: Store,
    community: Community,
    path: str | Path,
    *,
    columns: ColumnRoles | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> dict[str, Any]:
    """Read, match, merge and store the export at ``path``; return a JSON-ready summary.

    ``columns``, ``progress`` and ``cancel`` go to :func:`read_matched_export` (a person's
    column roles; progress events; a cancel that stops the read with nothing stored)."""
    started_at = now_timestamp()
    exported = read_matched_export(
        community, path, columns=columns, progress=progress, cancel=cancel
    )
    personal, report, name = exported.personal, exported.report, exported.community
    changes = compare(
        store.ratings(name),
        personal,
        rated_in_app=store.rated_in_app(name),
        seen=store.seen(name),
        want=store.want_list(name),
    )
    unmatched_rows = exported.unmatched_rows()
    counts = {
        "added": len(changes.added),
        "changed": len(changes.changed),
        "unchanged": changes.unchanged,
        "kept_from_app": len(changes.kept_from_app),
        "seen_added": len(changes.new_seen),
        "want_added": len(changes.new_want),
        "matched": exported.matched,
        "unmatched": exported.unmatched,
    }
    summary = _sentence(changes, counts["unmatched"], name)
    source_file = Path(path).name
    import_id = store.apply_personal_import(
        name,
        ratings=_rows_to_store(personal, changes),
        source=f"{personal.source}:{source_file}",
        seen=changes.new_seen,
        want=changes.new_want,
        log={
            "source_file": source_file,
            "started_at": started_at,
            "summary": {
                "kind": "personal",
                **counts,
                "summary": summary,
                "report": report.to_dict(),
                "unmatched_rows": unmatched_rows,
            },
        },
    )
    logger.info("imported %s into %s: %s", source_file, name, summary)
    return {
        "kind": "personal",
        "community": name,
        "import_id": import_id,
        "summary": summary,
        **counts,
        "unmatched_total": len(personal.unmatched),
        "unmatched_rows": unmatched_rows,
        "my_ratings": len(store.ratings(name)),
        "report": report.to_dict(),
    }


def _rows_to_store(personal: PersonalRatings, changes: ReimportChanges) -> list[dict[str, Any]]:
    """The added and changed ratings as store rows, each with its original value and date."""
    wanted = set(changes.added) | set(changes.changed)
    chosen = [rating for rating in personal.ratings if rating.item in wanted]
    dates = _iso_dates([rating.rated_at for rating in chosen])
    return [
        {
            "item": rating.item,
            "rating": rating.rating,
            "rating_original": rating.original_rating,
            "scale_original": rating.original_scale,
            "rated_at": date,
        }
        for rating, date in zip(chosen, dates, strict=True)
    ]


def _iso_dates(texts: list[str | None]) -> list[str | None]:
    """The export's dates as ISO 8601 UTC (so they sort with the app's), None when unreadable.

    Exports write ``2021-01-01``, ``2019/12/01`` or full timestamps; a missing or odd date
    becomes None, and the store then uses the time of the import.
    """
    if not texts:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it guesses a date format
        parsed = pd.to_datetime(
            pd.Series(texts, dtype=object), errors="coerce", utc=True, format="mixed"
        )
    return [None if pd.isna(value) else value.isoformat() for value in parsed]


def _sentence(changes: ReimportChanges, unmatched: int, community: str) -> str:
    """One sentence: what changed, and how many rated rows found no match in ``community``."""
    text = changes.summary()
    if unmatched:
        titles = "rated title" if unmatched == 1 else "rated titles"
        text = f"{text[:-1]}; {unmatched:,} {titles} not found in {community}."
    return text
