"""Load the data with rdflib and check it against the SHACL shapes with pySHACL.

SHACL: https://www.w3.org/TR/shacl/ (validation reports: #validation-report).
pySHACL validates each named graph of a dataset on its own, but our data puts every
statement in a named graph per source sentence, so all quads are merged into one plain
``rdflib.Graph`` first. A plain in-memory Graph is also far faster than a store-backed one.
Beyond the shapes, every statement must sit in a graph named after an ``ag:Citation``:
the sentence of a source that states it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.exceptions import ParserError
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from awardgraph.config import Config
from awardgraph.errors import ConfigError, DataSyntaxError
from awardgraph.formats import graph_format
from awardgraph.namespaces import AG, Namer
from awardgraph.store import syntax_error

SH = Namespace("http://www.w3.org/ns/shacl#")
CITATION = URIRef(AG + "Citation")
SOURCES = {CITATION, URIRef(AG + "WebPage"), URIRef(AG + "Publication")}
"""What may be described outside a citation graph: the citations and the sources."""
SHACL_SPEC = "https://www.w3.org/TR/shacl/"

Progress = Callable[[Path, int], None]
"""Called after each file is parsed, with the file and its size in bytes."""

_LINE = re.compile(r"at line (\d+)")
_WHY = re.compile(r"Bad syntax \((.*?)\) at \^", re.DOTALL)


@dataclass(frozen=True)
class LoadedData:
    """The parsed data files, one dataset each, and which files describe each subject."""

    parts: Mapping[Path, Dataset]
    base_iri: str
    subject_files: Mapping[Node, tuple[Path, ...]]

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(self.parts)

    def files_of(self, subject: Node) -> list[Path]:
        """The files in which ``subject`` appears as a subject, in load order."""
        return list(self.subject_files.get(subject, ()))

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for part in self.parts.values():
            yield from part.quads()

    def merged(self) -> Graph:
        """All quads of every graph, merged into one plain graph (duplicates collapse)."""
        graph = Graph(bind_namespaces="none")
        graph.addN((s, p, o, graph) for s, p, o, _ in self.quads())
        return graph

    def __len__(self) -> int:
        return sum(1 for _ in self.quads())


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, with the file and label of the entity it is about."""

    file: Path | None
    focus: Node
    label: str | None
    path: str | None
    value: Node | None
    message: str
    shape: Node | None
    severity: str


@dataclass(frozen=True)
class Report:
    """The outcome of validating the data files against the shapes."""

    conforms: bool
    violations: tuple[Violation, ...]
    files: tuple[Path, ...]
    statements: int
    namer: Namer
    shapes_file: Path | None = None

    def format(self, root: Path) -> str:
        """Group the results by entity, one header per entity and one line per result."""
        shown = _Shown(root, self.namer)
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[(shown.path(v.file), shown.term(v.focus))].append(v)
        lines: list[str] = []
        for (file, focus), found in sorted(groups.items()):
            label = found[0].label
            lines.append(f"{file}: {focus}" + (f" {self.namer.literal(label)}" if label else ""))
            for v in sorted(found, key=lambda v: (v.path or "", v.message)):
                lines.append("  " + shown.violation(v))
        shapes = shown.path(self.shapes_file) if self.shapes_file else "the shapes"
        n = len(self.files)
        if self.conforms:
            lines.append(
                f"{n} file{'s' if n != 1 else ''} conform{'' if n != 1 else 's'} to {shapes} "
                f"({self.statements} statements)"
            )
        else:
            lines.append(
                f"{len(self.violations)} results for {len(groups)} entities: the data does not "
                f"conform to {shapes}. See {SHACL_SPEC}#validation-report"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Shown:
    root: Path
    namer: Namer

    def path(self, file: Path | None) -> str:
        if file is None:
            return "(no file)"
        try:
            return str(file.relative_to(self.root))
        except ValueError:
            return str(file)

    def term(self, node: Node | None) -> str:
        if isinstance(node, Literal):
            datatype = str(node.datatype) if node.datatype else None
            return self.namer.literal(str(node), node.language, datatype)
        if isinstance(node, URIRef):
            return self.namer.iri(str(node))
        return f"_:{node}"

    def violation(self, v: Violation) -> str:
        where = v.path or "(node)"
        value = f": {self.term(v.value)}" if v.value is not None else ""
        level = "" if v.severity == "Violation" else f"[{v.severity}] "
        return f"{level}{where}{value} — {v.message}"


def load_graph(path: Path, base_iri: str | None = None) -> Graph:
    """Parse an ontology or shapes file; a syntax error names the file and line."""
    graph = Graph(bind_namespaces="none")
    _parse(graph, path, base_iri)
    return graph


def load_dataset(
    files: Iterable[Path], base_iri: str, progress: Progress | None = None
) -> LoadedData:
    """Parse data files into one dataset, resolving relative IRIs against ``base_iri``."""
    parts: dict[Path, Dataset] = {}
    subject_files: dict[Node, list[Path]] = defaultdict(list)
    for path in files:
        part = parts[path] = Dataset()
        _parse(part, path, base_iri)
        for subject in {s for s, _, _, _ in part.quads()}:
            subject_files[subject].append(path)
        if progress is not None:
            progress(path, path.stat().st_size)
    index = {s: tuple(paths) for s, paths in subject_files.items()}
    return LoadedData(parts, base_iri, index)


def validate(data: LoadedData, shapes: Graph, ontology: Graph) -> Report:
    """Validate the merged data graph; ``ontology`` supplies rdfs:subClassOf for targets."""
    merged = data.merged()
    try:
        conforms, results, _ = pyshacl.validate(
            merged,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            allow_warnings=True,
        )
    except ReportableRuntimeError as error:
        message = f"pySHACL cannot apply the shapes: {error.message} ({SHACL_SPEC})"
        raise ConfigError(message) from error
    except TypeError as error:
        # rdflib cannot order some literals (xsd:gYear among them) for sh:lessThan(OrEquals).
        raise ConfigError(
            f"pySHACL could not compare two values ({error}). rdflib cannot order every "
            f"datatype (xsd:gYear, for one) for sh:lessThan/sh:lessThanOrEquals ({SHACL_SPEC})."
        ) from error
    assert isinstance(results, Graph)
    namer = Namer(data.base_iri).with_prefixes(
        {prefix: str(ns) for prefix, ns in (*ontology.namespaces(), *shapes.namespaces()) if prefix}
    )
    violations = (
        *(
            _violation(results, shapes, merged, data, namer, result)
            for result in results.subjects(RDF.type, SH.ValidationResult)
        ),
        *_unsourced(data, merged),
    )
    return Report(bool(conforms) and not violations, violations, data.files, len(data), namer)


def validate_files(
    config: Config, files: list[Path] | None = None, progress: Progress | None = None
) -> Report:
    """Validate ``files`` (default: all data files) against the configured shapes."""
    shapes_file = config.require("shapes_file")
    shapes = load_graph(shapes_file)
    ontology = load_graph(config.require("ontology_file"))
    data = load_dataset(files or config.data_files(), config.base_iri, progress)
    return replace(validate(data, shapes, ontology), shapes_file=shapes_file)


def _parse(sink: Graph, path: Path, base_iri: str | None) -> None:
    rdflib_name = graph_format(path.suffix).rdflib_name
    try:
        with path.open("rb") as source:
            sink.parse(source, format=rdflib_name, publicID=base_iri)
    except OSError as error:
        raise ConfigError(f"Cannot read '{path}': {error.strerror}.") from error
    except (SyntaxError, ParserError, UnicodeDecodeError, ValueError) as error:
        text = str(error)
        found = _LINE.search(text)
        why = _WHY.search(text)
        message = why.group(1) if why else text.strip().splitlines()[0]
        # rdflib words the reason well but may name the line after it; Oxigraph pins it.
        precise = syntax_error(path, base_iri)
        line = precise.line if precise else int(found.group(1)) if found else None
        raise DataSyntaxError(path, line, message) from error


def _unsourced(data: LoadedData, merged: Graph) -> Iterator[Violation]:
    """Statements that no citation supports: each must sit in a graph named after one."""
    for path, part in data.parts.items():
        for graph in part.graphs():
            if not len(graph):
                continue
            name = graph.identifier
            if name != DATASET_DEFAULT_GRAPH_ID:
                if (name, RDF.type, CITATION) not in merged:
                    yield _provenance(
                        path,
                        name,
                        merged,
                        "graph name",
                        "names its statements' graph after something that "
                        "is not an ag:Citation; describe it: <citation/x> a ag:Citation ; "
                        'dcterms:source <page> ; ag:quote "the sentence"@en .',
                    )
                continue
            for subject in sorted(set(graph.subjects()), key=str):
                if not SOURCES & set(merged.objects(subject, RDF.type)):
                    yield _provenance(
                        path,
                        subject,
                        merged,
                        "default graph",
                        "is described outside any citation graph; put "
                        "its statements in the graph of the sentence that says them: "
                        "<citation/x> { ... }",
                    )


def _provenance(path: Path, focus: Node, merged: Graph, where: str, message: str) -> Violation:
    label = _english(merged.objects(focus, RDFS.label))
    return Violation(path, focus, label, where, None, message, None, "Violation")


def _violation(
    results: Graph, shapes: Graph, data_graph: Graph, data: LoadedData, namer: Namer, result: Node
) -> Violation:
    focus = results.value(result, SH.focusNode)
    assert focus is not None
    shape = results.value(result, SH.sourceShape)
    severity = results.value(result, SH.resultSeverity)
    path = results.value(result, SH.resultPath)
    # A SPARQL constraint's result carries its own message and its node shape's: the
    # constraint's is the one that says what is wrong.
    general = set(shapes.objects(shape, SH.message))
    messages = list(results.objects(result, SH.resultMessage))
    messages = [m for m in messages if m not in general] or messages or list(general)
    value = results.value(result, SH.value)
    files = data.files_of(focus)
    return Violation(
        file=files[0] if files else None,
        focus=focus,
        label=_english(data_graph.objects(focus, RDFS.label)),
        path=None if path is None else _path_text(results, path, namer),
        value=None if value == focus else value,
        message=_english(messages) or "(no message)",
        shape=shape,
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
    )


def _english(literals: Iterable[Node]) -> str | None:
    """Prefer an English literal, then one without a language tag."""
    ranked = sorted(
        (lit for lit in literals if isinstance(lit, Literal)),
        key=lambda lit: (lit.language not in ("en", None), lit.language is not None, str(lit)),
    )
    return str(ranked[0]) if ranked else None


def _path_text(graph: Graph, path: Node, namer: Namer) -> str:
    """Write a SHACL property path (https://www.w3.org/TR/shacl/#property-paths) briefly."""
    if isinstance(path, URIRef):
        return namer.iri(str(path))
    if not isinstance(path, BNode):
        return str(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p, namer) for p in graph.items(path))
    forms = (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    )
    for predicate, form in forms:
        inner = graph.value(path, predicate)
        if inner is not None:
            return form.format(_path_text(graph, inner, namer))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(graph, p, namer) for p in graph.items(alternatives))
    return "(path)"
