"""Parse RDF files with Oxigraph's parser, and hand rdflib (for pySHACL) the terms it needs.

Oxigraph's TriG parser is about ten times faster than rdflib's; only the parser of
pyoxigraph is used here (the store is ``store.py``'s). A file that does not parse is
reported with its line, in rdflib's words where rdflib words it too (they say more).
Turtle, TriG, N-Triples, N-Quads: https://www.w3.org/TR/rdf12-concepts/
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.term import Node

from awardgraph.errors import ConfigError, DataSyntaxError
from awardgraph.formats import graph_format
from awardgraph.store import syntax_error

Quad = ox.Quad
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
DEFAULT_GRAPH = ox.DefaultGraph()

_WHY = re.compile(r"Bad syntax \((.*?)\) at \^", re.DOTALL)
_LINE = re.compile(r"at line (\d+)")
RDFLIB_ERRORS = (SyntaxError, ParserError, UnicodeDecodeError, ValueError)
"""What rdflib's parsers raise for a file that does not parse."""


def parse_file(path: Path, base_iri: str) -> list[Quad]:
    """Every quad of ``path`` (triples formats: in the default graph); blank nodes are
    renamed so that two files never share one."""
    fmt = graph_format(path.suffix).oxigraph
    assert isinstance(fmt, ox.RdfFormat)
    try:
        return list(ox.parse(path=path, format=fmt, base_iri=base_iri, rename_blank_nodes=True))
    except SyntaxError as error:
        raise _syntax_error(path, base_iri) from error
    except OSError as error:
        raise ConfigError(f"Cannot read '{path}': {error.strerror}.") from error


def _syntax_error(path: Path, base_iri: str) -> DataSyntaxError:
    """Oxigraph's line, with rdflib's reason when rdflib also refuses the file."""
    try:
        Dataset().parse(path, format=graph_format(path.suffix).rdflib_name, publicID=base_iri)
    except RDFLIB_ERRORS as error:
        return rdflib_syntax_error(path, base_iri, error)
    precise = syntax_error(path, base_iri)
    assert precise is not None
    return precise


def rdflib_syntax_error(path: Path, base_iri: str | None, error: Exception) -> DataSyntaxError:
    """rdflib's reason for refusing ``path``, at the line Oxigraph pins (rdflib may name
    the line after it)."""
    text = str(error)
    why = _WHY.search(text)
    message = why.group(1) if why else text.strip().splitlines()[0]
    precise = syntax_error(path, base_iri)
    found = _LINE.search(text)
    line = precise.line if precise else int(found.group(1)) if found else None
    return DataSyntaxError(path, line, message)


class Terms:
    """Oxigraph terms as rdflib terms, each made once."""

    def __init__(self) -> None:
        self._made: dict[object, Node] = {}

    def __call__(self, term: object) -> Node:
        made = self._made.get(term)
        if made is None:
            made = self._made[term] = _rdflib(term)
        return made

    def graph(self, triples: Iterable[tuple[object, object, object]]) -> Graph:
        """A plain in-memory rdflib graph of ``triples`` (pySHACL is fastest on one)."""
        graph = Graph(bind_namespaces="none")
        graph.addN((self(s), self(p), self(o), graph) for s, p, o in triples)
        return graph


def _rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"Not an RDF term of the data: {term!r}")


def oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The Oxigraph term for an rdflib IRI, blank node or literal."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    raise TypeError(f"Not an RDF term of the data: {term!r}")
