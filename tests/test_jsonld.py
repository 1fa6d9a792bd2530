"""The JSON-LD writer (awardgraph.jsonld): compact node objects with the context's terms,
one per subject, that read back as exactly the triples written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from awardgraph.jsonld import write_jsonld
from awardgraph.store import Store

from .support import BASE

XSD = "http://www.w3.org/2001/XMLSchema#"
CONTEXT: dict[str, Any] = {
    "ag": "https://awardgraph.example/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "id": "@id",
    "type": "@type",
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "source": {"@id": "dcterms:source", "@type": "@id"},
    "established": {"@id": "ag:established", "@type": "xsd:gYear"},
    "note": "ag:note",
}

TURTLE = """
@prefix ag: <https://awardgraph.example/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<award/a> a ag:AwardType, ag:Badge ;
    rdfs:label "Badge"@en, "Знак"@ru ;
    ag:established "1932"^^xsd:gYear ;
    ag:note "rare", "gilded" ;
    dcterms:source <https://kihnu.com/page.html> ;
    ag:count 7 ;
    ag:numbered true ;
    ag:thickness 2.5 ;
    ag:part [ rdfs:label "ribbon"@en ] .
<award/b> dcterms:source "a book, not a link" ;
    rdfs:label "no language" .
"""


def write(tmp_path: Path, turtle: str, context: dict[str, Any] = CONTEXT) -> bytes:
    source = tmp_path / "data.ttl"
    source.write_text(turtle, encoding="utf-8")
    store = Store.memory(BASE)
    store.load_file(source)
    out = io.BytesIO()
    store.export("jsonld", out, context=context)
    return out.getvalue()


def nodes(document: bytes) -> dict[str, dict[str, Any]]:
    parsed = json.loads(document)
    assert parsed["@context"] == CONTEXT
    found = {node["id"]: node for node in parsed["@graph"]}
    assert len(found) == len(parsed["@graph"]), "one node object per subject"
    return found


@pytest.fixture
def document(tmp_path: Path) -> bytes:
    return write(tmp_path, TURTLE)


def test_reads_back_as_the_triples_written(document: bytes) -> None:
    expected = Graph().parse(data=TURTLE, format="turtle", publicID=BASE)
    assert isomorphic(Graph().parse(data=document, format="json-ld"), expected)


def test_terms_of_the_context_compact_the_values(document: bytes) -> None:
    badge = nodes(document)[BASE + "award/a"]
    assert sorted(badge["type"]) == ["ag:AwardType", "ag:Badge"]
    assert badge["label"] == {"en": "Badge", "ru": "Знак"}
    assert badge["established"] == "1932"
    assert badge["source"] == "https://kihnu.com/page.html"
    assert sorted(badge["note"]) == ["gilded", "rare"]
    assert badge["ag:count"] == 7
    assert badge["ag:numbered"] is True


def test_values_no_term_fits_keep_their_form(document: bytes) -> None:
    found = nodes(document)
    badge, book = found[BASE + "award/a"], found[BASE + "award/b"]
    assert badge["ag:thickness"] == {"type": "xsd:decimal", "@value": "2.5"}
    # A string where the context's term would make an IRI of it, a label with no language.
    assert book["dcterms:source"] == "a book, not a link"
    assert book["rdfs:label"] == "no language"
    parsed = Graph().parse(data=document, format="json-ld")
    assert Literal("a book, not a link") in set(parsed.objects())


def test_a_number_not_in_canonical_form_keeps_its_digits() -> None:
    # Oxigraph's store keeps numbers canonical; a writer given triples may not.
    serial = ox.NamedNode(CONTEXT["ag"] + "serial")
    subject = ox.NamedNode(BASE + "specimen/x")
    written = ox.Literal("007", datatype=ox.NamedNode(XSD + "integer"))
    out = io.BytesIO()
    write_jsonld([(subject, [ox.Triple(subject, serial, written)])], out, CONTEXT)
    node = nodes(out.getvalue())[subject.value]
    assert node["ag:serial"] == {"type": "xsd:integer", "@value": "007"}


def test_blank_nodes_are_nodes_of_their_own(document: bytes) -> None:
    found = nodes(document)
    part = found[BASE + "award/a"]["ag:part"]["id"]
    assert part.startswith("_:")
    assert found[part]["label"] == {"en": "ribbon"}


def test_an_empty_graph_is_an_empty_document(tmp_path: Path) -> None:
    document = write(tmp_path, "")
    assert json.loads(document) == {"@context": CONTEXT, "@graph": []}
