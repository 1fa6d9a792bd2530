"""The catalogue on a real Virtuoso answers as the embedded store does (opt-in).

Runs only with ``AWARDGRAPH_TEST_VIRTUOSO=1`` (``make test-virtuoso``) and Debian's
``virtuoso-opensource`` installed: a throwaway Virtuoso (``tests/virtuoso.py``) is
loaded with the project's catalogue through the ``store_default_graph`` setting, and
each answer is compared with the embedded store's: every canned query (rows as
multisets), the SPARQL endpoint, entity pages and the N-Quads export.

Known differences, compared away: Virtuoso keeps ``xsd:boolean`` values as numbers and
writes ``false`` back as ``"0"^^xsd:boolean`` (the same value, another term, see
``canonical``); and it returns solutions in another order, which entity pages show
(statements, their source numbers), so pages are compared as multisets of lines without
source numbers. Known failures (Virtuoso 7.2.5 bugs) are marked ``xfail``.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.compare import isomorphic

from awardgraph.build import Publication, build
from awardgraph.catalogue import Catalogue
from awardgraph.config import ENV_PREFIX, Config
from awardgraph.queries import load_queries
from awardgraph.remote import RemoteStore
from awardgraph.web import create_app

from .support import BASE, ROOT
from .test_queries import EXPECTED
from .virtuoso import DEFAULT_GRAPH, VirtuosoServer

# Read at import: conftest.py clears every AWARDGRAPH_* variable before each test.
OPTED_IN = os.environ.get(ENV_PREFIX + "TEST_VIRTUOSO") == "1"
pytestmark = pytest.mark.skipif(
    not OPTED_IN, reason="needs Virtuoso; opt in with AWARDGRAPH_TEST_VIRTUOSO=1"
)

BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
CANNED = load_queries(ROOT / "queries")
PREFIXES = (
    "PREFIX ag: <https://awardgraph.example/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
)
ENDPOINT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "quads": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "per-class": "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c",
    "labels": PREFIXES + "SELECT ?award ?label WHERE { ?award a ag:AwardType ; rdfs:label ?label }",
    "sentences": PREFIXES
    + "SELECT ?citation ?quote WHERE { ?citation a ag:Citation ; ag:quote ?quote }",
    "ask": PREFIXES + "ASK { ?a a ag:AwardType }",
}
PAGES = (
    "award/medal-for-valiant-labor",
    "citation/labor-medals-04",
    "specimen/medal-for-distinguished-labor-unnumbered",
    "",  # the home page
    "timeline",
    "search?q=labor",
    "queries/describe?resource=organization/mopr",
)
SUBCLASS_BUG = (
    "Virtuoso 7.2.5 drops rows when rdfs:subClassOf* meets a FILTER on another pattern's "
    "language (1 row of 4)"
)
CITE = re.compile(r'<a class="cite" href="#source-\d+" aria-label="source \d+">\[\d+\]</a>')


def canonical(term: Any) -> Any:
    """``term``, with an ``xsd:boolean`` in its canonical form (Virtuoso writes 0 and 1)."""
    if isinstance(term, ox.Literal) and term.datatype == BOOLEAN:
        return ox.Literal("true" if term.value in ("1", "true") else "false", datatype=BOOLEAN)
    return term


def _built(**settings: str | Path) -> Publication:
    with pytest.MonkeyPatch.context() as patch:
        for variable in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
            patch.delenv(variable)
        return build(Config.load(root=ROOT, **settings))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module")
def embedded() -> Publication:
    return _built()


@pytest.fixture(scope="module")
def loaded(virtuoso: VirtuosoServer) -> Publication:
    """The catalogue loaded into Virtuoso twice: the second load replaces the first."""
    _built(store=virtuoso.query_url, store_default_graph=DEFAULT_GRAPH)
    return _built(store=virtuoso.query_url, store_default_graph=DEFAULT_GRAPH)


def _app(publication: Publication) -> Flask:
    app = create_app(catalogue=Catalogue(replace(Config.load(root=ROOT)), publication))
    app.testing = True
    return app


@pytest.fixture(scope="module")
def clients(embedded: Publication, loaded: Publication) -> tuple[FlaskClient, FlaskClient]:
    return _app(embedded).test_client(), _app(loaded).test_client()


def test_load_holds_the_same_quads_and_triples(
    embedded: Publication, loaded: Publication, virtuoso: VirtuosoServer
) -> None:
    store = loaded.store
    assert isinstance(store, RemoteStore)
    assert len(store) == len(embedded.store) == 1242
    assert store.count_triples() == embedded.store.count_triples() == 1220
    assert store.publication() == (embedded.stamp.digest, embedded.stamp.modified)
    assert len(store.graphs()) == 57  # one per cited sentence, and the ontology's


def test_virtuoso_keeps_its_own_graphs(loaded: Publication, virtuoso: VirtuosoServer) -> None:
    """Loading drops only awardgraph's graphs: Virtuoso's system graphs stay."""
    assert "virtrdf#" in virtuoso.sql("SPARQL SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } };")
    system = loaded.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> "
        "{ ?s ?p ?o } }",
        named_graphs=["http://www.openlinksw.com/schemas/virtrdf#"],
    )
    (count,) = system.rows[0]
    assert int(count) > 1000


def test_nquads_export_is_the_dataset(embedded: Publication, loaded: Publication) -> None:
    def quads(publication: Publication) -> Counter[ox.Quad]:
        out = BytesIO()
        publication.store.export("nquads", out)
        parsed = ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS)
        return Counter(
            ox.Quad(q.subject, q.predicate, canonical(q.object), q.graph_name) for q in parsed
        )

    expected = quads(embedded)
    assert len(expected) == 1242
    assert quads(loaded) == expected


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=SUBCLASS_BUG))
        if n == "inscriptions"
        else n
        for n in sorted(CANNED)
    ],
)
def test_canned_query_gives_the_same_rows(
    embedded: Publication, loaded: Publication, name: str
) -> None:
    query = CANNED[name]
    params = query.bindings(EXPECTED[name][0], BASE)

    def rows(publication: Publication) -> Counter[tuple[Any, ...]]:
        result = publication.store.query(query.text, params)
        return Counter(tuple(canonical(term) for term in row) for row in result.rows)

    expected = rows(embedded)
    assert expected, f"{name} gives no rows on the embedded store"
    assert rows(loaded) == expected


def _solutions(client: FlaskClient, query: str) -> Any:
    response = client.post(
        "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.mimetype == "application/sparql-results+json", response.get_data(True)
    answer = json.loads(response.get_data())
    if "boolean" in answer:
        return answer["boolean"]
    bindings = answer["results"]["bindings"]
    return Counter(json.dumps(row, sort_keys=True) for row in bindings)


@pytest.mark.parametrize("name", sorted(ENDPOINT_QUERIES))
def test_sparql_endpoint_gives_the_same_answers(
    clients: tuple[FlaskClient, FlaskClient], name: str
) -> None:
    on_embedded, on_virtuoso = clients
    expected = _solutions(on_embedded, ENDPOINT_QUERIES[name])
    assert expected
    assert _solutions(on_virtuoso, ENDPOINT_QUERIES[name]) == expected


def test_sparql_endpoint_counts(clients: tuple[FlaskClient, FlaskClient]) -> None:
    """COUNTs over the merge are not doubled by a triple stated in two graphs."""
    _, on_virtuoso = clients
    for name, count in (("triples", 1220), ("quads", 1004), ("graphs", 57)):
        (row,) = _solutions(on_virtuoso, ENDPOINT_QUERIES[name])
        assert json.loads(row)["n"]["value"] == str(count), name


def test_construct_through_the_endpoint(clients: tuple[FlaskClient, FlaskClient]) -> None:
    query = PREFIXES + "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a ag:AwardType ; rdfs:label ?l }"

    def graph(client: FlaskClient) -> Graph:
        response = client.post("/sparql", data={"query": query}, headers={"Accept": "text/turtle"})
        assert response.mimetype == "text/turtle", response.get_data(True)
        return Graph().parse(data=response.get_data(True), format="turtle")

    expected = graph(clients[0])
    assert len(expected) == 9
    assert isomorphic(graph(clients[1]), expected)


def _lines(page: str) -> Counter[str]:
    """A page's lines, without source numbers, booleans written as the embedded store does."""
    page = CITE.sub("", page)
    page = page.replace('title="&#34;0&#34;^^xsd:boolean"', 'title="false"')
    page = page.replace('title="&#34;1&#34;^^xsd:boolean"', 'title="true"')
    return Counter(line.strip() for line in page.splitlines())


@pytest.mark.parametrize("path", PAGES)
def test_page_says_the_same(clients: tuple[FlaskClient, FlaskClient], path: str) -> None:
    pages = [c.get(f"/{path}", headers={"Accept": "text/html"}) for c in clients]
    assert pages[0].status_code == 200 and pages[0].mimetype == "text/html"
    assert _lines(pages[1].get_data(True)) == _lines(pages[0].get_data(True))


@pytest.mark.xfail(
    strict=True,
    reason="dataset-example.rq with its VALUES row first runs past the 10 s limit on "
    "Virtuoso 7.2.5 (0.01 s embedded; with the row last Virtuoso finds no row)",
)
def test_dataset_description_page(clients: tuple[FlaskClient, FlaskClient]) -> None:
    pages = [c.get("/.well-known/void", headers={"Accept": "text/html"}) for c in clients]
    assert pages[0].status_code == 200
    assert _lines(pages[1].get_data(True)) == _lines(pages[0].get_data(True))


@pytest.mark.parametrize("path", [*PAGES[:3], "organization/mopr"])
def test_entity_turtle_is_the_same(clients: tuple[FlaskClient, FlaskClient], path: str) -> None:
    graphs = [
        Graph().parse(data=c.get(f"/{path}.ttl").get_data(True), format="turtle") for c in clients
    ]
    assert len(graphs[0]) > 3
    assert isomorphic(graphs[1], graphs[0])


def test_bad_query_says_where(clients: tuple[FlaskClient, FlaskClient]) -> None:
    response = clients[1].post(
        "/sparql",
        data={"query": "SELECT ?s WHERE { ?s ?p }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    message = json.loads(response.get_data())
    text = json.dumps(message)
    assert "SPARQL store refused the query" in text and "SPARQL query:" not in text
