"""The SHACL shapes (ontology/shapes.ttl): valid SHACL, complete, neither too lax nor too strict.

Every named shape ``agsh:X`` has a fixture ``tests/shapes/invalid/X.ttl`` (and perhaps
``X--2.ttl``, ``X--3.ttl``) that is valid except that it breaks the rule of that shape, and
the files in ``tests/shapes/valid/`` conform. Validation is done as the build does it: one
plain graph, the ontology as ``ont_graph`` (for the subclass axioms and the controlled
values typed ``owl:NamedIndividual``), no inference.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from pyshacl.errors import ReportableRuntimeError
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Namespace, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "awardgraph.ttl"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
DATA_FILES = sorted((ROOT / "data").glob("*.trig"))
INVALID_DIR = ROOT / "tests" / "shapes" / "invalid"
VALID_DIR = ROOT / "tests" / "shapes" / "valid"
INVALID = sorted(INVALID_DIR.glob("*.ttl"))
VALID = sorted(VALID_DIR.glob("*.ttl"))
BASE_IRI = "https://awardgraph.example/"

SH = Namespace("http://www.w3.org/ns/shacl#")
AGSH = Namespace("https://awardgraph.example/shapes#")
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)

# "Specimen-serialNumber--2.ttl" breaks agsh:Specimen-serialNumber (a second way).
_FIXTURE_NAME = re.compile(r"(?P<shape>.+?)(?:--\d+)?")

MINIMAL_DATA = """
@prefix ag:   <https://awardgraph.example/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<award/test-badge> a ag:AwardType ; rdfs:label "Test Badge"@en ; ag:kind ag:badge .
"""


@cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@cache
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def load_fixture(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=BASE_IRI)


def shacl_results(graph: Graph, meta_shacl: bool = False) -> tuple[bool, Graph]:
    """Validate ``graph`` against the shapes: whether it conforms, and the report graph."""
    conforms, results, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        allow_warnings=True,
        meta_shacl=meta_shacl,
    )
    assert isinstance(results, Graph)
    return bool(conforms), results


def named_shapes() -> dict[str, URIRef]:
    """Every named agsh: node shape, property shape and SPARQL constraint, by local name."""
    shapes = shapes_graph()
    found: dict[str, URIRef] = {}
    for shape_type in SHAPE_TYPES:
        for shape in shapes.subjects(RDF.type, shape_type):
            if isinstance(shape, URIRef) and shape.startswith(AGSH):
                found[shape[len(AGSH) :]] = shape
    return found


def target_name(fixture: Path) -> str:
    """The local name of the shape a fixture breaks: its file name, less any ``--N``."""
    match = _FIXTURE_NAME.fullmatch(fixture.stem)
    assert match is not None
    return match["shape"]


def instances(cls: Node, data: Graph) -> set[Node]:
    """The nodes of ``data`` typed ``cls`` or one of its subclasses in the ontology."""
    classes = set(ontology_graph().transitive_subjects(RDFS.subClassOf, cls))
    return {node for c in classes for node in data.subjects(RDF.type, c)}


def caught_by(shape: URIRef, data: Graph, results: Graph) -> tuple[list[Node], list[Node]]:
    """Split the results of validating ``data`` into those of ``shape``'s rule and the rest.

    A SPARQL constraint is named by sh:sourceConstraint. A property shape is the
    sh:sourceShape. A node shape is the sh:sourceShape, or one of its sh:property shapes
    is, for a focus node that the node shape targets.
    """
    shapes = shapes_graph()
    is_sparql = (shape, RDF.type, SH.SPARQLConstraint) in shapes
    is_node_shape = (shape, RDF.type, SH.NodeShape) in shapes
    own = {shape, *shapes.objects(shape, SH.property)} if is_node_shape else {shape}
    targets: set[Node] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        targets |= instances(cls, data)
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        targets |= set(data.subjects(predicate, None))
    mine: list[Node] = []
    others: list[Node] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if is_sparql:
            hit = results.value(result, SH.sourceConstraint) == shape
        elif is_node_shape:
            hit = results.value(result, SH.sourceShape) in own and (
                results.value(result, SH.focusNode) in targets
            )
        else:
            hit = results.value(result, SH.sourceShape) == shape
        (mine if hit else others).append(result)
    return mine, others


def describe(results: Graph, found: list[Node]) -> str:
    """One line per result: the shape (or constraint), focus node, value and message."""
    lines = []
    for result in found:
        source = results.value(result, SH.sourceConstraint) or results.value(result, SH.sourceShape)
        parts = [
            str(source).removeprefix(str(AGSH)) if isinstance(source, URIRef) else "(anonymous)",
            str(results.value(result, SH.focusNode)).removeprefix(BASE_IRI),
            f"value={results.value(result, SH.value)}",
            str(results.value(result, SH.resultMessage)),
        ]
        lines.append("  " + " | ".join(parts))
    return "\n".join(sorted(lines))


def superclasses(cls: Node) -> set[Node]:
    """``cls`` and all its superclasses (rdfs:subClassOf*) in the ontology."""
    return {c for c in ontology_graph().transitive_objects(cls, RDFS.subClassOf) if c is not None}


def test_shapes_are_valid_shacl() -> None:
    data = Graph().parse(data=MINIMAL_DATA, format="turtle", publicID=BASE_IRI)
    try:
        conforms, results = shacl_results(data, meta_shacl=True)
    except ReportableRuntimeError as error:  # raised when the shapes fail meta-SHACL
        pytest.fail(f"{SHAPES_FILE.name} is not valid SHACL:\n{error}")
    assert conforms, results.serialize(format="turtle")


def test_every_shape_has_a_fixture() -> None:
    shapes = named_shapes()
    missing = sorted(name for name in shapes if not (INVALID_DIR / f"{name}.ttl").is_file())
    unknown = sorted(path.name for path in INVALID if target_name(path) not in shapes)
    assert not missing, f"shapes with no fixture tests/shapes/invalid/<name>.ttl: {missing}"
    assert not unknown, f"fixtures named after no shape in {SHAPES_FILE.name}: {unknown}"


@pytest.mark.parametrize("fixture", INVALID, ids=[path.stem for path in INVALID])
def test_invalid_fixture_is_caught(fixture: Path) -> None:
    shape = named_shapes().get(target_name(fixture))
    assert shape is not None, f"{fixture.name} names no shape in {SHAPES_FILE.name}"
    data = load_fixture(fixture)
    conforms, results = shacl_results(data)
    assert not conforms, f"{fixture.name} conforms, but should break agsh:{target_name(fixture)}"
    mine, others = caught_by(shape, data, results)
    assert mine, (
        f"agsh:{target_name(fixture)} reports nothing for {fixture.name}; other results:\n"
        + describe(results, others)
    )
    assert not others, (
        f"{fixture.name} should break only agsh:{target_name(fixture)}, but also breaks:\n"
        + describe(results, others)
    )


@pytest.mark.parametrize("fixture", VALID, ids=[path.stem for path in VALID])
def test_valid_fixture_conforms(fixture: Path) -> None:
    conforms, results = shacl_results(load_fixture(fixture))
    found = list(results.subjects(RDF.type, SH.ValidationResult))
    assert conforms, f"{fixture.name} should conform:\n" + describe(results, found)


def test_every_class_used_in_data_has_a_shape() -> None:
    assert DATA_FILES, "no data/*.trig files"
    dataset = Dataset()
    for path in DATA_FILES:
        dataset.parse(path, format="trig", publicID=BASE_IRI)
    used = {o for _, _, o, _ in dataset.quads((None, RDF.type, None, None))}
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    unshaped = sorted(str(cls) for cls in used if not superclasses(cls) & targeted)
    assert not unshaped, f"classes used in data/ that no shape targets: {unshaped}"


def test_shapes_have_targets() -> None:
    shapes = shapes_graph()
    classes = set(ontology_graph().subjects(RDF.type, OWL.Class))
    problems = []
    properties = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology_graph().subjects(RDF.type, kind)
    }
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        targets = list(shapes.objects(shape, SH.targetClass))
        subjects_of = list(shapes.objects(shape, SH.targetSubjectsOf))
        if not targets and not subjects_of:
            problems.append(f"{shape} has no sh:targetClass or sh:targetSubjectsOf")
        problems += [f"{shape} targets {t}, not an owl:Class" for t in targets if t not in classes]
        problems += [
            f"{shape} targets subjects of {p}, not a property of the ontology"
            for p in subjects_of
            if p not in properties
        ]
    assert not problems, "\n".join(problems)
