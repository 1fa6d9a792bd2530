"""Canned SPARQL queries: ``queries/*.rq`` files with a comment header naming their parameters.

A header, before the query text::

    # title: Awards established in a year
    # description: Which awards were established in 1938?
    # param: year xsd:gYear 1938 The year of establishment
    # param: award iri award/medal-for-valiant-labor The award

A ``param`` line gives the variable (no ``?``), its type (``iri`` or an ``xsd:`` datatype),
its default (``-`` for none) and a description. Values become RDF terms that the store
substitutes for the variables (SEP-0007), so no value ever edits the query text.
SPARQL 1.1: https://www.w3.org/TR/sparql11-query/
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TextIO
from urllib.parse import urljoin

from awardgraph.errors import BadQuery, NotFound
from awardgraph.namespaces import PREFIXES, XSD
from awardgraph.results import Term
from awardgraph.store import iri, literal

_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_TZ = r"(Z|[+-]\d{2}:\d{2})?"
_INTEGER = r"[+-]?\d+"
_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_LEXICAL: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {
        name: re.compile(f"^(?:{pattern})$")
        for name, pattern in {
            "integer": _INTEGER,
            "int": _INTEGER,
            "long": _INTEGER,
            "nonNegativeInteger": r"\+?\d+",
            "positiveInteger": r"\+?0*[1-9]\d*",
            "decimal": _DECIMAL,
            "double": rf"{_DECIMAL}([eE][+-]?\d+)?|[+-]?INF|NaN",
            "float": rf"{_DECIMAL}([eE][+-]?\d+)?|[+-]?INF|NaN",
            "boolean": r"true|false|1|0",
            "gYear": rf"-?\d{{4,}}{_TZ}",
            "gYearMonth": rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_TZ}",
            "date": rf"-?\d{{4,}}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]){_TZ}",
            "dateTime": rf"-?\d{{4,}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?{_TZ}",
        }.items()
    }
)


@dataclass(frozen=True)
class Param:
    """A query parameter: a variable, its type, its default and what it means."""

    name: str
    type: str
    default: str | None
    description: str

    def term(self, value: str, base_iri: str) -> Term:
        """Turn a text value into an RDF term of this parameter's type."""
        if self.type == "iri":
            try:
                return iri(expand_iri(value, base_iri))
            except ValueError as error:
                raise BadQuery(
                    f"Parameter '{self.name}': '{value}' is not an IRI ({error})."
                ) from error
        local = self.type.removeprefix("xsd:")
        pattern = _LEXICAL.get(local)
        if pattern is not None and not pattern.match(value):
            raise BadQuery(
                f"Parameter '{self.name}': '{value}' is not a valid {self.type} "
                f"(https://www.w3.org/TR/xmlschema11-2/#{local})."
            )
        return literal(value, XSD + local)


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with a name (its file stem), a title and typed parameters."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def bindings(self, values: Mapping[str, str], base_iri: str) -> dict[str, Term]:
        """Typed terms for every parameter: given values first, then defaults."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise BadQuery(
                f"Unknown parameter {', '.join(unknown)} for query '{self.name}'. "
                f"Its parameters: {names}."
            )
        terms: dict[str, Term] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                raise BadQuery(
                    f"Query '{self.name}' needs a value for '{param.name}' ({param.type}: "
                    f"{param.description}). Pass --param {param.name}=VALUE."
                )
            terms[param.name] = param.term(value, base_iri)
        return terms


def expand_iri(value: str, base_iri: str) -> str:
    """``ag:Award`` by the known prefixes, else resolved against the base (RFC 3986)."""
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return urljoin(base_iri, value)


def parse_query(name: str, text: str) -> NamedQuery:
    """Read the comment header at the top of ``text``; a query without one still works."""
    title, description, params = name, [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        found = _HEADER.match(stripped)
        if found is None:
            continue
        key, value = found.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description.append(value.strip())
        else:
            params.append(_param(name, value))
    return NamedQuery(name, title, " ".join(description), tuple(params), text)


def _param(query: str, spec: str) -> Param:
    parts = spec.split(maxsplit=3)
    if len(parts) < 3 or not (parts[1] == "iri" or parts[1].startswith("xsd:")):
        raise BadQuery(
            f"Query '{query}': bad header line 'param: {spec}'. Write "
            "'# param: NAME TYPE DEFAULT DESCRIPTION' with TYPE 'iri' or 'xsd:…' "
            "and DEFAULT '-' for none."
        )
    name, kind, default, *description = parts
    return Param(name.lstrip("?$"), kind, None if default == "-" else default, "".join(description))


def load_query(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NotFound(f"Cannot read query file '{path}': {error.strerror}.") from error
    return parse_query(path.stem, text)


def load_queries(directory: Path) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file in ``directory``, by name, each read once."""
    return {path.stem: load_query(path) for path in sorted(directory.glob("*.rq"))}


def resolve(canned: Mapping[str, NamedQuery], ref: str, stdin: TextIO | None = None) -> NamedQuery:
    """A query from a ``.rq`` path, ``-`` (standard input) or a ``canned`` query's name."""
    if ref == "-":
        if stdin is None:
            raise BadQuery("No standard input to read the query from.")
        return parse_query("stdin", stdin.read())
    path = Path(ref)
    if path.suffix == ".rq" or path.is_file():
        return load_query(path)
    if ref not in canned:
        names = ", ".join(canned) or "none"
        raise NotFound(
            f"No query file or canned query named '{ref}'. Canned queries: {names}. "
            "See: awardgraph queries"
        )
    return canned[ref]
