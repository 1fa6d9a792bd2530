"""rdflib against pyoxigraph on one generated catalogue, measured side by side.

Loads the same TriG file with each engine, runs the same SPARQL queries on each, checks
that their answers agree, and times pySHACL on a plain rdflib Graph against Oxigraph-backed
graphs. Times are medians of repeated runs; on a shared machine only the ratios between
engines measured in the same run mean anything.

    python bench/engines.py --triples 100000
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pyshacl
from common import Log, environment
from rdflib import Dataset, Graph
from rdflib.term import Node

from awardgraph.synth import specimens_for, synthesize

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://awardgraph.example/"
AG = "https://awardgraph.example/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = f"""PREFIX ag: <{AG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
YEARS = "SELECT ?type ?year WHERE { ?type a ag:AwardType ; ag:established ?year . "
QUERIES = {
    "lookup by IRI": "SELECT ?p ?o WHERE { <SPECIMEN> ?p ?o }",
    "gYear filter (< 1941)": YEARS + 'FILTER(?year < "1941"^^xsd:gYear) }',
    "gYear as integer (< 1941)": YEARS + "FILTER(xsd:integer(STR(?year)) < 1941) }",
    "count per award type": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s ag:specimenOf ?type } "
    "GROUP BY ?type",
    "join specimen-award-label": "SELECT ?s ?serial ?label WHERE { ?s ag:specimenOf ?type ; "
    "ag:serialNumber ?serial . ?type rdfs:label ?label }",
}
Rows = Counter[tuple[str, ...]]


@dataclass
class Row:
    operation: str
    rdflib: float
    oxigraph: float
    rows: tuple[int, int] | None = None
    note: str = ""


def interleaved(actions: Sequence[Callable[[], Any]], repeat: int) -> list[tuple[float, Any]]:
    """Run the actions in turn, ``repeat`` rounds, alternating their order, so that noise
    on the shared machine falls on each of them alike; median time and last result each."""
    times: list[list[float]] = [[] for _ in actions]
    results: list[Any] = [None] * len(actions)
    for round_ in range(repeat):
        order = range(len(actions)) if round_ % 2 == 0 else reversed(range(len(actions)))
        for i in order:
            results[i] = None
            gc.collect()
            started = time.perf_counter()
            results[i] = actions[i]()
            times[i].append(time.perf_counter() - started)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def rdflib_load(path: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="trig", publicID=BASE)
    return dataset


def ox_load(path: Path, bulk: bool) -> ox.Store:
    store = ox.Store()
    load = store.bulk_load if bulk else store.load
    load(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE)
    return store


def rdflib_rows(result: Iterable[Any]) -> Rows:
    return Counter(tuple("" if t is None else str(t) for t in row) for row in result)


def ox_rows(result: Iterable[ox.QuerySolution]) -> Rows:
    return Counter(tuple("" if t is None else t.value for t in row) for row in result)


def loads(path: Path, repeat: int) -> tuple[list[Row], Dataset, ox.Store]:
    (rd, dataset), (bulk, store), (plain, _) = interleaved(
        [lambda: rdflib_load(path), lambda: ox_load(path, True), lambda: ox_load(path, False)],
        repeat,
    )
    n = (len(dataset), len(store))
    return (
        [
            Row("load TriG: Store.bulk_load", rd, bulk, n),
            Row("load TriG: Store.load", rd, plain, n),
        ],
        dataset,
        store,
    )


def queries(dataset: Dataset, store: ox.Store, repeat: int) -> tuple[list[Row], int]:
    """Time each query on both engines (after one untimed run each) and compare answers."""
    typed = store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(AG + "Specimen"))
    specimens = sorted(str(q.subject).strip("<>") for q in typed)
    rows: list[Row] = []
    for name, body in QUERIES.items():
        text = PREFIXES + body.replace("SPECIMEN", specimens[len(specimens) // 2])
        runs = both(dataset, store, text)
        for run in runs:
            run()
        (rd, a), (oxt, b) = interleaved(runs, repeat)
        ra, rb = rdflib_rows(a), ox_rows(b)
        note = "same answer" if ra == rb else "ANSWERS DIFFER"
        rows.append(Row(f"query: {name}", rd, oxt, (ra.total(), rb.total()), note))
    return rows, expected_before_1941(store)


def both(dataset: Dataset, store: ox.Store, text: str) -> list[Callable[[], list[Any]]]:
    """The query on each engine, over the union of the named graphs, rows materialised."""
    return [
        lambda: list(dataset.query(text)),
        lambda: list(solutions(store.query(text, use_default_graph_as_union=True))),
    ]


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def expected_before_1941(store: ox.Store) -> int:
    """Award types established before 1941, counted in Python from the lexical years."""
    established = ox.NamedNode(AG + "established")
    years = (q.object for q in store.quads_for_pattern(None, established, None))
    return sum(int(y.value) < 1941 for y in years if isinstance(y, ox.Literal))


def shacl_graphs(path: Path) -> tuple[list[tuple[Node, Node, Node]], Graph]:
    """The data merged with the ontology (validated in place, as no ont_graph is given)."""
    dataset = rdflib_load(path)
    ontology = Graph().parse(ROOT / "ontology/awardgraph.ttl")
    shapes = Graph().parse(ROOT / "ontology/shapes.ttl")
    return [(s, p, o) for s, p, o, _ in dataset.quads()] + list(ontology), shapes


def shacl(path: Path, repeat: int) -> list[Row]:
    """pySHACL on a plain rdflib Graph vs an oxrdflib Graph vs a bare pyoxigraph Store."""
    try:
        import oxrdflib  # noqa: F401
    except ImportError:
        print("(skipped pySHACL backends: oxrdflib is not installed; pip install -e '.[bench]')")
        return []
    triples, shapes = shacl_graphs(path)

    def graph(store: str) -> Graph:
        g = Graph(store=store)
        g.addN((s, p, o, g) for s, p, o in triples)
        return g

    def run(data: Graph | ox.Store) -> tuple[bool, int]:
        conforms, results, _ = pyshacl.validate(
            cast(Graph, data),  # pySHACL takes a pyoxigraph Store too, untyped
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
        )
        assert isinstance(results, Graph)
        return bool(conforms), len(results)

    plain, oxg = graph("default"), graph("Oxigraph")
    store = ox.Store()
    store.load(plain.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    (rd, a), (ox_graph, b), (ox_store, c) = interleaved(
        [lambda: run(plain), lambda: run(oxg), lambda: run(store)], repeat
    )
    said = "conforms" if a[0] == b[0] == c[0] and a[0] else f"conforms: {a[0]}, {b[0]}, {c[0]}"
    n = len(triples)
    return [
        Row(f"pySHACL on {n} triples: oxrdflib Graph", rd, ox_graph, None, said),
        Row(f"pySHACL on {n} triples: bare ox.Store", rd, ox_store, None, said),
    ]


def table(rows: list[Row]) -> str:
    head = "| operation | rdflib s | pyoxigraph s | rdflib/pyoxigraph | rows (rdflib, oxigraph) | |"
    lines = [head, "| --- | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        ratio = r.rdflib / r.oxigraph if r.oxigraph else float("inf")
        n = f"{r.rows[0]}, {r.rows[1]}" if r.rows else ""
        shown = f"{ratio:.{1 if ratio >= 10 else 2}f}"
        cells = [r.operation, f"{r.rdflib:.4f}", f"{r.oxigraph:.4f}", shown, n, r.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the catalogue")
    parser.add_argument("--repeat", type=int, default=3, help="runs per load (median)")
    parser.add_argument("--query-repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument(
        "--shacl-triples", type=int, default=10_000, help="size for pySHACL; 0 skips it"
    )
    parser.add_argument("--shacl-repeat", type=int, default=1, help="runs per pySHACL backend")
    parser.add_argument("--save", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    log = Log()
    log(environment())
    with tempfile.TemporaryDirectory(prefix="awardgraph-bench-") as tmp:
        summary = synthesize(specimens_for(args.triples), Path(tmp) / "data")
        (path,) = summary.files
        log(
            f"catalogue: {summary.triples} triples, {summary.specimens} specimens, "
            f"{summary.award_types} award types ({path.stat().st_size / 1e6:.1f} MB TriG)"
        )
        log(f"medians of {args.repeat} loads and {args.query_repeat} query runs\n")
        rows, dataset, store = loads(path, args.repeat)
        found, expected = queries(dataset, store, args.query_repeat)
        rows += found
        del dataset, store
        if args.shacl_triples:
            small = synthesize(specimens_for(args.shacl_triples), Path(tmp) / "shacl")
            rows += shacl(small.files[0], args.shacl_repeat)
    log(table(rows))
    if any(r.operation.startswith("pySHACL") for r in rows):
        log("(pySHACL rows: rdflib = a plain in-memory Graph; a ratio below 1: Oxigraph is slower)")
    gyear = next(r for r in rows if "gYear filter" in r.operation)
    assert gyear.rows is not None
    log(
        f"\ngYear comparison: {expected} award types were established before 1941 "
        f"(counted in Python); rdflib's SPARQL returned {gyear.rows[0]}, "
        f"pyoxigraph's {gyear.rows[1]}."
    )
    log.save(args.save)


if __name__ == "__main__":
    main()
