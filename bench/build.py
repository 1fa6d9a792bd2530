"""Time the project's build against the baseline it replaced, side by side, stage by stage.

For the bundled data/ and synthetic catalogues (``awardgraph synth``, 3 files) of the
given sizes, each round runs, in alternating order:

- *baseline*: rdflib parses every file, one pySHACL call validates the merged graph
  (the ontology as ``ont_graph``), and pyoxigraph loads the same files into a store
  (``Store.load``); what the build did before the parts, the cache and the thread;
- *awardgraph cold*: ``awardgraph.build.build`` with an empty validation cache;
- *awardgraph warm*: the same build again, with the cache the cold build filled.

The stages of awardgraph's build are timed inside it by wrapping what it calls: parse
(Oxigraph's parser), index (who describes and points at what), validate (the parts,
across processes), provenance, and load (the store, in its own thread meanwhile, so the
stages add up to more than the total). Medians of ``--repeat`` rounds.

    python bench/build.py --sizes 1000000 --save bench/out/build.md
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from common import Log, environment  # bench/ is on sys.path when run as a script
from rdflib import Dataset, Graph

import awardgraph.validate
from awardgraph.build import build
from awardgraph.config import Config
from awardgraph.store import Store
from awardgraph.synth import specimens_for, synthesize

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://awardgraph.example/"
TARGET = 20.0
"""Seconds: the issue's target for parse + validate + index of about 1M triples."""
STAGES = ("parse", "index", "validate", "provenance", "load")
RUNS = ("baseline", "awardgraph cold", "awardgraph warm")


@contextmanager
def timed(spent: dict[str, float], targets: list[tuple[Any, str, str]]) -> Iterator[None]:
    """Wrap ``owner.name`` for each (owner, name, stage), adding its time to the stage."""
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]

    def wrap(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started

        return wrapper

    for (owner, name, stage), (_, _, original) in zip(targets, originals, strict=True):
        setattr(owner, name, wrap(stage, original))
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def ours(data_dir: Path, cache: Path, store: Path | None) -> dict[str, float]:
    """One build; the seconds of each stage, the total, and the files found in the cache."""
    spent: dict[str, float] = defaultdict(float)
    targets = [
        (awardgraph.validate, "load_dataset", "parse"),
        (awardgraph.validate, "Index", "index"),
        (awardgraph.validate, "_in_parts", "validate"),
        (awardgraph.validate, "_whole", "validate"),
        (awardgraph.validate, "_unsourced", "provenance"),
        (Store, "load_files", "load"),
        (Store, "add_graph", "load"),
    ]
    config = Config.load(data_dir=data_dir, cache_dir=cache, store_path=store)
    with timed(spent, targets):
        started = time.perf_counter()
        publication = build(config)
        spent["total"] = time.perf_counter() - started
    assert publication.report.conforms
    spent["cached"] = publication.report.cached
    spent["statements"] = publication.report.statements
    return spent


def baseline(data_dir: Path) -> dict[str, float]:
    """rdflib parse + one whole-graph pySHACL call + pyoxigraph load of the same files."""
    spent: dict[str, float] = {}
    files = sorted(data_dir.glob("*.trig"))
    started = time.perf_counter()
    merged = Graph(bind_namespaces="none")
    for path in files:
        part = Dataset()
        part.parse(path, format="trig", publicID=BASE)
        merged.addN((s, p, o, merged) for s, p, o, _ in part.quads())
    spent["parse"] = time.perf_counter() - started
    shapes = Graph().parse(ROOT / "ontology/shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology/awardgraph.ttl")
    started = time.perf_counter()
    conforms, _, _ = pyshacl.validate(
        merged, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    spent["validate"] = time.perf_counter() - started
    assert conforms
    started = time.perf_counter()
    store = ox.Store()
    for path in files:
        store.load(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE)
    spent["load"] = time.perf_counter() - started
    spent["total"] = spent["parse"] + spent["validate"] + spent["load"]
    spent["statements"] = len(merged)
    return spent


def bench(name: str, data_dir: Path, args: argparse.Namespace, tmp: Path, log: Log) -> None:
    """Log one Markdown row per run (medians), then the ratios and the target."""
    runs: dict[str, list[dict[str, float]]] = {run: [] for run in RUNS}
    for round_ in range(args.repeat):
        cache = tmp / f"cache-{name}-{round_}"
        # The warm build follows its cold one; the baseline goes first, then last.
        order = RUNS if round_ % 2 == 0 else (*RUNS[1:], RUNS[0])
        for run in order:
            store = tmp / f"store-{name}-{round_}-{run[-4:]}" if args.store == "disk" else None
            if run == "baseline":
                if not args.no_baseline:
                    runs[run].append(baseline(data_dir))
            else:
                runs[run].append(ours(data_dir, cache, store))
    medians = {
        run: {k: statistics.median(r[k] for r in found) for k in found[0]}
        for run, found in runs.items()
        if found
    }
    for run, median in medians.items():
        cells = [f"{median[s]:.2f}" if s in median else "" for s in (*STAGES, "total")]
        cached = f"{int(median['cached'])}" if "cached" in median else ""
        log(f"| {name} | {int(median['statements'])} | {run} | {' | '.join(cells)} | {cached} |")
    summaries.append((name, medians))


summaries: list[tuple[str, dict[str, dict[str, float]]]] = []


def summary(log: Log) -> None:
    log("\n| data | run | total s | baseline s | baseline / awardgraph | <= 20 s target |")
    log("| --- | --- | ---: | ---: | ---: | --- |")
    for name, medians in summaries:
        base = medians.get("baseline", {}).get("total")
        for run in RUNS[1:]:
            total = medians[run]["total"]
            ratio = f"{base / total:.1f}x" if base else "n/a"
            target = "met" if total <= TARGET else f"missed by {total - TARGET:.1f} s"
            log(f"| {name} | {run} | {total:.2f} | {base or 0:.2f} | {ratio} | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000000", help="synthetic sizes in triples, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds per size (median)")
    parser.add_argument("--store", choices=("memory", "disk"), default="memory")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline runs")
    parser.add_argument("--save", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    log = Log()
    log(environment())
    log(
        f"medians of {args.repeat} round(s); seconds per stage; {args.store} store; "
        "load runs in a thread beside parse and validate\n"
    )
    log(f"| data | statements | run | {' | '.join(STAGES)} | total | files cached |")
    log("| --- | ---: | --- |" + " ---: |" * (len(STAGES) + 2))
    with tempfile.TemporaryDirectory(prefix="awardgraph-build-") as name:
        tmp = Path(name)
        bench("data/", ROOT / "data", args, tmp, log)
        for size in sizes:
            generated = tmp / f"data-{size}"
            synthesize(specimens_for(size), generated, files=3)
            bench(f"synthetic {size}", generated, args, tmp, log)
    summary(log)
    log.save(args.save)


if __name__ == "__main__":
    main()
