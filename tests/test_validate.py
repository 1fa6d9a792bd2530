"""Loading with rdflib and SHACL validation with pySHACL (https://www.w3.org/TR/shacl/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from awardgraph.config import Config
from awardgraph.errors import ConfigError, DataSyntaxError
from awardgraph.validate import load_dataset, load_graph, validate, validate_files

from .support import AG, BASE, CATALOGUE, DATA, DATA_QUADS

AWARDS = CATALOGUE / "awards.trig"
BADGES = CATALOGUE / "badges.trig"
INVALID = DATA / "invalid/awards.trig"


def test_relative_iris_resolve_against_the_base_and_graphs_are_kept() -> None:
    data = load_dataset([AWARDS], BASE)
    quad = (
        URIRef(BASE + "award/medal-for-valiant-labor"),
        RDF.type,
        URIRef(AG + "Medal"),
        URIRef(BASE + "citation/awards-1"),
    )
    assert quad in set(data.quads())
    names = {str(g) for _, _, _, g in data.quads()}
    assert names >= {BASE + "citation/awards-1", BASE + "citation/awards-2"}


def test_another_base_moves_every_relative_iri() -> None:
    data = load_dataset([AWARDS], "https://other.example/")
    subjects = {str(s) for s, _, _, _ in data.quads() if isinstance(s, URIRef)}
    assert "https://other.example/award/medal-for-valiant-labor" in subjects
    assert not any(s.startswith(BASE) for s in subjects)


def test_every_quad_is_loaded_and_subjects_know_their_files() -> None:
    data = load_dataset([AWARDS, BADGES], BASE)
    assert len(data) == DATA_QUADS
    assert data.files == (AWARDS, BADGES)
    assert data.files_of(URIRef(BASE + "award/medal-for-valiant-labor")) == [AWARDS]
    assert data.files_of(URIRef(BASE + "award/nkvd-fireman-badge")) == [BADGES]
    assert data.files_of(URIRef(BASE + "award/unknown")) == []


def test_validation_sees_all_graphs_merged() -> None:
    """The badge's type and label are stated in different graphs; merged, it conforms."""
    data = load_dataset([AWARDS, BADGES], BASE)
    badge = URIRef(BASE + "award/nkvd-fireman-badge")
    stated = {
        p: {str(g) for s, p2, _, g in data.quads() if s == badge and p2 == p}
        for p in (RDF.type, RDFS.label)
    }
    assert stated == {
        RDF.type: {BASE + "citation/badges-1"},
        RDFS.label: {BASE + "citation/badges-2"},
    }
    shapes, ontology = load_graph(DATA / "shapes.ttl"), load_graph(DATA / "ontology.ttl")
    report = validate(data, shapes, ontology)
    assert report.conforms
    assert report.violations == ()


def test_violations_name_file_entity_path_value_and_message() -> None:
    data = load_dataset([INVALID], BASE)
    report = validate(data, load_graph(DATA / "shapes.ttl"), load_graph(DATA / "ontology.ttl"))
    assert not report.conforms
    found = {(v.file, str(v.focus), v.label, v.path, v.value) for v in report.violations}
    assert found == {
        (
            INVALID,
            BASE + "award/medal-for-valiant-labor",
            "Medal for Valiant Labor",
            "ag:established",
            Literal("1938", datatype=XSD.date),
        ),
        (INVALID, BASE + "award/unnamed-medal", None, "rdfs:label", None),
    }
    by_path = {v.path: v for v in report.violations}
    # The shape's own sh:message wins over pySHACL's generated text.
    assert by_path["ag:established"].message == (
        'expected at most one year as xsd:gYear, e.g. "1938"^^xsd:gYear'
    )
    assert "rdfs:label" in by_path["rdfs:label"].message
    assert {v.severity for v in report.violations} == {"Violation"}


def test_report_text_groups_results_by_entity() -> None:
    data = load_dataset([INVALID], BASE)
    report = validate(data, load_graph(DATA / "shapes.ttl"), load_graph(DATA / "ontology.ttl"))
    lines = report.format(DATA).splitlines()
    assert lines[:3] == [
        'invalid/awards.trig: <award/medal-for-valiant-labor> "Medal for Valiant Labor"',
        '  ag:established: "1938"^^xsd:date — expected at most one year as xsd:gYear, '
        'e.g. "1938"^^xsd:gYear',
        "invalid/awards.trig: <award/unnamed-medal>",
    ]
    assert lines[3].startswith("  rdfs:label — ")
    assert lines[4].startswith("2 results for 2 entities: the data does not conform")
    assert lines[4].endswith("https://www.w3.org/TR/shacl/#validation-report")


def test_conforming_report_counts_files_and_statements(config: Config) -> None:
    report = validate_files(config)
    assert report.conforms
    assert report.shapes_file == DATA / "shapes.ttl"
    assert report.format(config.root) == (
        f"2 files conform to shapes.ttl ({DATA_QUADS} statements)"
    )


def test_syntax_error_names_the_file_and_line() -> None:
    broken = DATA / "broken/awards.trig"
    with pytest.raises(DataSyntaxError) as raised:
        load_dataset([AWARDS, broken], BASE)
    assert raised.value.file == broken
    assert raised.value.line == 4
    assert raised.value.message == "newline found in string literal"
    assert str(raised.value).endswith("broken/awards.trig, line 4: newline found in string literal")


def test_shapes_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    lines = ["@prefix sh: <http://www.w3.org/ns/shacl#> .", "", "<a> sh:path @@ .", "<c> <d> <e> ."]
    shapes.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataSyntaxError) as raised:
        load_graph(shapes)
    assert raised.value.file == shapes
    assert raised.value.line == 3


def test_a_shape_comparing_years_rdflib_cannot_order_is_a_clear_error(tmp_path: Path) -> None:
    """pySHACL raises TypeError on sh:lessThanOrEquals over xsd:gYear; say why."""
    period = tmp_path / "period.trig"
    period.write_text(
        f"@prefix ag: <{AG}> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<citation/c> { <period/p> ag:startYear "1932"^^xsd:gYear ; '
        'ag:endYear "1922"^^xsd:gYear . }\n'
    )
    shapes = Graph().parse(
        data=f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ag: <{AG}> .
        <s> a sh:PropertyShape ; sh:targetSubjectsOf ag:startYear ;
            sh:path ag:startYear ; sh:lessThanOrEquals ag:endYear .""",
        format="turtle",
    )
    with pytest.raises(ConfigError, match=r"rdflib cannot order every datatype \(xsd:gYear"):
        validate(load_dataset([period], BASE), shapes, Graph())
