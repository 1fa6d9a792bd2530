"""Replacing a directory as a whole, so a reader sees the old one or the new one, never half.

A writer builds the new version beside the directory and swaps it in (``swap_in``) while
it holds the directory's lock (``locked``), so two writers take turns. A reader that
opens several files of the directory reads them through ``read_whole``, which reads again
if a swap happened meanwhile. A reader that already holds the files open keeps reading the
version it opened: on POSIX systems a replaced file stays readable until it is closed.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from awardgraph.errors import AwardgraphError, ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")

READ_ATTEMPTS = 20
"""How often ``read_whole`` tries before it gives up on a directory replaced again and again."""
_RETRY_SECONDS = 0.01


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


def lock_file(path: Path) -> Path:
    """The lock file beside ``path`` that its writers take turns on."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock on ``path`` (an advisory ``flock`` of ``<path>.lock``), waiting for a
    writer in another process to finish first; then remove what a killed writer left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = lock_file(path)
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning(
                "'%s' is being written by another process (it holds %s); waiting for it to finish.",
                path,
                lock,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        for left in path.parent.glob(f".{path.name}.*"):
            if left.suffix in (".new", ".old") and left.is_dir():
                shutil.rmtree(left, ignore_errors=True)
        yield  # closing the file releases the lock


def read_whole(path: Path, read: Callable[[], T]) -> T:
    """``read()`` the directory ``path`` from one version of it: read again when the
    directory was swapped for another meanwhile, or was missing (between the renames)."""
    missing = 0
    for attempt in range(READ_ATTEMPTS):
        before = _identity(path)
        try:
            found = read()
        except (AwardgraphError, OSError):
            after = _identity(path)
            missing += after is None
            if (after == before and after is not None) or missing > 3:
                raise  # not a swap: the directory is as it was, or it is not there
            if attempt == READ_ATTEMPTS - 1:
                raise
        else:
            if _identity(path) == before:
                return found
        time.sleep(_RETRY_SECONDS)
    raise ConfigError(
        f"'{path}' was replaced {READ_ATTEMPTS} times while it was being read. "
        "Is something rebuilding it in a loop? Try again once it is done."
    )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
