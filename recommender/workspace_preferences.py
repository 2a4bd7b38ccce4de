"""The Workspace's person-facing preferences: model options, the want-list, clearing the
person's data, and evaluating the current community in the background.

A mixin of :class:`recommender.workspace.Workspace`, kept apart so each file stays readable.
The logic lives in :mod:`recommender.model_settings` and :mod:`recommender.evaluation_jobs`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING
from typing import Any

import pandas as pd

from recommender import display_scale
from recommender import model_settings
from recommender.catalogue import item_view
from recommender.community import Community
from recommender.community_store import CommunityStore
from recommender.knn import UserKNN
from recommender.storage import Store
from recommender.storage.arrays import StoredCommunity
from recommender.storage.personal import APP_SOURCE

if TYPE_CHECKING:
    # Imported when first used: evaluation needs scikit-learn, about a second to import,
    # which the app's start-up and the CLI should not pay for.
    from recommender.evaluation_jobs import EvaluationRunner

logger = logging.getLogger(__name__)


class Preferences:
    """Model options, the display scale, want-list, clearing and evaluation for a Workspace
    (which provides
    ``store``, ``community``, ``community_store``, ``_model_lock``, ``_unfitted_model``,
    ``_model``, ``_known_item``, ``statistics``, ``my_ratings_map``, ``communities`` and
    ``delete_community``)."""

    store: Store
    community: Community
    community_store: CommunityStore
    _model_lock: threading.Lock
    _unfitted_model: UserKNN
    _model: UserKNN | None
    _known_item: Callable[[object], str]
    statistics: pd.DataFrame
    my_ratings_map: Callable[[], dict[str, float]]
    communities: Callable[[], list[dict[str, Any]]]
    delete_community: Callable[[str], dict[str, object]]

    # ------------------------------------------------------------------ model options
    def _model_from_settings(self) -> UserKNN:
        """An unfitted model with the person's stored options."""
        return model_settings.model_for(model_settings.stored_options(self.store))

    def model_options(self) -> dict[str, Any]:
        """The changeable model options with their values, defaults and plain-language help
        (see :func:`recommender.model_settings.describe_options`)."""
        return model_settings.describe_options(self._current_options())

    def _current_options(self) -> dict[str, Any]:
        params = self._unfitted_model.get_params()
        return {name: params[name] for name in model_settings.OPTIONS}

    def set_model_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Change some model options (others keep their values) and store them; the model
        is refitted on its next use. Bad options raise KindredError and change nothing."""
        merged = model_settings.combined(self._current_options(), options)
        model_settings.store_options(self.store, merged)
        with self._model_lock:
            self._unfitted_model = model_settings.model_for(merged, self._unfitted_model)
            self._model = None
        return self.model_options()

    def reset_model_options(self) -> dict[str, Any]:
        """Back to the evaluated defaults."""
        model_settings.store_options(self.store, {})
        with self._model_lock:
            self._unfitted_model = model_settings.model_for(
                model_settings.DEFAULTS, self._unfitted_model
            )
            self._model = None
        return self.model_options()

    # ------------------------------------------------------------------ display scale
    def display_scale(self) -> display_scale.DisplayScale:
        """The scale the person sees ratings in (see :mod:`recommender.display_scale`): their
        chosen one, or by default the one most of their imported ratings came in."""
        imported = [
            row["scale_original"]
            for row in self.store.rating_rows(self.community.name)
            if row["source"] != APP_SOURCE
        ]
        return display_scale.resolve(self._display_preference(), self.community.scale, imported)

    def _display_preference(self) -> str:
        stored = self.store.get_setting(display_scale.SETTING_KEY, display_scale.AUTO)
        if stored not in display_scale.PREFERENCES:
            logger.warning("ignoring a stored display scale Kindred does not know: %r", stored)
            return display_scale.AUTO
        return str(stored)

    def display_scale_setting(self) -> dict[str, Any]:
        """What Settings shows: the preference, the choices in words, and the scale in use."""
        own = display_scale.community_display(self.community.scale)
        choices = [
            {
                "value": display_scale.AUTO,
                "label": "As my imported ratings (else the community's scale)",
            },
            {"value": display_scale.COMMUNITY, "label": own.label.capitalize()},
        ] + [
            {"value": name, "label": scale.label}
            for name, scale in display_scale.NAMED_SCALES.items()
        ]
        return {
            "preference": self._display_preference(),
            "choices": choices,
            "current": self.display_scale().as_dict(),
        }

    def set_display_scale(self, preference: object) -> dict[str, Any]:
        """Show ratings in ``preference`` (one of :data:`recommender.display_scale.PREFERENCES`)
        from now on; a bad value raises KindredError with one sentence and changes nothing."""
        self.store.set_setting(
            display_scale.SETTING_KEY, display_scale.checked_preference(preference)
        )
        return self.display_scale_setting()

    def _store_display_rating(self, item: str, rating: object) -> None:
        """Store a rating given on the display scale: on the community's scale, with the value
        given and its scale kept beside it (KindredError, nothing stored, if it is off-scale)."""
        display = self.display_scale()
        converted = display_scale.from_display(rating, display, self.community.scale)
        self.store.set_rating(
            self.community.name,
            item,
            converted,
            rating_original=float(rating),  # type: ignore[arg-type]
            scale_original=display.bounds,
        )

    def with_display(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        """``answer`` (with ``items``) plus ``display_scale`` and each item's display twins."""
        return display_scale.add_display_to_answer(
            answer, self.community.scale, self.display_scale()
        )

    def item_with_display(self, view: dict[str, Any]) -> dict[str, Any]:
        """One item view plus its display twins and ``display_scale``."""
        display = self.display_scale()
        display_scale.add_display_fields(view, self.community.scale, display)
        view["display_scale"] = display.as_dict()
        return view

    # ------------------------------------------------------------------ want-list
    def want(self, item: str) -> dict[str, object]:
        """Put ``item`` on the person's want-list for this community."""
        item = self._known_item(item)
        self.store.want(self.community.name, item)
        return {"item": item, "wanted": True}

    def unwant(self, item: str) -> dict[str, object]:
        """Take ``item`` off the want-list."""
        item = self._known_item(item)
        self.store.unwant(self.community.name, item)
        return {"item": item, "wanted": False}

    def want_list(self) -> list[str]:
        """The want-list of this community, oldest first (items it no longer has left out)."""
        known = self.statistics.index
        return [item for item in self.store.want_list(self.community.name) if item in known]

    def want_list_items(self) -> list[dict[str, object]]:
        """The want-list as item descriptions (title, year, genres, ratings), oldest first."""
        my_ratings = self.my_ratings_map()
        return [item_view(item, self.statistics, my_ratings) for item in self.want_list()]

    # ------------------------------------------------------------------ clearing
    def clear_my_data(self, include_communities: bool = False) -> dict[str, object]:
        """Forget the person's ratings, hidden and seen titles and want-list in the current
        community; with ``include_communities``, also delete every imported community (the
        demo stays). Model options and other settings are kept."""
        name = self.community.name
        cleared = self.store.clear_personal(name)
        deleted = []
        if include_communities:
            for community in self.communities():
                if not community["is_demo"]:
                    self.delete_community(str(community["name"]))
                    deleted.append(community["name"])
        return {"community": name, "cleared": cleared, "deleted_communities": deleted}

    # ------------------------------------------------------------------ evaluation
    @cached_property
    def _evaluations(self) -> EvaluationRunner:
        from recommender.evaluation_jobs import EvaluationRunner

        return EvaluationRunner()

    def start_evaluation(self) -> dict[str, Any]:
        """Evaluate the current community with the person's options in the background
        (see :class:`recommender.evaluation_jobs.EvaluationJob`); answers its first snapshot."""
        from recommender.evaluation_jobs import EvaluationJob

        community = self.community
        parameters = self._unfitted_model.get_params()
        # A stored community is sampled from its memory-mapped arrays, decoding only the people
        # drawn (its full frame is tens of seconds and gigabytes at 32M ratings); one held in
        # memory (the demo) keeps its frame, whose row order the folds follow.
        ratings = community.rating_arrays() if isinstance(community, StoredCommunity) else None
        job = EvaluationJob(
            community.name,
            community.ratings if ratings is None else ratings,
            community.scale,
            parameters,
        )
        return self._evaluations.start(job)

    def evaluation_status(self) -> dict[str, Any]:
        """The running or last evaluation: state, progress and results so far."""
        return self._evaluations.status()

    def cancel_evaluation(self) -> dict[str, Any]:
        """Stop the running evaluation after its current step."""
        return self._evaluations.cancel()

    def wait_for_evaluation(self, timeout: float | None = None) -> bool:
        """Block until the evaluation ends (for the CLI and tests); True if it has."""
        return self._evaluations.wait(timeout)
