"""Importing what people actually have: community datasets and personal exports.

``read_community`` reads many people's ratings (MovieLens, goodbooks, Book-Crossing, any
user,item,rating table) into a ``Community``; ``read_personal`` reads one person's export
(IMDb, Letterboxd, Goodreads, generic) and matches it to a community's items; ``inspect_file``
describes a file without importing it; ``preview_file`` shows what
detection found (format, encoding, delimiter, column roles, first rows) so a person can correct
the column roles (``columns=``) before importing. Every one returns an ``ImportReport`` (counts,
duplicates, skipped rows with line numbers) or raises ``RatingsImportError``.
"""

from __future__ import annotations

from recommender.importing.columns import ColumnRoles
from recommender.importing.community_file import read_community
from recommender.importing.inspection import inspect_file
from recommender.importing.personal_file import PersonalRating
from recommender.importing.personal_file import PersonalRatings
from recommender.importing.personal_file import UnmatchedRow
from recommender.importing.personal_file import read_personal
from recommender.importing.preview import FilePreview
from recommender.importing.preview import preview_file
from recommender.importing.progress import ImportCancelled
from recommender.importing.progress import Progress
from recommender.importing.report import ImportReport
from recommender.importing.report import SkippedRow

__all__ = [
    "ColumnRoles",
    "FilePreview",
    "ImportCancelled",
    "ImportReport",
    "PersonalRating",
    "PersonalRatings",
    "Progress",
    "SkippedRow",
    "UnmatchedRow",
    "inspect_file",
    "preview_file",
    "read_community",
    "read_personal",
]
