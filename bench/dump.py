"""Time awardgraph's dumps against pyoxigraph's own serializers, side by side in one run.

On the bundled data/ and on generated catalogues (``--sizes``, in triples, 3 files each).
awardgraph's store is loaded as ``awardgraph build`` loads it (every file, the default
graph's copies, the ontology), in memory and on disk, without the validation (timed by
build.py). Its peers are bare ``pyoxigraph.Store``s holding the same data, in memory and
on disk: the files as they are (named graphs kept), and the merge of all graphs in the
default graph. For each format, ``Catalogue.export(format, file)`` on each awardgraph
store against ``dump`` on the bare store of the same kind (TriG, N-Quads: the dataset;
the rest: ``from_graph=DefaultGraph()``, the merge; JSON-LD: Oxigraph's own writer,
which does not compact, so for orientation only); ``awardgraph export --format turtle
--store`` as a command; and the full ``awardgraph dump`` (``dumps.write``: all six
formats, gzip, sums). Every case runs ``--repeat`` times, interleaved, each round in the
opposite order; medians. Target (issue 5): the Turtle dump at most 1.5x pyoxigraph's
own serializer.

    python bench/dump.py --sizes bundled,1000000 --repeat 3 --save bench/out/dump.md
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from common import BIN, Log, environment

from awardgraph.build import STAMP_FILE, Publication, Stamp
from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.dumps import write as write_dumps
from awardgraph.formats import GRAPH_FORMATS
from awardgraph.namespaces import ONTOLOGY_IRI, PREFIXES, Namer
from awardgraph.store import Store
from awardgraph.synth import specimens_for, synthesize
from awardgraph.validate import Report

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5


def load(config: Config) -> Callable[[Store], None]:
    """What ``awardgraph build`` does to a store once the data is valid."""
    files = config.data_files()

    def into(store: Store) -> None:
        store.load_files(files, config.base_iri)
        store.add_graph(config.require("ontology_file"), ONTOLOGY_IRI, config.base_iri)

    return into


def catalogues(data_dir: Path, tmp: Path) -> dict[str, Catalogue]:
    """awardgraph's catalogue of ``data_dir``, in memory and on disk."""
    memory_config = Config.load(data_dir=data_dir)
    files = memory_config.data_files()
    stamp = Stamp.of(memory_config, files)
    store = Store.memory(memory_config.base_iri)
    load(memory_config)(store)
    report = Report(True, (), tuple(files), 0, Namer(memory_config.base_iri))
    memory = Catalogue(memory_config, Publication(store, report, tuple(files), 0.0, stamp))
    disk_config = Config.load(data_dir=data_dir, store_path=tmp / "store")
    Store.build_into(
        tmp / "store", load(disk_config), disk_config.base_iri, {STAMP_FILE: stamp.json()}
    )
    return {"memory": memory, "disk": Catalogue(disk_config)}


def bare_stores(config: Config, directory: Path | None = None) -> tuple[ox.Store, ox.Store]:
    """Bare pyoxigraph stores (in memory, or on disk under ``directory``): the files as
    they are, and the merge in the default graph."""
    if directory is None:
        dataset, merged = ox.Store(), ox.Store()
    else:
        dataset, merged = ox.Store(str(directory / "dataset")), ox.Store(str(directory / "merged"))
    for path in config.data_files():
        dataset.load(path=str(path), format=ox.RdfFormat.TRIG, base_iri=config.base_iri)
    ontology = config.require("ontology_file")
    dataset.load(
        path=str(ontology),
        format=ox.RdfFormat.TURTLE,
        base_iri=config.base_iri,
        to_graph=ox.NamedNode(ONTOLOGY_IRI),
    )
    merged.extend(ox.Quad(q.subject, q.predicate, q.object) for q in dataset)
    for store in (dataset, merged):
        store.flush()
        store.optimize()
    return dataset, merged


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def cases(
    catalogue: dict[str, Catalogue], bare: dict[str, tuple[ox.Store, ox.Store]], out: Path
) -> dict[tuple[str, str], Callable[[], object]]:
    """Every timed case, by (format, writer): a function that writes one file."""
    prefixes = dict(PREFIXES)
    found: dict[tuple[str, str], Callable[[], object]] = {}
    for fmt in GRAPH_FORMATS.values():
        for mode, cat in catalogue.items():
            target = out / f"{fmt.name}-awardgraph-{mode}{fmt.suffix}"

            def ours(cat: Catalogue = cat, fmt_name: str = fmt.name, t: Path = target) -> None:
                with t.open("wb") as f:
                    cat.export(fmt_name, f)

            found[(fmt.name, f"awardgraph {mode}")] = ours
        assert isinstance(fmt.oxigraph, ox.RdfFormat)
        for mode, (dataset, merged) in bare.items():
            target = out / f"{fmt.name}-pyoxigraph-{mode}{fmt.suffix}"

            def theirs(
                f: ox.RdfFormat = fmt.oxigraph,
                quads: bool = fmt.quads,
                t: Path = target,
                dataset: ox.Store = dataset,
                merged: ox.Store = merged,
            ) -> None:
                with t.open("wb") as handle:
                    if quads:
                        dataset.dump(handle, f, prefixes=prefixes)
                    else:
                        merged.dump(handle, f, from_graph=ox.DefaultGraph(), prefixes=prefixes)

            found[(fmt.name, f"pyoxigraph {mode}")] = theirs
    store_path = catalogue["disk"].config.store_path
    data_dir = catalogue["disk"].config.data_dir
    command = [str(BIN / "awardgraph"), "export", "--format", "turtle", "-o", str(out / "cli.ttl")]
    command += ["--data-dir", str(data_dir), "--store", str(store_path)]
    found[("turtle", "awardgraph export --store (command, disk)")] = lambda: subprocess.run(
        command, check=True
    )
    for mode, cat in catalogue.items():
        found[("all", f"awardgraph dump {mode}")] = lambda c=cat, d=out / f"dumps-{mode}": (
            write_dumps(c, d)
        )
    return found


def bench(name: str, data_dir: Path, repeat: int, tmp: Path, log: Log) -> None:
    config = Config.load(data_dir=data_dir)
    work = tmp / name
    work.mkdir(parents=True)
    catalogue = catalogues(data_dir, work)
    (work / "bare").mkdir()
    bare = {"memory": bare_stores(config), "disk": bare_stores(config, work / "bare")}
    out = work / "out"
    out.mkdir()
    todo = cases(catalogue, bare, out)
    seconds: dict[tuple[str, str], list[float]] = {key: [] for key in todo}
    order = list(todo)
    for round_ in range(repeat):
        for key in order if round_ % 2 == 0 else reversed(order):
            seconds[key].append(timed(todo[key]))
    median = {key: statistics.median(runs) for key, runs in seconds.items()}
    triples = catalogue["memory"].triples
    quads = len(bare["memory"][0])
    for fmt in [*GRAPH_FORMATS, "all"]:
        for (case_fmt, who), value in median.items():
            if case_fmt != fmt:
                continue
            mode = "disk" if "disk" in who else "memory"
            peer = median.get((fmt, f"pyoxigraph {mode}"))
            ratio = "" if peer is None or who.startswith("pyoxigraph") else f"{value / peer:.2f}"
            verdict = ""
            if fmt == "turtle" and ratio:
                verdict = "met" if value / peer <= TARGET else "MISSED"  # type: ignore[operator]
            size = ""
            if fmt in GRAPH_FORMATS and "command" not in who:
                written = out / f"{fmt}-{who.replace(' ', '-')}{GRAPH_FORMATS[fmt].suffix}"
                size = f"{written.stat().st_size:,}" if written.exists() else ""
            log(
                f"| {name} | {triples:,} | {quads:,} | {fmt} | {who} | {value:.3f} | "
                f"{ratio} | {verdict} | {size} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="bundled,100000", help="bundled and/or sizes in triples, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--save", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    log = Log()
    log(environment())
    log(f"medians of {args.repeat} runs, interleaved; seconds to write one file (all: dump)")
    log(f"ratio: awardgraph / pyoxigraph; target for Turtle: at most {TARGET}x\n")
    log("| data | triples | quads | format | writer | s | ratio | target | bytes |")
    log("| --- | ---: | ---: | --- | --- | ---: | ---: | --- | ---: |")
    tmp = Path(tempfile.mkdtemp(prefix="awardgraph-dump-"))
    try:
        for size in [s for s in args.sizes.split(",") if s]:
            if size == "bundled":
                bench("bundled", ROOT / "data", args.repeat, tmp, log)
                continue
            generated = tmp / f"data-{size}"
            synthesize(specimens_for(int(size)), generated, files=3)
            bench(size, generated, args.repeat, tmp, log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.save(args.save)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
