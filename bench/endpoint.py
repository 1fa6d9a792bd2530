"""SPARQL endpoints under load, side by side: awardgraph's own against its peers.

Each peer server is started on a free port, checked (does one sample of each query give
as many rows as pyoxigraph in process?), warmed up, loaded with wrk at each number of
connections, and stopped, in turn, in one run. The load comes from bench/wrk/sparql.lua,
which makes every request a different query text, so that no cache of responses or of
parsed queries is what gets measured. On a shared machine only the ratios between peers
of the same run mean anything.

awardgraph is measured twice: on its embedded store (Oxigraph in its own process) and on
a remote one, an ``oxigraph serve`` started here that ``awardgraph serve --store URL``
loads and then asks every query over HTTP.

    python bench/endpoint.py --sizes bundled,100000 --save bench/out/endpoint.md
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from common import (  # bench/ is on sys.path when run as a script
    BENCH,
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
    tail,
    versions,
    wait_ready,
    write_summary,
    wrk,
)

from awardgraph.synth import specimens_for, synthesize

BASE = "https://awardgraph.example/"
AG = BASE + "ontology#"
QUERIES = {
    "lookup": "SELECT ?p ?o WHERE { <{iri}> ?p ?o } # request {n}",
    # HAVING's bound differs in every request but always holds: same work, same rows.
    "aggregate": f"PREFIX ag: <{AG}> SELECT ?award (COUNT(?specimen) AS ?specimens) "
    "WHERE { ?specimen ag:specimenOf ?award } GROUP BY ?award HAVING (COUNT(?specimen) > -{n})",
}
COLUMNS = ("peer", "catalogue", "query", "connections", "req/s", "p50 ms", "p99 ms", "errors")
TARGETS = {"rdflib-endpoint": 8.0, "oxigraph serve": 0.25}
"""awardgraph's lookup throughput at the most connections: at least this times the peer's."""
SERVERS = ("oxigraph", "rdflib-endpoint", "uvicorn", "flask", "gunicorn", "waitress")


@dataclass(frozen=True)
class Catalogue:
    name: str
    data_dir: Path
    quads: int
    iris: Path
    """The specimen IRIs, shuffled, one a line: the lookups take them in turn."""
    samples: dict[str, str]
    expected: dict[str, int]
    """The rows of each sample query, by pyoxigraph over the union of the graphs."""

    @property
    def files(self) -> list[str]:
        return [str(p) for p in sorted(self.data_dir.glob("*.trig"))]


Command = Callable[[Catalogue, int, Path, ExitStack], list[str]]
"""A server's argv, given the catalogue, the port, a scratch directory and a stack of what
to stop after the server. It may prepare first (load a store, start the server it stands
on) and raise ``PeerFailed``."""


@dataclass(frozen=True)
class Peer:
    name: str
    path: str
    command: Command
    answers: bool = True
    """False for the floor, which ignores the query (its rows are not checked)."""


@dataclass(frozen=True)
class Row:
    peer: str
    catalogue: str
    query: str
    connections: int
    rps: float
    p50: float
    p99: float
    errors: int
    check: str


def query_text(kind: str, iri: str, n: int) -> str:
    return QUERIES[kind].replace("{iri}", iri).replace("{n}", str(n))


def make_catalogue(size: str, tmp: Path) -> Catalogue:
    """data/ or a generated catalogue of about ``size`` triples, with its specimens' IRIs
    and the reference answers to the samples."""
    data_dir = BENCH.parent / "data" if size == "bundled" else tmp / f"data-{size}"
    if size != "bundled":
        synthesize(specimens_for(int(size)), data_dir, files=3)
    store = ox.Store()
    for path in sorted(data_dir.glob("*.trig")):
        store.load(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE)

    def select(query: str) -> list[ox.QuerySolution]:
        return list(store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]

    iris = sorted(row[0].value for row in select(f"SELECT ?s {{ ?s a <{AG}Specimen> }}"))
    random.Random(1941).shuffle(iris)
    iris_file = tmp / f"iris-{size}.txt"
    iris_file.write_text("\n".join(iris) + "\n", encoding="utf-8")
    samples = {kind: query_text(kind, iris[0], 0) for kind in QUERIES}
    expected = {kind: len(select(query)) for kind, query in samples.items()}
    return Catalogue(size, data_dir, len(store), iris_file, samples, expected)


REMOTE = "remote oxigraph"
"""The end of the name of awardgraph on the remote store."""


def awardgraph(workers: int, threads: int, store: str) -> Peer:
    """``awardgraph serve``, which builds the catalogue first: in memory, into --store
    if on ``disk``, or into a ``remote`` ``oxigraph serve`` started for it."""

    def command(cat: Catalogue, port: int, work: Path, stack: ExitStack) -> list[str]:
        argv = [str(BIN / "awardgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--data-dir", str(cat.data_dir), "--workers", f"{workers}"]
        argv += ["--threads", f"{threads}"]
        if store == "remote":
            return [*argv, "--store", stack.enter_context(oxigraph_store(work / "remote"))]
        return [*argv, "--store", str(work / "store")] if store == "disk" else argv

    suffix = {"memory": "", "disk": " disk", "remote": f" {REMOTE}"}[store]
    return Peer(f"awardgraph {workers}x{threads}{suffix}", "/sparql", command)


def store_of(peer: str) -> str:
    """awardgraph's store, by the name of its row."""
    return "remote" if peer.endswith(REMOTE) else "disk" if peer.endswith("disk") else "embedded"


def oxigraph_serve(cat: Catalogue, port: int, work: Path, stack: ExitStack) -> list[str]:
    """oxigraph's own server, read-only, its default graph the union of the named graphs."""
    oxigraph, location = str(BIN / "oxigraph"), ["--location", str(work / "oxigraph")]
    load = [oxigraph, "load", *location, "--base", BASE, "--file", *cat.files]
    done = subprocess.run(load, capture_output=True, text=True)
    if done.returncode:
        raise PeerFailed(f"oxigraph load exited {done.returncode}: {tail(done.stderr)}")
    bind = ["--bind", f"127.0.0.1:{port}"]
    return [oxigraph, "serve-read-only", *location, *bind, "--union-default-graph"]


def rdflib_endpoint(workers: int) -> Peer:
    """rdflib-endpoint's app on uvicorn, as its own CLI serves it (which has one worker)."""

    def command(cat: Catalogue, port: int, work: Path, stack: ExitStack) -> list[str]:
        argv = [str(BIN / "python"), "-m", "uvicorn", "--factory", "--app-dir", str(BENCH)]
        argv += ["--host", "127.0.0.1", "--port", f"{port}", "--workers", f"{workers}"]
        return [*argv, "--log-level", "warning", "endpoint_apps:rdflib_endpoint_app"]

    return Peer(f"rdflib-endpoint uvicorn {workers}w", "/sparql", command)


def flask(factory: str, server: str, workers: int, threads: int) -> Peer:
    """A Flask app of endpoint_apps.py on gunicorn (workers x threads) or waitress (threads)."""

    def command(cat: Catalogue, port: int, work: Path, stack: ExitStack) -> list[str]:
        app = f"endpoint_apps:{factory}"
        if server == "waitress":
            listen = f"--listen=127.0.0.1:{port}"
            return [str(BIN / "waitress-serve"), listen, f"--threads={threads}", "--call", app]
        argv = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--chdir", str(BENCH)]
        return [*argv, "--workers", f"{workers}", "--threads", f"{threads}", f"{app}()"]

    shape = f"{threads}t" if server == "waitress" else f"{workers}x{threads}"
    name = factory.removesuffix("_app").replace("_", "-")
    return Peer(f"{name} {server} {shape}", "/sparql", command, factory != "hello_app")


def peers(args: argparse.Namespace) -> list[Peer]:
    """awardgraph at each setting, on the remote store at the first setting (unless
    --no-remote), then its peers; the Flask ones at the first setting."""
    shapes = [tuple(int(n) for n in shape.split("x")) for shape in args.settings.split(",")]
    found = [awardgraph(w, t, args.store) for w, t in shapes]
    found += [awardgraph(shapes[0][0], shapes[0][1], "remote")] if args.remote else []
    found += [Peer("oxigraph serve", "/query", oxigraph_serve), rdflib_endpoint(args.rdflib)]
    found += [flask(app, args.wsgi, *shapes[0]) for app in ("hello_app", "flask_pyoxigraph_app")]
    wanted = [p for p in args.peers.split(",") if p]
    return [p for p in found if not wanted or p.name.startswith(tuple(wanted))]


SPARQL_JSON = "application/sparql-results+json"


def count_rows(url: str) -> int:
    status, body = get(url, timeout=300, accept=SPARQL_JSON)
    if status != 200:
        raise ValueError(f"HTTP {status}: {body[:200]!r}")
    return len(json.loads(body)["results"]["bindings"])


class Bench:
    """Starts, checks, measures and stops each peer on a catalogue, and keeps the rows."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args, self.tmp = args, tmp
        self.rows: list[Row] = []
        self.failed: dict[tuple[str, str], str] = {}
        self.ready: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.runs = itertools.count(1)

    def peer(self, peer: Peer, cat: Catalogue) -> None:
        work = Path(tempfile.mkdtemp(prefix="peer-", dir=self.tmp))
        log_file, port = work / "server.log", free_port()
        root = f"http://127.0.0.1:{port}"
        env = {**os.environ, "BENCH_DATA_DIR": str(cat.data_dir), "BENCH_BASE_IRI": BASE}
        process: subprocess.Popen[bytes] | None = None
        started = time.perf_counter()
        stack = ExitStack()  # what the server stands on, stopped after it
        try:
            argv = peer.command(cat, port, work, stack)
            process = start(argv, log_file, env)
            url = {k: f"{root}{peer.path}?query={quote(q)}" for k, q in cat.samples.items()}
            timeout = self.args.start_timeout
            wait_ready(process, url["lookup"], log_file, timeout, accept=SPARQL_JSON)
            self.ready[peer.name, cat.name].append(time.perf_counter() - started)
            for kind in QUERIES:
                check = self.check(peer, cat, kind, url[kind])
                for conns in self.args.connections:
                    row = replace(self.measure(peer, cat, kind, conns, f"{root}/"), check=check)
                    if process.poll() is not None:
                        raise PeerFailed(f"died under load (exit {process.returncode})")
                    self.rows.append(row)
                    print(markdown(row), flush=True)  # progress; the report has the medians
        except (PeerFailed, OSError, RuntimeError, subprocess.SubprocessError) as error:
            self.failed[peer.name, cat.name] = f"FAILED: {error}"
            print(f"!!! {peer.name} on {cat.name} FAILED: {error}", file=sys.stderr, flush=True)
        finally:
            stop(process)
            stack.close()
            shutil.rmtree(work, ignore_errors=True)

    def check(self, peer: Peer, cat: Catalogue, kind: str, url: str) -> str:
        """Compare one sample's row count with pyoxigraph's; a mismatch is shouted, not fatal."""
        if not peer.answers:
            return "n/a (floor)"
        expected = cat.expected[kind]
        try:
            found = str(count_rows(url))
        except (OSError, ValueError, KeyError) as error:
            found = f"no rows ({error})"
        if found == str(expected):
            return f"ok ({found} rows)"
        message = f"ROW COUNT MISMATCH: {found}, pyoxigraph {expected}"
        print(f"!!! {peer.name} on {cat.name}, {kind}: {message}", file=sys.stderr, flush=True)
        return f"**{message}**"

    def wrk(
        self, url: str, path: str, kind: str, cat: Catalogue, conns: int, secs: float
    ) -> dict[str, int]:
        """One wrk run: the numbers its Lua ``done()`` prints. ``start`` sets this run's
        query texts apart from every other run's."""
        iris = str(cat.iris) if "{iri}" in QUERIES[kind] else "-"
        first = str(next(self.runs) * 10**12)
        return wrk(url, "sparql.lua", [path, QUERIES[kind], iris, first], conns, secs)

    def measure(self, peer: Peer, cat: Catalogue, kind: str, conns: int, url: str) -> Row:
        """Warm up, then measure one row."""
        if self.args.warmup > 0:
            self.wrk(url, peer.path, kind, cat, conns, self.args.warmup)
        r = self.wrk(url, peer.path, kind, cat, conns, self.args.duration)
        return Row(peer.name, cat.name, kind, conns, *rate(r), "")


def markdown(row: Row) -> str:
    cells: tuple[object, ...] = (row.peer, row.catalogue, row.query, row.connections)
    cells += (f"{row.rps:.1f}",)
    cells += (f"{row.p50:.2f}", f"{row.p99:.2f}", row.errors, row.check)
    return f"| {' | '.join(str(c) for c in cells)} |"


def medians(rows: list[Row]) -> list[Row]:
    """One row per peer, catalogue, query and connections: the medians over the rounds, all
    the errors, and every distinct row check."""
    groups: dict[tuple[str, str, str, int], list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.peer, row.catalogue, row.query, row.connections].append(row)
    return [
        Row(
            *key,
            statistics.median(r.rps for r in group),
            statistics.median(r.p50 for r in group),
            statistics.median(r.p99 for r in group),
            sum(r.errors for r in group),
            "; ".join(dict.fromkeys(r.check for r in group)),
        )
        for key, group in groups.items()
    ]


def report(bench: Bench, log: Log) -> list[Summary]:
    """The table of medians, the failures, the start-up times and the ratios; returns
    the headline ratios."""
    rounds = f"medians of {bench.args.repeat} rounds" if bench.args.repeat > 1 else "one round"
    log(f"\n{rounds}; errors: wrk's socket errors and answers other than 2xx/3xx\n")
    log(f"| {' | '.join(COLUMNS)} | rows check |")
    log("| --- | --- | --- |" + " ---: |" * 5 + " --- |")
    rows = medians(bench.rows)
    for row in rows:
        log(markdown(row))
    for (peer, cat), why in bench.failed.items():
        log(f"| {peer} | {cat} | {why} |" + " |" * 6)
    log("\nSeconds from start (a load or build step included) until the endpoint answered:\n")
    log("| peer | catalogue | ready s |\n| --- | --- | ---: |")
    for (peer, cat), seconds in bench.ready.items():
        log(f"| {peer} | {cat} | {statistics.median(seconds):.1f} |")
    ratios(rows, log)
    return summaries(rows)


def ratios(rows: list[Row], log: Log) -> None:
    """awardgraph's throughput over each peer's at the most connections, per catalogue and
    query; the lookup's ratios are held against the targets."""
    most = max((r.connections for r in rows), default=0)
    rps = {(r.peer, r.catalogue, r.query): r.rps for r in rows if r.connections == most}
    names = list(dict.fromkeys(p for p, _, _ in rps))
    ours = [p for p in names if p.startswith("awardgraph")]
    others = [p for p in names if p not in ours]
    if not ours or not others:
        log("\n(no ratios: awardgraph or all of its peers were not measured)")
        return
    log(f"\nThroughput at {most} connections, awardgraph ÷ peer (above 1: awardgraph faster):\n")
    log(f"| awardgraph | catalogue | query | {' | '.join(f'÷ {p}' for p in others)} |")
    log("| --- | --- | --- |" + " ---: |" * len(others))
    for ours_key in (k for k in rps if k[0] in ours):
        ag, cat, kind = ours_key
        cells = []
        for other in others:
            theirs = rps.get((other, cat, kind))
            target = next((t for n, t in TARGETS.items() if other.startswith(n)), None)
            if not theirs:
                cells.append("")
                continue
            ratio = rps[ours_key] / theirs
            met = "" if target is None or kind != "lookup" else " ✓" if ratio >= target else " ✗"
            cells.append(f"{ratio:.2f}{met}")
        log(f"| {ag} | {cat} | {kind} | {' | '.join(cells)} |")
    log(f"\nTargets on the lookup: {', '.join(f'≥ {t:g}x {p}' for p, t in TARGETS.items())}.")


def summaries(rows: list[Row]) -> list[Summary]:
    """For bench/run.py: each awardgraph row's throughput at the most connections over
    the peers that have targets (on the lookup), on each catalogue and query."""
    most = max((r.connections for r in rows), default=0)
    top = [r for r in rows if r.connections == most]
    found = []
    for ours in (r for r in top if r.peer.startswith("awardgraph")):
        for peer_name, bound in TARGETS.items():
            theirs = next(
                (
                    r
                    for r in top
                    if r.peer.startswith(peer_name)
                    and (r.catalogue, r.query) == (ours.catalogue, ours.query)
                ),
                None,
            )
            if theirs is None:
                continue
            target = Target(bound, at_least=True, unit="x") if ours.query == "lookup" else None
            what = f"endpoint {ours.query}, req/s at {most} connections"
            found.append(
                Summary.of(
                    what,
                    ours.catalogue,
                    store_of(ours.peer),
                    ours.rps,
                    theirs.peer,
                    theirs.rps,
                    target,
                )
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", default="bundled,10000", help="'bundled' and/or triples, comma-separated")
    add("--connections", default="1,8", help="wrk connections, comma-separated")
    add("--duration", type=float, default=10, help="seconds measured per row")
    add("--warmup", type=float, default=2, help="seconds of load before each measurement")
    settings = "awardgraph serve's WORKERSxTHREADS, comma-separated; the first also for Flask"
    add("--settings", default="2x8", help=settings + " (2x8: serve's defaults on 2 cores)")
    add("--store", choices=("memory", "disk"), default="memory", help="awardgraph's store")
    remote = "also awardgraph on a remote store: an oxigraph serve started for it"
    add("--remote", action=argparse.BooleanOptionalAction, default=True, help=remote)
    add("--wsgi", choices=("gunicorn", "waitress"), default="gunicorn", help="for the Flask peers")
    add("--rdflib", type=int, default=2, help="uvicorn workers for rdflib-endpoint")
    add("--peers", default="", help="only the peers whose names start so, comma-separated")
    add("--repeat", type=int, default=1, help="rounds of every peer (the report has medians)")
    add("--start-timeout", type=float, default=900, help="seconds to wait for a server to answer")
    add("--save", type=Path, help="also write the report to this file")
    add("--json", type=Path, help="write the headline ratios here, for bench/run.py")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops servers
    ensure_wrk()
    log = Log()
    log(environment())
    log(versions(SERVERS))
    log(f"wrk: {args.duration:g} s per row after {args.warmup:g} s of warm-up; no query repeats")
    with tempfile.TemporaryDirectory(prefix="awardgraph-endpoint-") as name:
        tmp = Path(name)
        catalogues = [make_catalogue(size, tmp) for size in args.sizes.split(",") if size]
        for cat in catalogues:
            log(f"catalogue {cat.name}: {cat.quads} quads; rows of the samples: {cat.expected}")
        bench = Bench(args, tmp)
        print(f"\nEach round as it runs:\n| {' | '.join(COLUMNS)} | rows check |", flush=True)
        for cat in catalogues:
            for n in range(args.repeat):  # every other round in reverse, against drift
                for peer in peers(args)[:: -1 if n % 2 else 1]:
                    bench.peer(peer, cat)
    write_summary(args.json, report(bench, log))
    log.save(args.save)


if __name__ == "__main__":
    main()
