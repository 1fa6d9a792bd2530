"""SPARQL query results as bytes in the formats of the table.

JSON (https://www.w3.org/TR/sparql11-results-json/) is written here, from the rows a
query kept after the row cap; XML, CSV and TSV are Oxigraph's own writers applied to that
JSON, so that each format has one implementation. CONSTRUCT and DESCRIBE results are
triples, written by Oxigraph in any of the graph formats.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from awardgraph.formats import GRAPH_FORMATS, graph_format, result_format
from awardgraph.namespaces import PREFIXES

_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, Any]:
    """One RDF term as a SPARQL JSON results binding (triples as in SPARQL 1.2)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value not in (_STRING, _LANG_STRING):
            found["datatype"] = term.datatype.value
        return found
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def solutions_json(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """SELECT results as SPARQL JSON; an unbound value (``None``) is left out of its row."""
    bindings = [
        {name: term_json(term) for name, term in zip(variables, row, strict=True) if term}
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def boolean_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode()


def write_solutions(json_bytes: bytes, format_name: str) -> bytes:
    """Re-write SPARQL JSON results (SELECT or ASK) in another results format."""
    fmt = result_format(format_name)
    if fmt.name == "json":
        return json_bytes
    assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
    parsed = ox.parse_query_results(json_bytes, ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=fmt.oxigraph) or b""


def write_triples(triples: Iterable[ox.Triple], format_name: str) -> bytes:
    """Triples in a graph format; TriG and N-Quads put them in the default graph."""
    fmt = graph_format(format_name)
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    prefixes = dict(PREFIXES)
    if fmt.quads:
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return ox.serialize(quads, format=fmt.oxigraph, prefixes=prefixes) or b""
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes) or b""


def is_graph_format(format_name: str) -> bool:
    return format_name in GRAPH_FORMATS
