"""Replacing a directory as a whole, so a reader sees the old one or the new one, never half."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def swap_in(fresh: Path, path: Path) -> None:
    """Replace ``path`` by ``fresh`` with two renames, restoring the old one on failure."""
    if not path.exists():
        fresh.rename(path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    path.replace(old)
    try:
        fresh.rename(path)
    except OSError:
        old.replace(path)
        raise
    shutil.rmtree(old, ignore_errors=True)
