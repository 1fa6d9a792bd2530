"""A SPARQL 1.1 server as the catalogue's store: the same interface as the embedded one.

Queries go over the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/),
POSTed as an HTML form (``query=…``: the one way every server takes; Virtuoso 7.2 never
answers ``application/sparql-query``, openlink/virtuoso-opensource#842); answers come back
as SPARQL JSON results or N-Triples and are read by Oxigraph's parsers, so the rest of
awardgraph sees the same terms as from the embedded store. A query's parameters, which
the protocol cannot bind, become a ``VALUES`` row first in its ``WHERE`` group
(``querytext.with_values``).

Loading replaces the server's whole dataset in one request: a ``PUT`` of N-Quads to the
Graph Store Protocol endpoint (https://www.w3.org/TR/sparql11-http-rdf-update/) where
there is one, else ``CLEAR ALL`` and ``INSERT DATA`` in one SPARQL Update request. What
is loaded is what the embedded store holds (the named graphs and their copies in the
default graph, see ``store.py``), plus the graph ``PUBLICATION`` naming the data loaded.

A server whose default graph awardgraph cannot fill (Virtuoso's is the union of all its
graphs, system graphs included, and counts a triple stated in two graphs twice) is given
a named graph that stands in for it (``store_default_graph``): loading puts the default
graph's triples there and, instead of ``CLEAR ALL``, drops only the graphs the last load
listed in ``PUBLICATION``; a query that names no dataset is sent with that graph as
``default-graph-uri`` and the loaded graphs as ``named-graph-uri``.

A connection that fails is tried again (``RETRIES`` times, backing off); a server that
stays down gives ``StoreUnavailable`` (503 on the web) on each request until it is back.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO, Any, BinaryIO, cast
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import urllib3

from awardgraph.config import ENV_PREFIX, Config
from awardgraph.errors import BadQuery, ConfigError, QueryTimeout, StoreUnavailable
from awardgraph.formats import graph_format
from awardgraph.namespaces import PREFIXES, XSD
from awardgraph.queries import NamedQuery, load_queries
from awardgraph.querytext import inspect, with_values
from awardgraph.results import Result, Term
from awardgraph.store import BaseStore, Found, Store, _graph_iri, _parse_error

PUBLICATION = "urn:x-awardgraph:publication"
"""The graph (and the resource in it) that says which data the server was loaded with."""
CONNECT_TIMEOUT = 5.0
"""Seconds to wait for the server to accept a connection."""
RETRIES = 2
"""Further tries of a request whose connection failed or that got a 502, 503 or 504."""
QUERIES_DIR = Path(__file__).parent / "store_queries"

_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_ACCEPT_RDF = "application/n-triples, text/turtle;q=0.9"
"""For CONSTRUCT and DESCRIBE: Virtuoso would write their triples as JSON results."""
_FORM = "application/x-www-form-urlencoded"
_DCTERMS = "http://purl.org/dc/terms/"


@dataclass(frozen=True)
class Endpoints:
    """Where a server answers queries, takes updates and (optionally) graph store requests."""

    query: str
    update: str
    data: str | None

    @classmethod
    def of(cls, config: Config) -> Endpoints:
        """From the settings; for Oxigraph's ``…/query`` the siblings ``/update``, ``/store``."""
        if config.store_url is None:
            raise ConfigError(f"No remote store is set. Set {ENV_PREFIX}STORE to its URL.")
        query, update, data = config.store_url, config.store_update, config.store_data
        if update is None and data is None and urlsplit(query).path.endswith("/query"):
            stem = query[: query.rindex("/query")]
            update, data = f"{stem}/update", f"{stem}/store"
        return cls(query, update or query, data)


class RemoteStore(BaseStore):
    """A SPARQL 1.1 server holding the catalogue, reached over HTTP."""

    def __init__(
        self,
        endpoints: Endpoints,
        base_iri: str,
        timeout: float | None = None,
        default_graph: str | None = None,
    ) -> None:
        """``timeout``: seconds a query may take to answer (``None``: no limit).

        ``default_graph``: the named graph that stands in for the default graph, if any.
        """
        self.endpoints = endpoints
        self.base_iri = base_iri
        self.timeout = timeout
        self.default_graph = default_graph
        self._graphs: tuple[str, ...] | None = None
        self._pools: dict[int, urllib3.PoolManager] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, config: Config) -> RemoteStore:
        timeout = config.query_timeout or None
        return cls(Endpoints.of(config), config.base_iri, timeout, config.store_default_graph)

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoints.query!r})"

    # Queries

    def _evaluate(
        self,
        text: str,
        bindings: Mapping[str, Term] | None,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Found:
        values = {name: _sparql(term) for name, term in (bindings or {}).items()}
        sent = f"BASE <{self.base_iri}>\n{with_values(text, values)}"
        for graph in (*default_graphs, *named_graphs):
            _graph_iri(graph)  # refused here as by the embedded store
        dataset = self._dataset(text, default_graphs, named_graphs)
        accept = _ACCEPT_RDF if inspect(text).form in ("construct", "describe") else _ACCEPT
        response = self._post_query(sent, dataset, accept, timeout=self.timeout)
        if response.status >= 400:
            raise BadQuery(_refusal(text, response))
        media = _media_type(response)
        if media in _RESULTS:
            return ox.parse_query_results(response.data, _RESULTS[media])
        try:
            rdf = ox.RdfFormat.from_media_type(media)
        except ValueError:
            rdf = None
        if rdf is None:
            raise StoreUnavailable(
                f"The SPARQL store at {self.endpoints.query} answered in '{media}', which is "
                "neither SPARQL results (JSON, XML, TSV) nor RDF."
            )
        return (quad.triple for quad in ox.parse(response.data, rdf))

    def _post_query(
        self,
        sent: str,
        dataset: Sequence[tuple[str, str]],
        accept: str,
        *,
        timeout: float | None,
        preload: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        return self._request(
            "POST",
            self.endpoints.query,
            body=urlencode([("query", sent), *dataset]).encode(),
            headers={"Content-Type": _FORM, "Accept": accept},
            timeout=timeout,
            preload=preload,
        )

    def _dataset(
        self, text: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> list[tuple[str, str]]:
        """The protocol's dataset: the one asked for, else (with a stand-in default graph,
        for a query naming none with FROM) that graph and the graphs loaded."""
        if (
            self.default_graph is not None
            and not default_graphs
            and not named_graphs
            and "FROM" not in inspect(text).keywords
        ):
            default_graphs, named_graphs = [self.default_graph], self.graphs()
        dataset = [("default-graph-uri", g) for g in default_graphs]
        return dataset + [("named-graph-uri", g) for g in named_graphs]

    def graphs(self) -> tuple[str, ...]:
        """The named graphs the last load listed in ``PUBLICATION`` (with a stand-in
        default graph only), read once."""
        if self._graphs is None:
            rows = self._own("publication-graphs").terms
            self._graphs = tuple(
                graph.value for (graph,) in rows if isinstance(graph, ox.NamedNode)
            )
        return self._graphs

    def _own(self, name: str) -> Result:
        """Run a query of the graph ``PUBLICATION``, which a stand-in dataset leaves out."""
        own = [PUBLICATION] if self.default_graph is not None else []
        return self.query(self._queries[name].text, named_graphs=own)

    @cached_property
    def _queries(self) -> dict[str, NamedQuery]:
        return load_queries(QUERIES_DIR)

    def _count(self, name: str) -> int:
        (value,) = self.query(self._queries[name].text).terms[0]
        assert isinstance(value, ox.Literal)
        return int(value.value)

    # The whole dataset

    def export(
        self, format_name: str, out: BinaryIO, *, context: Mapping[str, Any] | None = None
    ) -> None:
        fmt = graph_format(format_name)
        if fmt.name == "jsonld":  # written as the embedded store writes it
            Store.of_triples(self._union(), self.base_iri).export("jsonld", out, context=context)
            return
        assert isinstance(fmt.oxigraph, ox.RdfFormat)
        found = self.quads() if fmt.quads else self._union()
        ox.serialize(found, out, fmt.oxigraph, prefixes=dict(PREFIXES))  # as it arrives

    def _union(self) -> Iterator[ox.Triple]:
        text = self._queries["triples"].text
        with self._stream(text, "application/n-triples") as response:
            for quad in ox.parse(_readable(response), ox.RdfFormat.N_TRIPLES):
                yield quad.triple

    def count_triples(self) -> int:
        return self._count("triples-count")

    def quads(self) -> Iterator[ox.Quad]:
        text = self._queries["quads"].text
        # JSON: Virtuoso's TSV writes IRIs as strings.
        with self._stream(text, "application/sparql-results+json") as response:
            rows = ox.parse_query_results(_readable(response), ox.QueryResultsFormat.JSON)
            assert isinstance(rows, ox.QuerySolutions)
            for row in rows:
                s, p, o, g = row["s"], row["p"], row["o"], row["g"]
                graph = ox.DefaultGraph() if g is None else g
                yield ox.Quad(s, p, o, graph)

    def __len__(self) -> int:
        return self._count("quads-count")

    # Loading

    def publication(self) -> tuple[str, float] | None:
        """The digest and time of the data last loaded by awardgraph, if any."""
        rows = self._own("publication").terms
        if not rows:
            return None
        digest, modified = rows[0]
        assert isinstance(digest, ox.Literal) and isinstance(modified, ox.Literal)
        return digest.value, float(modified.value)

    def load(self, write: Callable[[BinaryIO], None], digest: str, modified: float) -> None:
        """Replace the server's dataset with the N-Quads ``write`` writes, in one request.

        The graph ``PUBLICATION`` then says which data it holds (``digest``, ``modified``).
        With a stand-in default graph, only the graphs of the last load are replaced, by
        SPARQL Update, and ``PUBLICATION`` also lists the graphs loaded.
        """
        node = ox.NamedNode(PUBLICATION)
        # A decimal, not a double: Virtuoso writes doubles with 6 digits (1.79552e+09).
        when = ox.Literal(f"{Decimal(repr(modified)):f}", datatype=ox.NamedNode(XSD + "decimal"))
        stamp = [
            ox.Quad(node, ox.NamedNode(_DCTERMS + "identifier"), ox.Literal(digest), node),
            ox.Quad(node, ox.NamedNode(_DCTERMS + "modified"), when, node),
        ]
        with tempfile.TemporaryFile() as body:
            write(body)
            ox.serialize(stamp, body, ox.RdfFormat.N_QUADS)
            size = body.tell()
            body.seek(0)
            if self.default_graph is not None:
                url = self.endpoints.update
                dropped = (*self.graphs(), self.default_graph, PUBLICATION)
                clear = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in dropped)
                update = _insert_data(body, clear, ox.NamedNode(self.default_graph))
                headers = {"Content-Type": "application/sparql-update"}
                response = self._request(
                    "POST", url, body=update, headers=headers, timeout=None, server_errors=False
                )
            elif self.endpoints.data is not None:
                url, sent = self.endpoints.data, body
                headers = {"Content-Type": "application/n-quads", "Content-Length": str(size)}
                response = self._request(
                    "PUT", url, body=sent, headers=headers, timeout=None, server_errors=False
                )
            else:
                url, update = self.endpoints.update, _insert_data(body, "CLEAR ALL ;\n")
                headers = {"Content-Type": "application/sparql-update"}
                response = self._request(
                    "POST", url, body=update, headers=headers, timeout=None, server_errors=False
                )
        self._graphs = None
        if response.status >= 300:
            raise ConfigError(
                f"The SPARQL store at {url} refused to load the data: {response.status} "
                f"{_first_line(response)}. Check {ENV_PREFIX}STORE_DATA (a Graph Store "
                f"endpoint) or {ENV_PREFIX}STORE_UPDATE (a SPARQL Update endpoint), and that "
                "the server lets this client write (Virtuoso: docs/remote-stores.md)."
            )

    # HTTP

    def _pool(self) -> urllib3.PoolManager:
        """This process's connections (a pool made before a fork is not shared after)."""
        pid = os.getpid()
        pool = self._pools.get(pid)
        if pool is None:
            with self._lock:
                pool = self._pools.setdefault(pid, urllib3.PoolManager(maxsize=16))
        return pool

    def _request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | BinaryIO,
        headers: Mapping[str, str],
        timeout: float | None,
        preload: bool = True,
        server_errors: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        """Send a request; a 5xx answer raises ``StoreUnavailable`` if ``server_errors``."""
        retries = urllib3.Retry(
            total=RETRIES,
            read=0,
            backoff_factor=0.25,
            status_forcelist=(502, 503, 504),
            allowed_methods=None,
            raise_on_status=False,
        )
        try:
            response = self._pool().request(
                method,
                url,
                body=body,
                headers=dict(headers),
                timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=timeout),
                retries=retries,
                preload_content=preload,
                redirect=False,
            )
        except urllib3.exceptions.MaxRetryError as error:
            if isinstance(error.reason, urllib3.exceptions.ReadTimeoutError):
                raise _timeout(timeout) from error
            raise _unavailable(url, error.reason) from error
        except urllib3.exceptions.ReadTimeoutError as error:
            raise _timeout(timeout) from error
        except urllib3.exceptions.HTTPError as error:
            raise _unavailable(url, error) from error
        if server_errors and response.status >= 500:
            raise StoreUnavailable(
                f"The SPARQL store at {url} failed: {response.status} {_first_line(response)}"
            )
        return response

    def _stream(self, text: str, accept: str) -> _Streamed:
        sent = f"BASE <{self.base_iri}>\n{text}"
        dataset = self._dataset(text, (), ())
        response = self._post_query(sent, dataset, accept, timeout=None, preload=False)
        if response.status >= 400:
            raise BadQuery(_refusal(text, response))
        return _Streamed(response)


class _Streamed:
    """A response read as it arrives, released when done (closed if left unread)."""

    def __init__(self, response: urllib3.BaseHTTPResponse) -> None:
        self.response = response

    def __enter__(self) -> urllib3.BaseHTTPResponse:
        return self.response

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.response.drain_conn()
            self.response.release_conn()
        else:
            self.response.close()


def _readable(response: urllib3.BaseHTTPResponse) -> IO[bytes]:
    return cast(IO[bytes], response)


def _sparql(term: Term) -> str:
    """A term written in SPARQL (N-Triples' syntax is SPARQL's)."""
    if isinstance(term, ox.BlankNode):
        raise BadQuery("A blank node cannot be bound as a parameter on a remote store.")
    return str(term)


def _insert_data(quads: BinaryIO, clear: str, default_graph: ox.NamedNode | None = None) -> bytes:
    """One SPARQL Update: ``clear``, then ``INSERT DATA`` of ``quads`` (N-Quads).

    With ``default_graph`` the default graph's triples go into that graph, and
    ``PUBLICATION`` lists every graph inserted (``dcterms:hasPart``).
    """
    parts = [f"{clear}INSERT DATA {{\n".encode()]
    graphs: dict[ox.NamedNode, None] = {}
    for quad in ox.parse(quads, ox.RdfFormat.N_QUADS):
        triple = f"{quad.subject} {quad.predicate} {quad.object} ."
        graph = quad.graph_name
        if isinstance(graph, ox.DefaultGraph) and default_graph is not None:
            graph = default_graph
        if isinstance(graph, ox.DefaultGraph):
            parts.append(f"{triple}\n".encode())
        else:
            parts.append(f"GRAPH {graph} {{ {triple} }}\n".encode())
            graphs[graph] = None
    if default_graph is not None:
        node = ox.NamedNode(PUBLICATION)
        for graph in graphs:
            if graph not in (node, default_graph):
                parts.append(f"GRAPH {node} {{ {node} <{_DCTERMS}hasPart> {graph} . }}\n".encode())
    parts.append(b"}\n")
    return b"".join(parts)


def _media_type(response: urllib3.BaseHTTPResponse) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _first_line(response: urllib3.BaseHTTPResponse) -> str:
    text = response.data.decode("utf-8", "replace").strip()
    return (text.splitlines() or [""])[0][:300]


def _refusal(text: str, response: urllib3.BaseHTTPResponse) -> str:
    """The server's reason for refusing a query, worded as the embedded store's."""
    reason = response.data.decode("utf-8", "replace").strip()
    reason = reason.split("\n\nSPARQL query:")[0]  # Virtuoso's echo of the query
    if reason.startswith("error at "):  # Oxigraph's parser, one line below ours (BASE)
        line, _, rest = reason[len("error at ") :].partition(":")
        if line.isdigit():
            return _parse_error(text, f"error at {int(line) - 1}:{rest}")
    reason = " ".join(reason.split())[:300] or f"{response.status}"
    return f"The SPARQL store refused the query: {reason}"


def _timeout(seconds: float | None) -> QueryTimeout:
    return QueryTimeout(
        f"The query ran longer than {seconds:g} s, the time limit, and was stopped. Narrow "
        "its patterns or add a LIMIT; the limit is the query_timeout setting "
        f"({ENV_PREFIX}QUERY_TIMEOUT)."
        if seconds
        else "The SPARQL store stopped answering."
    )


def _unavailable(url: str, reason: object) -> StoreUnavailable:
    why = str(reason).split(": ", 1)[-1] if reason else "no answer"
    return StoreUnavailable(
        f"The SPARQL store at {url} is not answering ({why}); tried {RETRIES + 1} times. "
        f"Check that the server is running and that {ENV_PREFIX}STORE names its query "
        "endpoint; this request can be retried."
    )
