"""Several gunicorn workers over one on-disk store, run for real (``awardgraph serve
--workers 3 --store DIR``): the store is built once, every worker answers alike, and a
build by another process while they serve never breaks an answer or the store.

Which worker answered is read from ``/proc`` (the worker process holding the server end of
the connection), so the app needs no debugging header or endpoint.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from awardgraph.build import STAMP_FILE, build
from awardgraph.config import ENV_PREFIX, Config
from awardgraph.serve import republish
from awardgraph.store import Store

from .server import Server, served
from .support import AG, CATALOGUE, DATA, FIXTURE_SETTINGS, QUADS

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="tells workers apart through Linux's /proc"
)

WORKERS = 3
BADGE = "ASK { <https://awardgraph.example/award/nkvd-fireman-badge> ?p ?o }"
AWARDS = f"SELECT ?award ?year WHERE {{ ?award <{AG}established> ?year }} ORDER BY ?award"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
QUERIES = (BADGE, AWARDS, COUNT)
SETTLE_SECONDS = 60


@dataclass
class Site:
    """A data directory, the store built from it, and the environment both commands use."""

    data: Path
    store: Path
    env: dict[str, str]

    def build(self, *, wait: bool = True) -> subprocess.Popen[str]:
        """``awardgraph build --store`` in a process of its own, as an operator runs it."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
        process = subprocess.Popen(
            [sys.executable, "-m", "awardgraph", "build", "--store", str(self.store)],
            env=environment | self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if wait:
            process.communicate(timeout=120)
        return process

    def serve(self) -> contextlib.AbstractContextManager[Server]:
        return served(
            "--workers", str(WORKERS), "--threads", "2", "--store", str(self.store), env=self.env
        )


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """The fixture catalogue's awards, without its badges (a later publication adds them)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(CATALOGUE / "awards.trig", data)
    env = {ENV_PREFIX + "ROOT": str(DATA)}
    env |= {ENV_PREFIX + name.upper(): value for name, value in FIXTURE_SETTINGS.items()}
    env |= {ENV_PREFIX + "DATA_DIR": str(data), ENV_PREFIX + "DUMPS_DIR": str(tmp_path / "dumps")}
    return Site(data, tmp_path / "store", env)


def expected(site: Site, *added: Path) -> tuple[object, ...]:
    """What the workers should answer: the queries on an in-memory build of the data,
    with the files ``added`` to it."""
    data = site.data
    if added:
        data = site.data.with_name(f"data-{len(list(site.data.parent.glob('data-*')))}")
        shutil.copytree(site.data, data)
        for file in added:
            shutil.copy(file, data)
    config = Config.load(root=DATA, **{**FIXTURE_SETTINGS, "data_dir": str(data)})
    store = build(config).store
    found: list[object] = [(200, store.query(BADGE).boolean)]
    for query in QUERIES[1:]:
        rows = store.query(query).rows
        found.append((200, tuple(tuple(str(getattr(t, "value", t)) for t in r) for r in rows)))
    return tuple(found)


def add_badges(site: Site) -> None:
    shutil.copy(CATALOGUE / "badges.trig", site.data)


# --- asking the workers ----------------------------------------------------------------


def path(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


def answer(response: http.client.HTTPResponse) -> tuple[int, object]:
    """The status and what the body says: the boolean, or the rows as values."""
    body = response.read()
    if response.status != 200:
        return response.status, body.decode(errors="replace")
    found = json.loads(body)
    if "boolean" in found:
        return 200, found["boolean"]
    rows = found["results"]["bindings"]
    return 200, tuple(tuple(b[v]["value"] for v in found["head"]["vars"]) for b in rows)


def ask(url: str, query: str) -> tuple[int, object]:
    """One request on a connection of its own (so any worker may take it)."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:
        connection.request("GET", path(query), headers={"Accept": "application/json"})
        return answer(connection.getresponse())
    finally:
        connection.close()


def answers(url: str) -> tuple[object, ...]:
    return tuple(ask(url, q) for q in QUERIES)


def worker_of(connection: http.client.HTTPConnection, master: int) -> int:
    """The worker process that accepted ``connection``: the child of ``master`` holding
    the socket whose remote end is this connection's local port."""
    assert connection.sock is not None
    local, server = connection.sock.getsockname()[1], connection.sock.getpeername()[1]
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == server and int(fields[2].split(":")[1], 16) == local:
            inodes.add(fields[9])
    for pid in children(master):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    raise AssertionError(f"No worker of {master} holds the connection from port {local}.")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@contextlib.contextmanager
def one_connection_per_worker(server: Server) -> Iterator[dict[int, http.client.HTTPConnection]]:
    """Keep-alive connections by worker, opened until every worker holds one of them.

    gunicorn closes a connection idle for 2 s, so the ones held are kept busy meanwhile.
    """
    where = urlsplit(server.url)
    held: dict[int, http.client.HTTPConnection] = {}
    deadline = time.monotonic() + SETTLE_SECONDS
    try:
        while len(held) < WORKERS and time.monotonic() < deadline:
            connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
            assert on(connection, "ASK {}") == (200, True)
            worker = worker_of(connection, server.pid)
            if worker in held:
                connection.close()
            else:
                held[worker] = connection
            for kept in held.values():
                assert on(kept, "ASK {}") == (200, True)
        assert len(held) == WORKERS, f"only workers {sorted(held)} took connections"
        yield held
    finally:
        for connection in held.values():
            connection.close()


def on(connection: http.client.HTTPConnection, query: str) -> tuple[int, object]:
    connection.request("GET", path(query), headers={"Accept": "application/json"})
    return answer(connection.getresponse())


class Hammer:
    """Threads asking the queries over and over, on fresh connections, recording every
    answer (or the error that took its place) by query."""

    def __init__(self, url: str, threads: int = 6) -> None:
        self.url = url
        self.seen: list[tuple[str, object]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stop.is_set():
            for query in QUERIES:
                try:
                    self.seen.append((query, ask(self.url, query)))
                except (OSError, http.client.HTTPException) as error:
                    self.seen.append((query, f"{type(error).__name__}: {error}"))

    def wrong(self, *publications: tuple[object, ...]) -> list[tuple[str, object]]:
        """The answers that are none of the ``publications``' answer to their query."""
        right = {(q, p[n]) for p in publications for n, q in enumerate(QUERIES)}
        return [seen for seen in self.seen if seen not in right]

    def __enter__(self) -> Hammer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)


def logged(server: Server, text: str) -> int:
    return sum(text in line for line in server.log)


def reload(server: Server) -> None:
    """``kill -HUP`` the master; wait until it says the new workers serve the store."""
    before = logged(server, "Reloaded: new workers serve")
    os.kill(server.pid, signal.SIGHUP)
    wait_for(lambda: logged(server, "Reloaded: new workers serve") > before, "it reloads")


def settled_on(server: Server, expected: tuple[object, ...]) -> None:
    """Wait until fresh connections only reach workers that answer ``expected``."""

    def settled() -> bool:
        return all(answers(server.url) == expected for _ in range(3 * WORKERS))

    wait_for(settled, f"every worker answers {expected}")


def store_state(store: Path) -> tuple[int, float, str]:
    return store.stat().st_ino, store.stat().st_mtime, (store / STAMP_FILE).read_text()


# --- the tests -------------------------------------------------------------------------


def test_workers_share_one_store_built_once_and_answer_alike(site: Site) -> None:
    publication = expected(site)
    assert publication[0] == (200, False)  # the badges are not in this publication
    assert [award for award, _ in publication[1][1]] == [  # type: ignore[index]
        "https://awardgraph.example/award/medal-for-distinguished-labor",
        "https://awardgraph.example/award/medal-for-valiant-labor",
    ]
    with site.serve() as server:
        assert logged(server, "Building the store") == 1
        built = store_state(site.store)
        with one_connection_per_worker(server) as held, Hammer(server.url) as hammer:
            assert server.pid not in held and len(set(held)) == WORKERS
            # every worker busy at once
            by_worker = {pid: tuple(on(c, q) for q in QUERIES) for pid, c in held.items()}
            time.sleep(1)
        assert by_worker == {pid: publication for pid in held}
        assert len(hammer.seen) > 20 and hammer.wrong(publication) == []

        assert store_state(site.store) == built  # no worker rebuilt or wrote it
        assert logged(server, "Building the store") == 1
        assert not [p for p in site.store.parent.iterdir() if p.suffix in (".new", ".old")]


def test_a_build_while_serving_breaks_no_answer_and_hup_rolls_it_out(site: Site) -> None:
    old, new = expected(site), expected(site, CATALOGUE / "badges.trig")
    with (
        site.serve() as server,
        one_connection_per_worker(server) as held,  # each worker has opened the store
        Hammer(server.url) as hammer,
    ):
        add_badges(site)
        with site.build(wait=False) as build:
            while build.poll() is None:  # keep-alive: each worker answers on its connection
                assert {on(c, BADGE) for c in held.values()} == {old[0]}
                time.sleep(0.3)
            _, said = build.communicate()
        assert build.returncode == 0, said
        after_build = len(hammer.seen)
        assert Store.open(site.store).query(BADGE).boolean is True  # the new one, whole

        # The running workers go on answering from the store they opened, whose files
        # the build replaced and deleted: the old publication still, and no error.
        for connection in held.values():
            assert tuple(on(connection, q) for q in QUERIES) == old

        reload(server)
        settled_on(server, new)
        time.sleep(0.5)
    assert hammer.wrong(old, new) == []
    assert (BADGE, old[0]) in hammer.seen[after_build:]  # served through the build
    assert hammer.seen[-1] == (QUERIES[-1], new[-1])
    # The master took the store as built: no rebuild by it, none by any worker.
    assert logged(server, "rebuilding") == 0 and logged(server, "Building the store") == 1


def test_hup_rebuilds_changed_data_once_in_the_master(site: Site) -> None:
    old, new = expected(site), expected(site, CATALOGUE / "badges.trig")
    with site.serve() as server:
        with Hammer(server.url) as hammer:
            add_badges(site)
            reload(server)
            settled_on(server, new)
        assert logged(server, "The data changed since") == 1
        assert hammer.wrong(old, new) == []


def test_data_that_does_not_conform_leaves_the_last_good_store_in_service(site: Site) -> None:
    old = expected(site)
    with site.serve() as server:
        built = store_state(site.store)
        with Hammer(server.url) as hammer:
            shutil.copy(DATA / "invalid" / "awards.trig", site.data / "awards.trig")
            build = site.build(wait=False)
            _, said = build.communicate(timeout=120)
            assert build.returncode == 1 and "does not conform" in said
            assert store_state(site.store) == built

            reload(server)  # the master tries too, and keeps the last good store
            settled_on(server, old)
        assert logged(server, "Serving the store as it was last built.") == 1
        assert store_state(site.store) == built
        assert hammer.wrong(old) == []


def test_a_second_build_waits_for_the_first(site: Site) -> None:
    site.build()
    add_badges(site)
    lock = site.store.with_name(site.store.name + ".lock")
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a build in progress holds it
        waiting = site.build(wait=False)
        assert waiting.stderr is not None
        said = waiting.stderr.readline()
        assert "is being written by another process" in said and "waiting" in said
        assert waiting.poll() is None
        assert Store.open(site.store).query(BADGE).boolean is False
    _, rest = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, rest
    assert Store.open(site.store).query(BADGE).boolean is True


def test_two_builds_at_once_leave_one_whole_store(site: Site) -> None:
    site.build()
    add_badges(site)
    for _ in range(3):
        builds = [site.build(wait=False) for _ in range(2)]
        for process in builds:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
        store = Store.open(site.store)
        assert store.query(BADGE).boolean is True and len(store) == QUADS
        leftovers = [p.name for p in site.store.parent.iterdir() if p.name.startswith(".")]
        assert leftovers == []


def test_a_reload_that_cannot_publish_says_why_and_keeps_serving(site: Site) -> None:
    site.build()
    built = store_state(site.store)
    (site.data / "awards.trig").unlink()  # no data files left
    settings = {**FIXTURE_SETTINGS, "data_dir": str(site.data), "store_path": str(site.store)}
    said: list[str] = []
    republish(Config.load(root=DATA, **settings), said.append)
    assert said[-1].startswith("Warning: No data files (*.trig, *.ttl) in")
    assert said[-1].endswith("The workers go on serving the store as it is.")
    assert store_state(site.store) == built


def test_a_reload_of_an_in_memory_catalogue_says_to_restart() -> None:
    said: list[str] = []
    republish(Config.load(root=DATA, **FIXTURE_SETTINGS), said.append)
    assert said == [
        "Reloading: the catalogue was built in memory, so the new workers serve the same "
        "data. To serve changed data, restart awardgraph serve, or serve an on-disk store "
        "(--store), which kill -HUP rebuilds."
    ]
