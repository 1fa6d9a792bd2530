"""Paths and expectations shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
CATALOGUE = DATA / "catalogue"
BASE = "https://awardgraph.example/"
AG = "https://awardgraph.example/ontology#"
ONTOLOGY = "https://awardgraph.example/ontology"

FIXTURE_SETTINGS = {
    "data_dir": "catalogue",
    "ontology_file": "ontology.ttl",
    "shapes_file": "shapes.ttl",
    "queries_dir": "queries",
    "context_file": "context.jsonld",
}

# Counted by hand from tests/data/catalogue/*.trig and tests/data/ontology.ttl.
DATA_QUADS = 25  # one of them states in a second graph a triple the first already states
ONTOLOGY_TRIPLES = 13
QUADS = DATA_QUADS + ONTOLOGY_TRIPLES
TRIPLES = QUADS - 1


def expected_dataset() -> Dataset:
    """The fixture catalogue as rdflib reads it, with the ontology in its named graph."""
    dataset = Dataset()
    for path in sorted(CATALOGUE.glob("*.trig")):
        dataset.parse(path, format="trig", publicID=BASE)
    dataset.graph(URIRef(ONTOLOGY)).parse(DATA / "ontology.ttl", format="turtle")
    return dataset


def merged(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    return graph


def same_dataset(left: Dataset, right: Dataset) -> bool:
    """The same named graphs (by name), each isomorphic to its counterpart."""

    def graphs(dataset: Dataset) -> dict[str, Graph]:
        return {str(g.identifier): g for g in dataset.graphs() if len(g)}

    a, b = graphs(left), graphs(right)
    return a.keys() == b.keys() and all(isomorphic(a[name], b[name]) for name in a)
