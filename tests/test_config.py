"""Settings resolve as explicit value > AWARDGRAPH_* environment > default, lazily checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from awardgraph.config import Config
from awardgraph.errors import ConfigError

from .support import ROOT


def test_defaults_point_at_the_source_checkout() -> None:
    config = Config.load()
    assert config.root == ROOT
    assert config.data_dir == ROOT / "data"
    assert config.ontology_file == ROOT / "ontology/awardgraph.ttl"
    assert config.shapes_file == ROOT / "ontology/shapes.ttl"
    assert config.queries_dir == ROOT / "queries"
    assert config.context_file == ROOT / "src/awardgraph/context.jsonld"
    assert config.base_iri == "https://awardgraph.example/"
    assert config.store_path is None


def test_explicit_beats_environment_beats_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWARDGRAPH_BASE_IRI", "https://env.example/")
    monkeypatch.setenv("AWARDGRAPH_DATA_DIR", "env-data")
    monkeypatch.setenv("AWARDGRAPH_STORE_PATH", str(tmp_path / "env-store"))

    from_env = Config.load()
    assert from_env.base_iri == "https://env.example/"
    assert from_env.data_dir == ROOT / "env-data"
    assert from_env.store_path == tmp_path / "env-store"

    explicit = Config.load(base_iri="https://given.example/", data_dir=tmp_path, store_path=None)
    assert explicit.base_iri == "https://given.example/"
    assert explicit.data_dir == tmp_path
    assert explicit.store_path == tmp_path / "env-store"  # None means "not given"

    monkeypatch.delenv("AWARDGRAPH_BASE_IRI")
    assert Config.load().base_iri == "https://awardgraph.example/"


def test_root_from_environment_anchors_relative_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWARDGRAPH_ROOT", str(tmp_path))
    monkeypatch.setenv("AWARDGRAPH_SHAPES_FILE", "rules/shapes.ttl")
    config = Config.load(ontology_file=tmp_path / "elsewhere.ttl")
    assert config.root == tmp_path
    assert config.shapes_file == tmp_path / "rules/shapes.ttl"
    assert config.ontology_file == tmp_path / "elsewhere.ttl"
    assert config.data_dir == tmp_path / "data"


@pytest.mark.parametrize("base", ["https://awardgraph.example", "https://x.example/ns"])
def test_base_iri_must_end_in_slash_or_hash(base: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Config.load(base_iri=base)
    assert f"Base IRI '{base}' must end in '/' or '#'" in str(raised.value)
    assert "AWARDGRAPH_BASE_IRI" in str(raised.value)


def test_base_iri_ending_in_hash_is_accepted() -> None:
    assert Config.load(base_iri="https://x.example/ns#").base_iri == "https://x.example/ns#"


def test_missing_files_are_reported_when_needed_not_at_load(tmp_path: Path) -> None:
    config = Config.load(root=tmp_path)  # nothing exists there, and that is fine for now
    with pytest.raises(ConfigError) as raised:
        config.require("shapes_file")
    assert str(raised.value) == (
        "Shape file 'ontology/shapes.ttl' not found. "
        "Set AWARDGRAPH_SHAPES_FILE or run from the project root."
    )
    with pytest.raises(ConfigError, match="Data directory 'data' not found"):
        config.data_files()


def test_data_files_are_sorted_trig_and_turtle_only(tmp_path: Path) -> None:
    for name in ("b.trig", "a.ttl", "notes.txt", "c.nq"):
        (tmp_path / name).write_text("")
    config = Config.load(root=tmp_path, data_dir=".")
    assert [p.name for p in config.data_files()] == ["a.ttl", "b.trig"]


def test_no_data_files_says_what_to_do(tmp_path: Path) -> None:
    config = Config.load(root=tmp_path, data_dir=".")
    with pytest.raises(ConfigError, match=r"No data files \(\*\.trig, \*\.ttl\) in '\.'"):
        config.data_files()


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ConfigError, match="Unknown setting"):
        Config.load(shapes="ontology/shapes.ttl")
