"""What the benchmark scripts share: a log that can be saved, the versions in use, the
summary each script writes for bench/run.py (``--json``: its ratios and targets, one
``Summary`` a row), and the machinery of the load benchmarks (servers started on a free
port, polled until they answer and stopped with their whole process group; an
``oxigraph serve`` to be awardgraph's remote store; wrk runs read through a Lua
``done()`` that prints one line of JSON, as bench/wrk/*.lua do)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
WRK_ERRORS = ("connect", "read", "write", "status", "timeout")
"""wrk's error counts; "status" is any answer other than 2xx or 3xx."""


class Log:
    """Print lines as they come; on ``save``, also write them all to a file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str) -> None:
        print(text, flush=True)
        self.lines.append(text)

    def save(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def environment() -> str:
    """Date, machine and the versions of the engines, for the head of a report."""
    found = []
    for name in ("rdflib", "pyoxigraph", "pyshacl", "oxrdflib"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return (
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {platform.machine()}, "
        f"python {sys.version.split()[0]}, {', '.join(found)}"
    )


def versions(names: tuple[str, ...]) -> str:
    """The versions of ``names`` and of wrk, beside ``environment()``'s engines."""
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    words = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    return ", ".join([*found, f"wrk {words[1] if len(words) > 1 else '?'}"])


class PeerFailed(Exception):
    """A server that could not be prepared, started or kept running: reported, not fatal."""


def tail(output: str, lines: int = 3) -> str:
    return " / ".join(output.strip().splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float, accept: str = "*/*") -> tuple[int, bytes]:
    """The status and body of a GET, also for 4xx and 5xx answers."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start(argv: list[str], log_file: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a server in a session of its own (so ``stop`` can end its workers too), its
    output to ``log_file``, in bench/."""
    with log_file.open("wb") as out:
        return subprocess.Popen(
            argv, stdout=out, stderr=out, cwd=BENCH, env=env, start_new_session=True
        )


def wait_ready(
    process: subprocess.Popen[bytes], url: str, log_file: Path, timeout: float, accept: str = "*/*"
) -> None:
    """Poll until ``url`` answers anything but a 5xx: servers print their URL at
    different moments, some before the data is loaded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerFailed(f"exited {process.returncode}: {tail(log_file.read_text())}")
        try:
            if get(url, timeout=10, accept=accept)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise PeerFailed(f"not answering after {timeout:g} s: {tail(log_file.read_text())}")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """End the server's whole process group: gunicorn and uvicorn fork workers."""
    if process is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(20)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def ensure_wrk() -> None:
    """Install Debian's wrk when it is missing (as root, else through sudo)."""
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True, env=env)


def wrk(url: str, script: str, args: list[str], connections: int, seconds: float) -> dict[str, int]:
    """One wrk run with ``bench/wrk/<script>`` (1 thread for 1 connection, else 2): the
    numbers its Lua ``done()`` prints."""
    lua = str(BENCH / "wrk" / script)
    argv = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds:g}s"]
    argv += ["--timeout", "60s", "-s", lua, url, "--", *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120)
    line = next((s for s in done.stdout.splitlines() if s.startswith('{"requests"')), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {tail(done.stdout + done.stderr)}")
    return dict(json.loads(line))


def rate(result: dict[str, int]) -> tuple[float, float, float, int]:
    """Requests a second, p50 and p99 in milliseconds, and errors of one wrk run."""
    rps = result["requests"] / (result["duration_us"] / 1e6)
    errors = sum(result[k] for k in WRK_ERRORS)
    return rps, result["p50_us"] / 1000, result["p99_us"] / 1000, errors


@contextmanager
def oxigraph_store(location: Path, timeout: float = 60) -> Iterator[str]:
    """``oxigraph serve`` on a free port over the store at ``location``, as awardgraph's
    remote store wants it (writable, so that awardgraph can load it, and without
    ``--union-default-graph``): yields its query URL, stops it on leaving."""
    port = free_port()
    location.mkdir(parents=True, exist_ok=True)
    log_file = location.with_name(location.name + ".log")
    argv = [str(BIN / "oxigraph"), "serve", "--location", str(location)]
    process = start([*argv, "--bind", f"127.0.0.1:{port}"], log_file, dict(os.environ))
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_ready(process, f"{url}?query=ASK%7B%7D", log_file, timeout)
        yield url
    finally:
        stop(process)


@dataclass(frozen=True)
class Target:
    """A bound a figure must reach: ``at_least`` (throughput, a ratio of throughputs) or
    at most (seconds, milliseconds, memory)."""

    bound: float
    at_least: bool
    unit: str = ""

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.bound if self.at_least else value <= self.bound

    def __str__(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.bound:g}{self.unit}"


@dataclass(frozen=True)
class Summary:
    """One headline figure of a benchmark, for bench/run.py's table: ours against a
    peer's (``ratio`` = ours ÷ theirs) or alone (no peer, no ratio), held against its
    target when it has one (``target`` on the ratio when there is a peer, else on ours)."""

    benchmark: str
    """What was measured, e.g. "endpoint lookup, req/s at 8 connections"."""
    catalogue: str
    store: str
    """awardgraph's store: embedded (in memory), disk, remote."""
    ours: float
    peer: str | None = None
    theirs: float | None = None
    target: str | None = None
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.ours / self.theirs if self.theirs else None

    @classmethod
    def of(
        cls,
        benchmark: str,
        catalogue: str,
        store: str,
        ours: float,
        peer: str | None = None,
        theirs: float | None = None,
        target: Target | None = None,
    ) -> Summary:
        """A row whose ``met`` is worked out from the target."""
        row = cls(benchmark, catalogue, store, ours, peer, theirs)
        if target is None:
            return row
        value = row.ratio if peer is not None else ours
        return cls(benchmark, catalogue, store, ours, peer, theirs, str(target), target.met(value))

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


def write_summary(path: Path | None, rows: Sequence[Summary]) -> None:
    """``--json``: the rows, for bench/run.py to gather into one headline table."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")


def read_summary(path: Path) -> list[Summary]:
    fields = set(Summary.__dataclass_fields__)
    found = json.loads(path.read_text(encoding="utf-8"))
    return [Summary(**{k: v for k, v in row.items() if k in fields}) for row in found]
