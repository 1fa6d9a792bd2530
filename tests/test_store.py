"""The store: union-graph queries, typed rows, bound parameters, results formats, atomic builds."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from awardgraph.errors import BadQuery, ConfigError, DataSyntaxError, NotFound, UnknownFormat
from awardgraph.store import Store, iri, literal

from .support import AG, BASE, CATALOGUE, DATA, ONTOLOGY, QUADS, TRIPLES

PREFIXES = f"PREFIX ag: <{AG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
LABELS = (
    PREFIXES
    + "SELECT ?award ?label WHERE { ?award a ag:Medal ; rdfs:label ?label } ORDER BY ?label"
)
VALIANT = BASE + "award/medal-for-valiant-labor"
DISTINGUISHED = BASE + "award/medal-for-distinguished-labor"


def loader(*names: str) -> Callable[[Store], None]:
    def load(store: Store) -> None:
        for name in names:
            store.load_file(CATALOGUE / name, BASE)

    return load


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store.memory(BASE)
    loader("awards.trig", "badges.trig")(store)
    store.add_graph(DATA / "ontology.ttl", ONTOLOGY, BASE)
    return store


def test_counts_quads_and_distinct_triples(store: Store) -> None:
    assert len(store) == QUADS
    assert store.count_triples() == TRIPLES
    assert len(list(store.quads())) == QUADS


def test_default_graph_is_the_merge_of_all_graphs(store: Store) -> None:
    """A triple two sentences state is one solution, and COUNT sees it once."""
    per_graph = store.query(
        PREFIXES + f"SELECT ?g WHERE {{ GRAPH ?g {{ <{VALIANT}> ag:established ?y }} }} ORDER BY ?g"
    )
    assert per_graph.rows == [(BASE + "citation/awards-1",), (BASE + "citation/awards-2",)]
    merged = store.query(PREFIXES + f"SELECT ?y WHERE {{ <{VALIANT}> ag:established ?y }}")
    assert merged.rows == [("1938",)]
    counted = store.query(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?a ag:established ?y }")
    assert counted.rows == [(3,)]


def test_named_graphs_are_the_loaded_ones(store: Store) -> None:
    result = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [row[0] for row in result.rows] == [
        BASE + "citation/awards-1",
        BASE + "citation/awards-2",
        BASE + "citation/badges-1",
        BASE + "citation/badges-2",
        ONTOLOGY,
    ]


def test_relative_iris_in_queries_resolve_against_the_base(store: Store) -> None:
    result = store.query(
        PREFIXES + "SELECT ?label WHERE { <award/nkvd-fireman-badge> rdfs:label ?label }"
    )
    assert result.rows == [("NKVD Fireman's Badge",)]


def test_rows_are_python_values(store: Store) -> None:
    result = store.query(
        PREFIXES + "SELECT ?award (COUNT(?label) AS ?labels) ?year ?missing WHERE {"
        " ?award a ag:Medal ; rdfs:label ?label ; ag:established ?year"
        " OPTIONAL { ?award ag:nothing ?missing } } GROUP BY ?award ?year ?missing ORDER BY ?award"
    )
    assert result.kind == "select"
    assert result.variables == ("award", "labels", "year", "missing")
    assert result.rows == [(DISTINGUISHED, 1, "1938", None), (VALIANT, 2, "1938", None)]


def test_bindings_are_terms_not_text(store: Store) -> None:
    result = store.query(LABELS, {"award": iri(DISTINGUISHED)})
    assert result.rows == [(DISTINGUISHED, "Medal for Distinguished Labor")]
    # A value that would change the query if it were pasted in matches nothing.
    sneaky = literal('x" } UNION { ?award ?p ?label', "http://www.w3.org/2001/XMLSchema#string")
    assert store.query(LABELS, {"label": sneaky}).rows == []


def test_binding_a_variable_outside_the_select_clause_is_explained(store: Store) -> None:
    with pytest.raises(BadQuery) as raised:
        store.query(
            PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?award ag:established ?year }",
            {"award": iri(VALIANT)},
        )
    assert "A bound parameter must be a SELECT variable (or use SELECT *)." in str(raised.value)


def test_syntax_error_gives_the_position_and_the_spec(store: Store) -> None:
    with pytest.raises(BadQuery) as raised:
        store.query("SELECT ?x WHERE { ?x ?y }")
    message = str(raised.value)
    assert message.startswith("The query does not parse at line 1, column 26: expected one of")
    assert "https://www.w3.org/TR/sparql11-query/#grammar" in message
    assert raised.value.exit_code == 2
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT ?x WHERE {\n  ?x ag:established ?y }",
            "The query does not parse at line 2, column 20: the prefix 'ag:' is not declared. "
            "Add: PREFIX ag: <https://awardgraph.example/ontology#>",
        ),
        (
            "SELECT ?x WHERE { ?x foo:bar ?y }",
            "The query does not parse at line 1, column 29: the prefix 'foo:' is not declared. "
            "Add: PREFIX foo: <…>",
        ),
    ],
)
def test_an_undeclared_prefix_is_named(store: Store, query: str, message: str) -> None:
    with pytest.raises(BadQuery) as raised:
        store.query(query)
    assert str(raised.value) == message


def test_ask(store: Store) -> None:
    result = store.query(PREFIXES + f"ASK {{ <{VALIANT}> a ag:Medal }}")
    assert (result.kind, result.boolean, result.table()) == ("ask", True, "true")
    assert json.loads(result.serialize("json"))["boolean"] is True


def test_construct_serializes_as_rdf(store: Store) -> None:
    result = store.query(
        PREFIXES + "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a ag:Medal ; rdfs:label ?l }"
    )
    assert result.kind == "graph"
    expected = Graph().parse(
        data=f"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{VALIANT}> rdfs:label "Medal for Valiant Labor"@en,\n'
        '    "Медаль «За трудовую доблесть»"@ru .\n'
        f'<{DISTINGUISHED}> rdfs:label "Medal for Distinguished Labor"@en .',
        format="turtle",
    )
    assert isomorphic(Graph().parse(data=result.serialize("turtle"), format="turtle"), expected)
    with pytest.raises(UnknownFormat, match="CONSTRUCT results are RDF"):
        result.serialize("csv")


def test_results_as_json_csv_tsv_and_xml(store: Store) -> None:
    result = store.query(LABELS, {"award": iri(DISTINGUISHED)})
    bindings = json.loads(result.serialize("json"))["results"]["bindings"]
    assert bindings == [
        {
            "award": {"type": "uri", "value": DISTINGUISHED},
            "label": {
                "type": "literal",
                "xml:lang": "en",
                "value": "Medal for Distinguished Labor",
            },
        }
    ]
    rows = list(csv.reader(io.StringIO(result.serialize("csv").decode())))
    assert rows == [["award", "label"], [DISTINGUISHED, "Medal for Distinguished Labor"]]
    assert result.serialize("tsv").decode().splitlines() == [
        "?award\t?label",
        f'<{DISTINGUISHED}>\t"Medal for Distinguished Labor"@en',
    ]
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(result.serialize("xml"))
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["award", "label"]
    assert root.findtext("r:results/r:result/r:binding/r:uri", namespaces=ns) == DISTINGUISHED


def test_table_aligns_columns_and_shortens_iris(store: Store) -> None:
    assert store.query(LABELS).table() == "\n".join(
        [
            "award                                  label",
            "-------------------------------------  ----------------------------------",
            '<award/medal-for-distinguished-labor>  "Medal for Distinguished Labor"@en',
            '<award/medal-for-valiant-labor>        "Medal for Valiant Labor"@en',
            '<award/medal-for-valiant-labor>        "Медаль «За трудовую доблесть»"@ru',
            "(3 rows)",
        ]
    )


def test_syntax_error_while_loading_names_file_and_line() -> None:
    with pytest.raises(DataSyntaxError) as raised:
        Store.memory(BASE).load_file(DATA / "broken/bad-iri.trig")
    assert raised.value.line == 6
    assert "Invalid IRI code point ' '" in raised.value.message


def test_failed_build_keeps_the_previous_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    Store.build_into(path, loader("awards.trig"), BASE)

    def half_then_fail(store: Store) -> None:
        store.load_file(CATALOGUE / "badges.trig", BASE)
        store.load_file(DATA / "broken/bad-iri.trig", BASE)

    with pytest.raises(DataSyntaxError):
        Store.build_into(path, half_then_fail, BASE)
    previous = Store.open(path, BASE)
    assert previous.query(LABELS).rows[0] == (DISTINGUISHED, "Medal for Distinguished Labor")
    assert previous.query(PREFIXES + "ASK { <award/nkvd-fireman-badge> ?p ?o }").boolean is False
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "store",
        "store.lock",
    ]  # no half-built directory left


def test_successful_build_replaces_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = Store.build_into(path, loader("awards.trig"), BASE)
    assert len(first) == 16
    second = Store.build_into(path, loader("awards.trig", "badges.trig"), BASE)
    assert len(second) == 25
    assert len(Store.open(path, BASE)) == 25
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store", "store.lock"]


def test_opening_a_missing_store_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(NotFound) as raised:
        Store.open(tmp_path / "nowhere")
    assert "awardgraph build --store" in str(raised.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="is not an Oxigraph store"):
        Store.open(tmp_path / "empty")


def test_iri_terms_must_be_absolute() -> None:
    assert iri(VALIANT) == iri(VALIANT)
    with pytest.raises(ValueError):
        iri("award/relative")
    assert URIRef(VALIANT) == URIRef(str(iri(VALIANT).value))


def test_a_store_is_opened_with_the_base_iri_it_was_built_with(tmp_path: Path) -> None:
    path = tmp_path / "store"
    other = "https://collection.example.org/soviet/"
    Store.build_into(path, lambda store: store.load_file(CATALOGUE / "awards.trig"), other)
    rows = Store.open(path, other).query(LABELS).rows
    assert rows[0][0] == other + "award/medal-for-distinguished-labor"
    with pytest.raises(ConfigError) as raised:
        Store.open(path, BASE)
    assert str(raised.value) == (
        f"Store '{path}' was built with base IRI '{other}', not '{BASE}': its entities and "
        f"relative IRIs live under the former. Pass --base-iri {other} (or set "
        "AWARDGRAPH_BASE_IRI), or build the store again."
    )


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("max_rows", [None, 1, 2, 100])
def test_answer_writes_what_query_reads(store: Store, name: str, max_rows: int | None) -> None:
    """The web's fast path (Oxigraph's writers, capped while reading) matches ``query``."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    body, truncated = store.answer(text, name, max_rows=max_rows)
    expected = store.query(text, max_rows=max_rows)
    assert truncated == expected.truncated == (max_rows is not None and max_rows < TRIPLES)
    assert body == expected.serialize(name)


def test_answer_caps_triples_and_refuses_the_wrong_kind(store: Store) -> None:
    body, truncated = store.answer("CONSTRUCT WHERE { ?s ?p ?o }", "ntriples", max_rows=3)
    assert truncated and len(body.splitlines()) == 3
    with pytest.raises(UnknownFormat, match="not RDF"):
        store.answer("ASK {}", "turtle")
    with pytest.raises(UnknownFormat, match="are RDF"):
        store.answer("DESCRIBE <x:y>", "csv")
    with pytest.raises(BadQuery, match="line 1, column"):
        store.answer("SELECT ?x WHERE {", "json")
