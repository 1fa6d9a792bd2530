"""The description of one resource: what its page shows and what its RDF carries.

One builder (``describe``) serves every rendering: the HTML page and each RDF format
read the same ``Description``. It holds the resource's statements with the graphs
(cited sentences) that state them, the values shown inside it (awarding counts,
measurements, inscriptions), the links to it by each property with counts and one page
of linking resources, and the labels of everything named, fetched in one query.
The queries are ``web/queries/entity-*.rq`` and ``labels.rq``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from awardgraph.namespaces import AG, PREFIXES
from awardgraph.store import BaseStore
from awardgraph.web.links import Label, labels, page_queries, sort_key

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
IS_REFERENCED_BY = PREFIXES["dcterms"] + "isReferencedBy"
SOURCE = PREFIXES["dcterms"] + "source"
QUOTE = AG + "quote"
COUNT, QUALIFIER = AG + "count", AG + "qualifier"

Node = ox.NamedNode | ox.BlankNode
Value = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Shown:
    """One value of a property on a page, with the numbers of the citations stating it."""

    term: Value
    citations: tuple[int, ...] = ()
    qualifier: str = ""
    """For an ``ag:count``: the IRI of its ``ag:qualifier`` (about, at least)."""
    inside: tuple[Property, ...] = ()
    """For a value shown inside this one (an awarding count): its own statements."""


@dataclass(frozen=True)
class Property:
    iri: str
    values: tuple[Shown, ...]


@dataclass(frozen=True)
class Inverse:
    """The resources linking to this one by ``property``: ``count`` in all, one page shown."""

    property: str
    count: int
    subjects: tuple[str, ...]
    offset: int


@dataclass(frozen=True)
class Citation:
    number: int
    iri: str


@dataclass(frozen=True)
class Description:
    iri: str
    properties: tuple[Property, ...]
    inverse: tuple[Inverse, ...]
    citations: tuple[Citation, ...]
    labels: Mapping[str, Label]
    statements: tuple[tuple[ox.Triple, tuple[str, ...]], ...] = field(repr=False)
    """Its own statements and those of the values inside, each with the graphs stating it."""

    @property
    def label(self) -> Label:
        return self.labels[self.iri]

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(s.term.value for p in self.properties if p.iri == RDF_TYPE for s in p.values)

    def quads(self) -> Iterator[ox.Quad]:
        """The RDF of the resource: its statements in the graphs that state them, the
        links to it, the labels and types of what it names, and the cited sentences."""
        default = ox.DefaultGraph()
        subject = ox.NamedNode(self.iri)
        for triple, graphs in self.statements:
            for graph in graphs or (None,):
                name = default if graph is None else ox.NamedNode(graph)
                yield ox.Quad(triple.subject, triple.predicate, triple.object, name)
        for inverse in self.inverse:
            link = ox.NamedNode(inverse.property)
            for other in inverse.subjects:
                yield ox.Quad(ox.NamedNode(other), link, subject, default)
        named = {self.iri, *(c.iri for c in self.citations)}
        for iri, label in self.labels.items():
            if iri in named:
                continue
            node = ox.NamedNode(iri)
            if label.named:
                text = ox.Literal(label.text, language=label.language or None)
                yield ox.Quad(node, ox.NamedNode(RDFS_LABEL), text, default)
            for kind in label.types:
                yield ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind), default)
        for citation in self.citations:
            yield from self._citation(self.labels[citation.iri], subject, default)

    @staticmethod
    def _citation(label: Label, subject: ox.NamedNode, graph: ox.DefaultGraph) -> Iterator[ox.Quad]:
        node = ox.NamedNode(label.iri)
        yield ox.Quad(subject, ox.NamedNode(IS_REFERENCED_BY), node, graph)
        for kind in label.types:
            yield ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind), graph)
        if label.named:
            text = ox.Literal(label.text, language=label.language or None)
            yield ox.Quad(node, ox.NamedNode(RDFS_LABEL), text, graph)
        if label.quote:
            quote = ox.Literal(label.quote[0], language=label.quote[1] or None)
            yield ox.Quad(node, ox.NamedNode(QUOTE), quote, graph)
        if label.source:
            source = ox.NamedNode(label.source)
            yield ox.Quad(node, ox.NamedNode(SOURCE), source, graph)
            if label.source_label:
                text = ox.Literal(label.source_label, language="en")
                yield ox.Quad(source, ox.NamedNode(RDFS_LABEL), text, graph)

    def triples(self) -> list[ox.Triple]:
        """The quads' triples, each once: the description in a format without graphs."""
        return list(dict.fromkeys(q.triple for q in self.quads()))


def describe(
    store: BaseStore,
    iri: str,
    language: str,
    *,
    limit: int,
    offsets: Mapping[str, int] | None = None,
) -> Description | None:
    """Describe ``iri``; None when the catalogue says nothing about it.

    Each property linking to it shows at most ``limit`` resources, from its offset in
    ``offsets`` (property IRI to offset; 0 when absent).
    """
    queries = page_queries()
    resource = {"resource": ox.NamedNode(iri)}
    rows = store.query(queries["entity-statements"].text, resource).terms
    counts = store.query(queries["entity-inverse-counts"].text, resource).terms
    if not rows and not counts:
        return None

    graphs: dict[ox.Triple, list[str]] = defaultdict(list)
    # In a stable order, not the store's (which differs between engines and loads).
    for _, subject, prop, value, graph in sorted(rows, key=lambda row: [str(t) for t in row]):
        assert isinstance(subject, Node) and isinstance(prop, ox.NamedNode)
        assert isinstance(value, Value)
        stated = graphs[ox.Triple(subject, prop, value)]
        if isinstance(graph, ox.NamedNode) and graph.value not in stated:
            stated.append(graph.value)

    inverse = []
    for _, prop, count in sorted(counts, key=lambda row: str(row[1])):
        assert isinstance(prop, ox.NamedNode) and isinstance(count, ox.Literal)
        offset = max(0, (offsets or {}).get(prop.value, 0))
        page = f"{queries['entity-inverse'].text}\nOFFSET {offset} LIMIT {limit}"
        found = store.query(page, {**resource, "property": prop}).terms
        subjects = tuple(row[2].value for row in found if isinstance(row[2], ox.NamedNode))
        inverse.append(Inverse(prop.value, int(count.value), subjects, offset))

    numbers: dict[str, int] = {}
    for stated in graphs.values():
        for name in stated:
            numbers.setdefault(name, len(numbers) + 1)

    named = {iri, *numbers}
    for triple in graphs:
        named.add(triple.predicate.value)
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode):
                named.add(term.value)
    for link in inverse:
        named.update((link.property, *link.subjects))
    found_labels = labels(store, named, language)
    by_name = [
        replace(
            link, subjects=tuple(sorted(link.subjects, key=lambda i: sort_key(found_labels[i])))
        )
        for link in inverse
    ]

    return Description(
        iri,
        _properties(iri, graphs, numbers),
        tuple(by_name),
        tuple(Citation(n, g) for g, n in numbers.items()),
        found_labels,
        tuple((t, tuple(g)) for t, g in graphs.items()),
    )


def _properties(
    iri: str, graphs: Mapping[ox.Triple, Sequence[str]], numbers: Mapping[str, int]
) -> tuple[Property, ...]:
    """The statements of ``iri`` by property, with the values shown inside nested."""
    by_subject: dict[str, dict[str, list[ox.Triple]]] = defaultdict(lambda: defaultdict(list))
    for triple in graphs:
        subject = triple.subject
        assert isinstance(subject, Node)
        by_subject[subject.value][triple.predicate.value].append(triple)

    def shown(subject: str, seen: frozenset[str]) -> tuple[Property, ...]:
        props = by_subject.get(subject, {})
        qualifier = next((str(t.object) for t in props.get(QUALIFIER, ())), "").strip("<>")
        out = []
        for prop, triples in props.items():
            values = []
            for t in sorted(triples, key=lambda t: str(t.object)):
                value = t.object
                inside: tuple[Property, ...] = ()
                if (
                    isinstance(value, Node)
                    and value.value in by_subject
                    and value.value not in seen
                ):
                    inside = shown(value.value, seen | {value.value})
                cited = tuple(sorted(numbers[g] for g in graphs[t]))
                assert isinstance(value, Value)
                values.append(Shown(value, cited, qualifier if prop == COUNT else "", inside))
            out.append(Property(prop, tuple(values)))
        return tuple(out)

    return shown(iri, frozenset({iri}))
