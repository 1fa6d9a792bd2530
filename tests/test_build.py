"""``build``: validate first, then index; a failed build never replaces a published store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from awardgraph.build import Publication, build
from awardgraph.config import Config
from awardgraph.errors import ConfigError, DataSyntaxError, ValidationFailed
from awardgraph.store import Store

from .support import CATALOGUE, DATA, FIXTURE_SETTINGS, QUADS, TRIPLES

ASK_BADGE = "ASK { <award/nkvd-fireman-badge> ?p ?o }"


def fixture_config(**overrides: str | Path) -> Config:
    return Config.load(root=DATA, **{**FIXTURE_SETTINGS, **overrides})


def data_dir(tmp_path: Path, *files: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    for file in files:
        shutil.copy(file, directory / file.name)
    return directory


def test_build_in_memory(fixture_publication: Publication) -> None:
    assert [f.name for f in fixture_publication.files] == ["awards.trig", "badges.trig"]
    assert fixture_publication.report.conforms
    assert len(fixture_publication.store) == QUADS
    assert fixture_publication.store.query(ASK_BADGE).boolean is True
    assert fixture_publication.seconds > 0


def test_summary(fixture_publication: Publication) -> None:
    lines = fixture_publication.summary(fixture_config()).splitlines()
    assert lines[0].startswith("Built in memory from 2 file(s) in ")
    assert lines[1:4] == [
        "  catalogue/awards.trig",
        "  catalogue/badges.trig",
        f"{QUADS} quads, {TRIPLES} distinct triples with the ontology.",
    ]
    assert lines[4] == (
        "24 statements in the catalogue, 12 of them stated by a cited sentence, "
        "the rest describing the citations and their sources."
    )
    # The catalogue's own instances only: the ontology's classes are not listed.
    assert lines[5:] == [
        "Instances per class (top 10):",
        "  ag:Citation: 4 instances, 12 triples",
        "  ag:Medal: 2 instances, 8 triples",
        "  ag:AwardType: 1 instances, 3 triples",
    ]


def test_invalid_data_fails_before_a_store_is_written(tmp_path: Path) -> None:
    store = tmp_path / "store"
    config = fixture_config(data_dir="invalid", store_path=store)
    with pytest.raises(ValidationFailed) as raised:
        build(config)
    assert len(raised.value.report.violations) == 2
    assert raised.value.exit_code == 1
    # No store, nor a half-built one; the lock file that builds of it take turns on stays.
    assert [p.name for p in tmp_path.iterdir()] in ([], ["store.lock"])


def test_a_failed_build_leaves_the_previous_store_answering(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = data_dir(tmp_path, CATALOGUE / "awards.trig")
    build(fixture_config(data_dir=first, store_path=store))

    # Valid for SHACL (rdflib reads the IRI with a space), rejected by the store's parser.
    second = tmp_path / "second"
    second.mkdir()
    for file in (CATALOGUE / "badges.trig", DATA / "broken/bad-iri.trig"):
        shutil.copy(file, second / file.name)
    with pytest.raises(DataSyntaxError, match=r"bad-iri\.trig, line 6"):
        build(fixture_config(data_dir=second, store_path=store))
    with pytest.raises(ValidationFailed):
        build(fixture_config(data_dir="invalid", store_path=store))

    previous = Store.open(store)
    assert len(previous) == 16 + 13  # awards.trig and the ontology
    assert previous.query(ASK_BADGE).boolean is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "second", "store", "store.lock"]


def test_a_new_build_replaces_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(fixture_config(data_dir=data_dir(tmp_path, CATALOGUE / "awards.trig"), store_path=store))
    publication = build(fixture_config(store_path=store))
    assert publication.store.query(ASK_BADGE).boolean is True
    assert Store.open(store).query(ASK_BADGE).boolean is True


def test_progress_goes_through_parse_validate_and_load_for_every_file() -> None:
    calls: list[tuple[str, int, int]] = []
    build(fixture_config(), lambda label, done, total: calls.append((label, done, total)))
    size = sum(f.stat().st_size for f in CATALOGUE.glob("*.trig"))
    stages = ("parsed", "validated", "loaded")
    assert {tuple(c[0].split(" ", 1)) for c in calls} == {
        (stage, name) for stage in stages for name in ("awards.trig", "badges.trig")
    }
    assert {c[2] for c in calls} == {3 * size}
    assert calls[-1][1] == 3 * size
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    # Validation follows parsing; the store loads meanwhile, in its own thread.
    labels = [c[0] for c in calls]
    assert labels.index("validated awards.trig") > labels.index("parsed badges.trig")


def test_no_data_files_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No data files"):
        build(fixture_config(data_dir=tmp_path))
