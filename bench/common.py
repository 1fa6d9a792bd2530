"""What the benchmark scripts share: a log that can be saved, and the versions in use."""

from __future__ import annotations

import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


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
