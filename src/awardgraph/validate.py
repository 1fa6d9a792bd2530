"""Check the data against the SHACL shapes with pySHACL, in parts, across processes.

SHACL: https://www.w3.org/TR/shacl/ (validation reports: #validation-report).
The files are parsed with Oxigraph's parser (``parse.py``). When the shapes look no
further than ``reach.py`` allows, the data is validated in parts (``chunks.py``) that
give each the same results as the whole graph, on every core, and a file whose key is
in the validation cache (``validation_cache.py``) is not validated again. Otherwise all
statements are merged into one plain rdflib graph (the data puts every statement in a
named graph per source sentence; pySHACL would validate each graph alone) and pySHACL
runs once. Beyond the shapes, every statement must sit in a graph named after an
``ag:Citation``: the sentence of a source that states it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib import Graph
from rdflib.term import Node

from awardgraph import __version__
from awardgraph.chunks import Index, Part, Plan, Source, plan
from awardgraph.config import Config
from awardgraph.errors import ConfigError
from awardgraph.formats import graph_format
from awardgraph.namespaces import AG, Namer
from awardgraph.parse import (
    DEFAULT_GRAPH,
    RDFLIB_ERRORS,
    Term,
    Terms,
    oxigraph_term,
    parse_file,
    rdflib_syntax_error,
)
from awardgraph.reach import Reach, reach
from awardgraph.report import SHACL_SPEC, Report, Violation
from awardgraph.shacl import Checker, english, start_worker, validate_in_worker
from awardgraph.validation_cache import ValidationCache

__all__ = [
    "SHACL_SPEC",
    "LoadedData",
    "Report",
    "Violation",
    "load_dataset",
    "load_graph",
    "validate",
    "validate_files",
]

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
CITATION = ox.NamedNode(AG + "Citation")
SOURCES = {CITATION, ox.NamedNode(AG + "WebPage"), ox.NamedNode(AG + "Publication")}
"""What may be described outside a citation graph: the citations and the sources."""
CACHE_VERSION = "1"
"""Part of every validation cache key: change it when validation itself changes."""
POOL_AT = 30_000
"""Statements to validate from which worker processes are worth their start (~1 s)."""

Progress = Callable[[str, Path, float], None]
"""Called as ``progress(stage, file, share)`` when ``share`` (0-1) of a file's bytes has
gone through ``stage`` ("parsed" or "validated")."""


@dataclass(frozen=True)
class LoadedData:
    """The parsed data files, in order, with their quads."""

    sources: tuple[Source, ...]
    base_iri: str

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(s.path for s in self.sources if s.path is not None)

    def files_of(self, subject: Node) -> list[Path]:
        """The files in which ``subject`` appears as a subject, in load order."""
        term = oxigraph_term(subject)
        return [s.path for s in self.sources if s.path and any(q.subject == term for q in s.quads)]

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        """Every quad as rdflib terms; the default graph's graph is ``None``."""
        terms = Terms()
        for source in self.sources:
            for q in source.quads:
                graph = None if q.graph_name == DEFAULT_GRAPH else terms(q.graph_name)
                yield terms(q.subject), terms(q.predicate), terms(q.object), graph

    def __len__(self) -> int:
        return sum(len(s.quads) for s in self.sources)


def load_graph(path: Path, base_iri: str | None = None) -> Graph:
    """Parse an ontology or shapes file with rdflib; a syntax error names the file and line."""
    graph = Graph(bind_namespaces="none")
    try:
        with path.open("rb") as source:
            graph.parse(source, format=graph_format(path.suffix).rdflib_name, publicID=base_iri)
    except OSError as error:
        raise ConfigError(f"Cannot read '{path}': {error.strerror}.") from error
    except RDFLIB_ERRORS as error:
        raise rdflib_syntax_error(path, base_iri, error) from error
    return graph


def load_dataset(
    files: Iterable[Path], base_iri: str, progress: Progress | None = None
) -> LoadedData:
    """Parse data files, resolving relative IRIs against ``base_iri``."""
    sources = []
    for path in files:
        digest = hashlib.sha256(_read(path)).hexdigest()
        sources.append(Source(path, parse_file(path, base_iri), digest))
        if progress is not None:
            progress("parsed", path, 1.0)
    return LoadedData(tuple(sources), base_iri)


def validate(
    data: LoadedData,
    shapes: Graph,
    ontology: Graph,
    *,
    cache: ValidationCache | None = None,
    inputs: str | None = None,
    workers: int | None = None,
    part_size: int | None = None,
    whole: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Validate the data; ``ontology`` supplies rdfs:subClassOf for targets.

    ``inputs`` identifies the shapes and ontology (a digest of their files): without it
    ``cache`` is not used. ``workers`` processes validate the parts (default: one per
    core, none for little data); ``whole`` validates one merged graph instead, as do
    shapes that may look beyond what a part holds.
    """
    namer = Namer(data.base_iri).with_prefixes(
        {prefix: str(ns) for prefix, ns in (*ontology.namespaces(), *shapes.namespaces()) if prefix}
    )
    found = reach(shapes)
    whole = whole or isinstance(found, str)
    sources = [*data.sources, _ontology_source(ontology)]
    index = Index(sources, found if isinstance(found, Reach) else Reach(frozenset()))
    checker = Checker(shapes, ontology, namer)
    cached = 0
    if whole:
        violations = _whole(index, checker, progress)
    else:
        common = _common(data.base_iri, inputs) if inputs and cache else b""
        violations, cached = _in_parts(
            index, checker, common, cache if common else None, workers, part_size, progress
        )
    violations += _unsourced(index)
    conforms = not violations
    return Report(conforms, tuple(violations), data.files, len(data), namer, cached=cached)


def validate_files(
    config: Config, files: list[Path] | None = None, progress: Progress | None = None
) -> Report:
    """Validate ``files`` (default: all data files) against the configured shapes."""
    shapes_file = config.require("shapes_file")
    ontology_file = config.require("ontology_file")
    inputs = hashlib.sha256(_read(shapes_file) + b"\0" + _read(ontology_file)).hexdigest()
    data = load_dataset(files or config.data_files(), config.base_iri, progress)
    report = validate(
        data,
        load_graph(shapes_file),
        load_graph(ontology_file),
        cache=ValidationCache(config.cache_dir),
        inputs=inputs,
        progress=progress,
    )
    return replace(report, shapes_file=shapes_file)


def _whole(index: Index, checker: Checker, progress: Progress | None) -> list[Violation]:
    """One pySHACL call on every statement (shapes that look far need it)."""
    terms = Terms()
    graph = terms.graph((q.subject, q.predicate, q.object) for s in index.sources for q in s.quads)
    paths = [s.path for s in index.sources]

    def file_of(focus: Node) -> Path | None:
        first = index.first.get(oxigraph_term(focus))
        return None if first is None else paths[first]

    violations = checker.validate(graph, file_of, lambda _: True)
    for path in paths:
        if path is not None and progress is not None:
            progress("validated", path, 1.0)
    return violations


def _in_parts(
    index: Index,
    checker: Checker,
    common: bytes,
    cache: ValidationCache | None,
    workers: int | None,
    part_size: int | None,
    progress: Progress | None,
) -> tuple[list[Violation], int]:
    """Validate the parts of every file not known to conform; remember those that do.
    Return the violations and how many files the cache knew."""
    workers = workers or os.cpu_count() or 1
    size = sum(len(s.quads) for s in index.sources)
    part_size = part_size or max(5_000, min(100_000, size // (3 * workers) + 1))
    plans = plan(index, common, part_size)
    todo: list[Plan] = []
    for p in plans:
        if cache is not None and cache.conforms(p.key):
            _advance(progress, p.source.path, 1.0)
        else:
            todo.append(p)
    parts = [(p, part) for p in todo for part in p.parts]
    statements = sum(len(p.source.quads) for p in todo)
    found: dict[str, list[Violation]] = {p.key: [] for p in todo}
    for (p, part), violations in zip(
        parts, _run(checker, [part for _, part in parts], workers, statements), strict=True
    ):
        found[p.key] += violations
        _advance(progress, p.source.path, part.weight)
    for p in todo:
        if cache is not None and not found[p.key]:
            cache.remember(p.key)
    return [v for p in plans for v in found.get(p.key, [])], len(plans) - len(todo)


def _run(
    checker: Checker, parts: list[Part], workers: int, statements: int
) -> Iterator[list[Violation]]:
    """Each part's violations, in order: in worker processes when there is much to do."""
    if workers < 2 or len(parts) < 2 or statements < POOL_AT:
        yield from (checker.validate_part(part) for part in parts)
        return
    shapes = checker.shapes.serialize(format="nt", encoding="utf-8")
    ontology = Graph()
    ontology.addN((s, p, o, ontology) for s, p, o in checker.ontology)
    setup = (shapes, ontology.serialize(format="nt", encoding="utf-8"), _plain(checker.namer))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        min(workers, len(parts)), mp_context=context, initializer=start_worker, initargs=setup
    ) as pool:
        for result in pool.map(validate_in_worker, parts):
            if isinstance(result, str):
                raise ConfigError(result)
            yield result


def _plain(namer: Namer) -> Namer:
    return Namer(namer.base_iri, dict(namer.prefixes))


def _advance(progress: Progress | None, path: Path | None, share: float) -> None:
    if progress is not None and path is not None:
        progress("validated", path, share)


def _common(base_iri: str, inputs: str) -> bytes:
    """What every cache key shares: the versions, the base IRI, shapes and ontology."""
    versions = f"{CACHE_VERSION} {__version__} {pyshacl.__version__} {rdflib.__version__}"
    return f"{versions}\n{base_iri}\n{inputs}\n".encode()


def _ontology_source(ontology: Graph) -> Source:
    text = ontology.serialize(format="nt", encoding="utf-8")
    quads = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES)) if text else []
    return Source(None, quads, "")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"Cannot read '{path}': {error.strerror}.") from error


def _unsourced(index: Index) -> list[Violation]:
    """Statements that no citation supports: each must sit in a graph named after one."""
    data = [s for s in index.sources if s.path is not None]
    types: dict[Term, set[Term]] = {}
    for source in data:
        for q in source.quads:
            if q.predicate == RDF_TYPE:
                types.setdefault(q.subject, set()).add(q.object)
    terms = Terms()
    found = []
    for source in data:
        graphs = dict.fromkeys(q.graph_name for q in source.quads)
        for name in graphs:
            if name != DEFAULT_GRAPH and CITATION not in types.get(name, set()):
                found.append(
                    _provenance(
                        index,
                        terms,
                        source.path,
                        name,
                        "graph name",
                        "names its statements' graph after something that is not an "
                        "ag:Citation; describe it: <citation/x> a ag:Citation ; "
                        'dcterms:source <page> ; ag:quote "the sentence"@en .',
                    )
                )
        loose = {q.subject for q in source.quads if q.graph_name == DEFAULT_GRAPH}
        for subject in sorted(loose, key=str):
            if not SOURCES & types.get(subject, set()):
                found.append(
                    _provenance(
                        index,
                        terms,
                        source.path,
                        subject,
                        "default graph",
                        "is described outside any citation graph; put its statements in "
                        "the graph of the sentence that says them: <citation/x> { ... }",
                    )
                )
    return found


def _provenance(
    index: Index, terms: Terms, path: Path | None, focus: Term, where: str, message: str
) -> Violation:
    labels = [
        terms(q.object)
        for i, q in index.about.get(focus, [])
        if q.predicate == RDFS_LABEL and index.sources[i].path is not None
    ]
    return Violation(path, terms(focus), english(labels), where, None, message, None, "Violation")
