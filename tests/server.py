"""Start the real ``awardgraph serve`` (gunicorn) in a subprocess, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from awardgraph.config import ENV_PREFIX

from .support import ROOT

READY = re.compile(r"Serving the catalogue at (http://\S+)/ ")
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Server:
    url: str
    """The base URL, ``http://127.0.0.1:PORT``."""
    log: list[str]
    """The lines the server logged so far (standard error)."""
    pid: int
    """The process of ``awardgraph serve``: gunicorn's master, which forks the workers."""


@contextlib.contextmanager
def running_server(
    *args: str, env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Yield the base URL (``http://127.0.0.1:PORT``) and the lines the server logged so far."""
    with served(*args, env=env) as server:
        yield server.url, server.log


@contextlib.contextmanager
def served(*args: str, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """Start ``awardgraph serve`` with ``args``; stop it (SIGTERM) on leaving.

    The server binds a free port (``--port 0``) and says which in its first line.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    environment |= {ENV_PREFIX + "ROOT": str(ROOT), **(env or {})}
    command = [sys.executable, "-m", "awardgraph", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command,
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    stderr = process.stderr
    lines: list[str] = []
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in stderr:
            lines.append(line.rstrip())
            if (match := READY.search(line)) and not found:
                found.append(match[1])
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(STARTUP_SECONDS) or not found:
            raise RuntimeError("awardgraph serve did not start:\n" + "\n".join(lines))
        yield Server(found[0], lines, process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(5)
        stderr.close()
