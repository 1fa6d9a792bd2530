"""Build the catalogue: validate every data file against the shapes, then index it.

Validation (SHACL, https://www.w3.org/TR/shacl/) runs before any store is touched, so
invalid data never replaces a published store. The data keeps its named graphs (one per
cited sentence); the ontology goes into the named graph ``ONTOLOGY_IRI``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path

from awardgraph import __version__
from awardgraph.config import Config
from awardgraph.errors import ValidationFailed
from awardgraph.namespaces import ONTOLOGY_IRI
from awardgraph.remote import RemoteStore
from awardgraph.stats import stats
from awardgraph.store import BaseStore, Store
from awardgraph.validate import Report, validate_files

Progress = Callable[[str, int, int], None]
"""Called as ``progress(label, done, total)``: bytes of data parsed, validated and loaded
(each file counts three times). Called from two threads, never at once."""

LARGE_DATA = 5 * 1024 * 1024
"""Data larger than this (in bytes) is worth a progress bar."""


STAMP_FILE = "awardgraph-publication.json"
"""Beside the database files of an on-disk store: the ``Stamp`` of what it holds."""


@dataclass(frozen=True)
class Stamp:
    """What identifies a publication for HTTP caches (``ETag``, ``Last-Modified``)."""

    digest: str
    """SHA-256 of the input files, the base IRI and awardgraph's version."""
    modified: float
    """The newest input file's modification time (seconds since the epoch)."""

    @classmethod
    def of(cls, config: Config, files: list[Path]) -> Stamp:
        inputs = [*files, config.require("ontology_file")]
        digest = hashlib.sha256(f"{__version__}\n{config.base_iri}\n".encode())
        for path in inputs:
            digest.update(f"{path.name}\n".encode())
            digest.update(path.read_bytes())
        return cls(digest.hexdigest(), max(p.stat().st_mtime for p in inputs))

    @classmethod
    def read(cls, store_path: Path) -> Stamp:
        """The stamp saved with an on-disk store; one from its files' age when it has none."""
        try:
            return cls(**json.loads((store_path / STAMP_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            modified = store_path.stat().st_mtime if store_path.exists() else 0.0
            return cls(hashlib.sha256(str(modified).encode()).hexdigest(), modified)

    def json(self) -> str:
        return json.dumps(asdict(self))


@dataclass(frozen=True)
class Publication:
    """What a build produced: the store, the validation report and how long it took."""

    store: BaseStore
    report: Report
    files: tuple[Path, ...]
    seconds: float
    stamp: Stamp

    def summary(self, config: Config, top: int = 10) -> str:
        """Files, quads, distinct triples and the classes with most instances."""
        where = config.store_url or (
            config.display(config.store_path) if config.store_path else "in memory"
        )
        found = stats(self.store)
        statements, cited, _ = found.provenance.result.rows[0]
        lines = [
            f"Built {where} from {len(self.files)} file(s) in {self.seconds:.1f} s:",
            *(f"  {config.display(f)}" for f in self.files),
            f"{len(self.store)} quads, {self.store.count_triples()} distinct triples "
            "with the ontology.",
            f"{statements} statements in the catalogue, {cited} of them stated by a cited "
            "sentence, the rest describing the citations and their sources.",
            f"Instances per class (top {top}):",
        ]
        classes = found.classes.result
        for cls, instances, triples in classes.rows[:top]:
            name = classes.namer.iri(str(cls))
            lines.append(f"  {name}: {instances} instances, {triples} triples")
        return "\n".join(lines)


def build(config: Config, progress: Progress | None = None) -> Publication:
    """Validate the data files and, meanwhile, load them and the ontology into a new store.

    The store is loaded in a thread (Oxigraph parses and indexes without holding Python's
    lock) while the data is validated, and is kept only if the data conforms: otherwise
    ``ValidationFailed`` (with its report) is raised and no store is replaced.
    """
    started = time.perf_counter()
    files = config.data_files()
    ontology = config.require("ontology_file")
    sizes = {path: path.stat().st_size for path in files}
    total = 3 * sum(sizes.values())
    done = 0.0
    lock = threading.Lock()

    def advance(stage: str, path: Path, share: float) -> None:
        nonlocal done
        with lock:
            done += share * sizes[path]
            if progress is not None:
                progress(f"{stage} {path.name}", min(total, round(done)), total)

    stamp = Stamp.of(config, files)
    verdict: Future[Report] = Future()

    def load(store: Store) -> None:
        store.load_files(files, config.base_iri, lambda path: advance("loaded", path, 1.0))
        store.add_graph(ontology, ONTOLOGY_IRI, config.base_iri)
        if not verdict.result().conforms:  # raises what validation raised
            raise ValidationFailed(verdict.result())

    with ThreadPoolExecutor(1, thread_name_prefix="awardgraph-load") as loader:
        loading = loader.submit(_store, config, load, stamp)
        try:
            report = validate_files(config, files, advance)
        except BaseException as error:
            verdict.set_exception(error)
            wait([loading])
            raise
        verdict.set_result(report)
        if not report.conforms:
            wait([loading])
            raise ValidationFailed(report)
        store = loading.result()
    return Publication(store, report, tuple(files), time.perf_counter() - started, stamp)


def _store(config: Config, load: Callable[[Store], None], stamp: Stamp) -> BaseStore:
    """The store ``load`` fills: in memory, on disk (swapped in whole), or on a server."""
    if config.store_url is not None:
        built = Store.memory(config.base_iri)
        load(built)
        remote = RemoteStore.of(config)
        remote.load(built.dump_stored, stamp.digest, stamp.modified)
        return remote
    if config.store_path is None:
        store = Store.memory(config.base_iri)
        load(store)
        return store
    metadata = {STAMP_FILE: stamp.json()}
    return Store.build_into(config.store_path, load, config.base_iri, metadata)
