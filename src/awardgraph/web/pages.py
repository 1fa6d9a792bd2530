"""Canned-query pages: each ``queries/*.rq`` as a page with a form, and as an API.

``/queries/<name>`` shows the title, the description, a field per declared parameter,
the query and its results; ``/queries/<name>.json`` (``.csv``, ``.tsv``, ``.xml``, or an
RDF suffix for a CONSTRUCT) answers the same in that format. Parameter values arrive as
URL parameters and are bound as RDF terms of their declared type, never pasted in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from awardgraph.errors import BadQuery, NotAcceptable, NotFound, UnknownFormat
from awardgraph.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, graph_format, result_format
from awardgraph.queries import NamedQuery
from awardgraph.results import Result, Term
from awardgraph.web import site
from awardgraph.web.http import cacheable, etag, not_modified
from awardgraph.web.links import path_of

bp = Blueprint("pages", __name__)

_DOWNLOADS = {"select": ("json", "csv", "tsv", "xml"), "ask": ("json", "xml")}
_DOWNLOADS["graph"] = ("ttl", "jsonld", "nt", "rdf")


@dataclass(frozen=True)
class Cell:
    """One value of a results table as a page shows it."""

    text: str
    title: str
    href: str | None = None
    note: str = ""


@bp.route("/queries")
def queries() -> str:
    return render_template("queries.html", queries=list(site().catalogue.queries.values()))


@bp.route("/queries.json")
def queries_json() -> Response:
    return jsonify([_describe(q) for q in site().catalogue.queries.values()])


@bp.route("/queries/<name>")
def canned(name: str) -> Response:
    query = _named(name)
    values = _values()
    result, error, status = None, None, 200
    stamp = site().catalogue.stamp
    tag = etag(stamp.digest, "text/html", request.full_path)
    if not_modified(tag, stamp.modified):
        return cacheable(Response(status=304), tag, stamp.modified)
    try:
        result = _run(query, values)
    except BadQuery as failure:
        error, status = str(failure), failure.status
    page = render_template(
        "canned.html",
        query=query,
        values=values,
        table=None if result is None else _cells(result),
        result=result,
        error=error,
        downloads=[] if result is None else _downloads(name, result),
        max_rows=site().config.max_rows,
        editor=url_for("sparql.endpoint", query=query.text),
    )
    response = Response(page, status, mimetype="text/html")
    return cacheable(response, tag, stamp.modified) if status == 200 else response


@bp.route("/queries/<name>.<suffix>")
def canned_api(name: str, suffix: str) -> Response:
    query = _named(name)
    values = _values()
    fmt = _format(suffix)
    stamp = site().catalogue.stamp
    tag = etag(stamp.digest, fmt.media_type, request.full_path)
    if not_modified(tag, stamp.modified):
        return cacheable(Response(status=304), tag, stamp.modified)
    bindings = query.bindings(values, site().config.base_iri)
    try:
        body, truncated = site().answer(query.text, fmt.name, bindings)
    except UnknownFormat as failure:
        raise NotAcceptable(f"Query '{name}' cannot answer in '.{suffix}': {failure}") from None
    response = Response(body, mimetype=fmt.media_type)
    if truncated:
        response.headers["X-SPARQL-MaxRows"] = str(site().config.max_rows)
    return cacheable(response, tag, stamp.modified)


def _named(name: str) -> NamedQuery:
    found = site().catalogue.queries.get(name)
    if found is None:
        names = ", ".join(site().catalogue.queries)
        raise NotFound(f"No canned query named '{name}'. Canned queries: {names}.")
    return found


def _values() -> dict[str, str]:
    """URL parameters with a value; an empty form field means the parameter's default."""
    return {k: v for k, v in request.args.items() if v.strip()}


def _run(query: NamedQuery, values: dict[str, str]) -> Result:
    bindings: dict[str, Term] = query.bindings(values, site().config.base_iri)
    return site().run(query.text, bindings)


def _format(suffix: str) -> Format:
    try:
        return result_format(suffix)
    except UnknownFormat:
        pass
    try:
        return graph_format(suffix)
    except UnknownFormat:
        names = [f.suffix for f in (*RESULT_FORMATS.values(), *GRAPH_FORMATS.values())]
        raise NotFound(f"No format '.{suffix}'. Formats: {', '.join(names)}.") from None


def _downloads(name: str, result: Result) -> list[tuple[str, str]]:
    args: dict[str, Any] = {k: v for k, v in request.args.items() if v.strip()}
    return [
        (suffix, url_for("pages.canned_api", name=name, suffix=suffix, **args))
        for suffix in _DOWNLOADS[result.kind]
    ]


def _cells(result: Result) -> list[list[Cell | None]]:
    return [[None if t is None else _cell(t, result) for t in row] for row in result.terms]


def _cell(term: Term, result: Result) -> Cell:
    if isinstance(term, ox.NamedNode):
        base = site().config.base_iri
        href = path_of(term.value, base) or url_for(
            "pages.canned", name="describe", resource=term.value
        )
        return Cell(result.namer.iri(term.value), term.value, href)
    if isinstance(term, ox.Literal):
        if term.language:
            return Cell(term.value, f"language: {term.language}", note=f"@{term.language}")
        datatype = result.namer.iri(term.datatype.value)
        plain = datatype == "xsd:string"
        return Cell(term.value, f"datatype: {datatype}", note="" if plain else datatype)
    return Cell(str(term), "blank node" if isinstance(term, ox.BlankNode) else "triple")


def _describe(query: NamedQuery) -> dict[str, object]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
            for p in query.params
        ],
        "url": url_for("pages.canned", name=query.name, _external=True),
        "results": url_for("pages.canned_api", name=query.name, suffix="json", _external=True),
        "query": query.text,
    }
