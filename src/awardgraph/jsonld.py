"""Compact JSON-LD of a whole graph, written as it is read (https://www.w3.org/TR/json-ld11/).

rdflib's writer first parses the graph into Python objects and then builds the document
in memory: at a million triples that takes over a minute and gigabytes, and it orders the
nodes by string hashes, so the same graph gives different bytes in every process. Here
the triples come grouped by subject, as Oxigraph reads a graph from its index, and each
subject's node object is written (one line each, keys sorted) as soon as the next subject
begins. Terms, compact IRIs and value forms are chosen by rdflib's own context class
(``Context.find_term``, ``shrink_iri``, ``to_symbol``) as its writer chooses them, once
per predicate and kind of value. Numbers and booleans become JSON numbers and booleans
only in their canonical form, so that every literal reads back exactly as it was.
Lists stay ``rdf:first``/``rdf:rest`` nodes, and blank nodes are nodes of their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.plugins.shared.jsonld.keys import ID, LANG, SET, VOCAB

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NATIVE: dict[str, Callable[[str], Any]] = {
    _XSD + "integer": int,
    _XSD + "boolean": lambda text: text == "true",
}
_CANONICAL = {
    _XSD + "integer": re.compile(r"-?(0|[1-9][0-9]*)"),
    _XSD + "boolean": re.compile(r"true|false"),
}
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_BATCH = 2000
"""Node objects written to the output at a time."""

Node = dict[str, Any]
_PlanKey = tuple[str, str, str | None, str | None]
"""A predicate, the kind of value (``literal``, ``iri``, ``node``), datatype and language."""
ObjectTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class _Plan:
    """How a predicate's values of one kind are written: under which key, in which form."""

    key: str
    form: str
    """``id`` (compact IRI), ``symbol`` (vocabulary term), ``text`` (the lexical form: the
    term fixes the datatype or language), ``language`` (a language map), ``raw`` (a value
    object, or a native string, number or boolean)."""
    as_set: bool = False


Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Statement = ox.Quad | ox.Triple


def write_jsonld(
    nodes: Iterable[tuple[Subject, Iterable[Statement]]],
    out: BinaryIO,
    context: Mapping[str, Any],
) -> None:
    """Write each subject with its statements (triples, or quads whose graph is ignored)
    to ``out`` as one JSON-LD document compacted with ``context`` (the value of a context
    file's "@context"): one node object per subject."""
    writer = _Writer(context)
    head = json.dumps(dict(context), indent=2, ensure_ascii=False, sort_keys=True)
    out.write(f'{{\n  "@context": {head.replace(chr(10), chr(10) + "  ")},\n  "@graph": ['.encode())
    lines: list[str] = []
    separator = "\n"
    id_key = writer.context.id_key
    for subject, statements in nodes:
        node: Node = {id_key: writer.node_id(subject)}
        for statement in statements:
            writer.add(node, statement.predicate.value, statement.object)
        lines.append(_line(node))
        if len(lines) >= _BATCH:
            out.write((separator + ",\n".join(lines)).encode())
            separator, lines = ",\n", []
    if lines:
        out.write((separator + ",\n".join(lines)).encode())
        separator = ",\n"
    out.write(b"]\n}\n" if separator == "\n" else b"\n  ]\n}\n")


def _line(node: Node) -> str:
    return "    " + _ENCODE(node)


class _Writer:
    """Node objects for one context: the plans and compact IRIs found so far."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = Context(dict(context))
        self._plans: dict[_PlanKey, _Plan] = {}
        self.shrink: Callable[[str], str] = lru_cache(maxsize=1 << 16)(self.context.shrink_iri)
        self.symbol: Callable[[str], str | None] = lru_cache(maxsize=1 << 12)(
            self.context.to_symbol
        )

    def node_id(self, term: ObjectTerm) -> str:
        if isinstance(term, ox.NamedNode):
            return self.shrink(term.value)
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        raise ValueError(f"JSON-LD 1.1 cannot name the quoted triple {term} as a node.")

    def add(self, node: Node, predicate: str, value: ObjectTerm) -> None:
        """Add one triple's predicate and object to its subject's node object."""
        key: _PlanKey
        if isinstance(value, ox.Literal):
            key = (predicate, "literal", value.datatype.value, value.language)
        else:
            key = (predicate, "iri" if isinstance(value, ox.NamedNode) else "node", None, None)
        plan = self._plans.get(key) or self._plans.setdefault(key, self._plan(*key))
        if plan.form == "language":
            assert isinstance(value, ox.Literal) and value.language
            by_language = node.setdefault(plan.key, {})
            _put(by_language, value.language, value.value, False)
            return
        if plan.form == "text":
            assert isinstance(value, ox.Literal)
            shown: Any = value.value
        elif plan.form == "id":
            shown = self.node_id(value)
        elif plan.form == "symbol":
            assert isinstance(value, ox.NamedNode)
            shown = self.symbol(value.value)
        else:
            shown = self._raw(value)
        _put(node, plan.key, shown, plan.as_set)

    def _plan(self, predicate: str, kind: str, datatype: str | None, lang: str | None) -> _Plan:
        """rdflib's choice (``Converter.add_to_node``) for a value of this kind."""
        context = self.context
        if kind == "literal":
            plain = None if datatype in (_STRING, _LANG_STRING) else datatype
            term = context.find_term(predicate, plain, language=lang)
        else:
            term = next(
                (t for c in (ID, VOCAB, UNDEF) if (t := context.find_term(predicate, c))), None
            )
        if term is None:
            if predicate == _RDF_TYPE and kind == "iri":
                return _Plan(context.type_key, "symbol")
            symbol = context.to_symbol(predicate) or predicate
            defined = context.terms.get(symbol)
            if defined is not None and (defined.type or defined.container):
                symbol = predicate  # the term would coerce the value: use the full IRI
            return _Plan(symbol, "raw")
        as_set = SET in term.container
        if term.type == ID:
            return _Plan(term.name, "raw" if kind == "literal" else "id", as_set)
        if term.type == VOCAB:
            return _Plan(term.name, "symbol" if kind == "iri" else "raw", as_set)
        if term.type:
            form = "text" if kind == "literal" and datatype == term.type else "raw"
            return _Plan(term.name, form, as_set)
        if LANG in term.container and lang:
            return _Plan(term.name, "language")
        if term.language and lang == term.language:
            return _Plan(term.name, "text", as_set)
        return _Plan(term.name, "raw", as_set)

    def _raw(self, value: ObjectTerm) -> Any:
        """A value as rdflib's writer gives it when no term coerces it."""
        context = self.context
        if not isinstance(value, ox.Literal):
            return {context.id_key: self.node_id(value)}
        datatype = value.datatype.value
        if value.language or datatype == _STRING:
            if value.language == context.language:  # None for both: a plain string
                return value.value
            if value.language:
                return {context.lang_key: value.language, context.value_key: value.value}
            return {context.value_key: value.value}  # not the context's default language
        native = _NATIVE.get(datatype)
        if native is not None and _CANONICAL[datatype].fullmatch(value.value):
            return native(value.value)
        return {context.type_key: self.symbol(datatype), context.value_key: value.value}


def _put(node: Node, key: str, value: Any, as_set: bool) -> None:
    """Set ``node[key]``: a second value makes a list; a set container is always one."""
    found = node.get(key)
    if found is None:
        node[key] = [value] if as_set else value
    elif isinstance(found, list):
        found.append(value)
    else:
        node[key] = [found, value]
