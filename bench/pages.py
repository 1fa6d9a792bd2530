"""Entity pages under load: awardgraph's HTML and Turtle against the Flask hello floor.

``awardgraph serve`` and a Flask "hello world" on the same gunicorn settings are started
in turn on each catalogue, and loaded with wrk through bench/wrk/pages.lua, which walks a
shuffled list of entity paths (specimens, award types and organizations, mixed as
``MIX`` says), so consecutive requests hit different entities. Before measuring, sampled
pages must answer 200 with the entity in them (its label in the HTML's <h1>, its IRI as
a subject of the parsed Turtle) and an unknown entity 404. Targets (issue 4): at least
``TARGET_RATIO`` of the floor's throughput, p99 at most ``TARGET_P99_MS``.

awardgraph runs on its embedded store and on a remote one (``--stores``): an ``oxigraph
serve`` started here, which ``awardgraph serve --store URL`` loads and then asks every
query of a page over HTTP.

    .venv/bin/python bench/pages.py --sizes bundled,1000000 --connections 1,8
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import rdflib
from common import (  # bench/ is on sys.path when run as a script
    BIN,
    Log,
    PeerFailed,
    Summary,
    Target,
    ensure_wrk,
    environment,
    free_port,
    get,
    oxigraph_store,
    rate,
    start,
    stop,
    versions,
    wait_ready,
    write_summary,
    wrk,
)

from awardgraph.synth import specimens_for, synthesize
from awardgraph.web.links import path_of

BENCH = Path(__file__).resolve().parent
BASE = "https://awardgraph.example/"
AG = BASE + "ontology#"
MIX = {"Specimen": 70, "AwardType": 25, "Organization": 5}
"""Share of requests by class: mostly specimens (the bulk of a catalogue, and what a
collector looks up), award types, and now and then an issuing body."""
STAND_IN = {"Organization": "Collection"}
"""For a class a catalogue lacks (those generated before `awardgraph synth` had no
organizations): the class whose members take its share, also a holder of many
incoming links."""
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
REPRESENTATIONS = {"HTML": ("", BROWSER), "Turtle": (".ttl", "text/turtle")}
"""The suffix added to every path and the Accept header sent (a browser's, for HTML)."""
TARGET_RATIO, TARGET_P99_MS = 0.5, 20.0
CACHE = {"off": {"AWARDGRAPH_PAGE_CACHE": "0"}, "on": {}}
"""awardgraph's page cache: off, every request renders its page; on, the setting's default
(each worker keeps its last 2,000 pages, so a path list walked again is served from it
once it holds fewer distinct entities than that)."""
SERVERS = ("flask", "gunicorn")


@dataclass(frozen=True)
class Catalogue:
    name: str
    data_dir: Path
    quads: int
    paths: Path
    """The mixed, shuffled entity paths, one a line, for pages.lua."""
    mix: dict[str, int]
    """Paths in the list by class."""
    samples: list[tuple[str, str, str]]
    """(class, IRI, label) of the entities checked before measuring."""
    by_class: dict[str, list[str]]


@dataclass(frozen=True)
class Row:
    server: str
    catalogue: str
    representation: str
    connections: int
    rps: float
    p50: float
    p99: float
    errors: int


def make_catalogue(size: str, work: Path, count: int) -> Catalogue:
    """data/ or a generated catalogue (kept in ``work`` and reused when already there),
    with ``count`` entity paths mixed by ``MIX``."""
    data_dir = BENCH.parent / "data" if size == "bundled" else work / f"data-{size}"
    if size != "bundled" and not (data_dir / "done").exists():
        started = time.perf_counter()
        synthesize(specimens_for(int(size)), data_dir, files=3)
        (data_dir / "done").write_text(f"{time.perf_counter() - started:.1f} s\n")
    store = ox.Store()
    for path in sorted(data_dir.glob("*.trig")):
        store.load(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE)
    rng = random.Random(1941)
    chosen: list[str] = []
    by_class: dict[str, list[str]] = {}
    samples = []
    for wanted, weight in MIX.items():
        name, members = wanted, _members(store, wanted)
        if not members and wanted in STAND_IN:
            name = STAND_IN[wanted]
            members = _members(store, name)
        if not members:
            continue
        iris = sorted(members)
        rng.shuffle(iris)
        share = round(count * weight / sum(MIX.values()))
        paths = [path_of(iri, BASE) or "" for iri in iris]
        by_class[name] = paths
        chosen += [paths[i % len(paths)] for i in range(share)]
        samples += [(name, iri, members[iri]) for iri in iris[:2]]
    rng.shuffle(chosen)
    file = work / f"paths-{size}.txt"
    file.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    class_of = {path: name for name, paths in by_class.items() for path in paths}
    mix = Counter(class_of[p] for p in chosen)
    return Catalogue(size, data_dir, len(store), file, dict(mix), samples, by_class)


def _members(store: ox.Store, name: str) -> dict[str, str]:
    """The class's members under the base, each with a label (English first)."""
    query = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s (SAMPLE(?en) AS ?e) (SAMPLE(?any) AS ?a) WHERE {{
          ?s a <{AG}{name}> . OPTIONAL {{ ?s rdfs:label ?any }}
          OPTIONAL {{ ?s rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) }}
          FILTER(STRSTARTS(STR(?s), "{BASE}")) }} GROUP BY ?s"""
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {r[0].value: (r[1] or r[2] or r[0]).value for r in rows}  # type: ignore[union-attr]


def awardgraph(
    cat: Catalogue, port: int, args: argparse.Namespace, work: Path, store: str, stack: ExitStack
) -> list[str]:
    """``awardgraph serve`` on its embedded store (in memory or, with ``--store disk``, on
    disk) or on a ``remote`` ``oxigraph serve`` started now and stopped with ``stack``."""
    argv = [str(BIN / "awardgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--data-dir", str(cat.data_dir), "--workers", str(args.workers)]
    argv += ["--threads", str(args.threads)]
    if store == "remote":  # kept in work: serve loads it again only when the data changed
        argv += ["--store", stack.enter_context(oxigraph_store(work / f"remote-{cat.name}"))]
    elif args.store == "disk":  # serve rebuilds it only when the data changed
        argv += ["--store", str(work / f"store-{cat.name}")]
    return argv


def snapshot(rev: str, work: Path) -> Path:
    """``src/``, ``ontology/`` and ``queries/`` of commit ``rev``, for the server to import
    and read instead of the working tree (which others may be editing mid-run)."""
    commit = subprocess.run(
        ["git", "-C", str(BENCH.parent), "rev-parse", "--short=12", rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    root = work / f"source-{commit}"  # by commit: HEAD moves between runs
    if not root.exists():
        root.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(BENCH.parent), "archive", commit, "src", "ontology", "queries"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    return root


def floor(cat: Catalogue, port: int, args: argparse.Namespace, work: Path) -> list[str]:
    argv = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--chdir", str(BENCH)]
    argv += ["--workers", str(args.workers), "--threads", str(args.threads)]
    return [*argv, "endpoint_apps:hello_pages_app()"]


def check(root: str, cat: Catalogue) -> list[str]:
    """What is wrong with the sampled pages (nothing, when the list is empty)."""
    wrong = []
    for _, iri, label in cat.samples:
        path = path_of(iri, BASE)
        status, body = get(f"{root}{path}", timeout=120, accept=BROWSER)
        heading = re.search(rb"<h1[^>]*>(.*?)</h1>", body, re.S)
        text = unescape(re.sub(r"<[^>]+>", "", heading[1].decode())) if heading else ""
        if status != 200 or label not in text:
            wrong.append(f"{path} HTML: {status}, <h1> {text.strip()[:80]!r}, want {label!r}")
        status, body = get(f"{root}{path}.ttl", timeout=120, accept="*/*")
        graph = rdflib.Graph()
        try:
            graph.parse(data=body, format="turtle", publicID=f"{root}{path}.ttl")
        except Exception as error:  # any parse failure is reported
            wrong.append(f"{path}.ttl: {status}, does not parse: {error}")
            continue
        if status != 200 or (rdflib.URIRef(iri), None, None) not in graph:
            wrong.append(f"{path}.ttl: {status}, {len(graph)} triples, none about <{iri}>")
    status, _ = get(f"{root}/specimen/no-such-specimen-in-any-catalogue", 60, BROWSER)
    if status != 404:
        wrong.append(f"an unknown entity answered {status}, not 404")
    return wrong


def by_class(root: str, cat: Catalogue, representation: str, n: int) -> dict[str, list[float]]:
    """Milliseconds of ``n`` requests for each class's pages, one after another on one
    connection: which kind of page makes the tail."""
    suffix, accept = REPRESENTATIONS[representation]
    host, port = root.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    found: dict[str, list[float]] = defaultdict(list)
    for name, paths in cat.by_class.items():
        for path in (paths * n)[:n]:
            started = time.perf_counter()
            conn.request("GET", path + suffix, headers={"Accept": accept})
            conn.getresponse().read()
            found[name].append((time.perf_counter() - started) * 1000)
    conn.close()
    return found


def server_name(store: str, cache: str) -> str:
    """The name of an awardgraph server in the report: "awardgraph [remote] cache on"."""
    return f"awardgraph {'remote ' if store == 'remote' else ''}cache {cache}"


def store_of(name: str) -> str:
    return "remote" if " remote " in name else "embedded"


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        stores = [s for s in args.stores.split(",") if s]
        caches = [c for c in args.cache.split(",") if c]
        self.servers = [server_name(s, c) for s in stores for c in caches] + ["floor"]
        self.rows: list[Row] = []
        self.ready: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.failed: dict[tuple[str, str], str] = {}
        self.classes: dict[tuple[str, str, str], dict[str, list[float]]] = {}
        self.wrong: dict[str, list[str]] = {}

    def server(self, name: str, cat: Catalogue) -> None:
        """Start one server on the catalogue, check it (awardgraph), measure, stop it.
        ``name`` is "floor" or one of ``server_name``'s."""
        scratch = Path(tempfile.mkdtemp(prefix="server-", dir=self.work))
        log_file, port = scratch / "server.log", free_port()
        root = f"http://127.0.0.1:{port}"
        ours = name.startswith("awardgraph")
        env = {**os.environ, **(CACHE[name.split()[-1]] if ours else {})}
        if ours and self.args.source:
            source = snapshot(self.args.source, self.work)
            env |= {"PYTHONPATH": str(source / "src"), "AWARDGRAPH_ROOT": str(source)}
        process: subprocess.Popen[bytes] | None = None
        started = time.perf_counter()
        stack = ExitStack()  # the remote store's server, stopped after awardgraph
        try:
            if ours:
                argv = awardgraph(cat, port, self.args, self.work, store_of(name), stack)
            else:
                argv = floor(cat, port, self.args, self.work)
            process = start(argv, log_file, env)
            sample = f"{root}{path_of(cat.samples[0][1], BASE)}"
            wait_ready(process, sample, log_file, self.args.start_timeout, BROWSER)
            self.ready[name, cat.name].append(time.perf_counter() - started)
            kinds = ["HTML"] if name == "floor" else list(REPRESENTATIONS)
            if ours:
                self.wrong[f"{cat.name}, {name}"] = wrong = check(root, cat)
                for line in wrong:
                    print(f"!!! {cat.name}: {line}", file=sys.stderr, flush=True)
            for kind in kinds:
                for conns in self.args.connections:
                    self.measure(name, cat, kind, conns, root)
                    if process.poll() is not None:
                        raise PeerFailed(f"died under load (exit {process.returncode})")
                if name.endswith("off") and self.args.per_class:
                    found = by_class(root, cat, kind, self.args.per_class)
                    self.classes[cat.name, store_of(name), kind] = found
        except (PeerFailed, OSError, RuntimeError, subprocess.SubprocessError) as error:
            self.failed[name, cat.name] = f"FAILED: {error}"
            print(f"!!! {name} on {cat.name} FAILED: {error}", file=sys.stderr, flush=True)
        finally:
            stop(process)
            stack.close()
            shutil.rmtree(scratch, ignore_errors=True)

    def measure(self, name: str, cat: Catalogue, kind: str, conns: int, root: str) -> None:
        suffix, accept = REPRESENTATIONS[kind]
        lua = [str(cat.paths), suffix, accept]
        if self.args.warmup > 0:
            wrk(f"{root}/", "pages.lua", lua, conns, self.args.warmup)
        result = wrk(f"{root}/", "pages.lua", lua, conns, self.args.duration)
        rps, p50, p99, errors = rate(result)
        if not result["requests"]:  # none answered within the run: no latency to report
            p50 = p99 = float("inf")
        row = Row(name, cat.name, kind, conns, rps, p50, p99, errors)
        self.rows.append(row)
        figures = f"{row.rps:.1f} req/s, p50 {row.p50:.2f} ms, p99 {row.p99:.2f} ms"
        print(f"  {name} {cat.name} {kind} c={conns}: {figures}, errors {row.errors}", flush=True)


def median_rows(rows: list[Row]) -> dict[tuple[str, str, str, int], Row]:
    groups: dict[tuple[str, str, str, int], list[Row]] = defaultdict(list)
    for r in rows:
        groups[r.server, r.catalogue, r.representation, r.connections].append(r)
    return {
        key: Row(
            *key,
            statistics.median(r.rps for r in group),
            statistics.median(r.p50 for r in group),
            statistics.median(r.p99 for r in group),
            sum(r.errors for r in group),
        )
        for key, group in groups.items()
    }


def report(bench: Bench, catalogues: list[Catalogue], log: Log) -> list[Summary]:
    """The table of medians against the floor, the failures, the start-up times, the
    checks and the pages by class; returns the headline figures."""
    rows = median_rows(bench.rows)
    order = [cat.name for cat in catalogues]
    rounds = f"medians of {bench.args.repeat} rounds" if bench.args.repeat > 1 else "one round"
    log(
        f"\n{rounds}; ratio = "
        f"awardgraph req/s ÷ floor req/s at the same connections (the floor measured once "
        f"per connections, on the HTML list); targets: ratio ≥ {TARGET_RATIO:g}, p99 ≤ "
        f"{TARGET_P99_MS:g} ms\n"
    )
    head = ["catalogue", "store", "page cache", "connections", "representation"]
    head += ["awardgraph req/s", "p50 ms", "p99 ms", "floor req/s", "floor p99 ms", "ratio"]
    head += ["ratio ≥ 0.5", "p99 ≤ 20 ms"]
    log(f"| {' | '.join(head)} | errors |")
    log("| --- | --- | --- | ---: | --- |" + " ---: |" * 6 + " :---: | :---: | ---: |")
    ours_rows = [(k, r) for k, r in rows.items() if k[0].startswith("awardgraph")]
    ours_rows.sort(key=lambda kr: (order.index(kr[0][1]), store_of(kr[0][0]), *kr[0]))
    for (server, cat, kind, conns), ours in ours_rows:
        base = rows.get(("floor", cat, "HTML", conns))
        ratio = ours.rps / base.rps if base else None
        cells = [cat, store_of(server), server.split()[-1], str(conns), kind, f"{ours.rps:.1f}"]
        cells += [f"{ours.p50:.2f}", f"{ours.p99:.2f}"]
        cells += [f"{base.rps:.1f}", f"{base.p99:.2f}"] if base else ["", ""]
        cells += [f"{ratio:.2f}" if ratio else "", _mark(ratio and ratio >= TARGET_RATIO)]
        errors = ours.errors + (base.errors if base else 0)
        cells += [_mark(ours.p99 <= TARGET_P99_MS), str(errors)]
        log(f"| {' | '.join(cells)} |")
    for (server, cat), why in bench.failed.items():
        log(f"\n{server} on {cat}: {why}")
    log("\nSeconds from start (build included) until the first page answered:\n")
    log("| server | catalogue | ready s |\n| --- | --- | ---: |")
    for (server, cat), seconds in bench.ready.items():
        log(f"| {server} | {cat} | {statistics.median(seconds):.1f} |")
    for checked in catalogues:
        log(
            f"\nChecks on {checked.name} ({len(checked.samples)} entities, HTML and Turtle; "
            "one unknown):"
        )
        for server in bench.servers[:-1]:
            wrong = bench.wrong.get(f"{checked.name}, {server}")
            verdict = "not run" if wrong is None else "; ".join(wrong) or "all as expected"
            log(f"- {server}: {verdict}")
    if bench.classes:
        log(
            "\nBy class, cache off, one request at a time on one connection, after the load (ms):\n"
        )
        log("| catalogue | store | representation | class | pages | median | p90 | max |")
        log("| --- | --- | --- | --- | ---: | ---: | ---: | ---: |")
        for (cat, store, kind), found in bench.classes.items():
            for name, ms in found.items():
                spread = statistics.quantiles(ms, n=10, method="inclusive") if len(ms) > 1 else ms
                p90 = spread[-1]
                log(
                    f"| {cat} | {store} | {kind} | {name} | {len(ms)} | "
                    f"{statistics.median(ms):.2f} | {p90:.2f} | {max(ms):.2f} |"
                )
    return summaries(ours_rows, rows)


def summaries(
    ours_rows: list[tuple[tuple[str, str, str, int], Row]],
    rows: dict[tuple[str, str, str, int], Row],
) -> list[Summary]:
    """For bench/run.py: at the most connections, each awardgraph row's throughput over
    the floor's and its p99, against the targets."""
    most = max((key[3] for key, _ in ours_rows), default=0)
    found = []
    for (server, cat, kind, conns), ours in ours_rows:
        if conns != most:
            continue
        what = f"pages {kind}, cache {server.split()[-1]}"
        store = store_of(server)
        base = rows.get(("floor", cat, "HTML", conns))
        if base is not None:
            ratio = Target(TARGET_RATIO, at_least=True, unit="x")
            found.append(
                Summary.of(
                    f"{what}, req/s at {conns} connections",
                    cat,
                    store,
                    ours.rps,
                    "Flask floor",
                    base.rps,
                    ratio,
                )
            )
        p99 = Target(TARGET_P99_MS, at_least=False, unit=" ms")
        found.append(
            Summary.of(f"{what}, p99 ms at {conns} connections", cat, store, ours.p99, target=p99)
        )
    return found


def _mark(met: object) -> str:
    return "✓" if met else "✗"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", default="bundled", help="'bundled' and/or triples, comma-separated")
    add("--connections", default="1,8", help="wrk connections, comma-separated")
    add("--duration", type=float, default=10, help="seconds measured per row")
    add("--warmup", type=float, default=2, help="seconds of load before each measurement")
    add("--workers", type=int, default=2, help="gunicorn workers, both servers (serve's default)")
    add("--threads", type=int, default=8, help="threads per worker, both servers")
    add("--store", choices=("memory", "disk"), default="memory", help="awardgraph's store")
    add("--cache", default="off,on", help="awardgraph's page cache: off and/or on (default size)")
    remote = "awardgraph's stores: embedded and/or remote (an oxigraph serve started for it)"
    add("--stores", default="embedded,remote", help=remote)
    add("--source", help="serve this commit's src/ (git archive), not the working tree")
    add("--keep", type=Path, help="keep generated data (and disk stores) here, to reuse")
    add("--paths", type=int, default=5000, help="entity paths in the list wrk walks")
    add("--per-class", type=int, default=50, help="requests per class timed alone (0: none)")
    add("--repeat", type=int, default=1, help="rounds of both servers (the report has medians)")
    add("--start-timeout", type=float, default=1200, help="seconds to wait for a server")
    add("--save", type=Path, help="also write the report to this file")
    add("--json", type=Path, help="write the headline figures here, for bench/run.py")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops servers
    ensure_wrk()
    log = Log()
    log(environment())
    log(versions(SERVERS))
    log(
        f"wrk: {args.duration:g} s per row after {args.warmup:g} s of warm-up; both servers "
        f"gunicorn {args.workers}x{args.threads}; awardgraph's store: {args.store}"
    )
    with tempfile.TemporaryDirectory(prefix="awardgraph-pages-") as name:
        work = args.keep or Path(name)
        work.mkdir(parents=True, exist_ok=True)
        catalogues = []
        for size in (s for s in args.sizes.split(",") if s):
            started = time.perf_counter()
            cat = make_catalogue(size, work, args.paths)
            seconds = time.perf_counter() - started
            catalogues.append(cat)
            log(
                f"catalogue {cat.name}: {cat.quads} quads, paths by class {cat.mix} "
                f"({seconds:.1f} s to generate or reuse, load and list)"
            )
        bench = Bench(args, work)
        for cat in catalogues:
            for n in range(args.repeat):  # every other round in reverse, against drift
                for server in bench.servers[:: -1 if n % 2 else 1]:
                    bench.server(server, cat)
        summary = report(bench, catalogues, log)
    log.save(args.save)
    write_summary(args.json, summary)


if __name__ == "__main__":
    main()
