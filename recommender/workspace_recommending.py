"""The Workspace's recommendations and kindred people, with the reasons shown beside them.

A mixin of :class:`recommender.workspace.Workspace`, kept apart so each file stays readable.
The engine (:class:`recommender.knn.UserKNN`) chooses; this turns its answers into JSON-ready
views with titles, the person's own scale and the neighbours behind each item.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from recommender.catalogue import agreement
from recommender.catalogue import item_view
from recommender.catalogue import kindred_view
from recommender.errors import KindredError
from recommender.results import Neighbour

if TYPE_CHECKING:
    import pandas as pd

    from recommender.community import Community
    from recommender.community_ratings import Slices
    from recommender.knn import UserKNN
    from recommender.storage import Store

#: Fewer of the person's ratings than this and recommendations come with a nudge.
MIN_RATINGS = 5
#: Titles listed as agreed and disagreed on, per kindred person.
AGREEMENT_TITLES = 3


class Recommending:
    """Recommendations and kindred people for a Workspace (which provides ``community``,
    ``store``, ``statistics``, ``model()``, ``my_ratings_map()``, ``_rows_by_user``,
    ``_ratings_of()`` and ``with_display()``)."""

    community: Community
    store: Store
    statistics: pd.DataFrame
    _rows_by_user: Slices

    def model(self) -> UserKNN: ...  # provided by Workspace
    def my_ratings_map(self) -> dict[str, float]: ...  # provided by Workspace
    def _ratings_of(self, users: list[str]) -> list[dict[str, float]]: ...  # by Workspace
    def with_display(self, answer: Mapping[str, Any]) -> dict[str, Any]: ...  # Preferences

    # ----------------------------------------------------------------- recommending
    def recommendations(self, n: int = 20, user: str | None = None) -> dict[str, object]:
        """The top ``n`` items for the person (``user=None``) or for a community member.

        Hidden items are never recommended to the person; rated items never are to anyone.
        """
        return self._recommend(n, user=user, personal_ratings=None)

    def recommendations_for_ratings(
        self, personal_ratings: Mapping[str, float], n: int = 20, seen: Collection[str] = ()
    ) -> dict[str, object]:
        """The top ``n`` items for ratings that are not stored (a file given to the CLI);
        ``seen`` items (watched without a rating) are never recommended."""
        return self._recommend(
            n, user=None, personal_ratings=dict(personal_ratings), also_seen=seen
        )

    def _recommend(
        self,
        n: int,
        user: str | None,
        personal_ratings: dict[str, float] | None,
        also_seen: Collection[str] = (),
    ) -> dict[str, object]:
        if n < 1 or n > 500:
            raise KindredError("The number of recommendations must be between 1 and 500.")
        model = self.model()
        my_ratings = self.my_ratings_map() if personal_ratings is None else personal_ratings
        if user is None:
            based_on = len(my_ratings)
            if based_on == 0:
                return self._no_recommendations("Rate a few titles to get recommendations.")
            excluded = self._never_recommended() | set(also_seen)
            found = model.recommend(ratings=my_ratings, n=n, exclude=excluded)
        else:
            user = str(user)
            if user not in self._rows_by_user:
                raise KindredError(
                    f"'{user}' is not a member of the community {self.community.name}."
                )
            based_on = len(self._rows_by_user[user])
            found = model.recommend(user=user, n=n)
        items = []
        for recommendation in found:
            view = item_view(str(recommendation.item), self.statistics, my_ratings)
            view.update(
                predicted_rating=round(float(recommendation.predicted_rating), 2),
                baseline_rating=round(float(recommendation.baseline_rating), 2),
                confidence=round(float(recommendation.confidence), 3),
                score=float(recommendation.score),
                kindred_count=len(recommendation.neighbours),
                neighbours=[
                    kindred_view(neighbour.user, neighbour.similarity, neighbour.rating)
                    for neighbour in recommendation.neighbours
                ],
            )
            items.append(view)
        enough = user is not None or based_on >= MIN_RATINGS
        message = None
        if not enough:
            message = (
                f"Based on only {based_on} rating(s): rate at least {MIN_RATINGS} for better picks."
            )
        elif not items:
            message = "None of your kindred people rated anything you have not seen yet."
        return self.with_display(
            {
                "for": "you" if user is None else user,
                "based_on": based_on,
                "enough_ratings": enough,
                "message": message,
                "items": items,
            }
        )

    def hidden_items(self) -> list[dict[str, object]]:
        """The titles the person hid ("not interested"), as item descriptions, so each can be
        shown again (``unhide``)."""
        my_ratings = self.my_ratings_map()
        hidden = self.store.hidden(self.community.name)
        known = [item for item in hidden if item in self.statistics.index]
        return [item_view(item, self.statistics, my_ratings) for item in known]

    def _never_recommended(self) -> set[str]:
        """Items the person hid or has seen without rating: never recommended to them."""
        name = self.community.name
        return set(self.store.hidden(name)) | set(self.store.seen(name))

    def _no_recommendations(self, message: str) -> dict[str, object]:
        return self.with_display(
            {"for": "you", "based_on": 0, "enough_ratings": False, "message": message, "items": []}
        )

    def neighbours(self, n: int = 20) -> dict[str, object]:
        """The person's most kindred community members, with the titles they agree and
        disagree on most (by absolute difference of ratings on co-rated items)."""
        if n < 1 or n > 500:
            raise KindredError("The number of kindred people must be between 1 and 500.")
        my_ratings = self.my_ratings_map()
        people = []
        neighbours = self._neighbours(my_ratings, n)
        ratings_of = self._ratings_of([str(neighbour.user) for neighbour in neighbours])
        for neighbour, their_ratings in zip(neighbours, ratings_of, strict=True):
            agree, disagree = agreement(
                my_ratings, their_ratings, self.community.title_of, AGREEMENT_TITLES
            )
            people.append(
                {
                    "user": str(neighbour.user),
                    "similarity": round(float(neighbour.similarity), 3),
                    "overlap": int(neighbour.overlap),
                    "agree": agree,
                    "disagree": disagree,
                }
            )
        return {"based_on": len(my_ratings), "items": people}

    def _neighbours(self, my_ratings: Mapping[str, float], n: int) -> list[Neighbour]:
        if not my_ratings:
            return []
        return self.model().neighbours(ratings=my_ratings, n=n)
