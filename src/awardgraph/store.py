"""The quad store: the one module that knows the engine (Oxigraph, through pyoxigraph).

Queries are SPARQL 1.1 (https://www.w3.org/TR/sparql11-query/). The data puts every
statement in a named graph per source sentence, so every query's default graph is the
RDF merge of all graphs. Oxigraph 0.5's ``use_default_graph_as_union`` does not merge: a
triple stated in two graphs matches twice and COUNTs double (oxigraph/oxigraph#1919). So
each load also copies the triples of its named graphs into the store's default graph,
which then is the merge; queries use it as it is (naming no graphs, which would cost a
conversion of every graph's name on every query), and exports of the dataset leave the
copies out.
Values are bound as RDF terms through ``substitutions`` (SEP-0007), never by editing text.
"""

from __future__ import annotations

import contextlib
import gc
import re
import shutil
import tempfile
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import pyoxigraph as ox

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.errors import BadQuery, ConfigError, DataSyntaxError, NotFound, UnknownFormat
from awardgraph.files import locked, swap_in
from awardgraph.formats import graph_format
from awardgraph.jsonld import write_jsonld
from awardgraph.namespaces import PREFIXES, Namer
from awardgraph.results import (
    Result,
    Term,
    boolean_json,
    capped_solutions,
    is_graph_format,
    write_solutions,
    write_triples,
)

SPARQL_SPEC = "https://www.w3.org/TR/sparql11-query/"
DEFAULT_GRAPH = ox.DefaultGraph()
COPY_INTO_DEFAULT = (Path(__file__).parent / "store_queries/copy-into-default.ru").read_text(
    encoding="utf-8"
)
"""The update that copies every named graph's triples into the default graph."""
BASE_IRI_FILE = "awardgraph-base-iri"
"""Beside the database files of an on-disk store: the base IRI it was built with."""


def iri(value: str) -> ox.NamedNode:
    """An IRI term; ``ValueError`` if ``value`` is not an absolute IRI."""
    return ox.NamedNode(value)


def literal(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    """A literal term with a datatype IRI or a language tag."""
    return ox.Literal(value, datatype=iri(datatype) if datatype else None, language=language)


Found = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]
"""What evaluating a query gives: solutions, a boolean, or triples (CONSTRUCT, DESCRIBE)."""


class BaseStore(ABC):
    """What the catalogue needs of a store: SPARQL queries and the whole dataset.

    ``Store`` is Oxigraph in this process; ``remote.RemoteStore`` any SPARQL 1.1 server.
    """

    base_iri: str

    def query(
        self,
        text: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        max_rows: int | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> Result:
        """Run a SPARQL query with ``bindings`` substituted, keeping at most ``max_rows``.

        The default graph is the merge of all graphs and every graph can be named, unless
        the query picks its own (``FROM``, ``FROM NAMED``) or ``default_graphs`` and
        ``named_graphs`` (the protocol's ``default-graph-uri``, ``named-graph-uri``) do.
        """
        namer = Namer(self.base_iri)
        with _failures(text):
            found = self._evaluate(text, bindings, default_graphs, named_graphs)
            if isinstance(found, ox.QueryBoolean):
                return Result("ask", (), (), namer, bool(found))
            if isinstance(found, ox.QuerySolutions):
                variables = tuple(v.value for v in found.variables)
                solutions, truncated = _capped(found, max_rows)
                rows = tuple(tuple(s[v] for v in variables) for s in solutions)
                return Result("select", variables, rows, namer, truncated=truncated)
            triples, truncated = _capped(found, max_rows)
            rows = tuple((t.subject, t.predicate, t.object) for t in triples)
            names = ("subject", "predicate", "object")
        return Result("graph", names, rows, namer, None, tuple(triples), truncated)

    def answer(
        self,
        text: str,
        format_name: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        max_rows: int | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, bool]:
        """Run a query as ``query`` does, and write its answer with Oxigraph's own writers.

        Faster than ``query(...).serialize(...)``: no row becomes Python objects. Returns
        the bytes and whether rows were cut at ``max_rows``.
        """
        with _failures(text):
            found = self._evaluate(text, bindings, default_graphs, named_graphs)
            if isinstance(found, ox.QuerySolutions | ox.QueryBoolean):
                if is_graph_format(format_name):
                    raise UnknownFormat("SELECT and ASK results are not RDF.")
                if isinstance(found, ox.QueryBoolean):
                    return write_solutions(boolean_json(bool(found)), format_name), False
                return capped_solutions(found, format_name, max_rows)
            if not is_graph_format(format_name):
                raise UnknownFormat("CONSTRUCT and DESCRIBE results are RDF, not results.")
            triples, truncated = _capped(found, max_rows)
            return write_triples(triples, format_name), truncated

    @abstractmethod
    def _evaluate(
        self,
        text: str,
        bindings: Mapping[str, Term] | None,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Found: ...

    @abstractmethod
    def export(
        self, format_name: str, out: BinaryIO, *, context: Mapping[str, Any] | None = None
    ) -> None:
        """Write the dataset (TriG, N-Quads) or the union of its graphs (other formats)."""

    @abstractmethod
    def count_triples(self) -> int:
        """Distinct triples over all graphs (the size of their RDF merge)."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad as loaded: named graphs kept, the default graph without the copies."""

    def __len__(self) -> int:
        return sum(1 for _ in self.quads())


class Store(BaseStore):
    """An Oxigraph store, in memory or on disk, holding the catalogue's quads."""

    def __init__(self, inner: ox.Store, base_iri: str = DEFAULT_BASE_IRI) -> None:
        self._inner = inner
        self.base_iri = base_iri

    @classmethod
    def memory(cls, base_iri: str = DEFAULT_BASE_IRI) -> Store:
        return cls(ox.Store(), base_iri)

    @classmethod
    def open(cls, path: Path, base_iri: str = DEFAULT_BASE_IRI) -> Store:
        """Open an existing on-disk store read-only, so several processes can share it."""
        if not path.is_dir():
            raise NotFound(
                f"Store '{path}' not found. Build it first: awardgraph build --store {path}"
            )
        if not (path / "CURRENT").is_file():
            raise ConfigError(f"'{path}' is not an Oxigraph store (no CURRENT file).")
        built = path / BASE_IRI_FILE
        if built.is_file() and (built_base := built.read_text(encoding="utf-8")) != base_iri:
            raise ConfigError(
                f"Store '{path}' was built with base IRI '{built_base}', not '{base_iri}': "
                f"its entities and relative IRIs live under the former. Pass --base-iri "
                f"{built_base} (or set AWARDGRAPH_BASE_IRI), or build the store again."
            )
        try:
            return cls(ox.Store.read_only(str(path)), base_iri)
        except OSError as error:
            raise ConfigError(f"Cannot open store '{path}': {error}") from error

    @classmethod
    def build_into(
        cls,
        path: Path,
        loader: Callable[[Store], None],
        base_iri: str = DEFAULT_BASE_IRI,
        metadata: Mapping[str, str] | None = None,
    ) -> Store:
        """Build a store beside ``path`` and swap it in only if ``loader`` succeeds.

        A failing loader leaves the previous store at ``path`` untouched. ``metadata``
        maps file names to texts to write beside the database files. One build of
        ``path`` runs at a time: another process's waits for this one (``path.lock``).
        """
        if path.exists() and not path.is_dir():
            raise ConfigError(f"Store path '{path}' exists and is not a directory.")
        with locked(path):
            fresh = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent))
            try:
                cls._fill(fresh, loader, base_iri)
                for name, text in {**(metadata or {}), BASE_IRI_FILE: base_iri}.items():
                    (fresh / name).write_text(text, encoding="utf-8")
                gc.collect()  # drop any iterator still holding the database open
                swap_in(fresh, path)
            except BaseException as error:
                # Let go of the half-built database (the traceback's frames hold it) so that
                # it is closed before its files are removed, not written again after.
                traceback.clear_frames(error.__traceback__)
                gc.collect()
                shutil.rmtree(fresh, ignore_errors=True)
                raise
        return cls.open(path, base_iri)

    @classmethod
    def _fill(cls, path: Path, loader: Callable[[Store], None], base_iri: str) -> None:
        building = cls(ox.Store(str(path)), base_iri)
        loader(building)
        building._close()

    def _close(self) -> None:
        self._inner.flush()
        self._inner.optimize()
        del self._inner

    def load_file(self, path: Path, base_iri: str | None = None) -> None:
        """Load a data file; TriG and N-Quads keep their named graphs."""
        self.load_files([path], base_iri)

    def load_files(
        self,
        paths: Sequence[Path],
        base_iri: str | None = None,
        loaded: Callable[[Path], None] | None = None,
    ) -> None:
        """Load data files (calling ``loaded`` after each), then copy their named graphs
        into the default graph once, rather than once a file."""
        for path in paths:
            self._load(path, base_iri, None)
            if loaded is not None:
                loaded(path)
        self._inner.update(COPY_INTO_DEFAULT)

    def add_graph(self, path: Path, graph_iri: str, base_iri: str | None = None) -> None:
        """Load a triples file (e.g. the ontology) into the named graph ``graph_iri``."""
        graph = iri(graph_iri)
        self._load(path, base_iri, graph)
        copies = self._inner.quads_for_pattern(None, None, None, graph)
        self._inner.extend([_in_graph(q, DEFAULT_GRAPH) for q in copies])

    def _load(self, path: Path, base_iri: str | None, graph: ox.NamedNode | None) -> None:
        # Parsed and indexed by Oxigraph without a Python object per quad (the copies
        # into the default graph are made by one update: 2x faster at 1M quads).
        fmt = graph_format(path.suffix).oxigraph
        assert isinstance(fmt, ox.RdfFormat)
        try:
            self._inner.load(
                path=path, format=fmt, base_iri=base_iri or self.base_iri, to_graph=graph
            )
        except SyntaxError as error:
            raise DataSyntaxError(path, error.lineno, _reason(error.msg)) from error
        except OSError as error:
            raise ConfigError(f"Cannot load '{path}': {error}") from error

    def _evaluate(
        self,
        text: str,
        bindings: Mapping[str, Term] | None,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Found:
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        dataset: dict[str, Any] = {}
        if default_graphs or named_graphs:
            dataset = {
                "default_graph": [_graph_iri(g) for g in default_graphs],
                "named_graphs": [_graph_iri(g) for g in named_graphs],
            }
        return self._inner.query(
            text, base_iri=self.base_iri, substitutions=substitutions or None, **dataset
        )

    def export(
        self, format_name: str, out: BinaryIO, *, context: Mapping[str, Any] | None = None
    ) -> None:
        """Write the dataset (TriG, N-Quads) or the union of its graphs (other formats).

        JSON-LD is compacted with ``context`` (the value of a context file's "@context").
        Streamed to ``out`` as it is written: the one-graph formats are the default graph
        (the merge) written by Oxigraph straight from its index.
        """
        fmt = graph_format(format_name)
        prefixes = dict(PREFIXES)
        if fmt.name == "jsonld":
            write_jsonld(self._nodes(), out, context or {})
            return
        assert isinstance(fmt.oxigraph, ox.RdfFormat)
        if fmt.quads:
            ox.serialize(self.quads(), out, fmt.oxigraph, prefixes=prefixes)
        else:
            self._inner.dump(out, fmt.oxigraph, from_graph=DEFAULT_GRAPH, prefixes=prefixes)

    @classmethod
    def of_triples(cls, triples: Iterable[ox.Triple], base_iri: str = DEFAULT_BASE_IRI) -> Store:
        """An in-memory store holding ``triples`` in its default graph."""
        store = cls.memory(base_iri)
        store._inner.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return store

    def dump_stored(self, out: BinaryIO) -> None:
        """Every quad as stored, the default graph's copies included, as N-Quads: what
        another store must hold to answer as this one does."""
        self._inner.dump(out, ox.RdfFormat.N_QUADS)

    def _union(self) -> Iterator[ox.Triple]:
        return (q.triple for q in self._inner.quads_for_pattern(None, None, None, DEFAULT_GRAPH))

    def _nodes(self) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, Iterator[ox.Quad]]]:
        """Each subject of the union with its statements (an in-memory store reads a
        graph in the order it was loaded, not subject by subject)."""
        solutions = self._inner.query(_export_query("subjects"))
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            subject = solution[0]
            assert isinstance(subject, ox.NamedNode | ox.BlankNode)
            yield subject, self._inner.quads_for_pattern(subject, None, None, DEFAULT_GRAPH)

    def count_triples(self) -> int:
        """Distinct triples over all graphs (the size of their RDF merge)."""
        return sum(1 for _ in self._union())

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad as loaded, named graphs kept; the default graph without the copies.

        The default graph's own triples come first, then each named graph's, graphs in
        the order of their names (so the same store gives the same bytes). A triple
        that a data file puts in its default graph and also in a named graph is given in
        the named graph only: the dataset says the same.
        """
        stated = self._inner.query(_export_query("default-graph"))
        assert isinstance(stated, ox.QueryTriples)
        for triple in stated:
            yield ox.Quad(triple.subject, triple.predicate, triple.object)
        for graph in sorted(self._inner.named_graphs(), key=_name):  # in-memory: any order
            yield from self._inner.quads_for_pattern(None, None, None, graph)


def _name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    return str(graph)


@cache
def _export_query(name: str) -> str:
    """``exports/<name>.rq``: what the exports ask the engine."""
    return (Path(__file__).parent / "exports" / f"{name}.rq").read_text(encoding="utf-8")


def syntax_error(path: Path, base_iri: str | None = None) -> DataSyntaxError | None:
    """Oxigraph's account of the first syntax error in ``path``, if it finds one."""
    fmt = graph_format(path.suffix).oxigraph
    assert isinstance(fmt, ox.RdfFormat)
    try:
        for _ in ox.parse(path=path, format=fmt, base_iri=base_iri or DEFAULT_BASE_IRI):
            pass
    except SyntaxError as error:
        return DataSyntaxError(path, error.lineno, _reason(error.msg))
    except OSError:
        pass
    return None


def _reason(message: str) -> str:
    """Oxigraph's message without what the error already says: the file and line."""
    message = re.sub(r" \([^()]*, line \d+\)$", "", message)
    return re.sub(r"^Parser error (at line \d+ )?", "", message)


def _parse_error(text: str, message: str) -> str:
    """Say where a query fails to parse and what was expected; name a missing prefix."""
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if found is None:
        return f"The query does not parse: {message}. SPARQL 1.1 grammar: {SPARQL_SPEC}#grammar"
    line, column, reason = int(found[1]), int(found[2]), found[3]
    where = f"The query does not parse at line {line}, column {column}"
    if "Prefix not found" in reason:
        before = text.splitlines()[line - 1][: column - 1] if line <= len(text.splitlines()) else ""
        name = re.search(r"([A-Za-z][\w.-]*)?:[\w.-]*$", before)
        prefix = name[1] or "" if name else ""
        known = PREFIXES.get(prefix)
        declare = f"PREFIX {prefix}: <{known}>" if known else f"PREFIX {prefix}: <…>"
        return f"{where}: the prefix '{prefix}:' is not declared. Add: {declare}"
    reason = re.sub(r"\s+", " ", reason)
    if len(reason) > 160:
        reason = reason[:160].rsplit(",", 1)[0] + ", …"
    return f"{where}: {reason}. SPARQL 1.1 grammar: {SPARQL_SPEC}#grammar"


T = TypeVar("T")


def _capped(items: Iterator[T], max_rows: int | None) -> tuple[list[T], bool]:
    kept = list(islice(items, None if max_rows is None else max_rows + 1))
    if max_rows is not None and len(kept) > max_rows:
        return kept[:max_rows], True
    return kept, False


@contextlib.contextmanager
def _failures(text: str) -> Iterator[None]:
    """Turn the engine's errors about a query into ``BadQuery`` messages."""
    try:
        yield
    except SyntaxError as error:
        raise BadQuery(_parse_error(text, error.msg)) from error
    except (RuntimeError, OSError, ValueError) as error:
        hint = ""
        if "projection" in str(error):
            hint = " A bound parameter must be a SELECT variable (or use SELECT *)."
        raise BadQuery(f"The query failed: {error}.{hint} See {SPARQL_SPEC}") from error


def _graph_iri(value: str) -> ox.NamedNode:
    try:
        return iri(value)
    except ValueError as error:
        raise BadQuery(f"Graph '{value}' is not an absolute IRI: {error}.") from error


def _in_graph(quad: ox.Quad, graph: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    return ox.Quad(quad.subject, quad.predicate, quad.object, graph)
