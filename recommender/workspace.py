"""The Workspace: one person's view of one community, as the app and the CLI use it.

It ties together the current :class:`~recommender.community.Community`, the fitted
:class:`~recommender.knn.UserKNN` (fitted once, lazily, under a lock, never per request), and
the person's own data in :class:`~recommender.storage.Store`. Every method answers with plain,
JSON-ready dicts, so an HTML page and its JSON twin render the same answer.

Bad input (an unknown item, a rating off the scale, an unknown community member) raises a
:class:`~recommender.errors.KindredError` with one sentence fit to show, and changes nothing.
"""

from __future__ import annotations

import logging
import math
import threading
from functools import cached_property
from pathlib import Path

import pandas as pd

from recommender.catalogue import SORTS
from recommender.catalogue import all_genres
from recommender.catalogue import item_view
from recommender.catalogue import kindred_view
from recommender.catalogue import search_catalogue
from recommender.community import Community
from recommender.community_ratings import Slices
from recommender.community_ratings import item_ratings as ratings_of_item
from recommender.community_ratings import item_slices
from recommender.community_ratings import item_statistics
from recommender.community_ratings import member_ratings
from recommender.community_ratings import member_slices
from recommender.community_store import CommunityStore
from recommender.errors import KindredError
from recommender.importing import ColumnRoles
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ProgressCallback
from recommender.knn import UserKNN
from recommender.personal_import import import_personal_file
from recommender.storage import Store
from recommender.workspace_communities import CommunityChoice
from recommender.workspace_data import DataFiles
from recommender.workspace_imports import ImportFlow
from recommender.workspace_preferences import Preferences
from recommender.workspace_recommending import MIN_RATINGS
from recommender.workspace_recommending import Recommending

logger = logging.getLogger(__name__)

# How many kindred people an item page looks at.
KINDRED_SAMPLE = 40


class Workspace(CommunityChoice, DataFiles, Preferences, ImportFlow, Recommending):
    """The current community, its model, and the person's own ratings.

    Parameters
    ----------
    data_dir:
        Where the person's data lives (created when missing).
    community:
        The pool of neighbours; ``None`` means the community chosen last time (see
        :meth:`use_community`), else the embedded demo community.
    model:
        An unfitted model to use; ``None`` means ``UserKNN`` with the person's stored model
        options (see :meth:`set_model_options`), else its evaluated defaults.
    """

    def __init__(
        self,
        data_dir: str | Path,
        community: Community | None = None,
        model: UserKNN | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.store = Store(self.data_dir)
        try:
            self.community_store = CommunityStore(self.data_dir, self.store)
            self.community_store.clean_up()
            self.community = community if community is not None else self._remembered_community()
        except BaseException:
            self.store.close()
            raise
        self._unfitted_model = model if model is not None else self._model_from_settings()
        self._model: UserKNN | None = None
        self._model_lock = threading.Lock()

    def _switch_to(self, community: Community) -> None:
        """Use ``community`` from now on: the model and statistics are rebuilt on first use."""
        with self._model_lock:
            self.community = community
            self._model = None
            for cached in ("statistics", "_rows_by_user", "_rows_by_item"):
                self.__dict__.pop(cached, None)

    def close(self) -> None:
        """Delete staged import files and close the person's database (the app and the CLI
        call this when they stop)."""
        self.close_imports()
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- model and statistics
    def model(self) -> UserKNN:
        """The model fitted on the community's rating arrays (a stored community's memory-mapped
        files, its derived arrays cached beside them); fitted on first use, then reused."""
        with self._model_lock:
            if self._model is None:
                logger.info("fitting %s on %s", self._unfitted_model, self.community.name)
                self._model = self._unfitted_model.fit(self.community.rating_arrays())
            return self._model

    def warm_up(self) -> None:
        """Fit the model and compute the catalogue statistics now (after the window's first
        paint), so the first request does not pay for them."""
        self.model()
        _ = self.statistics

    @cached_property
    def statistics(self) -> pd.DataFrame:
        """Per-item count, mean and title, computed once per community (from its arrays)."""
        return item_statistics(self.community)

    @cached_property
    def _rows_by_user(self) -> Slices:
        """Where each community member's ratings are in the layout by person: ``user in`` it
        and ``len(self._rows_by_user[user])`` need no pass over the ratings."""
        return member_slices(self.community.rating_arrays())

    @cached_property
    def _rows_by_item(self) -> Slices:
        """Where each item's ratings are in the layout by item."""
        return item_slices(self.community.rating_arrays())

    def _ratings_of(self, users: list[str]) -> list[dict[str, float]]:
        """Each member's ratings (item → rating), read from their slices of the arrays; empty
        for someone not in the community."""
        return member_ratings(self.community.rating_arrays(), users)

    # ----------------------------------------------------------------- the person's data
    def my_ratings_map(self) -> dict[str, float]:
        """The person's ratings in this community: item id → rating."""
        return self.store.ratings(self.community.name)

    def status(self) -> dict[str, object]:
        """What the app shows in its header: the community and how much the person rated."""
        rated = len(self.my_ratings_map())
        community = self.community
        return {
            "community": {
                "name": community.name,
                "is_demo": community.is_demo,
                "users": community.n_users,
                "items": community.n_items,
                "ratings": community.n_ratings,
                "scale": list(community.scale),
            },
            "my_ratings": rated,
            "enough_ratings": rated >= MIN_RATINGS,
            "min_ratings": MIN_RATINGS,
            "display_scale": self.display_scale().as_dict(),
        }

    def rate(
        self, item: str, rating: float, *, on_display_scale: bool = False
    ) -> dict[str, object]:
        """Store the person's rating of ``item``; it is on disk when this returns.

        ``rating`` is on the community's scale, or with ``on_display_scale`` on the person's
        display scale (a rating control's value): then it is stored converted to the
        community's scale, with the value given and its scale kept beside it.
        """
        item = self._known_item(item)
        if on_display_scale:
            self._store_display_rating(item, rating)
        else:
            self.store.set_rating(self.community.name, item, self._valid_rating(rating))
        view = item_view(item, self.statistics, self.my_ratings_map())
        return self.item_with_display(view)

    def unrate(self, item: str) -> dict[str, object]:
        """Remove the person's rating of ``item``; returns the old rating so it can be undone."""
        item = self._known_item(item)
        previous = self.store.delete_rating(self.community.name, item)
        return {"item": item, "previous_rating": previous}

    def hide(self, item: str) -> dict[str, object]:
        """Never recommend ``item`` again (until it is un-hidden)."""
        item = self._known_item(item)
        self.store.hide(self.community.name, item)
        return {"item": item, "hidden": True}

    def unhide(self, item: str) -> dict[str, object]:
        """Let ``item`` be recommended again."""
        item = self._known_item(item)
        self.store.unhide(self.community.name, item)
        return {"item": item, "hidden": False}

    def import_personal(
        self,
        path: str | Path,
        *,
        columns: ColumnRoles | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> dict[str, object]:
        """Import the person's export (IMDb, Letterboxd, Goodreads, generic) into this community.

        New ratings are added, changed ones updated, ratings made in the app kept; seen items
        and the want-list are remembered; all in one transaction. Returns the summary (see
        :func:`recommender.personal_import.import_personal_file`); a file that cannot be read
        raises ``RatingsImportError`` and changes nothing. ``columns`` are the person's column
        roles when they corrected the detection; ``cancel`` stops the read (``ImportCancelled``)
        before anything is stored.
        """
        return import_personal_file(
            self.store, self.community, path, columns=columns, progress=progress, cancel=cancel
        )

    def my_ratings(self) -> list[dict[str, object]]:
        """The person's ratings, newest first, each with the item's description."""
        my_ratings = self.my_ratings_map()
        rows = self.store.rating_rows(self.community.name)
        views = []
        for row in rows:
            item = str(row["item"])
            if item not in self.statistics.index:
                continue
            view = item_view(item, self.statistics, my_ratings)
            view["rated_at"] = row["rated_at"]
            views.append(view)
        return self.with_display({"items": views})["items"]

    # ----------------------------------------------------------------- browsing
    def catalogue(
        self,
        query: str = "",
        sort: str = "popular",
        page: int = 1,
        per_page: int = 40,
        genre: str | None = None,
    ) -> dict[str, object]:
        """One page of the community's items, searched, filtered and sorted."""
        result = search_catalogue(self.statistics, query, sort, page, per_page, genre)
        my_ratings = self.my_ratings_map()
        return {
            "items": [item_view(item, self.statistics, my_ratings) for item in result.items],
            "total": result.total,
            "page": result.page,
            "per_page": result.per_page,
            "pages": result.pages,
            "sort": sort,
            "query": query,
            "genre": genre,
            "sorts": list(SORTS),
            "genres": all_genres(self.statistics),
        }

    def item(self, item: str) -> dict[str, object]:
        """One item: its description, the community's rating histogram, and how the person's
        kindred people rated it."""
        item = self._known_item(item)
        my_ratings = self.my_ratings_map()
        view = item_view(item, self.statistics, my_ratings)
        item_ratings = ratings_of_item(self.community.rating_arrays(), item)
        histogram = item_ratings["rating"].value_counts().sort_index()
        view["histogram"] = {format(float(r), "g"): int(n) for r, n in histogram.items()}
        rating_by_user = dict(
            zip(item_ratings["user"].astype(str), item_ratings["rating"].astype(float), strict=True)
        )
        kindred_ratings = []
        for neighbour in self._neighbours(my_ratings, KINDRED_SAMPLE):
            rating = rating_by_user.get(str(neighbour.user))
            if rating is not None:
                kindred_ratings.append(
                    kindred_view(neighbour.user, neighbour.similarity, rating, neighbour.overlap)
                )
        view["kindred_ratings"] = kindred_ratings
        # What the person would think of it, as a recommendation card says (not once rated).
        found = (
            []
            if item in my_ratings or not my_ratings
            else self.model().recommend(ratings=my_ratings, n=1, candidates=[item])
        )
        view["predicted_rating"] = round(float(found[0].predicted_rating), 2) if found else None
        view["confidence"] = round(float(found[0].confidence), 3) if found else None
        return self.item_with_display(view)

    # ----------------------------------------------------------------- validation
    def _known_item(self, item: object) -> str:
        item = str(item)
        if item not in self.statistics.index:
            raise KindredError(f"There is no item '{item}' in {self.community.name}.")
        return item

    def _valid_rating(self, rating: object) -> float:
        lowest, highest = self.community.scale
        try:
            value = float(rating)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise KindredError(f"The rating '{rating}' is not a number.") from None
        if not math.isfinite(value) or not lowest <= value <= highest:
            raise KindredError(
                f"A rating must be between {lowest:g} and {highest:g}; got {rating}."
            )
        return value
