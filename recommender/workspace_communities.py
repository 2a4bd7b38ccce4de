"""The Workspace's choice of community: list, import, switch to and delete stored communities.

A mixin of :class:`recommender.workspace.Workspace`, kept apart so each file stays readable.
The current community's name is remembered in the ``current_community`` setting (absent for
the demo), so the next start opens it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recommender.community import Community
from recommender.community_store import DEMO_NAMES
from recommender.community_store import CommunityStore
from recommender.demo import demo_community
from recommender.errors import KindredError
from recommender.importing import ColumnRoles
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ProgressCallback
from recommender.storage import Store

logger = logging.getLogger(__name__)

CURRENT_COMMUNITY = "current_community"


def is_demo_name(name: str) -> bool:
    """True for the names the demo community answers to ("demo", "Demo films")."""
    return str(name).strip().lower() in {demo.lower() for demo in DEMO_NAMES}


class CommunityChoice:
    """Stored communities for a Workspace (which provides ``store``, ``data_dir``,
    ``community`` and ``_switch_to``)."""

    store: Store
    data_dir: Path
    community: Community
    community_store: CommunityStore
    _model_lock: threading.Lock
    _switch_to: Callable[[Community], None]

    def _remembered_community(self) -> Community:
        """The community chosen last time; the demo when none was, or when it is gone."""
        name = self.store.get_setting(CURRENT_COMMUNITY)
        if not name:
            return demo_community()
        try:
            return self.community_store.open(name)
        except KindredError as error:
            logger.warning("opening the demo community instead of %s: %s", name, error)
            return demo_community()

    def communities(self) -> list[dict[str, Any]]:
        """The demo and every stored community: name, counts, scale, when imported, whether
        it is the current one and whether its files are present."""
        demo = demo_community()
        listed = [
            {
                "name": demo.name,
                "is_demo": True,
                "ratings": demo.n_ratings,
                "users": demo.n_users,
                "items": demo.n_items,
                "scale": list(demo.scale),
                "imported_at": None,
                "source_file": None,
                "format": None,
                "available": True,
                "current": self.community.is_demo,
            }
        ]
        for record in self.community_store.records():
            listed.append(
                {
                    "name": record["name"],
                    "is_demo": False,
                    "ratings": record["ratings"],
                    "users": record["users"],
                    "items": record["items"],
                    "scale": [record["scale_min"], record["scale_max"]],
                    "imported_at": record["imported_at"],
                    "source_file": record["source_file"],
                    "format": record["format"],
                    "available": record["available"],
                    "current": self._is_current_stored(record["name"]),
                }
            )
        return listed

    def _is_current_stored(self, name: str) -> bool:
        """Whether the current community is the stored one called ``name`` (never the demo)."""
        return not self.community.is_demo and self.community.name == name

    def import_community(
        self,
        path: str | Path,
        name: str | None = None,
        *,
        columns: ColumnRoles | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> dict[str, Any]:
        """Import a community file (MovieLens, goodbooks, any user,item,rating table) and
        store it under ``name`` (default: the file's name). It does not become current.
        ``columns`` are the person's column roles when they corrected the detection.

        Returns the import report and what was stored (``stored``: ratings, users, items,
        scale, content hash, folder). A bad or cancelled import raises ``RatingsImportError``
        and changes nothing; re-importing a name replaces that community atomically.
        """
        answer = self.community_store.import_file(
            path, name, columns=columns, progress=progress, cancel=cancel
        )
        if self._is_current_stored(answer["name"]):
            self._switch_to(self.community_store.open(answer["name"]))
        return answer

    def use_community(self, name: str, *, remember: bool = True) -> dict[str, object]:
        """Make ``name`` (``"demo"`` for the demo) the current community, remembered for the
        next start unless ``remember`` is False (a CLI ``--community``); the model is fitted
        again on first use. Returns the new status."""
        community = demo_community() if is_demo_name(name) else self.community_store.open(name)
        if remember:
            self.store.set_setting(CURRENT_COMMUNITY, None if community.is_demo else name)
        self._switch_to(community)
        return self.status()  # type: ignore[attr-defined]

    def delete_community(self, name: str) -> dict[str, object]:
        """Delete a stored community (the person's ratings in it are kept, in case it is
        imported again); if it was current, the demo becomes current."""
        if is_demo_name(name):
            raise KindredError("The demo community is built in and cannot be deleted.")
        if not self.community_store.delete(name):
            raise KindredError(f"There is no stored community named '{name}'.")
        if self._is_current_stored(name):
            self.use_community("demo")
        return {"deleted": name, "current": self.community.name}
