"""The vocabulary as pages use it: its terms, their schema.org matches, and the shapes.

Read once per catalogue: the ontology's statements from the store (``ontology-terms.rq``)
and the SHACL shapes from the shape file, which is not part of the published data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from awardgraph.namespaces import AG, PREFIXES
from awardgraph.store import BaseStore
from awardgraph.web.links import page_queries

SCHEMA = PREFIXES["schema"]
SH = PREFIXES["sh"]
OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]
_MATCHES = (
    PREFIXES["skos"] + "closeMatch",
    PREFIXES["skos"] + "exactMatch",
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
)
KINDS = (
    (OWL + "Class", "Classes"),
    (OWL + "ObjectProperty", "Relations"),
    (OWL + "DatatypeProperty", "Attributes"),
    (OWL + "AnnotationProperty", "Annotations"),
    (OWL + "NamedIndividual", "Controlled values"),
)

Terms = Mapping[str, Mapping[str, tuple[ox.NamedNode | ox.Literal, ...]]]


@dataclass(frozen=True)
class Vocabulary:
    terms: Terms
    """Each term of the ontology (and the ontology itself): its properties and values."""
    triples: tuple[ox.Triple, ...]
    """The ontology document."""
    shapes: Mapping[str, tuple[str, ...]]
    """Class IRI to the IRIs of the node shapes that target it (sh:targetClass)."""
    shape_triples: tuple[ox.Triple, ...]

    def schema_org(self, term: str) -> str | None:
        """The schema.org term the ontology matches ``term`` to, if any."""
        for prop in _MATCHES:
            for value in self.terms.get(term, {}).get(prop, ()):
                if value.value.startswith(SCHEMA):
                    return value.value
        return None

    def kind(self, term: str) -> str:
        """The heading a term is listed under on the ontology page."""
        types = {v.value for v in self.terms.get(term, {}).get(PREFIXES["rdf"] + "type", ())}
        return next((title for iri, title in KINDS if iri in types), "Other terms")

    def grouped(self) -> list[tuple[str, list[str]]]:
        """The ontology's own terms (``ag:``) by kind, in the order of ``KINDS``."""
        groups: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self.terms):
            if term.startswith(AG):
                groups[self.kind(term)].append(term)
        order = [title for _, title in KINDS] + ["Other terms"]
        return [(title, groups[title]) for title in order if groups.get(title)]


def load_vocabulary(store: BaseStore, shapes_file: Path) -> Vocabulary:
    terms: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    triples = []
    for term, prop, value in store.query(page_queries()["ontology-terms"].text).terms:
        if isinstance(term, ox.NamedNode) and isinstance(prop, ox.NamedNode):
            if isinstance(value, ox.NamedNode | ox.Literal):
                terms[term.value][prop.value].append(value)
            if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
                triples.append(ox.Triple(term, prop, value))
    shape_triples = tuple(
        q.triple for q in ox.parse(path=shapes_file, format=ox.RdfFormat.TURTLE, base_iri=AG)
    )
    shapes: dict[str, list[str]] = defaultdict(list)
    for t in shape_triples:
        if t.predicate.value == SH + "targetClass" and isinstance(t.subject, ox.NamedNode):
            shapes[str(t.object).strip("<>")].append(t.subject.value)
    return Vocabulary(
        {k: {p: tuple(v) for p, v in props.items()} for k, props in terms.items()},
        tuple(triples),
        {k: tuple(v) for k, v in shapes.items()},
        shape_triples,
    )
