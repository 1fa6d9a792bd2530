"""Remember which data files conformed, so that an unchanged file is not validated again.

An entry is named by a key that digests everything the file's validation depends on:
its bytes, the shapes, the ontology, the statements of other files its shapes look at,
and the versions of awardgraph, pySHACL and rdflib (``chunks.Plan.key``). Only files
that conform are remembered, and an entry counts only if it holds exactly its own key:
a missing, stale, truncated or corrupted entry is a miss, never a pass. Failing to read
or write the cache is a miss too; the build goes on without it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENTRY = "conforms {key}\n"


class ValidationCache:
    """A directory of entries, one per conforming file version (``None``: no cache)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _entry(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / key

    def conforms(self, key: str) -> bool:
        """Whether a build already found the file with this key to conform."""
        if self.directory is None:
            return False
        try:
            return self._entry(key).read_text(encoding="utf-8") == ENTRY.format(key=key)
        except (OSError, UnicodeDecodeError):
            return False

    def remember(self, key: str) -> None:
        """Note that the file with this key conforms (written whole or not at all)."""
        if self.directory is None:
            return
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".new")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(ENTRY.format(key=key))
            os.replace(name, entry)
        except OSError:
            return
