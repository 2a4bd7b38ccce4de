"""User-based collaborative filtering: ``UserKNN``, the engine behind every recommendation.

For a person ``u`` and an item ``i``, the neighbours ``N`` are the (at most) ``k`` people most
similar to ``u`` among those who rated ``i``. The predicted rating is

.. math::  \\hat r_{ui} = o_{ui} + \\sigma_u \\,
           \\mathrm{agg}\\Big(\\sum_{v \\in N} s_{uv} z_{vi}, \\; \\sum_{v \\in N} |s_{uv}|\\Big)

where ``z`` is a neighbour's centred rating and ``o``/``sigma`` undo the centring (see
``centering``), ``s`` a (shrunk) similarity from :mod:`recommender.similarity` and ``agg`` an
aggregation from :mod:`recommender.aggregate`. A pair without enough neighbours gets the
baseline ``mu + b_u + b_i`` (:mod:`recommender.baseline`). Nothing here holds a
``users x users`` matrix: similarities are computed for one person (``recommend``) or a bounded
block of people (``predict``) at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence

import numpy as np
import pandas as pd

from recommender import _validation
from recommender._sparse import Person
from recommender._sparse import RatingMatrix
from recommender._sparse import build_rating_matrix
from recommender._validation import plain_id
from recommender.aggregate import get_aggregation
from recommender.batch import failure_reason
from recommender.batch import neighbourhood_sums
from recommender.batch import pair_estimates
from recommender.centering import CENTRED_VALUES
from recommender.centering import uncentre
from recommender.configurations import CONFIGURATIONS
from recommender.errors import ConfigurationError
from recommender.errors import NotFittedError
from recommender.evidence_search import TopItems
from recommender.evidence_search import best_items
from recommender.evidence_search import top_by_evidence
from recommender.neighbourhood import ItemNeighbourhoods
from recommender.neighbourhood import PairSums
from recommender.neighbourhood import item_sums
from recommender.neighbourhood import neighbour_ratings
from recommender.neighbourhood import neighbours_for_items
from recommender.neighbourhood import person_neighbourhoods
from recommender.parameters import Parameters
from recommender.person_query import PersonGather
from recommender.rating_arrays import RatingArrays
from recommender.results import Neighbour
from recommender.results import PredictionDetail
from recommender.results import Recommendation
from recommender.scoring import confidence
from recommender.scoring import evidence_scores
from recommender.similarity import Community
from recommender.similarity import compare
from recommender.similarity import get_similarity

logger = logging.getLogger(__name__)


class UserKNN(Parameters):
    """User-based k-nearest-neighbours recommender, in scikit-learn style.

    Parameters
    ----------
    k:
        Most neighbours per (person, item).
    min_k:
        Fewest neighbours for a neighbourhood estimate; fewer gives the baseline.
    similarity:
        A name from :data:`recommender.similarity.SIMILARITIES`.
    centering:
        What neighbours' ratings are centred on before averaging: ``"baseline"``
        (``z = r - b_vi``, ``o = b_ui``), ``"mean"`` (``z = r - mu_v``, ``o = mu_u``),
        ``"zscore"`` (``z = (r - mu_v) / sigma_v``, ``o = mu_u``, scaled by ``sigma_u``) or
        ``"none"`` (raw ratings).
    min_overlap:
        Fewest items in common for two people to be compared at all.
    shrinkage:
        ``lambda`` of :func:`recommender.similarity.shrink`; 0 disables it.
    min_similarity:
        Neighbours need a similarity strictly above this.
    neighbourhood:
        ``"item"`` (k most similar among each item's raters) or ``"global"`` (k most similar
        overall).
    aggregation:
        A name from :data:`recommender.aggregate.AGGREGATIONS`.
    damping:
        Phantom neighbour weight of :func:`recommender.aggregate.weighted_average`. The
        default 0.2 keeps an item backed by one weakly similar neighbour near the baseline
        (MovieLens 100K 5-fold RMSE 0.9215 -> 0.9160; latest-small 0.878 -> 0.849).
    ranking:
        How ``recommend`` orders items: ``"evidence"`` (how many people alike liked it, see
        :func:`recommender.scoring.evidence_scores`) or ``"rating"`` (predicted rating only).
    ranking_similarity:
        The measure that picks the people whose evidence counts (a similarity name).
    user_regularisation, item_regularisation:
        ``lambda_u`` and ``lambda_i`` of the baseline.

    Attributes
    ----------
    rating_scale_:
        ``(lowest, highest)`` rating seen in ``fit``; predictions are clipped to it.
    n_users_, n_items_:
        Size of the fitted community.
    """

    def __init__(
        self,
        k: int = 40,
        min_k: int = 1,
        similarity: str = "pearson_baseline",
        centering: str = "baseline",
        min_overlap: int = 1,
        shrinkage: float = 100.0,
        min_similarity: float = 0.0,
        neighbourhood: str = "item",
        aggregation: str = "weighted_average",
        damping: float = 0.2,
        ranking: str = "evidence",
        ranking_similarity: str = "jaccard",
        user_regularisation: float = 15.0,
        item_regularisation: float = 10.0,
    ) -> None:
        self.k = k
        self.min_k = min_k
        self.similarity = similarity
        self.centering = centering
        self.min_overlap = min_overlap
        self.shrinkage = shrinkage
        self.min_similarity = min_similarity
        self.neighbourhood = neighbourhood
        self.aggregation = aggregation
        self.damping = damping
        self.ranking = ranking
        self.ranking_similarity = ranking_similarity
        self.user_regularisation = user_regularisation
        self.item_regularisation = item_regularisation

    @classmethod
    def configuration(cls, name: str, **overrides: object) -> UserKNN:
        """A model in a named configuration (see :data:`CONFIGURATIONS`), with overrides."""
        if name not in CONFIGURATIONS:
            valid = ", ".join(sorted(CONFIGURATIONS))
            raise ConfigurationError(f"Unknown configuration {name!r}; choose one of: {valid}.")
        return cls(**{**CONFIGURATIONS[name], **overrides})

    # ------------------------------------------------------------------ fitting
    def fit(self, ratings: pd.DataFrame | RatingArrays) -> UserKNN:
        """Learn from ratings; returns self.

        ``ratings`` is a DataFrame with columns ``user``, ``item``, ``rating``, or the
        :class:`~recommender.rating_arrays.RatingArrays` of a stored community (used as they
        are, memory-mapped; what fitting derives is cached in their ``cache_dir``).
        """
        _validation.check_parameters(self)
        self.similarity_ = get_similarity(self.similarity)
        self.ranking_similarity_ = get_similarity(self.ranking_similarity)
        self.aggregate_ = get_aggregation(self.aggregation)
        if isinstance(ratings, RatingArrays):
            arrays = _validation.check_arrays(ratings)
        else:
            arrays = RatingArrays.from_frame(_validation.check_ratings(ratings))
        matrix = build_rating_matrix(
            arrays, float(self.user_regularisation), float(self.item_regularisation)
        )
        self.matrix_ = matrix
        self.rating_scale_ = matrix.rating_range
        self.n_users_, self.n_items_ = matrix.shape
        self.__dict__.pop("_batch_values_", None)
        self.__dict__.pop("_batch_residuals_", None)
        logger.info("Fitted UserKNN on %d ratings by %d people", arrays.n_ratings, self.n_users_)
        return self

    def _check_fitted(self) -> RatingMatrix:
        if not hasattr(self, "matrix_"):
            raise NotFittedError("This UserKNN is not fitted yet; call fit(ratings) first.")
        return self.matrix_

    # ------------------------------------------------------------- similarities
    def _person_similarities(
        self, gather: PersonGather, for_ranking: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """One person's similarity and overlap rows against everyone.

        ``for_ranking`` selects the evidence measure (never shrunk) instead of ``similarity``.
        """
        if for_ranking:
            return gather.similarities(self.ranking_similarity_, 0.0, int(self.min_overlap))
        return gather.similarities(self.similarity_, float(self.shrinkage), int(self.min_overlap))

    def _block_similarities(self, query_rows: np.ndarray) -> np.ndarray:
        """Similarity rows (``b x users``) of fitted people, for the batched ``predict``.

        The community's values as sparse matrices are built on the first call (they cost
        about 24 bytes per rating, which answering one person at a time never needs).
        """
        community = self.__dict__.get("_batch_values_")
        if community is None:
            matrix = self.matrix_
            community = Community.from_rows(matrix.csr(matrix.values(self.similarity_.values)))
            self.__dict__["_batch_values_"] = community
        if len(query_rows) == community.rows.shape[0]:
            query = community.rows  # everyone: products are symmetric
        else:
            query = community.rows[query_rows]
        shrinkage, min_overlap = float(self.shrinkage), int(self.min_overlap)
        return compare(self.similarity_, query, community, query_rows, shrinkage, min_overlap)[0]

    def _centred(self, hoods: ItemNeighbourhoods) -> np.ndarray:
        """The neighbours' centred ratings ``z`` (see :mod:`recommender.centering`)."""
        return self.matrix_.entry_values(
            CENTRED_VALUES[self.centering], hoods.user_rows, hoods.item_rows, hoods.ratings
        )

    def _person(self, user: Hashable | None, ratings: Mapping[Hashable, float] | None) -> Person:
        matrix = self._check_fitted()
        if (user is None) == (ratings is None):
            raise ConfigurationError("Give exactly one of user= or ratings=.")
        if ratings is not None:
            return matrix.new_person(_validation.check_person_ratings(ratings))
        row = matrix.users.get_indexer([user])[0]
        if row < 0:
            logger.info("Unknown user %r: answering as a person with no ratings", user)
            return matrix.new_person({})
        return matrix.fitted_person(int(row))

    # --------------------------------------------------------------- answering
    def neighbours(
        self,
        user: Hashable | None = None,
        ratings: Mapping[Hashable, float] | None = None,
        n: int = 20,
    ) -> list[Neighbour]:
        """The ``n`` people most similar to ``user`` (or to a new person's ``ratings``).

        Only people above ``min_similarity`` who share at least ``min_overlap`` items count.
        """
        person = self._person(user, ratings)
        n = _validation.check_count(n, "n")
        if len(person.item_rows) == 0:
            return []
        similarities, overlaps = self._person_similarities(PersonGather(self.matrix_, person))
        candidates = np.flatnonzero(similarities > float(self.min_similarity))
        order = np.argsort(-similarities[candidates], kind="stable")[:n]
        users = self.matrix_.users
        return [
            Neighbour(plain_id(users[row]), float(similarities[row]), int(overlaps[row]))
            for row in candidates[order]
        ]

    def recommend(
        self,
        user: Hashable | None = None,
        ratings: Mapping[Hashable, float] | None = None,
        n: int = 10,
        exclude_seen: bool = True,
        candidates: Sequence[Hashable] | None = None,
        exclude: Collection[Hashable] | None = None,
    ) -> list[Recommendation]:
        """The ``n`` items with the most evidence of appeal, best first, each explained.

        ``score`` orders the list: with ``ranking="evidence"`` it is
        :func:`recommender.scoring.evidence_scores` over the ``k`` people most alike by
        ``ranking_similarity`` who rated the item; with ``ranking="rating"`` it is the predicted
        rating. ``predicted_rating`` is the neighbourhood estimate on the community's scale
        (the baseline when no neighbour by ``similarity`` rated it); ``confidence`` grows with
        the total similarity behind that estimate; ``neighbours`` are the people behind it,
        most similar first. Items need at least ``min_k`` neighbours to be recommended.
        ``candidates`` restricts the items considered and ``exclude`` leaves items out (hidden
        or already seen elsewhere); ids the community does not know are ignored in both.
        """
        person = self._person(user, ratings)
        n = _validation.check_count(n, "n")
        matrix = self.matrix_
        if len(person.item_rows) == 0 or n == 0:
            return []
        eligible = np.ones(matrix.shape[1], dtype=bool)
        if exclude_seen:
            eligible[person.item_rows] = False
        if candidates is not None:
            allowed = np.zeros(matrix.shape[1], dtype=bool)
            rows = matrix.items.get_indexer(list(candidates))
            allowed[rows[rows >= 0]] = True
            eligible &= allowed
        if exclude:
            rows = matrix.items.get_indexer(list(exclude))
            eligible[rows[rows >= 0]] = False
        gather = PersonGather(matrix, person)
        top = self._top_items(person, gather, eligible, n)
        similarities = self._person_similarities(gather)[0]
        hoods, bounds = neighbours_for_items(
            matrix,
            similarities,
            top.items,
            float(self.min_similarity),
            int(self.k),
            self.neighbourhood,
        )
        positions = np.repeat(np.arange(len(top.items)), np.diff(bounds))
        sums = item_sums(positions, hoods, self._centred(hoods), len(top.items))
        predicted = self._person_estimates(person, top.items, sums)
        baseline = self._clip(self._baseline_estimates(person, top.items))
        neighbours = neighbour_ratings(matrix, hoods)
        return [
            Recommendation(
                item=plain_id(item),
                score=float(top.scores[j]),
                predicted_rating=float(predicted[j]),
                confidence=confidence(sums.weight_total[j]),
                neighbours=tuple(neighbours[bounds[j] : bounds[j + 1]]),
                baseline_rating=float(baseline[j]),
            )
            for j, item in enumerate(matrix.items[top.items])
        ]

    def _top_items(
        self, person: Person, gather: PersonGather, eligible: np.ndarray, n: int
    ) -> TopItems:
        """The ``n`` eligible items ``recommend`` lists, by ``ranking``.

        Evidence over each item's own neighbours is searched without scoring every item
        (:func:`recommender.evidence_search.top_by_evidence`); the other rankings score every
        item the candidate neighbours rated.
        """
        matrix = self.matrix_
        n_items = matrix.shape[1]
        k, min_k, min_similarity = int(self.k), int(self.min_k), float(self.min_similarity)
        if self.ranking == "evidence":
            evidence = self._person_similarities(gather, for_ranking=True)[0]
            if self.neighbourhood == "item":
                return top_by_evidence(matrix, evidence, eligible, n, k, min_k, min_similarity)
            hoods = person_neighbourhoods(matrix, evidence, min_similarity, k, self.neighbourhood)
            scores = evidence_scores(hoods, n_items)
            support = np.bincount(hoods.item_rows, minlength=n_items)
        else:
            similarities = self._person_similarities(gather)[0]
            everything = person_neighbourhoods(
                matrix, similarities, min_similarity, k, self.neighbourhood
            )
            sums = item_sums(everything.item_rows, everything, self._centred(everything), n_items)
            scores = self._person_estimates(person, np.arange(n_items), sums)
            support = sums.count
        return best_items(np.arange(n_items), scores, support, eligible, n, min_k)

    def _person_estimates(
        self, person: Person, item_rows: np.ndarray, sums: PairSums
    ) -> np.ndarray:
        """Predicted ratings of one person for ``item_rows`` from their neighbourhood sums.

        Items with fewer than ``min_k`` neighbours get the baseline.
        """
        baseline_estimate = self._baseline_estimates(person, item_rows)
        agg = self.aggregate_(sums.weighted_sum, sums.weight_total, self.damping)
        estimate = uncentre(self.centering, agg, baseline_estimate, person.mean, person.std)
        enough = sums.count >= max(int(self.min_k), 1)
        return self._clip(np.where(enough, estimate, baseline_estimate))

    def _baseline_estimates(self, person: Person, item_rows: np.ndarray) -> np.ndarray:
        """``mu + b_u + b_i``: the estimate without neighbours (not yet clipped)."""
        baseline = self.matrix_.baseline
        return baseline.mean + person.bias + baseline.item_bias[item_rows]

    def predict(self, users: Sequence[Hashable], items: Sequence[Hashable]) -> np.ndarray:
        """Predicted ratings for the pairs ``(users[j], items[j])``; never NaN, within scale."""
        return self._predict(users, items)[0]

    def predict_details(
        self, users: Sequence[Hashable], items: Sequence[Hashable]
    ) -> list[PredictionDetail]:
        """Like :meth:`predict`, with how each estimate was made."""
        estimates, used, user_rows, item_rows = self._predict(users, items)
        min_k = max(int(self.min_k), 1)
        return [
            PredictionDetail(
                plain_id(user),
                plain_id(item),
                float(estimate),
                int(count),
                reason is not None,
                reason,
            )
            for user, item, estimate, count, reason in zip(
                users,
                items,
                estimates,
                used,
                map(failure_reason, user_rows, item_rows, used, [min_k] * len(used)),
                strict=True,
            )
        ]

    def _predict(
        self, users: Sequence[Hashable], items: Sequence[Hashable]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Estimates, neighbours used, and the pairs' user and item rows (-1 = unknown)."""
        matrix = self._check_fitted()
        users, items = _validation.check_pairs(users, items)
        user_rows = matrix.users.get_indexer(users)
        item_rows = matrix.items.get_indexer(items)
        sums = neighbourhood_sums(
            self._block_similarities,
            matrix,
            self._batch_residuals(),
            user_rows,
            item_rows,
            float(self.min_similarity),
            int(self.k),
            self.neighbourhood,
        )
        estimates = pair_estimates(
            matrix,
            sums,
            user_rows,
            item_rows,
            self.aggregate_(sums.weighted_sum, sums.weight_total, self.damping),
            self.centering,
            int(self.min_k),
        )
        return self._clip(estimates), sums.count, user_rows, item_rows

    def _batch_residuals(self) -> np.ndarray:
        """Every rating's centred value, person-major (built on the first batched call)."""
        residuals = self.__dict__.get("_batch_residuals_")
        if residuals is None:
            residuals = self.matrix_.values(CENTRED_VALUES[self.centering])
            self.__dict__["_batch_residuals_"] = residuals
        return residuals

    def _clip(self, estimates: np.ndarray) -> np.ndarray:
        lowest, highest = self.rating_scale_
        return np.clip(np.nan_to_num(estimates, nan=self.matrix_.baseline.mean), lowest, highest)
