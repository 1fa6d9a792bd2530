"""Query results: as Python rows (``Result``) and as bytes in the formats of the table.

The web writes answers with Oxigraph's own writers (``capped_solutions``), reading no more
rows than the cap. A ``Result`` (for tables, pages and the CLI) writes JSON here
(https://www.w3.org/TR/sparql11-results-json/) and XML, CSV and TSV by Oxigraph's writers
applied to that JSON. CONSTRUCT and DESCRIBE results are triples, written by Oxigraph in
any of the graph formats.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Literal, cast

import pyoxigraph as ox
from rdflib import Graph

from awardgraph.errors import UnknownFormat
from awardgraph.formats import GRAPH_FORMATS, graph_format, result_format
from awardgraph.namespaces import PREFIXES, XSD, Namer

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Value = str | int | float | bool | Decimal | None

_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger"}
_INTEGERS |= {"negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong"}


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


class _Full(Exception):
    """Raised through Oxigraph's writer to stop it: enough rows were read."""


class _Lines:
    """A file for Oxigraph's TSV writer that stops it once it holds ``limit`` lines."""

    def __init__(self, limit: int | None) -> None:
        self.parts: list[bytes] = []
        self.limit = limit
        self.lines = 0

    def write(self, chunk: bytes) -> int:
        self.parts.append(bytes(chunk))
        if self.limit is not None:
            self.lines += chunk.count(b"\n")
            if self.lines >= self.limit:
                raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass


def capped_solutions(
    found: ox.QuerySolutions, format_name: str, max_rows: int | None
) -> tuple[bytes, bool]:
    """SELECT results in a results format, reading at most ``max_rows`` (+1) rows.

    Oxigraph's TSV writer puts one row on each line (it escapes line breaks in values)
    and pulls rows from the query as it writes, so a file that counts lines stops the
    query at the cap; the TSV is then rewritten in the format asked for.
    """
    sink = _Lines(None if max_rows is None else max_rows + 2)  # the header, one row too many
    with contextlib.suppress(_Full):
        found.serialize(cast(IO[bytes], sink), format=ox.QueryResultsFormat.TSV)
    tsv = b"".join(sink.parts)
    truncated = False
    if max_rows is not None:
        lines = tsv.split(b"\n")  # the header, the rows, then "" or a part of a row
        if len(lines) - 2 > max_rows:
            tsv, truncated = b"\n".join(lines[: max_rows + 1]) + b"\n", True
    fmt = result_format(format_name)
    if fmt.name == "tsv":
        return tsv, truncated
    assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
    parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=fmt.oxigraph) or b"", truncated


def write_triples(triples: Iterable[ox.Triple], format_name: str) -> bytes:
    """Triples in a graph format; TriG and N-Quads put them in the default graph."""
    fmt = graph_format(format_name)
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    prefixes = dict(PREFIXES)
    if fmt.quads:
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return ox.serialize(quads, format=fmt.oxigraph, prefixes=prefixes) or b""
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes) or b""


def compact_jsonld(triples: Iterable[ox.Triple], context: Mapping[str, Any]) -> bytes:
    """Triples as JSON-LD compacted with ``context`` (the value of an "@context")."""
    graph = Graph(bind_namespaces="none")
    graph.parse(data=write_triples(triples, "ntriples"), format="nt")
    return graph.serialize(format="json-ld", context=dict(context), auto_compact=True).encode()


def is_graph_format(format_name: str) -> bool:
    return format_name in GRAPH_FORMATS


def python_value(term: Term | None) -> Value:
    """An IRI as ``str``, a number or boolean as itself, any other literal as its text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.removeprefix(XSD)
        if kind in _INTEGERS:
            return int(term.value)
        if kind == "decimal":
            return Decimal(term.value)
        if kind in ("double", "float"):
            return float(term.value)
        if kind == "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


@dataclass(frozen=True)
class Result:
    """A query result, read once: SELECT rows, an ASK boolean or CONSTRUCT triples.

    ``truncated`` says that the query had more rows (or triples) than its ``max_rows``.
    """

    kind: Literal["select", "ask", "graph"]
    variables: tuple[str, ...]
    terms: tuple[tuple[Term | None, ...], ...]
    namer: Namer
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False

    @property
    def rows(self) -> list[tuple[Value, ...]]:
        """The rows with IRIs as strings and typed literals as Python values."""
        return [tuple(python_value(t) for t in row) for row in self.terms]

    def serialize(self, format_name: str) -> bytes:
        """Write the result as ``table`` text, a SPARQL results format, or RDF for CONSTRUCT."""
        if format_name == "table":
            return self.table().encode()
        if self.kind == "graph":
            if not is_graph_format(format_name):
                raise UnknownFormat(
                    f"CONSTRUCT results are RDF: choose one of table, {', '.join(GRAPH_FORMATS)}."
                )
            return write_triples(self.triples, format_name)
        if self.kind == "ask":
            payload = boolean_json(bool(self.boolean))
        else:
            payload = solutions_json(self.variables, self.terms)
        return write_solutions(payload, format_name)

    def table(self) -> str:
        """Aligned plain-text columns, IRIs shortened by the known prefixes."""
        if self.kind == "ask":
            return "true" if self.boolean else "false"
        cells = [["" if t is None else _short(t, self.namer) for t in row] for row in self.terms]
        widths = [max(map(len, column)) for column in zip(self.variables, *cells, strict=True)]

        def line(values: Iterable[str]) -> str:
            return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

        n = len(cells)
        return "\n".join(
            [
                line(self.variables),
                line("-" * w for w in widths),
                *(line(row) for row in cells),
                f"({n} row{'' if n == 1 else 's'})",
            ]
        )


def _short(term: Term, namer: Namer) -> str:
    if isinstance(term, ox.NamedNode):
        return namer.iri(term.value)
    if isinstance(term, ox.Literal):
        return namer.literal(term.value, term.language, term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)
