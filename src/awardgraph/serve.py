"""``awardgraph serve``: the web app on gunicorn, a production WSGI server.

The catalogue is built once, before any worker starts: in memory in the master process,
which the workers then share by ``fork`` (``preload_app``), or into the on-disk store,
which each worker opens read-only, or into a SPARQL server (a remote store), which the
workers query. A store whose data files changed since it was built is rebuilt first; if
the new data does not conform, the last good store goes on being served. A worker
holding a query that ran past the time limit is replaced once its current requests are
answered, which ends the query (see ``timelimit.py``); a remote store's query ends by
itself, at its read timeout.

``kill -HUP`` on the master publishes again, without downtime: it rebuilds a store whose
data changed (or takes the on-disk store that ``awardgraph build --store`` swapped in
meanwhile) and its dumps, then gunicorn starts new workers over it and stops the old ones
once their requests are answered. Until then the old workers serve the on-disk store
they opened: its files stay readable after a build replaced them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from awardgraph.build import Stamp, build
from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.dumps import ensure as ensure_dumps
from awardgraph.errors import AwardgraphError, ValidationFailed
from awardgraph.remote import RemoteStore
from awardgraph.web import Site, create_app

Echo = Callable[[str], None]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def publish(config: Config, echo: Echo) -> Catalogue:
    """The catalogue to serve, built now if it has to be."""
    if config.store_path is None and config.store_url is None:
        catalogue = Catalogue(config, build(config))
        echo(f"Built the catalogue in memory: {catalogue.triples} triples.")
        return catalogue
    if config.store_url is not None:
        where, loaded = config.store_url, RemoteStore.of(config).publication()
        built = None if loaded is None else Stamp(*loaded)
    else:
        assert config.store_path is not None
        where = config.display(config.store_path)
        built = Stamp.read(config.store_path) if config.store_path.exists() else None
    if built is None:
        echo(f"Building the store {where} …")
        build(config)
    elif built != Stamp.of(config, config.data_files()):
        echo(f"The data changed since {where} was built; rebuilding.")
        try:
            build(config)
        except ValidationFailed as failure:
            echo(failure.report.format(config.root))
            echo(f"Warning: {failure} Serving the store as it was last built.")
    return Catalogue(config)  # each worker opens or reaches the store on first use


def publish_dumps(config: Config, catalogue: Catalogue, echo: Echo) -> None:
    """Write the dumps now, in the master, unless they are current: the workers then find
    them and serve them, instead of each writing its own."""
    # A store is opened here by a catalogue of its own, dropped before the fork.
    own = config.store_path is None and config.store_url is None
    found = ensure_dumps(catalogue if own else Catalogue(config))
    state = "Wrote" if found.written else "Serving"
    echo(f"{state} the dumps in {config.display(found.directory)}.")


def republish(config: Config, echo: Echo) -> None:
    """On ``kill -HUP``: publish what the data holds now, before new workers start.

    A failure is reported and the store goes on being served as it is: a reload never
    stops the server.
    """
    if config.store_path is None and config.store_url is None:
        echo(
            "Reloading: the catalogue was built in memory, so the new workers serve the "
            "same data. To serve changed data, restart awardgraph serve, or serve an "
            "on-disk store (--store), which kill -HUP rebuilds."
        )
        return
    try:
        publish_dumps(config, publish(config, echo), echo)
        path = config.store_path
        stamp = Catalogue(config).stamp if path is None else Stamp.read(path)
    except (AwardgraphError, OSError) as error:
        echo(f"Warning: {error} The workers go on serving the store as it is.")
        return
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp.modified))
    where = config.store_url if path is None else config.display(path)
    echo(f"Reloaded: new workers serve {where} (publication {stamp.digest[:12]}, data of {built}).")


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn with ``gthread`` workers, configured here rather than by a file."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app


def serve(
    config: Config,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    threads: int = 8,
    echo: Echo = print,
) -> None:
    """Build if needed, then serve until interrupted (Ctrl+C)."""
    catalogue = publish(config, echo)
    publish_dumps(config, catalogue, echo)
    app = create_app(catalogue=catalogue)
    site: Site = app.extensions["awardgraph"]

    def when_ready(server: Any) -> None:
        for listener in server.LISTENERS:
            url = f"http://{_host(*listener.sock.getsockname()[:2])}"
            echo(f"Serving the catalogue at {url}/ (SPARQL endpoint: {url}/sparql)")

    def post_request(worker: Any, request: Any, environ: Any, response: Any) -> None:
        if site.time_limit.abandoned and config.store_url is None:  # remote: ends by itself
            worker.log.warning("A query ran past the time limit; replacing this worker.")
            worker.alive = False

    def on_reload(arbiter: Any) -> None:
        republish(config, echo)

    gc.collect()  # what the build left, before the workers inherit it by fork
    _return_free_memory()
    gc.freeze()  # and keep the collector from touching (and copying) the shared pages
    Server(
        app,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers or default_workers(),
            "threads": threads,
            "worker_class": "gthread",
            "preload_app": True,
            "when_ready": when_ready,
            "post_request": post_request,
            "on_reload": on_reload,
            "graceful_timeout": max(5, int(config.query_timeout) + 5),
            "forwarded_allow_ips": "",  # X-Forwarded-* are trusted by --proxy-hops alone
            "limit_request_line": 8190,  # gunicorn's most: a shared query link is a long GET
            "loglevel": "warning",
        },
    ).run()


def _return_free_memory() -> None:
    """Hand the heap that validation freed back to the system (glibc's ``malloc_trim``),
    so that the master, and every worker forked from it, does not keep it resident."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _host(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
