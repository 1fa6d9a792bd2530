"""The SPARQL 1.1 Protocol at /sparql: methods x query forms x media types, parsed back.

Every answer is read with a real parser (rdflib's SPARQL results and RDF parsers) and
checked for the rows or triples the catalogue holds, not only for a status.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.query import Result as RdflibResult
from werkzeug.test import TestResponse

from .support import AG, BASE

MVL = URIRef(BASE + "award/medal-for-valiant-labor")
LABEL = Literal("Medal for Valiant Labor", lang="en")
PROLOGUE = f"PREFIX ag: <{AG}>\nPREFIX rdfs: <{RDFS}>\n"
SELECT = PROLOGUE + f"SELECT ?label WHERE {{ <{MVL}> rdfs:label ?label }}"
ASK = PROLOGUE + f"ASK {{ <{MVL}> a ag:AwardType }}"
CONSTRUCT = PROLOGUE + "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a ag:AwardType ; rdfs:label ?l }"
DESCRIBE = f"DESCRIBE <{MVL}>"

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
RDFLIB |= {"trig": "trig", "nquads": "nquads"}


def send(client: FlaskClient, method: str, query: str, **extra: Any) -> TestResponse:
    """One protocol request: GET, POST of a form, or POST of the query itself."""
    headers = extra.pop("headers", {})
    params = {"query": query, **extra}
    if method == "GET":
        return client.get("/sparql?" + urlencode(params, doseq=True), headers=headers)
    if method == "form":
        return client.post("/sparql", data=params, headers=headers)
    url = "/sparql?" + urlencode(extra, doseq=True)
    return client.post(
        url, data=query.encode(), content_type="application/sparql-query", headers=headers
    )


def solutions(response: TestResponse, name: str) -> RdflibResult:
    assert response.status_code == 200, response.data
    assert response.mimetype == RESULT_TYPES[name]
    return RdflibResult.parse(io.BytesIO(response.data), format=name)


def graph(response: TestResponse, name: str) -> Graph:
    assert response.status_code == 200, response.data
    assert response.mimetype == GRAPH_TYPES[name]
    parsed = Graph()
    parsed.parse(data=response.data, format=RDFLIB[name])
    return parsed


def error(response: TestResponse, status: int) -> str:
    """The one error shape: ``{"error": {"status", "title", "message"}}``."""
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["status"] == status and body["title"]
    message: str = body["message"]
    return message


METHODS = ["GET", "form", "direct"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", RESULT_TYPES)
def test_select_in_every_results_format(client: FlaskClient, method: str, name: str) -> None:
    result = solutions(send(client, method, SELECT, headers={"Accept": RESULT_TYPES[name]}), name)
    labels = {row[0] for row in result}  # type: ignore[index]
    if name == "csv":  # CSV drops language tags by design
        assert labels == {Literal("Medal for Valiant Labor")}
    else:
        assert labels == {LABEL}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["json", "xml"])
def test_ask_answers_a_boolean(client: FlaskClient, method: str, name: str) -> None:
    response = send(client, method, ASK, headers={"Accept": RESULT_TYPES[name]})
    assert solutions(response, name).askAnswer is True
    no = send(client, method, ASK.replace("AwardType", "Organization"), format=name)
    assert solutions(no, name).askAnswer is False


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", GRAPH_TYPES)
def test_construct_in_every_graph_format(client: FlaskClient, method: str, name: str) -> None:
    parsed = graph(send(client, method, CONSTRUCT, headers={"Accept": GRAPH_TYPES[name]}), name)
    assert (MVL, RDFS.label, LABEL) in parsed
    assert len(set(parsed.subjects())) == 9  # the nine award types


@pytest.mark.parametrize("name", GRAPH_TYPES)
def test_describe_in_every_graph_format(client: FlaskClient, name: str) -> None:
    parsed = graph(send(client, "GET", DESCRIBE, format=name), name)
    assert (MVL, RDFS.label, LABEL) in parsed
    assert (MVL, RDF.type, URIRef(AG + "AwardType")) in parsed
    assert set(parsed.subjects()) == {MVL}


NTRIPLES = GRAPH_TYPES["ntriples"]


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (SELECT, None, "application/sparql-results+json"),
        (SELECT, "*/*", "application/sparql-results+json"),
        (SELECT, "application/json", "application/sparql-results+json"),
        (SELECT, "text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES["xml"]),
        (SELECT, "application/sparql-results+json;q=0.1, text/*", "text/csv"),
        (SELECT, "text/tab-separated-values, text/csv;q=0.9", "text/tab-separated-values"),
        (ASK, None, "application/sparql-results+json"),
        (CONSTRUCT, None, "text/turtle"),
        (CONSTRUCT, "*/*", "text/turtle"),
        (CONSTRUCT, "application/json", "application/ld+json"),
        (CONSTRUCT, "application/rdf+xml;q=0.4, application/n-triples;q=0.8", NTRIPLES),
        (DESCRIBE, "text/turtle;q=0.2, application/ld+json", "application/ld+json"),
    ],
)  # fmt: skip
def test_accept_picks_the_media_type(
    client: FlaskClient, query: str, accept: str | None, expected: str
) -> None:
    response = send(client, "GET", query, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.vary


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        (SELECT, "csv", "text/csv"),
        (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (CONSTRUCT, "ntriples", "application/n-triples"),
        (CONSTRUCT, "json", "application/ld+json"),  # what SPARQLWrapper sends for JSON
        (CONSTRUCT, "xml", "application/rdf+xml"),
    ],
)
def test_format_parameter_overrides_accept(
    client: FlaskClient, query: str, fmt: str, expected: str
) -> None:
    response = send(client, "GET", query, format=fmt, headers={"Accept": "text/turtle"})
    assert response.mimetype == expected


def test_sparqlwrapper_style_request(client: FlaskClient) -> None:
    """SPARQLWrapper adds format and output parameters and may send Accept: */*."""
    response = send(
        client, "GET", SELECT, format="json", output="json", results="json",
        headers={"Accept": "*/*", "User-Agent": "sparqlwrapper 2.0.0"},
    )  # fmt: skip
    rows = json.loads(response.data)["results"]["bindings"]
    assert rows == [{"label": {"type": "literal", "value": LABEL.value, "xml:lang": "en"}}]


def test_default_graph_uri_and_named_graph_uri(client: FlaskClient) -> None:
    sentence = BASE + "citation/soviet-badges-08"
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    rows = solutions(send(client, "GET", query, **{"default-graph-uri": sentence}), "json")
    assert {(str(r[0]), str(r[1])) for r in rows} == {  # type: ignore[index]
        (BASE + "organization/mopr", str(RDFS.label))
    }
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = [BASE + "citation/labor-medals-01", sentence]
    rows = solutions(send(client, "form", graphs, **{"named-graph-uri": named}), "json")
    assert sorted(str(r[0]) for r in rows) == named  # type: ignore[index]
    # With only named graphs given, the default graph is empty (SPARQL 1.1 Protocol 2.1.4).
    only_named = send(client, "GET", query, **{"named-graph-uri": named})
    assert list(solutions(only_named, "json")) == []


def test_from_in_the_query_picks_the_dataset(client: FlaskClient) -> None:
    sentence = BASE + "citation/soviet-badges-08"
    query = "SELECT ?s WHERE { ?s ?p ?o }".replace("WHERE", f"FROM <{sentence}> WHERE")
    rows = solutions(send(client, "GET", query), "json")
    assert [str(r[0]) for r in rows] == [BASE + "organization/mopr"]  # type: ignore[index]


def test_default_graph_is_the_merge_of_all_graphs(client: FlaskClient) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    rows = solutions(send(client, "GET", count), "json")
    assert [int(r[0]) for r in rows] == [1220]  # type: ignore[index]


# Errors: the right status, a message that says what is wrong, one shape, never a 500.


@pytest.mark.parametrize("method", METHODS)
def test_syntax_error_is_a_400_with_the_position(client: FlaskClient, method: str) -> None:
    message = error(send(client, method, "SELECT ?x WHERE {\n  ?x ?y }"), 400)
    assert "line 2, column" in message


def test_undeclared_prefix_names_the_fix(client: FlaskClient) -> None:
    message = error(send(client, "GET", "SELECT ?x WHERE { ?x a ag:Award }"), 400)
    assert f"PREFIX ag: <{AG}>" in message


def test_browser_gets_the_error_as_a_page(client: FlaskClient) -> None:
    response = send(client, "form", "SELECT <oops", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "400 Bad Request" in page and "does not parse" in page


BAD_REQUESTS = [
    (lambda c: c.get("/sparql?query=ASK{}&query=ASK{}"), 400, "exactly one"),
    (lambda c: c.post("/sparql?query=ASK{}", data="ASK {}",
                      content_type="application/sparql-query"), 400, "exactly one"),
    (lambda c: c.post("/sparql", data={"query": "ASK{}", "update": "CLEAR ALL"}), 400,
     "not both"),
    (lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}), 403, "read-only"),
    (lambda c: c.post("/sparql", data="CLEAR ALL",
                      content_type="application/sparql-update"), 403, "read-only"),
    (lambda c: c.get("/sparql?query=INSERT DATA { <a:b> <a:c> <a:d> }"), 403, "read-only"),
    (lambda c: c.get("/sparql?query=LOAD <http://example.org/x>"), 403, "read-only"),
    (lambda c: c.post("/sparql", data="ASK {}", content_type="text/plain"), 415,
     "application/sparql-query"),
    (lambda c: c.post("/sparql", data=b"\xff\xfe", content_type="application/sparql-query"),
     400, "UTF-8"),
    (lambda c: c.get("/sparql?query=%20%20"), 400, "empty"),
    (lambda c: c.get("/sparql?query=ASK{}", headers={"Accept": "image/png"}), 406,
     "application/sparql-results+json"),
    (lambda c: c.get("/sparql?" + urlencode({"format": "csv", "query": CONSTRUCT})), 406,
     "turtle"),
    (lambda c: c.get("/sparql?format=bogus&query=ASK{}"), 406, "Choose one of"),
    (lambda c: c.get("/sparql?default-graph-uri=not%20an%20iri&query=ASK{}"), 400,
     "not an absolute IRI"),
    (lambda c: c.put("/sparql"), 405, "not allowed"),
    (lambda c: c.get("/nowhere"), 404, "not found"),
]  # fmt: skip


@pytest.mark.parametrize(("make_request", "status", "words"), BAD_REQUESTS)
def test_bad_requests(
    client: FlaskClient,
    make_request: Callable[[FlaskClient], TestResponse],
    status: int,
    words: str,
) -> None:
    assert words.lower() in error(make_request(client), status).lower()


def test_over_long_body_is_refused(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_request_bytes=100).test_client()
    response = client.post("/sparql", data={"query": "ASK {}" + " " * 200})
    assert "max_request_bytes" in error(response, 413)
    assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 200


def test_row_cap_cuts_and_says_so(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_rows=3).test_client()
    response = send(client, "GET", "SELECT * WHERE { ?s ?p ?o }")
    assert len(list(solutions(response, "json"))) == 3
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    triples = graph(send(client, "GET", CONSTRUCT), "turtle")
    assert len(triples) == 3
    small = send(client, "GET", SELECT)
    assert "X-SPARQL-MaxRows" not in small.headers


def test_time_limit_answers_503(make_app: Callable[..., Flask]) -> None:
    client = make_app(query_timeout=0.2).test_client()
    slow = PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e a ag:Specimen }"
    message = error(send(client, "GET", slow), 503)
    assert "0.2 s" in message and "AWARDGRAPH_QUERY_TIMEOUT" in message
    assert solutions(send(client, "GET", SELECT), "json")  # the app goes on answering


def test_nothing_bad_is_a_500(client: FlaskClient) -> None:
    for query in ["", "}", "SELECT", "\x00", "PREFIX : <", "SELECT * WHERE { ?s ?p ?o } LIMIT -1"]:
        response = client.get("/sparql?" + urlencode({"query": query}))
        assert 400 <= response.status_code < 500, (query, response.data)
        assert b"Traceback" not in response.data


# Caching, compression and CORS.


def test_etag_and_conditional_get(client: FlaskClient) -> None:
    first = send(client, "GET", SELECT)
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert tag.startswith('W/"')
    assert send(client, "GET", SELECT).headers["ETag"] == tag
    again = send(client, "GET", SELECT, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert send(client, "GET", SELECT, headers={"If-Modified-Since": modified}).status_code == 304
    other = send(client, "GET", SELECT, headers={"Accept": "text/csv", "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag
    assert send(client, "GET", ASK, headers={"If-None-Match": tag}).status_code == 200
    assert "ETag" not in send(client, "form", SELECT).headers


def test_gzip_for_clients_that_take_it(client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o }"
    response = send(client, "GET", query, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.vary
    rows = json.loads(gzip.decompress(response.data))["results"]["bindings"]
    assert len(rows) == 1220
    assert "Content-Encoding" not in send(client, "GET", query).headers


def test_static_files_are_gzipped_too(client: FlaskClient) -> None:
    """The vendored editor is 400 KB; a browser that takes gzip gets it compressed."""
    path = "/static/vendor/codemirror/lib/codemirror.js"
    with client.get(path) as response:
        plain = response.data
    with client.get(path, headers={"Accept-Encoding": "gzip"}) as packed:
        assert packed.headers["Content-Encoding"] == "gzip"
        assert len(packed.data) < len(plain) / 2
        assert gzip.decompress(packed.data) == plain


def test_cors(client: FlaskClient) -> None:
    assert send(client, "GET", ASK).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# No query: the service description, or the query page for a browser.

SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "*/*"])
def test_service_description(client: FlaskClient, accept: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    name = {"text/turtle": "turtle", "application/ld+json": "jsonld", "*/*": "turtle"}[accept]
    described = graph(response, name)
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, URIRef(SD + "endpoint"), endpoint) in described
    assert (endpoint, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in described
    formats = set(described.objects(endpoint, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    triples = set(described.objects(None, URIRef("http://rdfs.org/ns/void#triples")))
    assert triples == {Literal(1220)}


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_browser_gets_the_query_page(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert '<textarea id="query"' in page
    assert "Awards by establishment year" in page  # the canned queries as examples
    assert 'data-autorun="false"' in page


def test_shared_link_opens_the_page_and_runs(client: FlaskClient) -> None:
    response = send(client, "GET", SELECT, headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert 'data-autorun="true"' in page
    assert "SELECT ?label WHERE { &lt;https://awardgraph.example/award/" in page
    downloaded = send(client, "GET", SELECT, format="csv", headers={"Accept": BROWSER})
    assert downloaded.mimetype == "text/csv"
