"""The command line, in process: output text, exit codes, and RDF that parses back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from awardgraph import __version__
from awardgraph.build import LARGE_DATA
from awardgraph.cli import _progress_bar, cli
from awardgraph.formats import GRAPH_FORMATS

from .support import BASE, DATA, DATA_QUADS, QUADS, TRIPLES, expected_dataset, merged, same_dataset

VALIANT = BASE + "award/medal-for-valiant-labor"
DISTINGUISHED = BASE + "award/medal-for-distinguished-labor"


def run(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("command", ["build", "validate", "query", "export", "stats", "queries"])
def test_every_command_has_help_with_examples(runner: CliRunner, command: str) -> None:
    result = run(runner, command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"awardgraph {command}" in result.stdout


def test_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "awardgraph", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == f"awardgraph, version {__version__}"


def test_build_prints_a_summary(runner: CliRunner) -> None:
    result = run(runner, "build")
    assert result.exit_code == 0
    assert result.stdout.startswith("Built in memory from 2 file(s) in ")
    assert f"{QUADS} quads, {TRIPLES} distinct triples with the ontology." in result.stdout
    assert "  ag:Medal: 2 instances, 8 triples" in result.stdout.splitlines()


def test_build_of_invalid_data_prints_the_report_and_exits_1(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWARDGRAPH_DATA_DIR", "invalid")
    result = run(runner, "build")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'invalid/awards.trig: <award/medal-for-valiant-labor> "Medal for Valiant Labor"' in (
        result.stderr
    )
    assert result.stderr.splitlines()[-1].startswith(
        "Error: The data does not conform to the shapes (2 violations)."
    )


def test_validate_conforming_data(runner: CliRunner) -> None:
    result = run(runner, "validate")
    assert result.exit_code == 0
    assert result.stdout == f"2 files conform to shapes.ttl ({DATA_QUADS} statements)\n"


def test_validate_reports_violations_by_entity_and_exits_1(runner: CliRunner) -> None:
    result = run(runner, "validate", str(DATA / "invalid/awards.trig"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        'invalid/awards.trig: <award/medal-for-valiant-labor> "Medal for Valiant Labor"'
    )
    assert lines[1].startswith('  ag:established: "1938"^^xsd:date — expected at most one year')
    assert lines[2] == "invalid/awards.trig: <award/unnamed-medal>"


def test_validate_syntax_error_exits_2_with_file_and_line(runner: CliRunner) -> None:
    result = run(runner, "validate", str(DATA / "broken/awards.trig"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert result.stderr.rstrip().endswith(
        "broken/awards.trig, line 4: newline found in string literal"
    )
    assert "Traceback" not in result.output


def test_validate_missing_file_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "no-such-file.trig"])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_bad_base_iri_exits_2(runner: CliRunner) -> None:
    result = run(runner, "validate", "--base-iri", "https://x.example")
    assert result.exit_code == 2
    assert "Base IRI 'https://x.example' must end in '/' or '#'" in result.stderr


def test_query_as_a_table(runner: CliRunner) -> None:
    result = run(runner, "query", "established-in-year")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "year               award                                  label",
        "-----------------  -------------------------------------  "
        "----------------------------------",
        '"1938"^^xsd:gYear  <award/medal-for-distinguished-labor>  '
        '"Medal for Distinguished Labor"@en',
        '"1938"^^xsd:gYear  <award/medal-for-valiant-labor>        "Medal for Valiant Labor"@en',
        "(2 rows)",
    ]


def test_query_formats_parse_back(runner: CliRunner) -> None:
    as_json = json.loads(run(runner, "query", "established-in-year", "-f", "json").stdout)
    assert [b["award"]["value"] for b in as_json["results"]["bindings"]] == [
        DISTINGUISHED,
        VALIANT,
    ]
    as_csv = list(
        csv.DictReader(io.StringIO(run(runner, "query", "award-labels", "-f", "csv").stdout))
    )
    assert [row["label"] for row in as_csv] == [
        "Medal for Valiant Labor",
        "Медаль «За трудовую доблесть»",
    ]
    as_tsv = run(runner, "query", "award-labels", "--format", "tsv").stdout.splitlines()
    assert as_tsv[0] == "?award\t?label"
    assert as_tsv[1] == f'<{VALIANT}>\t"Medal for Valiant Labor"@en'
    as_xml = run(runner, "query", "award-labels", "-f", "xml").stdout
    assert as_xml.startswith("<?xml") and f"<uri>{VALIANT}</uri>" in as_xml


def test_query_params(runner: CliRunner) -> None:
    result = run(runner, "query", "established-in-year", "--param", "year=1940", "-f", "csv")
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["year", "award", "label"],
        ["1940", BASE + "award/nkvd-fireman-badge", "NKVD Fireman's Badge"],
    ]
    result = run(
        runner, "query", "award-labels", "-p", "award=award/nkvd-fireman-badge", "-f", "tsv"
    )
    assert result.stdout.splitlines()[1:] == [
        f'<{BASE}award/nkvd-fireman-badge>\t"NKVD Fireman\'s Badge"@en'
    ]


def test_query_from_a_file_and_from_stdin(runner: CliRunner) -> None:
    from_file = run(runner, "query", str(DATA / "queries/no-header.rq"), "-f", "csv")
    assert from_file.stdout.splitlines() == ["years", "3"]
    text = "PREFIX ag: <https://awardgraph.example/ontology#> ASK { <award/x> a ag:Medal }"
    assert run(runner, "query", "-", input=text).stdout == "false\n"


def test_query_construct_as_turtle(runner: CliRunner) -> None:
    text = "CONSTRUCT WHERE { <award/nkvd-fireman-badge> ?p ?o }"
    result = run(runner, "query", "-", "-f", "turtle", input=text)
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "-"],
            "Error: The query does not parse at line 1, column 26: expected one of",
        ),
        (
            ["query", "established-in-year", "--param", "year=nineteen"],
            "Error: Parameter 'year': 'nineteen' is not a valid xsd:gYear",
        ),
        (
            ["query", "nope"],
            "Error: No query file or canned query named 'nope'.",
        ),
        (
            ["query", "--store", "no-store-here", "established-in-year"],
            "Error: Store '",
        ),
        (
            ["export", "-o", "catalogue.xyz"],
            "Error: Unknown RDF format '.xyz'. Choose one of: turtle (.ttl),",
        ),
    ],
)
def test_errors_exit_2_with_a_message_and_no_traceback(
    runner: CliRunner,
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args, input="SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_export_parses_back_to_the_same_data(runner: CliRunner, name: str) -> None:
    fmt = GRAPH_FORMATS[name]
    result = run(runner, "export", "--format", name)
    assert result.exit_code == 0
    expected = expected_dataset()
    if fmt.quads:
        exported = Dataset().parse(data=result.stdout_bytes, format=fmt.rdflib_name)
        assert len(list(exported.quads())) == QUADS
        assert same_dataset(exported, expected)
    else:
        graph = Graph().parse(data=result.stdout_bytes, format=fmt.rdflib_name)
        assert len(graph) == TRIPLES
        assert isomorphic(graph, merged(expected))


def test_export_takes_the_format_from_the_output_suffix(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "catalogue.nt"
    assert run(runner, "export", "-o", str(out)).stdout == ""
    assert out.read_text().startswith("<")
    assert isomorphic(Graph().parse(out, format="nt"), merged(expected_dataset()))


def test_export_jsonld_is_compacted_with_the_context(runner: CliRunner) -> None:
    document = json.loads(run(runner, "export", "-f", "jsonld").stdout)
    assert document["@context"]["label"] == {"@id": "rdfs:label", "@container": "@language"}
    valiant = next(n for n in document["@graph"] if n["@id"].endswith("medal-for-valiant-labor"))
    assert valiant["label"] == {
        "en": "Medal for Valiant Labor",
        "ru": "Медаль «За трудовую доблесть»",
    }


def test_store_round_trip_through_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    built = run(runner, "build", "--store", store)
    assert built.stdout.startswith(f"Built {store} from 2 file(s)")
    queried = run(runner, "query", "--store", store, "established-in-year", "-p", "year=1940")
    assert "NKVD Fireman's Badge" in queried.stdout
    assert "(1 row)" in queried.stdout


def test_stats(runner: CliRunner) -> None:
    lines = run(runner, "stats").stdout.splitlines()
    # 12 statements in the 4 sentence graphs (awards 6 + 3, badges 2 + 1), 12 describing
    # the 4 citations (type, source, quote each).
    assert lines[:5] == [
        "Statements and their sources",
        "",
        "statements  citedBySentence  describingSources",
        "----------  ---------------  -----------------",
        "24          12               12",
    ]
    assert "ag:Citation   4          12" in lines
    assert "ag:Medal      2          8" in lines
    assert not [line for line in lines if line.startswith("owl:")]
    # The triple both award sentences state counts once for the page.
    assert "<https://kihnu.com/Labor_Medals.html>   2          9" in lines
    assert "<https://kihnu.com/Soviet_Badges.html>  2          3" in lines
    assert '"en"      12' in lines
    assert '"ru"      1' in lines


def test_queries_lists_titles_and_params(runner: CliRunner) -> None:
    lines = run(runner, "queries").stdout.splitlines()
    assert "established-in-year: Awards established in a year" in lines
    assert "    --param year=<xsd:gYear>  The year of establishment (default 1938)" in lines
    assert "no-header: no-header" in lines


def test_progress_bar_only_for_large_data(capsys: pytest.CaptureFixture[str]) -> None:
    with _progress_bar() as progress:
        progress("loaded small.trig", 10, 100)
    assert capsys.readouterr().err == ""
    total = 2 * LARGE_DATA + 2
    with _progress_bar() as progress:
        progress("validated big.trig", total // 2, total)
        progress("loaded big.trig", total, total)
    assert capsys.readouterr().err.splitlines() == [
        "Building",
        "validated big.trig",
        "loaded big.trig",
    ]
