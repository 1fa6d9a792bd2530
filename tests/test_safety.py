"""The public endpoint refuses federation, file: IRIs and updates, before the engine runs.

Oxigraph itself would send a SERVICE clause to the endpoint it names, so these tests
keep a real listener on a local port and check that no request ever reaches it.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from awardgraph.querytext import inspect


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener on a free local port that records whatever connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                received.append(connection.recv(4096))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", received
    stop.set()
    thread.join()
    server.close()


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service silent <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c .SERVICE <{url}> { ?s ?p ?o } }",
    "PREFIX r: <{url}#> SELECT * WHERE { SERVICE r: { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment }\n SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVIC\\u0045 <{url}> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_never_reaches_its_endpoint(
    client: FlaskClient, listener: tuple[str, list[bytes]], template: str
) -> None:
    url, received = listener
    query = template.replace("{url}", url)
    response = client.get("/sparql?" + urlencode({"query": query}))
    assert response.status_code == 403
    assert "SERVICE" in response.get_json()["error"]["message"]
    threading.Event().wait(0.3)  # time for a stray request to arrive
    assert received == []


def test_the_listener_does_hear_oxigraph(listener: tuple[str, list[bytes]]) -> None:
    """The check above can fail: the engine, asked directly, does call the endpoint."""
    import pyoxigraph as ox

    url, received = listener
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
    assert received and received[0].startswith(b"POST /sparql")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "PREFIX f: <FILE:///etc/> SELECT * WHERE { ?s ?p f:passwd }",
        "BASE <file:///etc/> SELECT * WHERE { ?s ?p <passwd> }",
    ],
)
def test_file_iris_are_refused(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql?" + urlencode({"query": query}))
    assert response.status_code == 403
    assert "file:" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "form", "service"),
    [
        ('SELECT ?service WHERE { ?s <http://x/SERVICE> "SERVICE" }', "select", False),
        ("SELECT * WHERE { ?s ex:SERVICE ?o } # SERVICE", "select", False),
        ("SELECT * WHERE { ?s ?p '''a\nSERVICE <u> {}''' }", "select", False),
        ("PREFIX ex: <http://e/> ASK { ?s ex:a.b ?o }", "ask", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct", False),
        ("DESCRIBE <x>", "describe", False),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "update", False),
        ("PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }", "update", False),
        ("SELECT * { SERVICE <u> {} }", "select", True),
        ("nonsense", None, False),
    ],
)
def test_tokens_not_text(query: str, form: str | None, service: bool) -> None:
    """A keyword inside a string, an IRI, a comment or a prefixed name is not a keyword."""
    found = inspect(query)
    assert (found.form, found.federated) == (form, service)


def test_json_ld_answers_carry_no_remote_context(client: FlaskClient) -> None:
    """A client reading our JSON-LD never has to fetch a context from anywhere."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50"
    response = client.get("/sparql?" + urlencode({"query": query, "format": "jsonld"}))
    document = json.loads(response.data)
    nodes = document if isinstance(document, list) else [document]
    assert nodes and all(not isinstance(n.get("@context"), str | list) for n in nodes)
