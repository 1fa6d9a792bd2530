"""``/sparql``: the SPARQL 1.1 Protocol's query operation, read-only.

https://www.w3.org/TR/sparql11-protocol/#query-operation: GET, POST of a form, POST of
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri``. With no
query, a browser gets the query page and any other client the service description
(https://www.w3.org/TR/sparql11-service-description/). A browser following a shared link
(``?query=`` and no ``format``) gets the query page, which runs the query.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from awardgraph.errors import BadQuery, NotAcceptable, Refused, UnsupportedMediaType
from awardgraph.formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from awardgraph.namespaces import PREFIXES
from awardgraph.querytext import inspect
from awardgraph.results import write_triples
from awardgraph.web import site
from awardgraph.web.http import cacheable, etag, negotiate, not_modified, prefers_html

bp = Blueprint("sparql", __name__)

SOLUTION_FORMATS = {name: f for name, f in RESULT_FORMATS.items() if f.oxigraph is not None}
_MEDIA_TYPES = [f.media_type for f in (*SOLUTION_FORMATS.values(), *GRAPH_FORMATS.values())]
_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_DEFAULT_EXAMPLE = "awards-by-establishment"


@dataclass(frozen=True)
class Operation:
    """What a protocol request asks: a query, its dataset and an explicit format."""

    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    format: str | None


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | str:
    op = read_operation()
    browser = prefers_html(request, _MEDIA_TYPES)
    if op.query is None:
        return query_page(None) if browser else service_description()
    if browser and request.method == "GET" and op.format is None:
        return query_page(op.query)
    found = inspect(op.query)
    graph = found.form in ("construct", "describe")
    what = "CONSTRUCT and DESCRIBE results (RDF)" if graph else "SELECT and ASK results"
    try:
        fmt = negotiate(GRAPH_FORMATS if graph else SOLUTION_FORMATS, op.format, what)
    except NotAcceptable:
        site().run(op.query)  # a query that does not parse is a 400 first
        raise
    stamp = site().catalogue.stamp
    tag = etag(stamp.digest, fmt.media_type, request.full_path)
    if not_modified(tag, stamp.modified):
        return cacheable(Response(status=304), tag, stamp.modified)
    body, truncated = site().answer(op.query, fmt.name, None, op.default_graphs, op.named_graphs)
    response = Response(body, mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    if truncated:
        response.headers["X-SPARQL-MaxRows"] = str(site().config.max_rows)
    if request.method == "GET":
        cacheable(response, tag, stamp.modified)
    return response


def read_operation() -> Operation:
    """Read the query, the dataset and the format from a GET or a POST, or say what is wrong."""
    params: MultiDict[str, str] = request.args
    body_query = None
    if request.method == "POST":
        if request.mimetype == _FORM:
            params = MultiDict(params)
            params.update(request.form)
        elif request.mimetype == _QUERY:
            try:
                body_query = request.get_data().decode(
                    request.mimetype_params.get("charset", "utf-8")
                )
            except (UnicodeDecodeError, LookupError) as error:
                raise BadQuery(f"The query body is not UTF-8 text: {error}.") from error
        elif request.mimetype == _UPDATE:
            raise Refused("This endpoint is read-only: SPARQL Update is not accepted.")
        else:
            raise UnsupportedMediaType(
                f"A POST must send '{_FORM}' or '{_QUERY}', not "
                f"'{request.mimetype or 'no Content-Type'}' (SPARQL 1.1 Protocol, 2.1)."
            )
    queries = params.getlist("query") + ([body_query] if body_query is not None else [])
    if "update" in params:
        if queries:
            raise BadQuery("A request carries either a query or an update, not both.")
        raise Refused("This endpoint is read-only: SPARQL Update is not accepted.")
    if len(queries) > 1:
        raise BadQuery(
            f"The request carries {len(queries)} queries (the 'query' parameter or body "
            "given more than once); send exactly one."
        )
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise BadQuery("The query is empty. Send a SPARQL query in the 'query' parameter.")
    wanted = params.get("format") or params.get("output") or None
    return Operation(
        query,
        params.getlist("default-graph-uri"),
        params.getlist("named-graph-uri"),
        wanted,
    )


def query_page(text: str | None) -> str:
    """The editor, with ``text`` run at once (a shared link) or an example to start from."""
    s = site()
    examples = list(s.catalogue.queries.values())
    if text is None:
        start = s.catalogue.queries.get(_DEFAULT_EXAMPLE) or (examples[0] if examples else None)
        text = start.text if start else ""
    return render_template(
        "query.html",
        query_text=text,
        autorun=request.args.get("query") is not None,
        examples=examples,
        prefixes=PREFIXES,
        endpoint=url_for("sparql.endpoint"),
        entity_url=url_for("pages.canned", name="describe", resource=""),
        base_iri=s.config.base_iri,
        max_rows=s.config.max_rows,
        timeout=s.config.query_timeout,
    )


SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description() -> Response:
    """What the endpoint offers, described at its own URL (SPARQL 1.1 Service Description)."""
    fmt = negotiate(GRAPH_FORMATS, request.args.get("format"), "a service description")
    service = ox.NamedNode(request.base_url)
    dataset, graph = ox.BlankNode(), ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    formats: list[Format] = [*SOLUTION_FORMATS.values(), *GRAPH_FORMATS.values()]
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service, ox.NamedNode(DCTERMS + "title"), ox.Literal("awardgraph", language="en")
        ),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(f.w3c)) for f in formats if f.w3c),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, RDF_TYPE, sd("Graph")),
        ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(site().catalogue.triples)),
    ]
    response = Response(write_triples(triples, fmt.name), mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response
