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

from awardgraph.config import ENV_PREFIX

from .support import ROOT

READY = re.compile(r"Serving the catalogue at (http://\S+)/ ")
STARTUP_SECONDS = 60


@contextlib.contextmanager
def running_server(
    *args: str, env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Yield the base URL (``http://127.0.0.1:PORT``) and the lines the server logged so far.

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
        yield found[0], lines
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
