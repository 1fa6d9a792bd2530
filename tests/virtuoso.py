"""A throwaway Virtuoso (Debian's ``virtuoso-opensource``) on free loopback ports.

Its own ``virtuoso.ini``, database and log live in a directory the caller gives (a
pytest temporary directory); the machine's Virtuoso service, if any, is not touched.
Once up, the anonymous SPARQL user is let to update (``GRANT SPARQL_UPDATE``), which
``/sparql`` needs to take awardgraph's loading; the ports are bound to 127.0.0.1 only.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .oxigraph import free_port

STARTUP_SECONDS = 60
DEFAULT_GRAPH = "urn:x-awardgraph:default"
"""The graph standing in for the default graph (``store_default_graph``)."""

INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql}
DisableUnixSocket  = 1
CaseMode           = 2
DirsAllowed        = ., {dir}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
CheckpointInterval = 0

[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerRoot           = {dir}
MaxClientConnections = 8
ServerThreads        = 8
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows           = 0
MaxQueryExecutionTime      = 0
MaxQueryCostEstimationTime = 0
"""


class VirtuosoServer:
    """``virtuoso-t -f`` in a subprocess, with its database in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sql_port = free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self) -> VirtuosoServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        ini = self.directory / "virtuoso.ini"
        ini.write_text(
            INI.format(dir=self.directory, sql=self.sql_port, http=self.http_port),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [_binary("virtuoso-t"), "-f", "+configfile", str(ini)],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t failed; its log: {self.log()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2):
                    self.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
                    return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Virtuoso did not answer on port {self.http_port}: {self.log()}")

    def sql(self, statement: str) -> str:
        """Run one SQL statement as ``dba`` (a new database's password is ``dba``)."""
        done = subprocess.run(
            [_isql(), f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            check=True,
            text=True,
            timeout=60,
        )
        return done.stdout

    def log(self) -> str:
        path = self.directory / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"No `{name}` command. Install Debian's Virtuoso: "
            "apt-get install virtuoso-opensource (see docs/remote-stores.md)."
        )
    return found


def _isql() -> str:
    """Debian names Virtuoso's SQL client ``isql-vt`` (``isql`` is unixODBC's)."""
    return _binary("isql-vt") if shutil.which("isql-vt") else _binary("isql")
