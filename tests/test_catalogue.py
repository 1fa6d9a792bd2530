"""The bundled catalogue through the command line, as a curator and a user meet it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from awardgraph.build import Publication
from awardgraph.cli import cli
from awardgraph.formats import GRAPH_FORMATS

from .support import DATA, ROOT, merged, same_dataset

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Graph().parse(ROOT / "ontology/shapes.ttl")
SHAPE_FIXTURES = sorted((ROOT / "tests/shapes/invalid").glob("*.ttl"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def built_dataset(publication: Publication) -> Dataset:
    """What the build stored, read back quad by quad into rdflib."""
    nquads = b"".join(f"{q} .\n".encode() for q in publication.store.quads())
    return Dataset().parse(data=nquads, format="nquads")


def test_the_bundled_data_conforms() -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("3 files conform to ontology/shapes.ttl")


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_export_parses_back_to_the_built_dataset(publication: Publication, name: str) -> None:
    fmt = GRAPH_FORMATS[name]
    result = run("export", "--format", name)
    assert result.exit_code == 0
    built = built_dataset(publication)
    if fmt.quads:
        exported = Dataset().parse(data=result.stdout_bytes, format=fmt.rdflib_name)
        assert same_dataset(exported, built)
    else:
        graph = Graph().parse(data=result.stdout_bytes, format=fmt.rdflib_name)
        assert len(graph) == publication.store.count_triples()
        assert isomorphic(graph, merged(built))


def test_jsonld_export_reads_as_plain_json() -> None:
    document = json.loads(run("export", "-f", "jsonld").stdout)
    medal = next(n for n in document["@graph"] if n["id"].endswith("award/medal-for-valiant-labor"))
    assert medal["label"] == {"en": "Medal for Valiant Labor"}
    assert medal["established"] == "1938"
    assert medal["type"] == "ag:AwardType"
    assert medal["material"] == "ag:silver"
    mopr = next(n for n in document["@graph"] if n["id"].endswith("organization/mopr"))
    assert mopr["altLabel"] == {"en": "MOPR", "ru": "МОПР"}


def test_the_context_names_every_property_of_the_vocabulary() -> None:
    context = json.loads((ROOT / "src/awardgraph/context.jsonld").read_text())["@context"]
    ontology = Graph().parse(ROOT / "ontology/awardgraph.ttl")
    ag = "https://awardgraph.example/ontology#"
    properties = {
        str(p).removeprefix(ag)
        for kind in ("ObjectProperty", "DatatypeProperty")
        for p in ontology.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/2002/07/owl#" + kind),
        )
    }
    terms = {name for name, value in context.items() if isinstance(value, (str, dict))}
    assert properties <= terms, properties - terms


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=[f.stem for f in SHAPE_FIXTURES])
def test_each_broken_rule_gets_a_report_line_a_curator_can_act_on(fixture: Path) -> None:
    """exit 1; the file, and the rule's own message, from `awardgraph validate FILE`."""
    shape = URIRef("https://awardgraph.example/shapes#" + fixture.stem.split("--")[0])
    # A node shape reports with its own message, or through its property shapes and
    # SPARQL constraints, whose messages are templates: "{?variant}" stands for a value.
    rules = [shape, *SHAPES.objects(shape, SH.property), *SHAPES.objects(shape, SH.sparql)]
    templates = [str(m) for rule in rules for m in SHAPES.objects(rule, SH.message)]
    patterns = [re.sub(r"\\\{\\\?\w+\\\}", ".+", re.escape(t)) for t in templates]
    result = run("validate", str(fixture))
    assert result.exit_code == 1
    entities = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert entities[0].startswith(f"tests/shapes/invalid/{fixture.name}: <")
    assert any(re.search(f" — {pattern}$", result.stdout, re.M) for pattern in patterns)


def test_statements_outside_a_citation_are_refused() -> None:
    result = run("validate", str(DATA / "unsourced/awards.trig"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:4] == [
        'tests/data/unsourced/awards.trig: <award/medal-for-distinguished-labor> "Medal for '
        'Distinguished Labor"',
        "  default graph — is described outside any citation graph; put its statements in the "
        "graph of the sentence that says them: <citation/x> { ... }",
        "tests/data/unsourced/awards.trig: <notes/guess>",
        "  graph name — names its statements' graph after something that is not an ag:Citation; "
        'describe it: <citation/x> a ag:Citation ; dcterms:source <page> ; ag:quote "the '
        'sentence"@en .',
    ]


def test_a_syntax_error_in_the_data_names_the_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    page = data / "labor-medals.trig"
    lines = page.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "ag:count 8000 ;" in line)
    lines[number - 1] = lines[number - 1].replace(" ;", "")  # a missing ';'
    page.write_text("\n".join(lines), encoding="utf-8")
    result = run("build", "--data-dir", str(data))
    assert result.exit_code == 2
    assert f"labor-medals.trig, line {number + 1}: expected '.' or '}}'" in result.stderr
    assert "Traceback" not in result.output


def test_another_base_iri_moves_every_entity() -> None:
    base = "https://collection.example.org/soviet/"
    result = run("query", "--base-iri", base, "organization-connections", "-f", "csv")
    assert result.exit_code == 0
    rows = result.stdout.splitlines()[1:]
    assert rows == [
        f"{base}organization/nkvd,{base}award/nkvd-firemans-badge,NKVD Fireman's Badge,"
        f"intended for,{base}organization/fire-department,Fire department",
        f"{base}organization/nkvd,{base}award/nkvd-firemans-badge,NKVD Fireman's Badge,"
        "named after,,",
    ]


def test_the_curators_guide_example_validates_and_is_queryable(tmp_path: Path) -> None:
    guide = (ROOT / "docs/curating.md").read_text(encoding="utf-8")
    example = re.search(r"```trig\n(.*?)```", guide, re.DOTALL)
    assert example is not None
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "my-notes.trig").write_text(example[1], encoding="utf-8")
    assert run("validate", "--data-dir", str(data)).exit_code == 0
    result = run("query", "--data-dir", str(data), "numbered-specimens", "-f", "csv")
    assert "12345,https://awardgraph.example/award/medal-for-valiant-labor" in result.stdout
