"""Loading with rdflib and SHACL validation with pySHACL (https://www.w3.org/TR/shacl/)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

import awardgraph.validate
from awardgraph.build import build
from awardgraph.config import Config
from awardgraph.errors import ConfigError, DataSyntaxError, ValidationFailed
from awardgraph.reach import Reach, reach
from awardgraph.synth import synthesize
from awardgraph.validate import Report, load_dataset, load_graph, validate, validate_files

from .support import AG, BASE, CATALOGUE, DATA, DATA_QUADS, ROOT

ONTOLOGY_FILE = ROOT / "ontology/awardgraph.ttl"

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


# Validation in parts ----------------------------------------------------------------

EXTRA = {
    # Two issuing bodies of award types in every file stop being organizations.
    "catalogue-01.trig": (
        ("org:presidium a ag:Organization", "org:presidium a ag:Place"),
        ("org:council-of-ministers a ag:Organization", "org:council-of-ministers a ag:Place"),
        (
            "cite:collections {",
            "cite:x-first {\n    mark:x-carried a ag:Mark ; "
            'rdfs:label "carried"@en .\n}\n\ncite:collections {',
        ),
    ),
    # A mark that nothing carries; a statement outside any citation.
    "catalogue-02.trig": (
        (
            "cite:medal-0001-type {",
            'cite:medal-0001-type {\n    mark:x-orphan a ag:Mark ; rdfs:label "orphan"@en .\n',
        ),
        ("@prefix cite:", '<award/medal-0001> ag:note "loose"@en .\n@prefix cite:'),
    ),
    # No label, and a variant of another file's award type; carries file 1's mark.
    "catalogue-03.trig": (
        (
            "cite:medal-0002-type {",
            "cite:medal-0002-type {\n    specimen:x-1 a ag:Specimen ; "
            "ag:specimenOf award:medal-0001 ; ag:inCollection collection:kihnu ; "
            "ag:variant variant:badge-0000-0 .\n    specimen:x-2 ag:mark mark:x-carried .\n",
        ),
    ),
}


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic catalogue with violations in every file, some caused by another file."""
    out = tmp_path_factory.mktemp("spread")
    synthesize(150, out, files=3, seed=5)
    for name, edits in EXTRA.items():
        path = out / name
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return out


def found(report: Report) -> set[tuple[object, ...]]:
    return {
        (v.file and v.file.name, str(v.focus), v.label, v.path, v.value, v.message, v.shape)
        for v in report.violations
    }


def validate_spread(directory: Path, **options: Any) -> Report:
    shapes, ontology = load_graph(ROOT / "ontology/shapes.ttl"), load_graph(ONTOLOGY_FILE)
    data = load_dataset(sorted(directory.glob("*.trig")), BASE)
    return validate(data, shapes, ontology, **options)


def test_parts_find_what_the_whole_graph_finds(
    spread: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = validate_spread(spread, whole=True)
    by_file = {(v[0], v[3]) for v in found(whole)}
    assert by_file >= {
        ("catalogue-01.trig", "ag:issuedBy|ag:namedAfter|ag:intendedFor|ag:relatedOrganization"),
        ("catalogue-02.trig", "ag:issuedBy|ag:namedAfter|ag:intendedFor|ag:relatedOrganization"),
        ("catalogue-03.trig", "ag:issuedBy|ag:namedAfter|ag:intendedFor|ag:relatedOrganization"),
        ("catalogue-02.trig", "^ag:mark|^ag:inscription"),
        ("catalogue-02.trig", "default graph"),
        ("catalogue-03.trig", "rdfs:label"),
        ("catalogue-03.trig", "ag:variant/skos:broader"),
    }
    # Carried from another file: no result.
    assert not [v for v in whole.violations if str(v.focus).endswith("mark/x-carried")]
    small_parts = validate_spread(spread, part_size=40, workers=1)
    assert found(small_parts) == found(whole)
    monkeypatch.setattr(awardgraph.validate, "POOL_AT", 0)
    in_processes = validate_spread(spread, part_size=400, workers=2)
    assert found(in_processes) == found(whole)


def test_shapes_that_look_far_are_applied_to_the_whole_graph() -> None:
    far = Graph().parse(
        data=f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ag: <{AG}> .
        <s> sh:targetClass ag:Medal ; sh:property [
            sh:path ( ag:awardingCount ag:period ) ; sh:class ag:Period ] .""",
        format="turtle",
    )
    assert isinstance(reach(far), str)
    assert isinstance(reach(load_graph(ROOT / "ontology/shapes.ttl")), Reach)


# The validation cache -----------------------------------------------------------------


def copy_of(source: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(source, directory)
    return directory


def synthetic_config(directory: Path, cache: Path) -> Config:
    return Config.load(root=ROOT, data_dir=directory, cache_dir=cache)


def test_unchanged_files_are_not_validated_again(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    synthesize(60, directory, files=3)
    config = synthetic_config(directory, tmp_path / "cache")
    first = validate_files(config)
    assert (first.conforms, first.cached) == (True, 0)
    again = validate_files(config)
    assert (again.conforms, again.cached) == (True, 4)  # three files and the ontology

    # A new label in file 3 changes only its own validation's inputs.
    path = directory / "catalogue-03.trig"
    path.write_text(path.read_text().replace("No. ", "Number ", 1))
    edited = validate_files(config)
    assert (edited.conforms, edited.cached) == (True, 3)


def test_a_warm_cache_never_lets_broken_data_through(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    synthesize(60, directory, files=3)
    config = synthetic_config(directory, tmp_path / "cache")
    build(config)
    # Break file 1 so that the award types of files 2 and 3 break too.
    path = directory / "catalogue-01.trig"
    path.write_text(path.read_text().replace("a ag:Organization", "a ag:Place"))
    with pytest.raises(ValidationFailed) as raised:
        build(config)
    files = {v.file.name for v in raised.value.report.violations if v.file}
    assert files == {"catalogue-01.trig", "catalogue-02.trig", "catalogue-03.trig"}


def test_a_corrupted_cache_entry_is_a_miss(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    synthesize(30, directory, files=2)
    config = synthetic_config(directory, tmp_path / "cache")
    validate_files(config)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(entries) == 3
    for entry in entries:
        entry.write_text(entry.read_text()[:-5])
    again = validate_files(config)
    assert (again.conforms, again.cached) == (True, 0)
