"""bench/run.py's report, assembled from step outputs written here (no benchmark runs):
the headline table holds every step's figures with their ratios and targets, and names
the steps that gave none."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from .support import ROOT

BENCH = ROOT / "bench"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    """bench/'s modules, imported as its scripts import each other (bench/ on sys.path)."""
    monkeypatch.syspath_prepend(str(BENCH))
    return {name: importlib.import_module(name) for name in ("common", "run", "endpoint", "pages")}


def table_rows(markdown: str, heading: str) -> list[list[str]]:
    """The cells of the first table after ``heading``, without its head and rule."""
    lines = markdown.split(heading, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def write_step(out: Path, name: str, report: str, rows: list[object], common: ModuleType) -> None:
    (out / f"{name}.md").write_text(report, encoding="utf-8")
    common.write_summary(out / f"{name}.json", rows)


def test_the_headline_gathers_every_steps_figures(
    bench: dict[str, ModuleType], tmp_path: Path
) -> None:
    common, run = bench["common"], bench["run"]
    summary, target = common.Summary.of, common.Target
    write_step(
        tmp_path,
        "endpoint",
        "endpoint report\n",
        [
            summary(
                "endpoint lookup, req/s at 8 connections", "bundled", "remote", 1200.0,
                "oxigraph serve", 6000.0, target(0.25, at_least=True, unit="x"),
            ),
            summary(
                "endpoint aggregate, req/s at 8 connections", "bundled", "embedded", 2500.0,
                "oxigraph serve", 5000.0,
            ),
        ],
        common,
    )  # fmt: skip
    write_step(
        tmp_path,
        "pages",
        "pages report\n",
        [
            summary(
                "pages HTML, cache off, p99 ms at 8 connections", "100000", "embedded", 25.5,
                target=target(20, at_least=False, unit=" ms"),
            ),
            summary(
                "pages HTML, cache on, req/s at 8 connections", "100000", "remote", 3000.0,
                "Flask floor", 5000.0, target(0.5, at_least=True, unit="x"),
            ),
        ],
        common,
    )  # fmt: skip
    ran = [
        run.Ran("endpoint", "SPARQL endpoint", "python bench/endpoint.py", "ran", 0, 60.0,
                [3.0, 4.0], summary=True),
        run.Ran("pages", "Entity pages", "python bench/pages.py", "ran", 0, 90.0,
                [4.0, 4.5], summary=True),
        run.Ran("dump", "Turtle dump", "python bench/dump.py", "absent",
                note="bench/dump.py is not in this checkout (it arrives with the dumpmem branch)"),
        run.Ran("build", "Build", "python bench/build.py", "failed", 1, 5.0, [4.5, 4.5]),
    ]  # fmt: skip
    record = run.Run("quick", "abc123", "2026-11-24 10:00", 2, "x86_64", "env", "wrk 4", [3.0])
    record.steps = ran
    record.save(tmp_path)

    markdown = run.assemble(run.Run.read(tmp_path), tmp_path)

    assert table_rows(markdown, "## Targets and ratios") == [
        ["endpoint", "endpoint lookup, req/s at 8 connections", "bundled", "remote", "1,200",
         "oxigraph serve", "6,000", "0.20", "≥ 0.25x", "✗"],
        ["endpoint", "endpoint aggregate, req/s at 8 connections", "bundled", "embedded",
         "2,500", "oxigraph serve", "5,000", "0.50", "", ""],
        ["pages", "pages HTML, cache off, p99 ms at 8 connections", "100000", "embedded",
         "25.5", "", "", "", "≤ 20 ms", "✗"],
        ["pages", "pages HTML, cache on, req/s at 8 connections", "100000", "remote", "3,000",
         "Flask floor", "5,000", "0.60", "≥ 0.5x", "✓"],
    ]  # fmt: skip
    assert "3 targets: 1 met, 2 missed." in markdown
    assert "- dump: bench/dump.py is not in this checkout (it arrives with the dumpmem branch)" in (
        markdown
    )
    assert "- build: failed (exit 1), see bench/out/build.log" in markdown
    assert "**Commit**: abc123" in markdown
    assert "Exit 0, 1.0 minutes, load average 3 → 4." in markdown
    sections = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert sections == [
        "## Targets and ratios",
        "## endpoint: SPARQL endpoint",
        "## pages: Entity pages",
        "## dump: Turtle dump",
        "## build: Build",
    ]
    assert "endpoint report" in markdown and "pages report" in markdown


def test_the_endpoint_holds_both_stores_against_its_targets(
    bench: dict[str, ModuleType],
) -> None:
    endpoint = bench["endpoint"]
    row = endpoint.Row
    rows = [
        row("awardgraph 2x8", "bundled", "lookup", 8, 3000.0, 2.0, 9.0, 0, "ok"),
        row("awardgraph 2x8 remote oxigraph", "bundled", "lookup", 8, 1000.0, 6.0, 50.0, 0, "ok"),
        row("awardgraph 2x8 remote oxigraph", "bundled", "lookup", 1, 900.0, 1.0, 2.0, 0, "ok"),
        row("oxigraph serve", "bundled", "lookup", 8, 6000.0, 1.0, 9.0, 0, "ok"),
        row("rdflib-endpoint uvicorn 2w", "bundled", "lookup", 8, 300.0, 20.0, 90.0, 0, "ok"),
        row("awardgraph 2x8 remote oxigraph", "bundled", "aggregate", 8, 500.0, 9, 60, 0, "ok"),
        row("oxigraph serve", "bundled", "aggregate", 8, 4000.0, 1.0, 9.0, 0, "ok"),
    ]
    found = {
        (s.store, s.benchmark.split(",")[0], s.peer): (s.ratio, s.target, s.met)
        for s in endpoint.summaries(rows)
    }
    assert found == {
        ("embedded", "endpoint lookup", "oxigraph serve"): (0.5, "≥ 0.25x", True),
        ("embedded", "endpoint lookup", "rdflib-endpoint uvicorn 2w"): (10.0, "≥ 8x", True),
        ("remote", "endpoint lookup", "oxigraph serve"): (1000 / 6000, "≥ 0.25x", False),
        ("remote", "endpoint lookup", "rdflib-endpoint uvicorn 2w"): (1000 / 300, "≥ 8x", False),
        ("remote", "endpoint aggregate", "oxigraph serve"): (0.125, None, None),
    }


def test_pages_hold_throughput_and_p99_at_the_most_connections(
    bench: dict[str, ModuleType],
) -> None:
    pages = bench["pages"]
    row = pages.Row
    rows = {
        ("awardgraph remote cache off", "bundled", "HTML", 8): row(
            "awardgraph remote cache off", "bundled", "HTML", 8, 200.0, 30.0, 90.0, 0
        ),
        ("awardgraph remote cache off", "bundled", "HTML", 1): row(
            "awardgraph remote cache off", "bundled", "HTML", 1, 100.0, 9.0, 12.0, 0
        ),
        ("floor", "bundled", "HTML", 8): row("floor", "bundled", "HTML", 8, 5000.0, 1, 5, 0),
    }
    ours = [(key, r) for key, r in rows.items() if key[0] != "floor"]
    found = [(s.benchmark, s.store, s.ratio, s.target, s.met) for s in pages.summaries(ours, rows)]
    assert found == [
        ("pages HTML, cache off, req/s at 8 connections", "remote", 0.04, "≥ 0.5x", False),
        ("pages HTML, cache off, p99 ms at 8 connections", "remote", None, "≤ 20 ms", False),
    ]
