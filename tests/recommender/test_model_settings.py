"""Model options: validation in one sentence, storage of changes only, the Workspace refits."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender import model_settings
from recommender.errors import KindredError
from recommender.knn import UserKNN
from recommender.similarity import SIMILARITIES
from recommender.workspace import Workspace


class MemoryStore:
    def __init__(self, settings: dict | None = None) -> None:
        self.settings = dict(settings or {})

    def get_setting(self, key: str, default=None):
        return self.settings.get(key, default)

    def set_setting(self, key: str, value) -> None:
        self.settings[key] = value


def test_defaults_are_the_engines_defaults() -> None:
    model = model_settings.model_for({})
    assert model.get_params()["k"] == model_settings.DEFAULTS["k"] == 40
    assert model_settings.DEFAULTS["similarity"] == "pearson_baseline"


def test_the_similarity_choices_are_the_engines_registry() -> None:
    described = model_settings.describe_options({})
    similarity = next(o for o in described["options"] if o["name"] == "similarity")
    assert [choice["value"] for choice in similarity["choices"]] == list(SIMILARITIES)
    assert all(choice["description"] for choice in similarity["choices"])
    assert all(option["help"] and option["label"] for option in described["options"])


def test_values_are_converted_to_the_options_types() -> None:
    assert model_settings.validate_options({"k": 20.0, "shrinkage": 5, "similarity": "msd"}) == {
        "k": 20,
        "shrinkage": 5.0,
        "similarity": "msd",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"k": 0}, "Kindred people per title must be at least 1."),
        ({"k": 2.5}, "Kindred people per title must be a whole number."),
        ({"k": True}, "Kindred people per title must be a number."),
        ({"k": "10"}, "Kindred people per title must be a number."),
        ({"shrinkage": float("nan")}, "must be a finite number"),
        ({"min_similarity": 2}, "Least likeness must be at most 1."),
        ({"similarity": "euclid"}, "How likeness is measured must be one of: cosine"),
        ({"min_k": 3}, "Unknown model option 'min_k'"),
        (["k", 3], "must be an object"),
    ],
)
def test_bad_values_are_one_sentence_naming_the_option(options, message: str) -> None:
    with pytest.raises(KindredError, match=message.replace("(", r"\(")):
        model_settings.validate_options(options)


def test_only_changes_from_the_defaults_are_stored() -> None:
    store = MemoryStore()
    merged = model_settings.combined({"k": 40}, {"k": 10, "damping": 0.2})
    assert model_settings.store_options(store, merged) == {"k": 10}
    assert store.settings[model_settings.SETTING_KEY] == {"k": 10}
    assert model_settings.stored_options(store) == {"k": 10}


def test_a_stored_value_no_longer_valid_is_dropped_not_fatal(caplog) -> None:
    store = MemoryStore({model_settings.SETTING_KEY: {"k": -3, "retired": 1, "damping": 0.5}})
    assert model_settings.stored_options(store) == {"damping": 0.5}
    assert "ignoring the stored model option k" in caplog.text
    assert model_settings.stored_options(MemoryStore({model_settings.SETTING_KEY: "x"})) == {}


def test_workspace_refits_with_new_options_and_remembers_them(tmp_path: Path) -> None:
    with Workspace(tmp_path / "data") as workspace:
        fitted = workspace.model()
        assert fitted.k == 40
        answer = workspace.set_model_options({"k": 7, "similarity": "msd"})
        assert answer["changed"] == {"k": 7, "similarity": "msd"}
        refitted = workspace.model()
        assert refitted is not fitted
        assert (refitted.k, refitted.similarity) == (7, "msd")
        assert hasattr(refitted, "rating_scale_")
    with Workspace(tmp_path / "data") as reopened:
        assert (reopened.model().k, reopened.model().similarity) == (7, "msd")
        reopened.reset_model_options()
        assert reopened.model().k == 40
        assert reopened.model_options()["changed"] == {}


def test_bad_options_change_nothing(tmp_path: Path) -> None:
    with Workspace(tmp_path / "data") as workspace:
        workspace.set_model_options({"k": 12})
        fitted = workspace.model()
        with pytest.raises(KindredError, match="Titles in common must be at least 1"):
            workspace.set_model_options({"k": 30, "min_overlap": 0})
        assert workspace.model() is fitted
        assert workspace.model_options()["changed"] == {"k": 12}


def test_a_model_configured_by_its_caller_keeps_its_other_parameters(tmp_path: Path) -> None:
    textbook = UserKNN.configuration("textbook")
    with Workspace(tmp_path / "data", model=textbook) as workspace:
        workspace.set_model_options({"k": 9})
        model = workspace.model()
        assert (model.k, model.neighbourhood, model.ranking) == (9, "global", "rating")
        assert workspace.model_options()["changed"]["k"] == 9
