"""Time one request through each app in process, no server and no network: what the
request path itself costs, one thread, the bundled catalogue.

    .venv/bin/python bench/request_path.py [--requests 2000] [--rounds 2] [--pages-only]

Every request is a different lookup text (a numbered comment), as in endpoint.py. Then
one entity page (HTML, as a browser asks, and its ``.ttl``), rendered every time (page
cache off) and from the page cache (the default), against the hello floor of pages.py,
with the part of awardgraph's time spent in ``Store.query`` (queries run and
their rows read) apart from the rest (Flask, negotiation, building the description,
the template or the Turtle writer).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

BENCH = Path(__file__).resolve().parent
SPECIMEN = "https://awardgraph.example/specimen/medal-for-valiant-labor-8077"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{SPECIMEN}> ?p ?o }}"
PAGES = {
    "HTML": ("/specimen/medal-for-valiant-labor-8077", "text/html,*/*;q=0.8"),
    "Turtle": ("/specimen/medal-for-valiant-labor-8077.ttl", "*/*"),
}
"""The entity page timed, as a browser asks for it and by its Turtle suffix."""


@contextmanager
def query_timer() -> Iterator[list[float]]:
    """Count and time every ``awardgraph.store.Store.query`` call: [calls, seconds]."""
    from awardgraph.store import Store

    spent, original = [0.0, 0.0], Store.query

    def timed(self: Store, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += 1
            spent[1] += time.perf_counter() - started

    Store.query = timed  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        Store.query = original  # type: ignore[method-assign]


def pages(apps: dict[str, Callable[..., Any]], requests: int, rounds: int) -> None:
    """One entity page, HTML and Turtle, through awardgraph and the floor."""
    status: list[str] = []
    for round_ in range(rounds):
        for kind, (path, accept) in PAGES.items():
            for name, app in apps.items():
                environ = EnvironBuilder(path=path, headers={"Accept": accept}).get_environ()
                with query_timer() as spent:
                    started = time.perf_counter()
                    for _ in range(requests):
                        b"".join(app(dict(environ), lambda s, *_: status.append(s)))
                    total = (time.perf_counter() - started) / requests * 1e6
                assert status[-1].startswith("200"), f"{name} {path}: {status[-1]}"
                calls, in_queries = spent[0] / requests, spent[1] / requests * 1e6
                split = (
                    f"  {calls:.1f} queries {in_queries:5.0f} us, rest {total - in_queries:5.0f} us"
                )
                line = f"round {round_ + 1}  {kind:6} {name:11} {total:6.0f} us a request"
                print(line + (split if calls else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--page-requests", type=int, default=300)
    parser.add_argument("--pages-only", action="store_true", help="skip the SPARQL lookups")
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DATA_DIR", str(BENCH.parent / "data"))
    sys.path.insert(0, str(BENCH))
    from endpoint_apps import flask_pyoxigraph_app, hello_app, hello_pages_app

    from awardgraph.web import create_app

    ours = create_app()
    _ = ours.extensions["awardgraph"].catalogue.store  # build before timing
    os.environ["AWARDGRAPH_PAGE_CACHE"] = "0"  # every request renders its page
    rendering = create_app()
    del os.environ["AWARDGRAPH_PAGE_CACHE"]
    entity_apps = {"awardgraph": rendering, "ag cached": ours, "hello-pages": hello_pages_app()}
    pages(entity_apps, args.page_requests, args.rounds)
    if args.pages_only:
        return
    apps = {"awardgraph": ours, "flask-pyoxigraph": flask_pyoxigraph_app(), "hello": hello_app()}
    accept = {"Accept": "application/sparql-results+json"}
    for round_ in range(args.rounds):
        for name, app in apps.items():
            environs = [
                EnvironBuilder(
                    path="/sparql",
                    query_string=urlencode({"query": f"{LOOKUP} # {round_}-{i}"}),
                    headers=accept,
                ).get_environ()
                for i in range(args.requests)
            ]
            started = time.perf_counter()
            for environ in environs:
                b"".join(app(environ, lambda *_: None))
            micros = (time.perf_counter() - started) / args.requests * 1e6
            print(f"round {round_ + 1}  {name:17} {micros:6.0f} us a request", flush=True)


if __name__ == "__main__":
    main()
