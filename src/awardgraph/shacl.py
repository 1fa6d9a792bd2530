"""Run pySHACL on one graph, and read its results as ``Violation``s.

``Checker`` validates one ``chunks.Part`` (in this process, or in a worker process of a
pool that ``start_worker`` prepares) or one whole graph. The graph validated holds the
ontology too, validated in place: what pySHACL's ``ont_graph`` would do, without its
copy of the data graph. SHACL: https://www.w3.org/TR/shacl/ (#validation-report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from awardgraph.chunks import Part
from awardgraph.errors import ConfigError
from awardgraph.namespaces import Namer
from awardgraph.parse import Terms
from awardgraph.report import SHACL_SPEC, Violation

SH = Namespace("http://www.w3.org/ns/shacl#")


class Checker:
    """The shapes and the ontology, ready to validate graphs against."""

    def __init__(self, shapes: Graph, ontology: Graph, namer: Namer) -> None:
        self.shapes = shapes
        self.ontology = list(ontology)
        self.namer = namer

    def validate(
        self, graph: Graph, file_of: Callable[[Node], Path | None], owned: Callable[[Node], bool]
    ) -> list[Violation]:
        """Validate ``graph`` (with the ontology added to it); the results about ``owned``
        focus nodes, each with the file ``file_of`` names."""
        graph.addN((s, p, o, graph) for s, p, o in self.ontology)
        results = run(graph, self.shapes)
        return [
            _violation(results, self.shapes, graph, self.namer, result, file_of)
            for result in results.subjects(RDF.type, SH.ValidationResult)
            if owned(results.value(result, SH.focusNode) or result)
        ]

    def validate_part(self, part: Part) -> list[Violation]:
        terms = Terms()
        own = [(q.subject, q.predicate, q.object) for q in _quads(part.own)]
        subjects = {terms(s) for s, _, _ in own}
        context = ((q.subject, q.predicate, q.object) for q in _quads(part.context))
        graph = terms.graph([*own, *context])
        return self.validate(graph, lambda _: part.file, subjects.__contains__)


def run(graph: Graph, shapes: Graph) -> Graph:
    """pySHACL's results graph for ``graph``; a shape it cannot apply is a ``ConfigError``."""
    try:
        _, results, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            inplace=True,
        )
    except ReportableRuntimeError as error:
        message = f"pySHACL cannot apply the shapes: {error.message} ({SHACL_SPEC})"
        raise ConfigError(message) from error
    except TypeError as error:
        # rdflib cannot order some literals (xsd:gYear among them) for sh:lessThan(OrEquals).
        raise ConfigError(
            f"pySHACL could not compare two values ({error}). rdflib cannot order every "
            f"datatype (xsd:gYear, for one) for sh:lessThan/sh:lessThanOrEquals ({SHACL_SPEC})."
        ) from error
    assert isinstance(results, Graph)
    return results


_worker: Checker | None = None


def start_worker(shapes: bytes, ontology: bytes, namer: Namer) -> None:
    """Prepare a pool's worker process: parse the shapes and the ontology once."""
    global _worker
    _worker = Checker(_graph(shapes), _graph(ontology), namer)
    _index_constraint_parameters()


def _index_constraint_parameters() -> None:
    """Let pySHACL look up constraint parameters in a set, not a list of about 40.

    pySHACL 0.40 tests every predicate of a shape against that list for every focus
    node (a quarter of its time here); it keeps the list on its ``shape`` module once it
    has imported it, and only copies it when advanced or JavaScript features are on,
    which awardgraph never turns on. Done in worker processes only: they are ours.
    """
    import pyshacl.shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    pyshacl.shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        frozenset(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )


def validate_in_worker(part: Part) -> list[Violation] | str:
    """Validate ``part`` in a worker process; a ``ConfigError`` comes back as its text."""
    assert _worker is not None, "start_worker first"
    try:
        return _worker.validate_part(part)
    except ConfigError as error:
        return str(error)


def _graph(nquads: bytes) -> Graph:
    return Terms().graph((q.subject, q.predicate, q.object) for q in _quads(nquads))


def _quads(nquads: bytes) -> Iterable[ox.Quad]:
    return ox.parse(nquads, format=ox.RdfFormat.N_QUADS) if nquads else ()


def _violation(
    results: Graph,
    shapes: Graph,
    data_graph: Graph,
    namer: Namer,
    result: Node,
    file_of: Callable[[Node], Path | None],
) -> Violation:
    focus = results.value(result, SH.focusNode)
    assert focus is not None
    shape = results.value(result, SH.sourceShape)
    severity = results.value(result, SH.resultSeverity)
    path = results.value(result, SH.resultPath)
    # A SPARQL constraint's result carries its own message and its node shape's: the
    # constraint's is the one that says what is wrong.
    general = set(shapes.objects(shape, SH.message))
    messages = list(results.objects(result, SH.resultMessage))
    messages = [m for m in messages if m not in general] or messages or list(general)
    value = results.value(result, SH.value)
    return Violation(
        file=file_of(focus),
        focus=focus,
        label=english(data_graph.objects(focus, RDFS.label)),
        path=None if path is None else _path_text(results, path, namer),
        value=None if value == focus else value,
        message=english(messages) or "(no message)",
        shape=shape,
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
    )


def english(literals: Iterable[Node]) -> str | None:
    """Prefer an English literal, then one without a language tag."""
    ranked = sorted(
        (lit for lit in literals if isinstance(lit, Literal)),
        key=lambda lit: (lit.language not in ("en", None), lit.language is not None, str(lit)),
    )
    return str(ranked[0]) if ranked else None


def _path_text(graph: Graph, path: Node, namer: Namer) -> str:
    """Write a SHACL property path (https://www.w3.org/TR/shacl/#property-paths) briefly."""
    if isinstance(path, URIRef):
        return namer.iri(str(path))
    if not isinstance(path, BNode):
        return str(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p, namer) for p in graph.items(path))
    forms = (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    )
    for predicate, form in forms:
        inner = graph.value(path, predicate)
        if inner is not None:
            return form.format(_path_text(graph, inner, namer))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(graph, p, namer) for p in graph.items(alternatives))
    return "(path)"
