"""Resident memory while serving: awardgraph against a bare pyoxigraph store, in one run.

On the bundled data/ and on generated catalogues (``--sizes``, in triples, 3 files each),
each server is started on a free port, polled until it answers, warmed up with the same
requests, measured and stopped in turn:

- ``awardgraph serve`` in memory (the catalogue built and validated in the master, shared
  with the workers by fork) and with ``--store`` (an on-disk store each worker opens
  read-only; made beforehand as ``awardgraph build`` makes it), with 1 and 2 workers;
- the bare peer: one Python process holding a ``pyoxigraph.Store`` loaded with the same
  files and the ontology, answering ``/sparql`` with the standard library's HTTP server
  (``python bench/memory.py --bare-serve PORT DIR``);
- for reference, ``oxigraph serve-read-only`` (Rust) over a store made by ``oxigraph load``.

The warm-up: ``--requests`` SPARQL requests (lookups of as many different specimens, and
one aggregate in ten) from 4 threads, the same for every server; awardgraph also answers
as many entity pages (its page cache fills as it would). Then the memory of the server's
whole process tree (its session) is read from ``/proc/PID/smaps_rollup``. PSS is the
measure: forked workers share the master's pages copy-on-write, so their RSS counts the
same pages once per process, while PSS divides each shared page among the processes that
map it, so the sum over the tree is what the server really holds. RSS is reported beside
it. Target (issue 5): awardgraph's PSS at most 1.3x the bare store's.

    python bench/memory.py --sizes bundled,1000000 --save bench/out/memory.md
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
from common import BIN, Log, PeerFailed, environment, free_port, get, start, stop, tail
from common import wait_ready as _wait_ready

from awardgraph.synth import specimens_for, synthesize

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://awardgraph.example/"
ONTOLOGY = ROOT / "ontology" / "awardgraph.ttl"
ONTOLOGY_IRI = "https://awardgraph.example/ontology"
TARGET = 1.3
LOOKUP = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
AGGREGATE = (
    "PREFIX ag: <https://awardgraph.example/ontology#> "
    "SELECT ?award (COUNT(?s) AS ?n) WHERE { ?s ag:specimenOf ?award } GROUP BY ?award"
)
SPARQL_JSON = "application/sparql-results+json"


def data_files(data_dir: Path) -> list[Path]:
    return sorted([*data_dir.glob("*.trig"), *data_dir.glob("*.ttl")])


def bare_store(data_dir: Path) -> ox.Store:
    store = ox.Store()
    for path in data_files(data_dir):
        store.load(path=str(path), base_iri=BASE)
    store.load(
        path=str(ONTOLOGY),
        format=ox.RdfFormat.TURTLE,
        base_iri=BASE,
        to_graph=ox.NamedNode(ONTOLOGY_IRI),
    )
    return store


def bare_serve(port: int, data_dir: Path) -> None:
    """The bare peer: a pyoxigraph store and the standard library's threaded HTTP server."""
    store = bare_store(data_dir)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("query")
            if not query:
                self.send_response(200)
                self.end_headers()
                return
            found = store.query(query[0], use_default_graph_as_union=True)
            assert isinstance(found, ox.QuerySolutions | ox.QueryBoolean)
            body = found.serialize(format=ox.QueryResultsFormat.JSON) or b""
            self.send_response(200)
            self.send_header("Content-Type", SPARQL_JSON)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


@dataclass(frozen=True)
class Peer:
    name: str
    sparql: str
    """The path of its SPARQL endpoint."""
    pages: bool = False


def command(peer: Peer, data_dir: Path, port: int, work: Path) -> list[str]:
    if peer.name == "bare pyoxigraph":
        return [sys.executable, str(Path(__file__)), "--bare-serve", str(port), str(data_dir)]
    if peer.name == "oxigraph serve":
        oxigraph, location = str(BIN / "oxigraph"), ["--location", str(work / "oxigraph")]
        if not (work / "oxigraph").exists():
            files = [str(p) for p in data_files(data_dir)]
            load = [oxigraph, "load", *location, "--base", BASE, "--file", *files]
            done = subprocess.run(load, capture_output=True, text=True)
            if done.returncode != 0:
                raise PeerFailed(f"oxigraph load exited {done.returncode}: {tail(done.stderr)}")
        bind = ["--bind", f"127.0.0.1:{port}"]
        return [oxigraph, "serve-read-only", *location, *bind, "--union-default-graph"]
    workers = peer.name.split()[-1].removesuffix("w")
    argv = [str(BIN / "awardgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--data-dir", str(data_dir), "--workers", workers, "--threads", "8"]
    return [*argv, "--store", str(work / "store")] if "disk" in peer.name else argv


def prepare_store(data_dir: Path, work: Path) -> None:
    """The on-disk store as ``awardgraph build`` writes it, without validating again."""
    from awardgraph.build import STAMP_FILE, Stamp
    from awardgraph.config import Config
    from awardgraph.namespaces import ONTOLOGY_IRI as ours
    from awardgraph.store import Store

    config = Config.load(data_dir=data_dir, store_path=work / "store")
    files = config.data_files()

    def load(store: Store) -> None:
        store.load_files(files, config.base_iri)
        store.add_graph(config.require("ontology_file"), ours, config.base_iri)

    stamp = Stamp.of(config, files)
    Store.build_into(work / "store", load, config.base_iri, {STAMP_FILE: stamp.json()})


def session_memory(leader: int) -> tuple[int, int, int]:
    """PSS and RSS in KiB summed over every process of ``leader``'s session, and how many."""
    pss = rss = count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            session = int(stat.rsplit(")", 1)[1].split()[3])
            if session != leader:
                continue
            rollup = (entry / "smaps_rollup").read_text()
        except (OSError, IndexError, ValueError):
            continue
        fields = dict(line.split(":", 1) for line in rollup.splitlines()[1:])
        pss += int(fields["Pss"].split()[0])
        rss += int(fields["Rss"].split()[0])
        count += 1
    return pss, rss, count


def specimens(data_dir: Path, n: int) -> list[str]:
    found = []
    for path in data_files(data_dir):
        for quad in ox.parse(path=str(path), base_iri=BASE):
            if quad.predicate.value.endswith("#specimenOf"):
                found.append(quad.subject.value)
    random.Random(5).shuffle(found)
    return found[:n]


def warm_up(url: str, peer: Peer, iris: list[str]) -> int:
    """Send the warm-up requests; the number that did not answer 200."""

    def one(i: int) -> int:
        iri = iris[i % len(iris)]
        text = AGGREGATE if i % 10 == 0 else LOOKUP.format(iri=iri)
        query = urllib.parse.urlencode({"query": text})
        status, _ = get(f"{url}{peer.sparql}?{query}", timeout=120, accept=SPARQL_JSON)
        failed = status != 200
        if peer.pages:
            failed |= get(url + iri.removeprefix(BASE.rstrip("/")), timeout=120)[0] != 200
        return int(failed)

    with ThreadPoolExecutor(4) as pool:
        return sum(pool.map(one, range(len(iris))))


def bench(name: str, data_dir: Path, peers: list[Peer], requests: int, tmp: Path, log: Log) -> None:
    work = tmp / name
    work.mkdir(parents=True)
    iris = specimens(data_dir, requests)
    quads = len(bare_store(data_dir))
    rows: dict[str, tuple[int, int, int, float, int]] = {}
    for peer in peers:
        if "disk" in peer.name and not (work / "store").exists():
            prepare_store(data_dir, work)
        port = free_port()
        log_file = work / f"{peer.name.replace(' ', '-')}.log"
        process = None
        try:
            env = {**os.environ, "AWARDGRAPH_DUMPS_DIR": str(work / "dumps")}
            started = time.monotonic()
            process = start(command(peer, data_dir, port, work), log_file, env)
            url = f"http://127.0.0.1:{port}"
            _wait_ready(process, f"{url}{peer.sparql}?query=ASK%7B%7D", log_file, 3600)
            ready = time.monotonic() - started
            failed = warm_up(url, peer, iris)
            time.sleep(1)
            pss, rss, count = session_memory(process.pid)
            rows[peer.name] = (pss, rss, count, ready, failed)
        except PeerFailed as error:
            log(f"| {name} | {quads:,} | {peer.name} | FAILED: {error} |")
        finally:
            stop(process)
    bare = rows.get("bare pyoxigraph")
    for peer_name, (pss, rss, count, ready, failed) in rows.items():
        ratio = verdict = ""
        if bare and peer_name.startswith("awardgraph"):
            ratio = f"{pss / bare[0]:.2f}"
            verdict = "met" if pss / bare[0] <= TARGET else "MISSED"
        errors = f" ({failed} failed)" if failed else ""
        log(
            f"| {name} | {quads:,} | {peer_name} | {count} | {pss / 1024:.0f} | "
            f"{rss / 1024:.0f} | {ratio} | {verdict} | {ready:.0f}{errors} |"
        )


PEERS = [
    Peer("bare pyoxigraph", "/sparql"),
    Peer("oxigraph serve", "/query"),
    Peer("awardgraph memory 1w", "/sparql", pages=True),
    Peer("awardgraph memory 2w", "/sparql", pages=True),
    Peer("awardgraph disk 1w", "/sparql", pages=True),
    Peer("awardgraph disk 2w", "/sparql", pages=True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled", help="bundled and/or sizes in triples")
    parser.add_argument("--requests", type=int, default=400, help="warm-up requests")
    parser.add_argument(
        "--peers", help=f"comma-separated subset of: {', '.join(p.name for p in PEERS)}"
    )
    parser.add_argument("--save", type=Path, help="also write the report to this file")
    parser.add_argument("--bare-serve", nargs=2, metavar=("PORT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_serve:
        bare_serve(int(args.bare_serve[0]), Path(args.bare_serve[1]))
        return
    chosen = args.peers.split(",") if args.peers else None
    peers = [p for p in PEERS if chosen is None or p.name in chosen]
    log = Log()
    log(environment())
    log(f"after {args.requests} SPARQL requests (awardgraph: and as many entity pages)")
    log(f"PSS and RSS in MiB summed over the server's processes; target: PSS <= {TARGET}x bare\n")
    log("| data | quads | server | processes | PSS MiB | RSS MiB | PSS/bare | target | ready s |")
    log("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |")
    tmp = Path(tempfile.mkdtemp(prefix="awardgraph-memory-"))
    for size in [s for s in args.sizes.split(",") if s]:
        if size == "bundled":
            bench("bundled", ROOT / "data", peers, args.requests, tmp, log)
            continue
        generated = tmp / f"data-{size}"
        synthesize(specimens_for(int(size)), generated, files=3)
        bench(size, generated, peers, args.requests, tmp, log)
    shutil.rmtree(tmp, ignore_errors=True)
    log.save(args.save)


if __name__ == "__main__":
    main()
