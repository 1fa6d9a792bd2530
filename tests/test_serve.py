"""What ``serve`` publishes: it builds when it must, and keeps the last good store."""

from __future__ import annotations

import shutil
from pathlib import Path

from awardgraph.build import STAMP_FILE, Stamp
from awardgraph.serve import publish

from .support import CATALOGUE, DATA
from .test_build import ASK_BADGE, data_dir, fixture_config


def test_in_memory_builds_once_for_every_worker() -> None:
    said: list[str] = []
    catalogue = publish(fixture_config(), said.append)
    assert said == ["Built the catalogue in memory: 37 triples."]
    assert catalogue.store.query(ASK_BADGE).boolean is True
    assert catalogue.stamp == Stamp.of(catalogue.config, catalogue.config.data_files())


def test_store_is_built_then_reused_then_rebuilt_when_the_data_changes(tmp_path: Path) -> None:
    data = data_dir(tmp_path, CATALOGUE / "awards.trig")
    config = fixture_config(data_dir=str(data), store_path=str(tmp_path / "store"))
    said: list[str] = []
    assert publish(config, said.append).store.query(ASK_BADGE).boolean is False
    assert said == [f"Building the store {tmp_path / 'store'} …"]
    built = (tmp_path / "store" / STAMP_FILE).read_text()

    said.clear()
    publish(config, said.append)
    assert said == []  # unchanged data: the store is served as it is
    assert (tmp_path / "store" / STAMP_FILE).read_text() == built

    shutil.copy(CATALOGUE / "badges.trig", data)
    said.clear()
    assert publish(config, said.append).store.query(ASK_BADGE).boolean is True
    assert said[0].startswith("The data changed since")
    assert (tmp_path / "store" / STAMP_FILE).read_text() != built


def test_invalid_new_data_leaves_the_last_good_store_in_service(tmp_path: Path) -> None:
    data = data_dir(tmp_path, CATALOGUE / "awards.trig", CATALOGUE / "badges.trig")
    config = fixture_config(data_dir=str(data), store_path=str(tmp_path / "store"))
    publish(config, lambda _: None)
    shutil.copy(DATA / "invalid" / "awards.trig", data / "awards.trig")
    said: list[str] = []
    catalogue = publish(config, said.append)
    assert catalogue.store.query(ASK_BADGE).boolean is True
    assert said[-1].startswith("Warning: The data does not conform to the shapes")
    assert said[-1].endswith("Serving the store as it was last built.")
    assert "awards.trig" in said[-2]  # the report names the file
