"""A SPARQL server as the store: the same answers as the embedded store, and outages.

Every store-backed test elsewhere already runs on both stores (see conftest.py); these
compare the two directly, and cover what only a remote store has: the settings that name
it, loading over the Graph Store Protocol or SPARQL Update, a server that goes down and
comes back, a query past the time limit, and ``awardgraph serve`` in front of it.
"""

from __future__ import annotations

import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from awardgraph.build import Publication, build
from awardgraph.catalogue import Catalogue
from awardgraph.cli import cli
from awardgraph.config import Config
from awardgraph.errors import BadQuery, ConfigError, QueryTimeout
from awardgraph.querytext import with_values
from awardgraph.remote import Endpoints, RemoteStore
from awardgraph.store import BaseStore
from awardgraph.web import create_app

from .oxigraph import OxigraphServer, free_port
from .server import running_server
from .support import ROOT

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""About 1.8 billion solutions over the bundled catalogue: seconds of work for any engine."""


@pytest.fixture(scope="module")
def embedded() -> Publication:
    return build(Config.load(root=ROOT))


@pytest.fixture(scope="module")
def remote() -> Iterator[Publication]:
    with OxigraphServer() as server:
        yield build(Config.load(root=ROOT, store=server.query_url))


def rows(store: BaseStore, text: str) -> Counter[tuple[str, ...]]:
    return Counter(tuple(str(t) for t in row) for row in store.query(text).terms)


def app_client(publication: Publication) -> FlaskClient:
    app = create_app(catalogue=Catalogue(Config.load(root=ROOT), publication))
    app.testing = True
    return app.test_client()


def test_the_remote_store_is_a_remote_store(remote: Publication) -> None:
    assert isinstance(remote.store, RemoteStore)


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_every_canned_query_gives_the_same_rows(
    embedded: Publication, remote: Publication, name: str
) -> None:
    catalogue, far = (
        Catalogue(Config.load(root=ROOT), embedded),
        Catalogue(Config.load(root=ROOT), remote),
    )
    query = catalogue.queries[name]
    params = {p.name: p.default for p in query.params if p.default is not None}
    if any(p.default is None for p in query.params):
        pytest.skip(f"{name} has a required parameter; test_queries.py covers it on both stores")
    here, there = catalogue.query(name, params), far.query(name, params)
    assert here.variables == there.variables
    assert Counter(map(str, here.terms)) == Counter(map(str, there.terms))
    assert here.terms, f"{name} returns no rows, so this comparison proves nothing"


def test_the_dataset_is_the_same_quad_for_quad(embedded: Publication, remote: Publication) -> None:
    def quads(store: BaseStore) -> Counter[str]:
        return Counter(str(q) for q in store.quads())

    assert quads(remote.store) == quads(embedded.store)
    assert len(remote.store) == len(embedded.store) > 1000
    assert remote.store.count_triples() == embedded.store.count_triples()


def test_the_publication_graph_is_not_part_of_the_dataset(remote: Publication) -> None:
    assert not any("x-awardgraph" in str(q.graph_name) for q in remote.store.quads())
    assert isinstance(remote.store, RemoteStore)
    assert remote.store.publication() == (remote.stamp.digest, remote.stamp.modified)


@pytest.mark.parametrize(
    "path",
    [
        "/award/medal-for-valiant-labor",
        "/award/medal-for-valiant-labor.ttl",
        "/award/medal-for-valiant-labor.jsonld",
        "/organization/nkvd",
        "/collection/kihnu",
        "/ontology",
        "/browse/AwardType",
        "/search?q=medal",
        "/timeline.json",
        "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    ],
)
def test_pages_are_byte_for_byte_the_same(
    embedded: Publication, remote: Publication, path: str
) -> None:
    here = app_client(embedded).get(path, headers={"Accept": "text/html"})
    there = app_client(remote).get(path, headers={"Accept": "text/html"})
    assert here.status_code == there.status_code == 200
    assert here.data == there.data


def test_the_settings_name_the_store_by_flag_environment_or_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, remote: Publication
) -> None:
    assert isinstance(remote.store, RemoteStore)
    url = remote.store.endpoints.query
    query = ["query", "established-in-year", "--param", "year=1938", "-f", "csv"]
    by_flag = CliRunner().invoke(cli, [*query, "--store", url])
    monkeypatch.setenv("AWARDGRAPH_STORE", url)
    by_environment = CliRunner().invoke(cli, query)
    monkeypatch.delenv("AWARDGRAPH_STORE")
    settings = tmp_path / "awardgraph.toml"
    settings.write_text(f'store = "{url}"\nquery_timeout = 30\n', encoding="utf-8")
    by_file = CliRunner().invoke(cli, [*query, "--config", str(settings)])
    assert by_flag.exit_code == by_environment.exit_code == by_file.exit_code == 0
    assert by_flag.stdout == by_environment.stdout == by_file.stdout
    assert "Medal for Valiant Labor" in by_flag.stdout


def test_the_config_file_is_found_in_the_root_and_checked(tmp_path: Path) -> None:
    (tmp_path / "awardgraph.toml").write_text(
        'store = "http://127.0.0.1:1/query"\nstore_data = "http://127.0.0.1:1/store"\n'
    )
    config = Config.load(root=tmp_path)
    assert (config.store_url, config.store_path) == ("http://127.0.0.1:1/query", None)
    assert Endpoints.of(config).data == "http://127.0.0.1:1/store"
    assert Config.load(root=tmp_path, store="built").store_path == tmp_path / "built"
    (tmp_path / "awardgraph.toml").write_text('stor = "x"\n')
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) \['stor'\]"):
        Config.load(root=tmp_path)
    (tmp_path / "awardgraph.toml").write_text('store = "x\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        Config.load(root=tmp_path)
    with pytest.raises(ConfigError, match="store_update must be an http"):
        Config.load(root=ROOT, store_update="ftp://x")


def test_oxigraph_endpoints_are_derived_from_the_query_url() -> None:
    endpoints = Endpoints.of(Config.load(root=ROOT, store="http://h:7878/query"))
    assert endpoints == Endpoints(
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"
    )
    fuseki = Endpoints.of(
        Config.load(root=ROOT, store="http://h:3030/ds/sparql", store_data="http://h:3030/ds/data")
    )
    assert fuseki == Endpoints(
        "http://h:3030/ds/sparql", "http://h:3030/ds/sparql", "http://h:3030/ds/data"
    )


def test_loading_by_sparql_update_gives_the_same_dataset(embedded: Publication) -> None:
    with OxigraphServer() as server:
        update = server.query_url.replace("/query", "/update")
        config = Config.load(root=ROOT, store=server.query_url, store_update=update)
        assert Endpoints.of(config).data is None
        loaded = build(config)
        assert Counter(map(str, loaded.store.quads())) == Counter(map(str, embedded.store.quads()))


def test_a_load_the_server_refuses_names_the_settings() -> None:
    with OxigraphServer() as server:
        wrong = server.query_url.replace("/query", "/nowhere")
        config = Config.load(root=ROOT, store=server.query_url, store_data=wrong)
        with pytest.raises(ConfigError, match="refused to load the data: 404") as error:
            build(config)
        assert "AWARDGRAPH_STORE_DATA" in str(error.value)


def test_a_server_that_goes_down_gets_503_then_recovers(tmp_path: Path) -> None:
    server = OxigraphServer(location=tmp_path / "oxigraph").start()
    try:
        publication = build(Config.load(root=ROOT, store=server.query_url))
        client = app_client(publication)
        count = "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"
        before = client.get(count, headers={"Accept": "application/sparql-results+json"})
        assert before.status_code == 200
        server.stop()
        for path in (count, "/award/medal-for-valiant-labor"):
            down = client.get(path, headers={"Accept": "application/json"})
            assert down.status_code == 503
            assert down.headers["Retry-After"] == "5"
            message = down.json["error"]["message"]
            assert f"The SPARQL store at {server.query_url} is not answering" in message
            assert "tried 3 times" in message
        server.start()  # the same port and data
        after = client.get(count, headers={"Accept": "application/sparql-results+json"})
        assert after.status_code == 200
        assert after.json == before.json
        assert int(after.json["results"]["bindings"][0]["n"]["value"]) > 1000
    finally:
        server.stop()


def test_the_command_line_says_the_server_is_down() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(cli, ["query", "established-in-year", "--store", url])
    assert result.exit_code == 2
    assert f"Error: The SPARQL store at {url} is not answering" in result.stderr


def test_a_slow_query_is_stopped_at_the_time_limit(remote: Publication) -> None:
    assert isinstance(remote.store, RemoteStore)
    hasty = RemoteStore(remote.store.endpoints, remote.store.base_iri, timeout=0.3)
    with pytest.raises(QueryTimeout, match=r"longer than 0\.3 s"):
        hasty.query(SLOW)
    assert hasty.query("ASK { ?s ?p ?o }").boolean is True  # the next query is answered


def test_a_query_the_server_cannot_parse_gets_the_embedded_stores_words(
    embedded: Publication, remote: Publication
) -> None:
    for text in ("SELECT *\nWHERE { ?s ?p }", "SELECT * WHERE { ?s ex:p ?o }"):
        with pytest.raises(BadQuery) as here:
            embedded.store.query(text)
        with pytest.raises(BadQuery) as there:
            remote.store.query(text)
        assert str(there.value) == str(here.value)
        assert "does not parse at line" in str(there.value)


def test_parameters_are_bound_as_values_first_in_the_where_group() -> None:
    bound = with_values(
        'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o . { SELECT ?x { ?x ?y ?z } } }',
        {"s": "<http://e/a>"},
    )
    assert bound == (
        'CONSTRUCT { ?s ?p "{" } WHERE { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o . '
        "{ SELECT ?x { ?x ?y ?z } } }"
    )
    assert with_values("SELECT (EXISTS { ?a ?b ?c } AS ?e) { ?a ?b ?c }", {"a": "1"}).startswith(
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) { VALUES (?a) { (1) } "
    )
    with pytest.raises(BadQuery, match="CONSTRUCT WHERE short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": "<http://e/a>"})
    with pytest.raises(BadQuery, match="need a WHERE clause"):
        with_values("DESCRIBE <http://e/a>", {"s": "<http://e/a>"})


def test_serve_loads_the_server_once_then_serves_it(tmp_path: Path) -> None:
    with OxigraphServer(location=tmp_path / "oxigraph") as server:
        env = {"AWARDGRAPH_STORE": server.query_url}
        with running_server("--workers", "2", env=env) as (url, log):
            assert any("Building the store http" in line for line in log), log
            page = Catalogue(Config.load(root=ROOT, store=server.query_url))
            assert page.stamp.digest
        with running_server("--workers", "2", env=env) as (url, log):
            assert not any("Building" in line or "rebuilding" in line for line in log), log
            with urllib.request.urlopen(f"{url}/award/medal-for-valiant-labor.nt") as answer:
                body = answer.read().decode()
            assert "<https://awardgraph.example/award/medal-for-valiant-labor>" in body
