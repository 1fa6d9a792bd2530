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
    quads: bool = False


def _table(*formats: Format) -> Mapping[str, Format]:
    return MappingProxyType({f.name: f for f in formats})


GRAPH_FORMATS = _table(
    Format("turtle", "text/turtle", ".ttl", "turtle", RdfFormat.TURTLE),
    Format("jsonld", "application/ld+json", ".jsonld", "json-ld", RdfFormat.JSON_LD),
    Format("ntriples", "application/n-triples", ".nt", "nt", RdfFormat.N_TRIPLES),
    Format("rdfxml", "application/rdf+xml", ".rdf", "xml", RdfFormat.RDF_XML),
    Format("trig", "application/trig", ".trig", "trig", RdfFormat.TRIG, quads=True),
    Format("nquads", "application/n-quads", ".nq", "nquads", RdfFormat.N_QUADS, quads=True),
)

RESULT_FORMATS = _table(
    Format("table", "text/plain", ".txt", "txt", None),
    Format("json", "application/sparql-results+json", ".srj", "json", QueryResultsFormat.JSON),
    Format("csv", "text/csv", ".csv", "csv", QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", ".tsv", "tsv", QueryResultsFormat.TSV),
    Format("xml", "application/sparql-results+xml", ".srx", "xml", QueryResultsFormat.XML),
)


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
