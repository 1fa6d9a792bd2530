"""Dumps of the whole dataset: one file per graph format, each also gzipped, with a manifest.

The files are written once per publication (the build's stamp digest names it) into a
directory that awardgraph owns: a fresh set is written into a temporary directory beside
it and swapped in with two renames, so a reader never sees half a set. A directory whose
manifest already names the publication is left as it is. ``manifest.json`` lists each
file's name, format, media type, size and SHA-256 (FIPS 180-4); ``SHA256SUMS`` lists the
same sums in the form ``sha256sum --check`` reads.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from awardgraph.build import Stamp
from awardgraph.catalogue import Catalogue
from awardgraph.config import ENV_PREFIX, Config
from awardgraph.errors import ConfigError
from awardgraph.files import swap_in
from awardgraph.formats import GRAPH_FORMATS, Format

STEM = "awardgraph"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
GZIP_MEDIA_TYPE = "application/gzip"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DumpFile:
    """One file of the dumps: ``encoding`` is ``"gzip"`` for a compressed copy."""

    name: str
    format: str
    media_type: str
    """The media type of the RDF inside (for a ``.gz`` file, of what it decompresses to)."""
    encoding: str | None
    bytes: int
    sha256: str

    @property
    def graph_format(self) -> Format:
        return GRAPH_FORMATS[self.format]

    @property
    def served_as(self) -> str:
        """The ``Content-Type`` the file is served with: a ``.gz`` file as itself."""
        return GZIP_MEDIA_TYPE if self.encoding == "gzip" else self.media_type


@dataclass(frozen=True)
class Manifest:
    """What a dumps directory holds, and which publication it was written from."""

    digest: str
    """The publication's stamp digest (SHA-256 of its input files)."""
    modified: float
    """The publication's newest input, in seconds since the epoch."""
    created: str
    """When the files were written (ISO 8601, UTC)."""
    triples: int
    """Distinct triples in the merge of all graphs (what the one-graph formats hold)."""
    context_sha256: str
    """SHA-256 of the JSON-LD context the JSON-LD dump was compacted with."""
    files: tuple[DumpFile, ...]

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)

    def pairs(self) -> list[tuple[DumpFile, DumpFile | None]]:
        """Each plain file with its gzipped copy, in the format table's order."""
        return [(f, self.file(f.name + ".gz")) for f in self.files if f.encoding is None]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        files = tuple(DumpFile(**f) for f in data.pop("files"))
        return cls(files=files, **data)

    def sums(self) -> str:
        """``SHA256SUMS``: one ``<sum>  <name>`` line per file (GNU coreutils' format)."""
        return "".join(f"{f.sha256}  {f.name}\n" for f in self.files)


def file_name(fmt: Format) -> str:
    return STEM + fmt.suffix


def directory_for(config: Config, stamp: Stamp) -> Path:
    """Where the dumps of a publication go: ``dumps_dir``, else beside the on-disk store
    (``<store>.dumps``), else a directory of this user's under the temporary directory,
    named by the digest."""
    if config.dumps_dir is not None:
        return config.dumps_dir
    if config.store_path is not None:
        return config.store_path.with_name(config.store_path.name + ".dumps")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"awardgraph-{uid}-dumps-{stamp.digest[:16]}"


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of ``directory``, or None when there is none (or it is unreadable)."""
    try:
        return Manifest.from_json((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def current(catalogue: Catalogue, directory: Path) -> Manifest | None:
    """The manifest of ``directory`` if its files are this publication's dumps, complete."""
    found = read_manifest(directory)
    if (
        found is None
        or found.digest != catalogue.stamp.digest
        or found.context_sha256 != _context_sha256(catalogue)
        or sorted(f.name for f in found.files) != sorted(_names())
    ):
        return None
    for f in found.files:
        try:
            if (directory / f.name).stat().st_size != f.bytes:
                return None
        except OSError:
            return None
    return found


@dataclass(frozen=True)
class Dumps:
    """A publication's dumps: where they are, what they hold, whether they were just written."""

    directory: Path
    manifest: Manifest
    written: bool


def ensure(catalogue: Catalogue, directory: Path | None = None, force: bool = False) -> Dumps:
    """The dumps of ``catalogue`` in ``directory``, written unless they are there already.

    Another process writing the same directory is waited for (a lock file beside it).
    """
    directory = directory or directory_for(catalogue.config, catalogue.stamp)
    found = None if force else current(catalogue, directory)
    if found is not None:
        return Dumps(directory, found, False)
    with _locked(directory):
        found = None if force else current(catalogue, directory)
        if found is not None:
            return Dumps(directory, found, False)
        return Dumps(directory, write(catalogue, directory), True)


def write(catalogue: Catalogue, directory: Path) -> Manifest:
    """Write every dump and the manifest, and swap them in for what ``directory`` held."""
    _check_ours(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(
        tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".new", dir=directory.parent)
    )
    try:
        files: list[DumpFile] = []
        for fmt in GRAPH_FORMATS.values():
            files.extend(_write_format(catalogue, fmt, fresh))
        stamp = catalogue.stamp
        manifest = Manifest(
            digest=stamp.digest,
            modified=stamp.modified,
            created=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            triples=catalogue.triples,
            context_sha256=_context_sha256(catalogue),
            files=tuple(files),
        )
        (fresh / SUMS).write_text(manifest.sums(), encoding="utf-8")
        (fresh / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        fresh.chmod(0o755)  # mkdtemp's 0700 would keep a web server in front from reading it
        swap_in(fresh, directory)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return manifest


def _write_format(catalogue: Catalogue, fmt: Format, directory: Path) -> list[DumpFile]:
    name = file_name(fmt)
    plain, packed = directory / name, directory / (name + ".gz")
    with plain.open("wb") as out:
        catalogue.export(fmt.name, out)
    # A fixed header time and name: the same publication gives the same bytes.
    with plain.open("rb") as source, packed.open("wb") as raw:
        mtime = int(catalogue.stamp.modified)
        with gzip.GzipFile(name, "wb", compresslevel=6, fileobj=raw, mtime=mtime) as zipped:
            shutil.copyfileobj(source, zipped, _CHUNK)
    return [
        DumpFile(name, fmt.name, fmt.media_type, None, *_size_and_sum(plain)),
        DumpFile(name + ".gz", fmt.name, fmt.media_type, "gzip", *_size_and_sum(packed)),
    ]


def _size_and_sum(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def _names() -> list[str]:
    return [n for fmt in GRAPH_FORMATS.values() for n in (file_name(fmt), file_name(fmt) + ".gz")]


def _context_sha256(catalogue: Catalogue) -> str:
    text = json.dumps(catalogue.context(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_ours(directory: Path) -> None:
    """Refuse to replace a directory that is not a dumps directory (it has no manifest)."""
    if directory.exists() and not directory.is_dir():
        raise ConfigError(
            f"Dumps directory '{directory}' exists and is not a directory. "
            f"Set {ENV_PREFIX}DUMPS_DIR to another path."
        )
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MANIFEST).exists():
        raise ConfigError(
            f"'{directory}' holds files but no {MANIFEST}, so it is not a dumps directory; "
            f"awardgraph replaces its dumps directory as a whole and will not replace this "
            f"one. Set {ENV_PREFIX}DUMPS_DIR to an empty or new directory."
        )


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.parent.mkdir(parents=True, exist_ok=True)
    lock = directory.with_name(directory.name + ".lock")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
