"""The Workspace's files for the person: CSV exports, and backup / restore of the data dir.

A mixin of :class:`recommender.workspace.Workspace`, kept apart so each file stays readable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recommender.community import Community
from recommender.community_store import CommunityStore
from recommender.storage import Store
from recommender.storage.backup import create_backup
from recommender.storage.backup import restore_backup
from recommender.storage.export import ratings_csv
from recommender.storage.export import recommendations_csv


class DataFiles:
    """Exports and backups for a Workspace (which provides ``store``, ``data_dir``,
    ``community_store``, ``my_ratings``, ``recommendations``, ``_remembered_community`` and
    ``_switch_to``)."""

    store: Store
    data_dir: Path
    community_store: CommunityStore
    _model_lock: threading.Lock
    my_ratings: Callable[[], list[dict[str, object]]]
    recommendations: Callable[..., dict[str, object]]
    _remembered_community: Callable[[], Community]
    _switch_to: Callable[[Community], None]

    def export_ratings_csv(self) -> str:
        """The person's ratings in the current community as CSV text (``item, title, year,
        my_rating, rated_at``), newest first, safe to open in a spreadsheet."""
        return ratings_csv(self.my_ratings())

    def export_recommendations_csv(self, n: int = 50) -> str:
        """The person's current top ``n`` recommendations as CSV text, best first."""
        answer = self.recommendations(n=n)
        return recommendations_csv(answer["items"])  # type: ignore[arg-type]

    def create_backup(self, target: str | Path) -> dict[str, Any]:
        """Write the whole data directory into one zip file ``target``; returns its manifest
        (``created_at``, ``communities``, ``files`` with their SHA-256)."""
        return create_backup(self.store, target)

    def restore_backup(self, source: str | Path) -> dict[str, Any]:
        """Replace the person's data with the backup ``source`` and reopen it.

        Every other Kindred on this data directory must be closed. While this runs, other
        threads' requests fail with "the store is closed"; a backup that cannot be used raises
        ``DataDirError`` and the current data stays as it was.
        """
        self.store.close()
        try:
            manifest = restore_backup(source, self.data_dir)
        finally:
            self.store = Store(self.data_dir)
            self.community_store = CommunityStore(self.data_dir, self.store)
            self.community_store.clean_up()
            self._switch_to(self._remembered_community())
        return manifest
