"""How far from a focus node the shapes look: whether validating part of the data is exact.

A chunk of the data holds, for the subjects it validates, all their statements (from
every file), the statements that point at them by a predicate some shape walks
backwards (``sh:inversePath``), and all statements about the nodes they point at. That
is enough for a shape that reads its focus node's statements, counts its values, checks
their datatypes, or the classes (``sh:class``) of the nodes it points at; and for a path
of two forward steps (a variant's award type). Anything that may look further (a class
two steps away, a path that repeats, ``sh:targetNode``, a SPARQL constraint that reads
other nodes than ``$this``) makes ``reach`` return the reason, and the data is then
validated as one graph. SHACL: https://www.w3.org/TR/shacl/
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Namespace, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
BEYOND = 2
"""A distance from the focus node whose statements a chunk does not hold."""

_ABOUT_VALUES = {
    *(SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.languageIn, SH.pattern, SH.flags),
    *(SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive),
    *(SH.maxExclusive, SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedMinCount),
    *(SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.message, SH.severity),
    *(SH.name, SH.description, SH.deactivated, SH.order, SH.group, SH.defaultValue),
    *(SH.targetClass, SH.targetSubjectsOf),
}
"""Parameters that need nothing beyond the value nodes (or the shape itself)."""
_OWN_STATEMENTS = {SH["class"], SH.closed, SH.ignoredProperties, SH.equals, SH.disjoint}
_OWN_STATEMENTS |= {SH.lessThan, SH.lessThanOrEquals}
"""Parameters that read the statements of the node they are applied to."""
_NESTED = {SH["not"], SH.node, SH.qualifiedValueShape}
_LISTS = {SH["or"], SH["and"], SH.xone}
_FAR_TARGETS = {SH.targetNode, SH.targetObjectsOf, SH.target}


@dataclass(frozen=True)
class Reach:
    """What chunks must hold beyond their subjects' own statements."""

    inverse: frozenset[str]
    """Predicates some shape walks backwards: their statements pointing at a chunk's
    subjects go into the chunk."""


def reach(shapes: Graph) -> Reach | str:
    """The ``Reach`` of ``shapes``, or why they may look further than a chunk holds."""
    walk = _Walk(shapes)
    for shape in _targeted(shapes):
        if far := _FAR_TARGETS & set(shapes.predicates(shape, None)):
            return f"shape {shape} has a target a chunk cannot resolve ({sorted(far)[0]})"
        walk.shape(shape, 0)
    if walk.problems:
        return walk.problems[0]
    return Reach(frozenset(str(p) for p in walk.inverse))


def _targeted(shapes: Graph) -> Iterator[Node]:
    seen: set[Node] = set()
    for predicate in (*_FAR_TARGETS, SH.targetClass, SH.targetSubjectsOf):
        seen |= set(shapes.subjects(predicate, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if {RDFS.Class, OWL.Class} & set(shapes.objects(shape, RDF.type)):
                seen.add(shape)
    yield from sorted(seen, key=str)


class _Walk:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.inverse: set[Node] = set()
        self.problems: list[str] = []
        self._seen: set[tuple[Node, int]] = set()

    def far(self, shape: Node, why: str) -> None:
        self.problems.append(f"shape {shape} {why}")

    def shape(self, shape: Node, distance: int) -> None:
        """Check a shape applied to nodes ``distance`` steps from the focus node."""
        if (shape, distance) in self._seen:
            return
        self._seen.add((shape, distance))
        path = self.shapes.value(shape, SH.path)
        values = distance if path is None else self.path(shape, path, distance)
        for parameter, value in self.shapes.predicate_objects(shape):
            if not str(parameter).startswith(str(SH)) or parameter in _ABOUT_VALUES:
                continue
            if parameter == SH.path:
                continue
            if parameter in _OWN_STATEMENTS:
                applied = distance if parameter != SH["class"] else values
                if applied > 1:
                    self.far(shape, f"reads {parameter} of nodes beyond a neighbour")
            elif parameter in _NESTED or parameter == SH.property:
                self.shape(value, values)
            elif parameter in _LISTS:
                for member in Collection(self.shapes, value):
                    self.shape(member, values)
            elif parameter == SH.sparql and path is None and distance == 0:
                self.sparql(shape, value)
            else:
                self.far(shape, f"uses {parameter}, which a chunk may not answer")

    def path(self, shape: Node, path: Node, distance: int) -> int:
        """The distance of the value nodes of ``path`` from nodes at ``distance``."""
        if isinstance(path, URIRef):
            if distance > 1:
                self.far(shape, "walks on from nodes beyond a neighbour")
            return distance + 1
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            if distance != 0:
                self.far(shape, "walks backwards from a node other than the focus")
            self.inverse.add(inverse)
            return BEYOND
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            members = list(Collection(self.shapes, alternatives))
            return max(self.path(shape, member, distance) for member in members)
        if (path, RDF.first, None) in self.shapes:
            for step in Collection(self.shapes, path):
                distance = self.path(shape, step, distance)
            return distance
        self.far(shape, "has a path a chunk may not follow (repeated or nested)")
        return BEYOND

    def sparql(self, shape: Node, constraint: Node) -> None:
        """A SPARQL constraint is local when every triple pattern starts at ``$this``."""
        text = self.shapes.value(constraint, SH.select)
        prefixes = {
            str(self.shapes.value(d, SH.prefix)): str(self.shapes.value(d, SH.namespace))
            for declared in self.shapes.objects(constraint, SH.prefixes)
            for d in self.shapes.objects(declared, SH.declare)
        }
        try:
            query = prepareQuery(str(text), initNs=prefixes)
        except Exception as error:
            self.far(shape, f"has a SPARQL constraint rdflib cannot read ({error})")
            return
        for s, p, _ in _patterns(query.algebra):
            if s != Variable("this") or not isinstance(p, URIRef | Variable):
                self.far(shape, "has a SPARQL constraint that reads other nodes than $this")
                return


def _patterns(node: object) -> Iterator[tuple[Node, Node, Node]]:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            yield (Variable("service"), Variable("p"), Variable("o"))
        if node.name == "BGP":
            yield from node.get("triples") or []
            return
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _patterns(value)
