"""The peer web apps that bench/endpoint.py and bench/pages.py serve, as factories for
gunicorn, waitress and uvicorn (run with bench/ as the working directory or app dir).

Each reads the catalogue from ``BENCH_DATA_DIR`` (its *.trig files, relative IRIs resolved
against ``BENCH_BASE_IRI``), because a WSGI or ASGI server calls the factory with no
arguments, once in every worker process.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, request
from rdflib import Dataset

SPARQL_JSON = "application/sparql-results+json"


def _files() -> tuple[str, list[Path]]:
    base = os.environ.get("BENCH_BASE_IRI", "https://awardgraph.example/")
    return base, sorted(Path(os.environ["BENCH_DATA_DIR"]).glob("*.trig"))


def hello_app() -> Flask:
    """The floor: what the WSGI server and Flask cost with no query and no data at all."""
    app = Flask("hello")

    @app.get("/sparql")
    def hello() -> Response:
        return Response('{"hello": "world"}', mimetype="application/json")

    return app


def hello_pages_app() -> Flask:
    """The floor of bench/pages.py: any path answers a few bytes of HTML, no data at all."""
    app = Flask("hello-pages")

    @app.get("/<path:path>")
    def hello(path: str) -> Response:
        return Response("<!doctype html><h1>Hello, world</h1>", mimetype="text/html")

    return app


def flask_pyoxigraph_app() -> Flask:
    """For orientation: one Flask route that runs the query on an in-memory pyoxigraph
    store over the union of the named graphs, with nothing else around it."""
    base, files = _files()
    store = ox.Store()
    for path in files:
        store.load(path=path, format=ox.RdfFormat.TRIG, base_iri=base)
    app = Flask("flask-pyoxigraph")

    @app.get("/sparql")
    def sparql() -> Response:
        results = store.query(request.args["query"], use_default_graph_as_union=True)
        assert isinstance(results, ox.QuerySolutions)
        return Response(results.serialize(format=ox.QueryResultsFormat.JSON), mimetype=SPARQL_JSON)

    return app


def rdflib_endpoint_app() -> object:
    """rdflib-endpoint as its own CLI sets it up: an rdflib Dataset whose default graph is
    the union of the named graphs, behind its FastAPI app (served here at /sparql)."""
    from rdflib_endpoint import SparqlEndpoint

    base, files = _files()
    dataset = Dataset(default_union=True)
    for path in files:
        dataset.parse(path, format="trig", publicID=base)
    return SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
