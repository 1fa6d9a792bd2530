"""Known prefixes, and short Turtle-style names for IRIs and literals in messages and tables.

The forms follow Turtle (https://www.w3.org/TR/turtle/): ``ag:Award`` for a prefixed
name, ``<award/x>`` for an IRI relative to the base, ``"1938"^^xsd:gYear`` for a literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

ONTOLOGY_IRI = "https://awardgraph.example/ontology"
AG = ONTOLOGY_IRI + "#"
SHAPES_IRI = "https://awardgraph.example/shapes"
"""The SHACL shapes document; its shapes are ``SHAPES_IRI#Name``."""
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "ag": AG,
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": XSD,
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
        "prov": "http://www.w3.org/ns/prov#",
        "schema": "http://schema.org/",
        "crm": "http://www.cidoc-crm.org/cidoc-crm/",
        "nmo": "http://nomisma.org/ontology#",
        "nm": "http://nomisma.org/id/",
        "wd": "http://www.wikidata.org/entity/",
        "sh": "http://www.w3.org/ns/shacl#",
    }
)

_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[\w.-]*[\w-])?$")
_BARE = {XSD + "integer": re.compile(r"^[+-]?\d+$"), XSD + "boolean": re.compile(r"^(true|false)$")}
_ESCAPES = str.maketrans({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


@dataclass(frozen=True)
class Namer:
    """Write IRIs and literals briefly, with ``prefixes`` and relative to ``base_iri``."""

    base_iri: str
    prefixes: Mapping[str, str] = field(default_factory=lambda: PREFIXES)

    def iri(self, iri: str) -> str:
        """``ag:Award``, else ``<award/x>`` under the base, else ``<http://…>``."""
        best = max(
            ((p, ns) for p, ns in self.prefixes.items() if ns and iri.startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best is not None:
            local = iri[len(best[1]) :]
            if _LOCAL_NAME.match(local):
                return f"{best[0]}:{local}"
        if iri.startswith(self.base_iri) and len(iri) > len(self.base_iri):
            return f"<{iri[len(self.base_iri) :]}>"
        return f"<{iri}>"

    def literal(self, value: str, language: str | None = None, datatype: str | None = None) -> str:
        """``"x"@en``, ``"1938"^^xsd:gYear``, or a bare ``12``/``true`` as Turtle allows."""
        if datatype in _BARE and _BARE[datatype].match(value):
            return value
        quoted = '"' + value.translate(_ESCAPES) + '"'
        if language:
            return f"{quoted}@{language}"
        if datatype and datatype != XSD + "string":
            return f"{quoted}^^{self.iri(datatype)}"
        return quoted

    def with_prefixes(self, extra: Mapping[str, str]) -> Namer:
        """Add prefixes (for example an ontology's own); the known ones win on a clash."""
        known = set(self.prefixes.values())
        added = {p: ns for p, ns in extra.items() if p not in self.prefixes and ns not in known}
        return Namer(self.base_iri, {**self.prefixes, **added})
