"""``store_default_graph``: a named graph standing in for the server's default graph.

What Virtuoso needs (tests/test_virtuoso.py), checked here on a real Oxigraph server: the
same answers as the embedded store, the stand-in graph invisible to ``GRAPH ?g``, and a
load that replaces only the graphs awardgraph loaded before.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from rdflib import Dataset

from awardgraph.build import Publication, build
from awardgraph.config import ENV_PREFIX, Config
from awardgraph.errors import ConfigError
from awardgraph.remote import RemoteStore

from .oxigraph import OxigraphServer
from .support import DATA, FIXTURE_SETTINGS, QUADS, TRIPLES, same_dataset

STAND_IN = "urn:x-awardgraph:default"
FOREIGN = "urn:x-elsewhere:graph"
GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def server() -> Iterator[OxigraphServer]:
    with OxigraphServer() as running:
        yield running


def _built(**settings: str | Path) -> Publication:
    with pytest.MonkeyPatch.context() as patch:
        for variable in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
            patch.delenv(variable)
        return build(Config.load(root=DATA, **{**FIXTURE_SETTINGS, **settings}))


def _update(server: OxigraphServer, text: str) -> None:
    url = server.query_url.replace("/query", "/update")
    request = urllib.request.Request(
        url, data=text.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture(scope="module")
def loaded(server: OxigraphServer) -> Publication:
    """The fixture catalogue, loaded after a foreign graph and a stale awardgraph load."""
    _update(server, f"INSERT DATA {{ GRAPH <{FOREIGN}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    stale = _built(store=server.query_url, store_default_graph=STAND_IN)
    assert isinstance(stale.store, RemoteStore)
    graph = stale.store.graphs()[0]
    _update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:stale> <urn:b> <urn:c> }} }}")
    return _built(store=server.query_url, store_default_graph=STAND_IN)


def test_same_quads_and_triples_as_embedded(loaded: Publication) -> None:
    embedded = _built()
    assert len(loaded.store) == QUADS
    assert loaded.store.count_triples() == TRIPLES

    def dataset(publication: Publication) -> Dataset:
        out = BytesIO()
        publication.store.export("nquads", out)
        return Dataset().parse(data=out.getvalue(), format="nquads")

    assert same_dataset(dataset(loaded), dataset(embedded))


def test_stand_in_and_publication_graphs_are_not_named(loaded: Publication) -> None:
    embedded = _built()
    assert loaded.store.query(GRAPHS).rows == embedded.store.query(GRAPHS).rows
    stand_in = f"ASK {{ GRAPH <{STAND_IN}> {{ ?s ?p ?o }} }}"
    assert loaded.store.query(stand_in).boolean is False


def test_load_replaces_its_own_graphs_only(loaded: Publication, server: OxigraphServer) -> None:
    stale = "ASK { <urn:stale> ?p ?o }"
    assert loaded.store.query(stale, default_graphs=loaded.store.graphs()).boolean is False
    foreign = f"ASK {{ GRAPH <{FOREIGN}> {{ <urn:a> <urn:b> <urn:c> }} }}"
    assert loaded.store.query(foreign, named_graphs=[FOREIGN]).boolean is True


def test_a_query_naming_its_dataset_keeps_it(loaded: Publication) -> None:
    text = f"SELECT (COUNT(*) AS ?n) FROM <{FOREIGN}> WHERE {{ ?s ?p ?o }}"
    assert loaded.store.query(text).rows == [(1,)]


def test_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_PREFIX + "STORE_DEFAULT_GRAPH", STAND_IN)
    assert Config.load().store_default_graph == STAND_IN


def test_setting_must_be_an_iri() -> None:
    with pytest.raises(ConfigError) as error:
        Config.load(store_default_graph="default graph")
    assert str(error.value) == (
        "Setting store_default_graph must be an absolute IRI, such as "
        "urn:x-awardgraph:default, not 'default graph'. Set AWARDGRAPH_STORE_DEFAULT_GRAPH."
    )
