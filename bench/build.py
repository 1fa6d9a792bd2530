"""Time the project's own build (``awardgraph.build.build``), stage by stage.

On the bundled data/ and on generated catalogues of a few sizes, in memory and on disk.
The stages are timed inside the real build by wrapping the functions it calls: parsing
the data with rdflib, pySHACL, the rest of validation (merging, the provenance check,
the report), and loading the store (everything after validation: Oxigraph load, the
ontology, and on disk flush, optimize and swap). Medians of repeated builds.

    python bench/build.py --sizes 10000,100000
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

import pyshacl
from common import Log, environment
from generate import generate, specimens_for  # bench/ is on sys.path when run as a script

import awardgraph.build
import awardgraph.validate
from awardgraph.build import build
from awardgraph.config import Config

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("parse", "pySHACL", "other validation", "store load")


@contextmanager
def timed(spent: dict[str, float], targets: list[tuple[Any, str, str]]) -> Iterator[None]:
    """Wrap ``module.name`` for each (module, name, stage), adding its time to the stage."""
    originals = [(module, name, getattr(module, name)) for module, name, _ in targets]

    def wrap(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started

        return wrapper

    for (module, name, stage), (_, _, original) in zip(targets, originals, strict=True):
        setattr(module, name, wrap(stage, original))
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def one_build(data_dir: Path, store_path: Path | None) -> dict[str, float]:
    """One build; the seconds of each stage, and the total."""
    spent: dict[str, float] = defaultdict(float)
    targets = [
        (awardgraph.build, "validate_files", "validation"),
        (awardgraph.validate, "load_dataset", "parse"),
        (pyshacl, "validate", "pySHACL"),
    ]
    config = Config.load(data_dir=data_dir, store_path=store_path)
    with timed(spent, targets):
        started = time.perf_counter()
        publication = build(config)
        spent["total"] = time.perf_counter() - started
    assert publication.report.conforms
    spent["other validation"] = spent["validation"] - spent["parse"] - spent["pySHACL"]
    spent["store load"] = spent["total"] - spent["validation"]
    spent["quads"] = len(publication.store)
    return spent


def bench(name: str, data_dir: Path, repeat: int, tmp: Path, log: Log) -> None:
    """Log a Markdown row each for building ``data_dir`` in memory and on disk."""
    for mode in ("memory", "disk"):
        runs = []
        for i in range(repeat):
            store = tmp / f"store-{name}-{i}" if mode == "disk" else None
            runs.append(one_build(data_dir, store))
        median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        validation = median["validation"]
        cells = [f"{median[s]:.3f}" for s in (*STAGES, "total")]
        ratio = validation / median["store load"]
        log(f"| {name} | {int(median['quads'])} | {mode} | {' | '.join(cells)} | {ratio:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,100000", help="generated sizes in triples, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=3, help="builds per case (median)")
    parser.add_argument("--save", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    log = Log()
    log(environment())
    log(f"medians of {args.repeat} builds; seconds per stage\n")
    log(f"| data | quads incl. ontology | store | {' | '.join(STAGES)} | total | validation/load |")
    log("| --- | ---: | --- |" + " ---: |" * (len(STAGES) + 2))
    with tempfile.TemporaryDirectory(prefix="awardgraph-build-") as name:
        tmp = Path(name)
        bench("data/", ROOT / "data", args.repeat, tmp, log)
        for size in sizes:
            generated = tmp / f"data-{size}"
            generate(specimens_for(size), generated, files=3)
            bench(f"generated {size}", generated, args.repeat, tmp, log)
    log.save(args.save)


if __name__ == "__main__":
    main()
