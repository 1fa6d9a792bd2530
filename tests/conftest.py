"""Fixtures: a tiny catalogue in tests/data/, and the project's own data for tests/test_*.py.

Every test starts with no ``AWARDGRAPH_*`` variable set, so the machine's environment
cannot change what a test sees.

The built catalogues (``publication``, ``fixture_publication``) come in two stores, and
every test that uses them runs on both: ``embedded`` (Oxigraph in this process) and
``remote`` (a real ``oxigraph serve`` on a loopback port, reached over the SPARQL
Protocol). ``pytest -k remote`` runs the remote half alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from awardgraph.build import Publication, build
from awardgraph.catalogue import Catalogue
from awardgraph.config import ENV_PREFIX, Config
from awardgraph.web import create_app

from .oxigraph import OxigraphServer
from .support import DATA, FIXTURE_SETTINGS, ROOT

STORES = ("embedded", "remote")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            monkeypatch.delenv(name)


@pytest.fixture
def fixture_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point every setting at tests/data/ through the environment, as a user would."""
    env = {ENV_PREFIX + "ROOT": str(DATA)}
    env |= {ENV_PREFIX + name.upper(): value for name, value in FIXTURE_SETTINGS.items()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def config(fixture_env: dict[str, str]) -> Config:
    return Config.load()


@pytest.fixture
def runner(fixture_env: dict[str, str]) -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def oxigraph_servers() -> Iterator[dict[str, str]]:
    """Two Oxigraph servers, one per catalogue, by name: their query endpoints."""
    with OxigraphServer() as project, OxigraphServer() as fixture:
        yield {"project": project.query_url, "fixture": fixture.query_url}


def _built(request: pytest.FixtureRequest, name: str, **settings: str | Path) -> Publication:
    if request.param == "remote":
        settings["store"] = request.getfixturevalue("oxigraph_servers")[name]
    with pytest.MonkeyPatch.context() as patch:
        for variable in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
            patch.delenv(variable)
        return build(Config.load(**settings))


@pytest.fixture(scope="session", params=STORES)
def fixture_publication(request: pytest.FixtureRequest) -> Publication:
    """The tiny catalogue, built once in each store."""
    return _built(request, "fixture", root=DATA, **FIXTURE_SETTINGS)


@pytest.fixture(scope="session", params=STORES)
def publication(request: pytest.FixtureRequest) -> Publication:
    """The project's own catalogue (data/, ontology/, queries/), built once in each store."""
    return _built(request, "project", root=ROOT)


@pytest.fixture
def make_app(publication: Publication) -> Callable[..., Flask]:
    """A web app over the project's catalogue (built once), with settings changed by keyword."""

    def make(**settings: Any) -> Flask:
        config = replace(Config.load(root=ROOT), **settings)
        app = create_app(catalogue=Catalogue(config, publication))
        app.testing = True
        return app

    return make


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app().test_client()
