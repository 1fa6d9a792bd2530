"""Time one request through each app in process, no server and no network: what the
request path itself costs, one thread, the bundled catalogue.

    .venv/bin/python bench/request_path.py [--requests 2000] [--rounds 2]

Every request is a different lookup text (a numbered comment), as in endpoint.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

BENCH = Path(__file__).resolve().parent
SPECIMEN = "https://awardgraph.example/specimen/medal-for-valiant-labor-8077"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{SPECIMEN}> ?p ?o }}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DATA_DIR", str(BENCH.parent / "data"))
    sys.path.insert(0, str(BENCH))
    from endpoint_apps import flask_pyoxigraph_app, hello_app

    from awardgraph.web import create_app

    ours = create_app()
    _ = ours.extensions["awardgraph"].catalogue.store  # build before timing
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
