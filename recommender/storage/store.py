"""``Store``: the SQLite database of the person's own data, with intent-named methods."""

from __future__ import annotations

from recommender.storage.catalog import CommunityRecords
from recommender.storage.personal import PersonalData


class Store(CommunityRecords, PersonalData):
    """The SQLite database of the person's own data in ``data_dir`` (created when missing).

    Raises :class:`~recommender.errors.DataDirError` when the directory cannot be created, the
    database file is not a Kindred database, or it was written by a newer version. Every
    method that changes something commits before it returns.
    """
