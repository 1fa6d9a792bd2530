"""The one format table: names, media types, suffixes and parser names for each format.

Content negotiation, ``/entity/<id>.ttl`` suffixes, ``export --format`` and
``query --format`` all read these two dictionaries, so a format is added in one place.
Graph formats are RDF 1.1 syntaxes (https://www.w3.org/TR/rdf11-concepts/); result
formats are SPARQL 1.1 query results (https://www.w3.org/TR/sparql11-results-json/ and
siblings) plus a plain-text table for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pyoxigraph import QueryResultsFormat, RdfFormat

from awardgraph.errors import UnknownFormat


@dataclass(frozen=True)
class Format:
    """One serialization: how to name it, negotiate it, and hand it to each engine."""

    name: str
    media_type: str
    suffix: str
    rdflib_name: str | None
    oxigraph: RdfFormat | QueryResultsFormat | None
    w3c: str | None = None
    """Its IRI in https://www.w3.org/ns/formats/, for service descriptions."""
    quads: bool = False
    aliases: tuple[str, ...] = ()
    """Other media types that clients send for it (e.g. ``application/json``)."""
    title: str = ""
    """What people call it, for links on pages ("RDF/XML")."""


def _table(*formats: Format) -> Mapping[str, Format]:
    return MappingProxyType({f.name: f for f in formats})


W3C = "http://www.w3.org/ns/formats/"
_JSON = ("application/json",)
_XML = ("application/xml", "text/xml")

GRAPH_FORMATS = _table(
    Format(
        "turtle", "text/turtle", ".ttl", "turtle", RdfFormat.TURTLE, W3C + "Turtle",
        title="Turtle",
    ),
    Format(
        "jsonld", "application/ld+json", ".jsonld", "json-ld", RdfFormat.JSON_LD,
        W3C + "JSON-LD", aliases=_JSON, title="JSON-LD",
    ),
    Format(
        "ntriples", "application/n-triples", ".nt", "nt", RdfFormat.N_TRIPLES,
        W3C + "N-Triples", aliases=("text/plain",), title="N-Triples",
    ),
    Format(
        "rdfxml", "application/rdf+xml", ".rdf", "xml", RdfFormat.RDF_XML, W3C + "RDF_XML",
        aliases=_XML, title="RDF/XML",
    ),
    Format(
        "trig", "application/trig", ".trig", "trig", RdfFormat.TRIG, W3C + "TriG", True,
        title="TriG",
    ),
    Format(
        "nquads", "application/n-quads", ".nq", "nquads", RdfFormat.N_QUADS, W3C + "N-Quads",
        True, title="N-Quads",
    ),
)  # fmt: skip

RESULT_FORMATS = _table(
    Format("table", "text/plain", ".txt", "txt", None),
    Format(
        "json", "application/sparql-results+json", ".srj", "json", QueryResultsFormat.JSON,
        W3C + "SPARQL_Results_JSON", aliases=_JSON,
    ),
    Format(
        "csv", "text/csv", ".csv", "csv", QueryResultsFormat.CSV, W3C + "SPARQL_Results_CSV"
    ),
    Format(
        "tsv", "text/tab-separated-values", ".tsv", "tsv", QueryResultsFormat.TSV,
        W3C + "SPARQL_Results_TSV",
    ),
    Format(
        "xml", "application/sparql-results+xml", ".srx", "xml", QueryResultsFormat.XML,
        W3C + "SPARQL_Results_XML", aliases=_XML,
    ),
)  # fmt: skip


def _find(table: Mapping[str, Format], key: str, kind: str) -> Format:
    wanted = key.strip().lower()
    for fmt in table.values():
        if wanted in (fmt.name, fmt.media_type, fmt.suffix, fmt.suffix.lstrip(".")):
            return fmt
    choices = ", ".join(f"{f.name} ({f.suffix})" for f in table.values())
    raise UnknownFormat(f"Unknown {kind} format '{key}'. Choose one of: {choices}.")


def graph_format(name_or_suffix: str) -> Format:
    """Look up an RDF format by name (``turtle``), suffix (``.ttl``/``ttl``) or media type."""
    return _find(GRAPH_FORMATS, name_or_suffix, "RDF")


def result_format(name_or_suffix: str) -> Format:
    """Look up a SPARQL results format by name (``json``), suffix or media type."""
    return _find(RESULT_FORMATS, name_or_suffix, "SPARQL results")
