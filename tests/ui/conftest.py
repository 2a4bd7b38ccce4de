"""Fixtures for the interface tests: the real Workspace over a temporary data dir.

``app`` serves the real demo community; ``hostile_app`` serves a small community whose titles
try to inject markup and script, to prove every page renders them as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from uitest_support import Person
from uitest_support import hostile_community

from recommender.workspace import Workspace
from ui import create_app


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A fresh person's workspace on the embedded demo community."""
    workspace = Workspace(tmp_path / "data")
    yield workspace
    workspace.store.close()


@pytest.fixture
def app(workspace: Workspace) -> Flask:
    return create_app({"WORKSPACE": workspace, "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf(app: Flask) -> dict[str, str]:
    """The header a Kindred page sends with every change."""
    return {"X-CSRF-Token": app.config["CSRF_TOKEN"]}


@pytest.fixture
def hostile_workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path / "hostile-data", community=hostile_community())
    yield workspace
    workspace.store.close()


@pytest.fixture
def hostile_app(hostile_workspace: Workspace) -> Flask:
    return create_app({"WORKSPACE": hostile_workspace, "TESTING": True})


@pytest.fixture
def person(client: FlaskClient, csrf: dict[str, str]) -> Person:
    return Person(client, csrf)
