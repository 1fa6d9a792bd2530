"""The real server: ``awardgraph serve`` on gunicorn, queried over HTTP by SPARQLWrapper."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from .server import running_server
from .support import AG, BASE

MVL = BASE + "award/medal-for-valiant-labor"
SLOW = (
    f"PREFIX ag: <{AG}> SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?p ?b . ?c ?q ?d . ?e a ag:Specimen }}"
)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    with running_server(
        "--workers", "2", "--threads", "4", env={"AWARDGRAPH_QUERY_TIMEOUT": "0.3"}
    ) as found:
        yield found


def test_sparqlwrapper_select(server: tuple[str, list[str]]) -> None:
    client = SPARQLWrapper(server[0] + "/sparql")
    client.setQuery(
        f"PREFIX ag: <{AG}> PREFIX rdfs: <{RDFS}> "
        "SELECT ?label WHERE { ?a a ag:AwardType ; rdfs:label ?label FILTER(lang(?label) = 'en') }"
        " ORDER BY ?label"
    )
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
    labels = [row["label"]["value"] for row in rows]
    assert len(labels) == 9
    assert labels[0] == "Communist Party Congress Badge"
    assert "Medal for Valiant Labor" in labels


def test_sparqlwrapper_post_csv_and_construct(server: tuple[str, list[str]]) -> None:
    client = SPARQLWrapper(server[0] + "/sparql")
    client.setMethod("POST")
    client.setQuery(f"SELECT ?p WHERE {{ <{MVL}> ?p ?o }} LIMIT 1")
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().splitlines()[0] == "p"  # type: ignore[union-attr]
    client.setQuery(f"CONSTRUCT {{ <{MVL}> ?p ?o }} WHERE {{ <{MVL}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
    assert (URIRef(MVL), RDFS.label, None) in graph


def test_time_limit_and_recovery(server: tuple[str, list[str]]) -> None:
    """A query past the limit gets a 503 with the reason; the server goes on answering."""
    url, log = server
    started = time.perf_counter()
    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(f"{url}/sparql?{urlencode({'query': SLOW})}", timeout=30)
    assert failure.value.code == 503
    assert time.perf_counter() - started < 5
    with failure.value:
        body = json.loads(failure.value.read())
    assert "time limit" in body["error"]["message"]
    for _ in range(10):  # every worker, the replaced one included, answers
        with urllib.request.urlopen(f"{url}/sparql?{urlencode({'query': 'ASK {}'})}") as ok:
            assert json.loads(ok.read())["boolean"] is True
    deadline = time.time() + 10
    while not any("replacing this worker" in line for line in log) and time.time() < deadline:
        time.sleep(0.1)
    assert any("replacing this worker" in line for line in log)
