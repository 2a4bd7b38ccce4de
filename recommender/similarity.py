"""How alike two people's tastes are: pure similarity functions, registered by name.

Every function has one signature, ``(query, community) -> similarities``: ``query`` is a sparse
``b x items`` matrix (one row per person asking), ``community`` a :class:`Community` (the
``users x items`` values, kept also item-major so products need no transposition), and the
answer a dense ``b x users`` array. A stored entry means "rated"; its value is
whatever the registered measure asks for (raw ratings, ratings minus the person's mean, or
ratings minus the baseline ``b_ui``). Nothing here ever builds a ``users x users`` matrix:
callers pass a handful of query rows at a time.

Below, ``x`` and ``y`` are two people's value vectors, ``I_x`` and ``I_y`` the items each rated
and ``C = I_x \\cap I_y`` the items both rated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from recommender.errors import ConfigurationError

Values = Literal["raw", "mean_centred", "baseline_residual", "binary"]
SimilarityFunction = Callable[[sp.csr_matrix, "Community"], np.ndarray]


def _pattern(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The same sparsity pattern with every stored value 1: "rated"."""
    return sp.csr_matrix(
        (np.ones_like(matrix.data), matrix.indices, matrix.indptr), shape=matrix.shape
    )


def _squared(matrix: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix((matrix.data**2, matrix.indices, matrix.indptr), shape=matrix.shape)


def _columns(query: sp.csr_matrix) -> np.ndarray:
    """The query as a dense, C-ordered ``items x b`` float32 array: the right-hand side of a
    sparse x dense product, which streams through the community once per stored rating."""
    columns = np.zeros((query.shape[1], query.shape[0]), dtype=np.float32)
    columns[query.indices, np.repeat(np.arange(query.shape[0]), np.diff(query.indptr))] = query.data
    return columns


def _times(community_part: sp.csr_matrix, columns: np.ndarray) -> np.ndarray:
    """``(community_part @ columns).T``: a ``b x users`` float32 view, not copied."""
    return (community_part @ columns).T


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, and 0 where the denominator is 0 (nothing to compare)."""
    out = np.zeros(np.shape(numerator), dtype=np.result_type(numerator, denominator))
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


@dataclass(frozen=True)
class Community:
    """The people compared against: their ``rows`` (users x items) and two derived copies.

    ``rated`` holds 1 wherever ``rows`` holds a value and ``squared`` the squared values. The
    products below use float32 (about 7 significant digits, ample for similarities) because
    scipy's sparse x dense product is several times faster in it.
    """

    rows: sp.csr_matrix
    rated: sp.csr_matrix
    squared: sp.csr_matrix
    sizes: np.ndarray

    @classmethod
    def from_rows(cls, rows: sp.csr_matrix) -> Community:
        rows = sp.csr_matrix(rows, dtype=np.float32)
        return cls(rows, _pattern(rows), _squared(rows), np.diff(rows.indptr))


def overlap(query: sp.csr_matrix, community: Community) -> np.ndarray:
    """How many items both people rated: ``|I_x \\cap I_y|``."""
    return np.rint(_times(community.rated, _columns(_pattern(query))))


def _corated_sums(
    query: sp.csr_matrix, community: Community
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``sum x y``, ``sum x^2`` and ``sum y^2`` over the co-rated items ``C``."""
    products = _times(community.rows, _columns(query))
    query_energy = _times(community.rated, _columns(_squared(query)))
    if query is community.rows:  # everyone against everyone: the sums mirror each other
        return products, query_energy, query_energy.T
    community_energy = _times(community.squared, _columns(_pattern(query)))
    return products, query_energy, community_energy


def cosine(query: sp.csr_matrix, community: Community) -> np.ndarray:
    """Cosine of the full rating vectors, unrated items counting as 0 (the textbook measure).

    .. math::  s(x, y) = \\frac{\\sum_{i \\in C} x_i y_i}
                              {\\sqrt{\\sum_{i \\in I_x} x_i^2} \\sqrt{\\sum_{i \\in I_y} y_i^2}}

    Computed by scikit-learn's ``cosine_similarity`` on the sparse rows. Because the norms run
    over everything each person rated, two people who agree on their few shared items but rated
    many others score low. scikit-learn is imported here, not at the top, so that importing the
    engine stays cheap (``sklearn.metrics`` costs about a second to import).
    """
    from sklearn.metrics.pairwise import cosine_similarity

    return np.asarray(cosine_similarity(query, community.rows, dense_output=True))


def corated_cosine(query: sp.csr_matrix, community: Community) -> np.ndarray:
    """Cosine restricted to the items both people rated.

    .. math::  s(x, y) = \\frac{\\sum_{i \\in C} x_i y_i}
                              {\\sqrt{\\sum_{i \\in C} x_i^2 \\; \\sum_{i \\in C} y_i^2}}

    On mean-centred values this is Pearson correlation; on baseline residuals it is Surprise's
    ``pearson_baseline``. Each of the three sums is one sparse product.
    """
    products, query_energy, community_energy = _corated_sums(query, community)
    return _safe_divide(products, np.sqrt(query_energy * community_energy))


def msd(query: sp.csr_matrix, community: Community) -> np.ndarray:
    """Inverse mean squared difference over the items both rated (Surprise's ``msd``).

    .. math::  s(x, y) = \\frac{1}{1 + \\frac{1}{|C|} \\sum_{i \\in C} (x_i - y_i)^2}

    and 0 when ``C`` is empty. The squared difference expands into three sparse products:
    ``sum x^2 + sum y^2 - 2 sum x y`` over ``C``.
    """
    counts = overlap(query, community)
    products, query_energy, community_energy = _corated_sums(query, community)
    squared_difference = np.maximum(query_energy + community_energy - 2.0 * products, 0.0)
    mean_squared_difference = _safe_divide(squared_difference, counts)
    return np.where(counts > 0, 1.0 / (1.0 + mean_squared_difference), 0.0)


def jaccard(query: sp.csr_matrix, community: Community) -> np.ndarray:
    """Share of items in common, ignoring the rating values.

    .. math::  s(x, y) = \\frac{|I_x \\cap I_y|}{|I_x \\cup I_y|}
    """
    counts = overlap(query, community)
    query_sizes = np.diff(query.indptr)[:, None]
    community_sizes = community.sizes[None, :]
    return _safe_divide(counts, query_sizes + community_sizes - counts)


class CoratedSums(Protocol):
    """One person ``x`` against everyone ``y``: the sums every measure is made of.

    Arrays over the community's people: ``overlap`` ``|C|``, ``products`` ``sum_C x y``,
    ``query_energy`` ``sum_C x^2``, ``community_energy`` ``sum_C y^2``; and ``query_size``
    ``|I_x|``, ``community_sizes`` ``|I_y|``, ``query_norm`` and ``community_norms`` (the
    norms of the full value vectors, for :func:`cosine`). Gathered over the items the person
    rated only (see :mod:`recommender.person_query`), so a single person costs time in
    proportion to those items' ratings, not to the whole community.
    """

    overlap: np.ndarray
    products: np.ndarray
    query_energy: np.ndarray
    community_energy: np.ndarray
    query_size: int
    community_sizes: np.ndarray
    query_norm: float
    community_norms: np.ndarray | None


def cosine_from_sums(sums: CoratedSums) -> np.ndarray:
    """:func:`cosine` from the sums: ``sum_C x y / (|x| |y|)``."""
    if sums.community_norms is None:
        raise ValueError("the full-vector cosine needs the community's norms")
    return _safe_divide(sums.products, sums.query_norm * sums.community_norms)


def corated_cosine_from_sums(sums: CoratedSums) -> np.ndarray:
    """:func:`corated_cosine` from the sums: ``sum_C x y / sqrt(sum_C x^2 sum_C y^2)``."""
    return _safe_divide(sums.products, np.sqrt(sums.query_energy * sums.community_energy))


def msd_from_sums(sums: CoratedSums) -> np.ndarray:
    """:func:`msd` from the sums: ``1 / (1 + (sum_C x^2 + sum_C y^2 - 2 sum_C x y) / |C|)``."""
    squared_difference = sums.query_energy + sums.community_energy - 2.0 * sums.products
    np.maximum(squared_difference, 0.0, out=squared_difference)
    mean_squared_difference = _safe_divide(squared_difference, sums.overlap)
    return np.where(sums.overlap > 0, 1.0 / (1.0 + mean_squared_difference), 0.0)


def jaccard_from_sums(sums: CoratedSums) -> np.ndarray:
    """:func:`jaccard` from the sums: ``|C| / (|I_x| + |I_y| - |C|)``."""
    union = sums.query_size + sums.community_sizes - sums.overlap
    return _safe_divide(sums.overlap, union)


@dataclass(frozen=True)
class Similarity:
    """A registered measure: the function and the values it compares."""

    name: str
    function: SimilarityFunction
    values: Values
    description: str
    from_sums: Callable[[CoratedSums], np.ndarray]


SIMILARITIES: dict[str, Similarity] = {
    entry.name: entry
    for entry in (
        Similarity(
            "cosine",
            cosine,
            "raw",
            "cosine of raw rating vectors (scikit-learn)",
            cosine_from_sums,
        ),
        Similarity(
            "cosine_centred",
            cosine,
            "mean_centred",
            "cosine of mean-centred rating vectors (adjusted cosine)",
            cosine_from_sums,
        ),
        Similarity(
            "pearson",
            corated_cosine,
            "mean_centred",
            "Pearson correlation on co-rated items",
            corated_cosine_from_sums,
        ),
        Similarity(
            "pearson_baseline",
            corated_cosine,
            "baseline_residual",
            "Pearson correlation of baseline residuals on co-rated items",
            corated_cosine_from_sums,
        ),
        Similarity(
            "cosine_binary",
            cosine,
            "binary",
            "cosine of rated/not-rated vectors (implicit feedback)",
            cosine_from_sums,
        ),
        Similarity(
            "msd",
            msd,
            "raw",
            "inverse mean squared difference on co-rated items",
            msd_from_sums,
        ),
        Similarity(
            "jaccard", jaccard, "binary", "share of rated items in common", jaccard_from_sums
        ),
    )
}


def get_similarity(name: str) -> Similarity:
    """The registered measure called ``name``; a ConfigurationError lists the valid names."""
    if not isinstance(name, str) or name not in SIMILARITIES:
        valid = ", ".join(sorted(SIMILARITIES))
        raise ConfigurationError(f"Unknown similarity {name!r}; choose one of: {valid}.")
    return SIMILARITIES[name]


def shrink(similarities: np.ndarray, overlaps: np.ndarray, shrinkage: float) -> np.ndarray:
    """Discount similarities resting on few shared items (Koren 2010, eq. 2.4).

    .. math::  s'(x, y) = \\frac{|C| - 1}{|C| - 1 + \\lambda} \\, s(x, y)

    With ``lambda = 0`` the similarities are returned unchanged.
    """
    if shrinkage <= 0:
        return similarities
    support = overlaps - 1.0
    np.maximum(support, 0.0, out=support)
    shrunk = similarities * support
    support += shrinkage
    shrunk /= support
    return shrunk


def compare(
    measure: Similarity,
    query: sp.csr_matrix,
    community: Community,
    own_rows: np.ndarray,
    shrinkage: float,
    min_overlap: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Similarity and overlap rows (``b x users``, float32) of ``query`` against ``community``.

    The similarity is shrunk (:func:`shrink`; not when ``shrinkage`` is 0) and ``-inf``, "not
    comparable", where the two share fewer than ``min_overlap`` items and at ``own_rows[j]``
    for query row ``j`` (a person is never their own neighbour; -1 for someone outside the
    community).
    """
    similarities = measure.function(query, community)
    overlaps = overlap(query, community)
    # The measures return fresh arrays, so they may be changed in place (copied only when
    # not already C-ordered float32).
    similarities = np.ascontiguousarray(shrink(similarities, overlaps, shrinkage), np.float32)
    similarities[overlaps < max(int(min_overlap), 1)] = -np.inf
    fitted = own_rows >= 0
    similarities[np.flatnonzero(fitted), own_rows[fitted]] = -np.inf
    return similarities, overlaps
