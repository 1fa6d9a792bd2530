"""``awardgraph synth``: synthetic catalogues that conform, build, and look like real ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from awardgraph.build import Publication, build
from awardgraph.cli import cli
from awardgraph.config import Config
from awardgraph.synth import specimens_for, synthesize
from awardgraph.validate import validate_files

from .support import ROOT

PREFIXES = """PREFIX ag: <https://awardgraph.example/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    summary = synthesize(400, out, files=3, seed=7)
    assert [p.name for p in summary.files] == [f"catalogue-0{n}.trig" for n in (1, 2, 3)]
    assert summary.specimens == 400
    return out


@pytest.fixture(scope="module")
def published(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Publication:
    cache = tmp_path_factory.mktemp("cache")
    return build(Config.load(root=ROOT, data_dir=synthetic, cache_dir=cache))


def rows(publication: Publication, where: str) -> list[tuple[str, ...]]:
    result = publication.store.query(PREFIXES + f"SELECT * WHERE {{ {where} }}")
    return [tuple(str(getattr(term, "value", term)) for term in row) for row in result.rows]


def test_a_synthetic_catalogue_validates_with_no_result(synthetic: Path, tmp_path: Path) -> None:
    report = validate_files(Config.load(root=ROOT, data_dir=synthetic, cache_dir=tmp_path))
    assert report.violations == ()
    assert report.conforms
    assert len(report.files) == 3


def test_it_builds_with_about_the_triples_it_says(synthetic: Path, published: Publication) -> None:
    assert published.report.conforms
    specimens = rows(published, "?s a ag:Specimen")
    assert len(specimens) == 400
    # specimens_for (how benchmarks size a catalogue) stays near the truth.
    assert 0.85 * 400 < specimens_for(published.report.statements) < 1.15 * 400


def test_the_same_seed_writes_the_same_bytes(synthetic: Path, tmp_path: Path) -> None:
    again = synthesize(400, tmp_path / "again", files=3, seed=7)
    other = synthesize(400, tmp_path / "other", files=3, seed=8)
    for path, same, different in zip(
        sorted(synthetic.glob("*.trig")), again.files, other.files, strict=True
    ):
        assert path.read_bytes() == same.read_bytes()
        assert path.read_bytes() != different.read_bytes()


@pytest.mark.parametrize(
    ("what", "where"),
    [
        ("issuing bodies", "?award ag:issuedBy ?org . ?org a ag:Organization ; rdfs:label ?l"),
        ("bodies' authority", "?org ag:underAuthorityOf ?ussr . ?ussr rdfs:label 'USSR'@en"),
        ("commemorated events", "?award ag:commemorates ?e . ?e ag:anniversaryOf ?o ; ag:year ?y"),
        ("events awarded at", "?award ag:awardedAt ?e . ?e ag:organizer ?o ; ag:place ?p"),
        ("awarded during a war", "?s ag:awardedDuring ?e . ?e rdfs:label 'Great Patriotic War'@en"),
        ("certificates", "?d ag:documentFor ?a ; ag:documentType ag:awardCertificate ; ag:year ?y"),
        ("booklets", "?d ag:accompanies ?s ; ag:mark ?m . ?m ag:technique ag:handwriting"),
        ("weights", "?a ag:measurement ?m . ?m ag:measures ag:silverContent ; ag:unit ag:gram"),
        ("award materials", "?a a ag:AwardType ; ag:material ?m"),
        ("specimen materials", "?s a ag:Specimen ; ag:material ?m"),
        ("years of issue", "?s ag:yearOfIssue ?y"),
        ("established", "?a ag:established ?y"),
        ("cited works", "?c ag:cites ?book . ?book ag:author ?person"),
        ("serial marks", "?s ag:mark ?m . ?m ag:markType ag:serialNumberMark ; ag:text ?t"),
    ],
)
def test_realistic_content_is_there(published: Publication, what: str, where: str) -> None:
    assert rows(published, where), f"no {what}"


def test_the_command_writes_a_catalogue_and_refuses_the_data_directory(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["synth", "--specimens", "20", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "20 specimens, 6 award types in 1 file(s)" in result.output
    assert (tmp_path / "s/catalogue-01.trig").is_file()
    refused = runner.invoke(cli, ["synth", "--specimens", "1", "--out", str(ROOT / "data")])
    assert refused.exit_code == 2
    assert "synthetic data must not mix with sourced data" in refused.output
