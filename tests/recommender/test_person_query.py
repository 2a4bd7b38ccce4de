"""One person's similarities from their items' slices equal the sparse products over all."""

from __future__ import annotations

import numpy as np
import pytest
from test_evidence_search import generated_community

from recommender.knn import UserKNN
from recommender.person_query import PersonGather
from recommender.similarity import SIMILARITIES


@pytest.mark.parametrize("name", sorted(SIMILARITIES))
@pytest.mark.parametrize("shrinkage", [0.0, 25.0])
def test_gathered_similarities_equal_the_sparse_products(name: str, shrinkage: float) -> None:
    model = UserKNN(similarity=name, shrinkage=shrinkage, min_overlap=2)
    model.fit(generated_community(3, users=120, items=60))
    matrix = model.matrix_
    rows = np.arange(0, matrix.shape[0], 7)
    by_products = model._block_similarities(rows)
    for position, row in enumerate(rows):
        gathered, overlap = model._person_similarities(
            PersonGather(matrix, matrix.fitted_person(int(row)))
        )
        np.testing.assert_allclose(gathered, by_products[position], rtol=1e-5, atol=1e-6)
        assert gathered[row] == -np.inf  # never one's own neighbour
        assert np.all(np.isneginf(gathered[overlap < 2]))


def test_a_new_person_is_compared_on_known_items_only() -> None:
    model = UserKNN(similarity="jaccard").fit(generated_community(4, users=50, items=30))
    person = model.matrix_.new_person({"i0": 4.0, "i1": 2.0, "not in the community": 5.0})
    similarities, overlap = model._person_similarities(PersonGather(model.matrix_, person))
    assert overlap.max() <= 2
    assert similarities.dtype == np.float32
    assert np.isfinite(similarities).sum() == np.count_nonzero(overlap)
