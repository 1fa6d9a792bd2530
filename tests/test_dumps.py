"""Dumps of the whole dataset (awardgraph.dumps and `awardgraph dump`): every file parses
back to the catalogue, the manifest's sizes and sums are the files', and a publication's
dumps are written once."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from awardgraph.build import Publication, Stamp, build
from awardgraph.catalogue import Catalogue
from awardgraph.cli import cli
from awardgraph.config import DEFAULT_LICENSE, Config
from awardgraph.dumps import MANIFEST, SUMS, Dumps, directory_for, ensure, read_manifest
from awardgraph.errors import ConfigError
from awardgraph.formats import GRAPH_FORMATS
from awardgraph.results import write_triples

from .support import (
    DATA,
    FIXTURE_SETTINGS,
    QUADS,
    ROOT,
    TRIPLES,
    expected_dataset,
    merged,
    same_dataset,
)


@pytest.fixture(scope="module")
def fixture_config() -> Config:
    return Config.load(root=DATA, **FIXTURE_SETTINGS)


@pytest.fixture
def catalogue(fixture_config: Config, fixture_publication: Publication) -> Catalogue:
    return Catalogue(fixture_config, fixture_publication)


@pytest.fixture
def written(catalogue: Catalogue, tmp_path: Path) -> Dumps:
    return ensure(catalogue, tmp_path / "dumps")


def test_every_format_is_dumped_plain_and_gzipped(written: Dumps) -> None:
    names = sorted(f.name for f in written.manifest.files)
    expected = [f"awardgraph{f.suffix}{gz}" for f in GRAPH_FORMATS.values() for gz in ("", ".gz")]
    assert names == sorted(expected)
    assert written.written
    assert written.manifest.triples == TRIPLES
    on_disk = sorted(p.name for p in written.directory.iterdir())
    assert on_disk == sorted([*expected, MANIFEST, SUMS])


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_each_dump_parses_back_to_the_catalogue(written: Dumps, name: str) -> None:
    fmt = GRAPH_FORMATS[name]
    path = written.directory / f"awardgraph{fmt.suffix}"
    if fmt.quads:  # the named graphs, one per cited sentence, kept
        dataset = Dataset()
        dataset.parse(path, format=fmt.rdflib_name)
        assert same_dataset(dataset, expected_dataset())
    else:  # the merge of all graphs
        graph = Graph().parse(path, format=fmt.rdflib_name)
        assert len(graph) == TRIPLES
        assert isomorphic(graph, merged(expected_dataset()))
    packed = written.directory / f"awardgraph{fmt.suffix}.gz"
    assert gzip.decompress(packed.read_bytes()) == path.read_bytes()


def test_manifest_sizes_and_sums_are_the_files(written: Dumps) -> None:
    sums = (written.directory / SUMS).read_text(encoding="utf-8").splitlines()
    assert len(sums) == len(written.manifest.files)
    for file, line in zip(written.manifest.files, sums, strict=True):
        body = (written.directory / file.name).read_bytes()
        assert file.bytes == len(body)
        assert file.sha256 == hashlib.sha256(body).hexdigest()
        assert line == f"{file.sha256}  {file.name}"  # what `sha256sum --check` reads
        fmt = GRAPH_FORMATS[file.format]
        assert file.media_type == fmt.media_type
        assert file.encoding == ("gzip" if file.name.endswith(".gz") else None)
    data = json.loads((written.directory / MANIFEST).read_text(encoding="utf-8"))
    assert data["files"][0]["name"] == "awardgraph.ttl"
    assert read_manifest(written.directory) == written.manifest


def test_unchanged_publication_is_not_written_again(catalogue: Catalogue, written: Dumps) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in written.directory.iterdir()}
    again = ensure(catalogue, written.directory)
    assert not again.written
    assert again.manifest == written.manifest
    assert {p.name: p.stat().st_mtime_ns for p in written.directory.iterdir()} == before


def test_forced_or_changed_publication_is_written_again(
    catalogue: Catalogue, written: Dumps, fixture_publication: Publication
) -> None:
    assert ensure(catalogue, written.directory, force=True).written
    changed = replace(fixture_publication, stamp=Stamp("0" * 64, 0.0))
    redone = ensure(Catalogue(catalogue.config, changed), written.directory)
    assert redone.written
    assert redone.manifest.digest == "0" * 64
    assert read_manifest(written.directory) == redone.manifest


def test_a_missing_or_damaged_file_is_written_again(catalogue: Catalogue, written: Dumps) -> None:
    (written.directory / "awardgraph.nt.gz").unlink()
    assert ensure(catalogue, written.directory).written
    (written.directory / "awardgraph.ttl").write_bytes(b"truncated")
    again = ensure(catalogue, written.directory)
    assert again.written
    assert (written.directory / "awardgraph.ttl").stat().st_size == again.manifest.file(
        "awardgraph.ttl"
    ).bytes  # type: ignore[union-attr]


def test_a_directory_of_other_files_is_not_replaced(catalogue: Catalogue, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not a dumps directory"):
        ensure(catalogue, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_default_directories(fixture_config: Config, tmp_path: Path) -> None:
    stamp = Stamp("ab" * 32, 0.0)
    in_memory = directory_for(fixture_config, stamp)
    assert in_memory.name.endswith("-dumps-" + "ab" * 8)
    on_disk = replace(fixture_config, store_path=tmp_path / "store")
    assert directory_for(on_disk, stamp) == tmp_path / "store.dumps"
    chosen = replace(on_disk, dumps_dir=tmp_path / "out")
    assert directory_for(chosen, stamp) == tmp_path / "out"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Config.load().license == DEFAULT_LICENSE
    monkeypatch.setenv("AWARDGRAPH_DUMPS_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("AWARDGRAPH_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/")
    config = Config.load()
    assert config.dumps_dir == tmp_path / "d"
    assert config.license == "https://creativecommons.org/publicdomain/zero/1.0/"
    monkeypatch.setenv("AWARDGRAPH_LICENSE", "CC BY 4.0")
    with pytest.raises(ConfigError, match="AWARDGRAPH_LICENSE"):
        Config.load()


def test_cli_dump_writes_then_reports_up_to_date(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "dumps"
    first = runner.invoke(cli, ["dump", "--out", str(out)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert f"Dumps of {TRIPLES} triples written to {out}:" in first.stdout
    manifest = read_manifest(out)
    assert manifest is not None
    for file in manifest.files:
        assert f"{file.name} " in first.stdout and file.sha256 in first.stdout
    second = runner.invoke(cli, ["dump", "--out", str(out)], catch_exceptions=False)
    assert f"up to date in {out}:" in second.stdout
    forced = runner.invoke(cli, ["dump", "--out", str(out), "--force"], catch_exceptions=False)
    assert "written to" in forced.stdout


def test_cli_dump_refusal_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "other").write_text("x")
    result = runner.invoke(cli, ["dump", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a dumps directory" in result.stderr


def test_cli_dump_help_has_examples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["dump", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "awardgraph dump" in result.stdout


# The exports the dumps are made of ----------------------------------------------------


@pytest.mark.parametrize("name", ["turtle", "ntriples", "rdfxml"])
def test_one_graph_exports_are_oxigraphs_writer_on_the_merge(
    fixture_publication: Publication, name: str
) -> None:
    """Streamed from the store's index: the bytes Oxigraph writes for the merged triples."""
    store = fixture_publication.store
    out = io.BytesIO()
    store.export(name, out)
    assert out.getvalue() == write_triples(store._union(), name)
    assert (
        len(Graph().parse(data=out.getvalue(), format=GRAPH_FORMATS[name].rdflib_name)) == TRIPLES
    )


def test_trig_export_keeps_every_graph_once_default_graph_first(
    fixture_publication: Publication,
) -> None:
    out = io.BytesIO()
    fixture_publication.store.export("trig", out)
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="trig")
    assert same_dataset(dataset, expected_dataset())
    quads = list(ox.parse(out.getvalue(), ox.RdfFormat.TRIG))
    assert len(quads) == QUADS  # no copy of the merge in the default graph
    graphs = [q.graph_name for q in quads]
    named = list(dict.fromkeys(g for g in graphs if g != ox.DefaultGraph()))
    assert graphs[: graphs.count(ox.DefaultGraph())] == [ox.DefaultGraph()] * graphs.count(
        ox.DefaultGraph()
    )
    assert named == sorted(named, key=str)


def test_an_on_disk_store_exports_the_same_dataset(fixture_config: Config, tmp_path: Path) -> None:
    on_disk = Catalogue(replace(fixture_config, store_path=tmp_path / "store"))
    build(on_disk.config)
    for name in ("trig", "jsonld"):
        disk, memory = io.BytesIO(), io.BytesIO()
        on_disk.export(name, disk)
        Catalogue(fixture_config).export(name, memory)
        if name == "trig":
            left, right = Dataset(), Dataset()
            left.parse(data=disk.getvalue(), format="trig")
            right.parse(data=memory.getvalue(), format="trig")
            assert same_dataset(left, right)
        else:
            left_graph = Graph().parse(data=disk.getvalue(), format="json-ld")
            assert isomorphic(left_graph, Graph().parse(data=memory.getvalue(), format="json-ld"))


@pytest.mark.parametrize("name", ["jsonld", "trig"])
def test_an_export_is_the_same_bytes_in_every_process(name: str) -> None:
    """Python's string hashes and Oxigraph's in-memory graph order differ from process to
    process; the dumps of the project's own data (it has no blank nodes, whose labels
    each load draws anew) may not."""
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "awardgraph", "export", "--format", name],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_jsonld_export_is_compact_with_the_context(catalogue: Catalogue) -> None:
    out = io.BytesIO()
    catalogue.export("jsonld", out)
    document = json.loads(out.getvalue())
    assert document["@context"] == catalogue.context()
    ids = [node["@id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids))  # one node object per subject
    assert all(not key.startswith("http") for node in document["@graph"] for key in node)
    assert isomorphic(
        Graph().parse(data=out.getvalue(), format="json-ld"), merged(expected_dataset())
    )
