"""Describe a ratings file without storing anything: what ``python -m recommender inspect``
prints. A community file is read as a community; a personal export as one person's ratings,
matched against ``community_path`` when one is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recommender.importing.community_file import NotACommunityError
from recommender.importing.community_file import read_community
from recommender.importing.personal_file import read_personal
from recommender.importing.report import MAX_JSON_ERRORS


def inspect_file(path: str | Path, community_path: str | Path | None = None) -> dict[str, Any]:
    """The import report of ``path`` as JSON-ready data (see ``ImportReport.to_dict``).

    Personal exports also list ``unmatched_rows`` (line, title, reason; capped) and, with a
    community, ``matched`` / ``unmatched`` counts of rated rows.
    """
    try:
        community, report = read_community(path)
        answer = report.to_dict()
        answer["name"] = community.name
        answer["catalogue_items"] = community.n_items
        return answer
    except NotACommunityError:
        pass
    community = read_community(community_path)[0] if community_path is not None else None
    personal, report = read_personal(path, community)
    answer = report.to_dict()
    answer["users"] = 1
    if community is not None:
        answer["community"] = community.name
        answer["matched"] = report.matched
        answer["unmatched"] = report.unmatched
    answer["unmatched_rows"] = [
        {
            "line": row.line,
            "title": row.title,
            "year": row.year,
            "id": row.source_id,
            "list": row.list_kind,
            "reason": row.reason,
        }
        for row in personal.unmatched[:MAX_JSON_ERRORS]
    ]
    return answer
