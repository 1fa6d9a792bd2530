"""Every IRI under the base works: a page for people, RDF for programs (Cool URIs).

``/award/x`` answers HTML to a browser and Turtle, JSON-LD, N-Triples, RDF/XML, TriG or
N-Quads by ``Accept`` (``Vary: Accept``, with ``Content-Location`` naming the document
sent); ``/award/x.ttl`` and the other suffixes of the format table, and ``.html``, pick
the format whatever ``Accept`` says. Every answer lists the others in ``Link:
rel="alternate"`` headers. The ontology's hash IRIs (``ontology#Award``) are described on
``/ontology``, the shapes' on ``/shapes``. https://www.w3.org/TR/cooluris/
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import Markup

from awardgraph.errors import NotFound
from awardgraph.formats import GRAPH_FORMATS, Format
from awardgraph.namespaces import AG, ONTOLOGY_IRI, PREFIXES, Namer
from awardgraph.results import compact_jsonld, write_triples
from awardgraph.web import display, site
from awardgraph.web.description import Description, describe
from awardgraph.web.http import (
    HTML,
    cacheable,
    etag,
    negotiate,
    not_modified,
    page_language,
    prefers_html,
)
from awardgraph.web.links import LANGUAGES, href, iri_of, labels
from awardgraph.web.links import SAFE as _SAFE

bp = Blueprint("entities", __name__)

PAGE_SIZE = 20
"""Resources listed per linking property on a page; ``?by=<property>&page=N`` for more."""
RDF_LINKS = 500
"""Resources linking by each property that the RDF of a resource names, with their labels;
all of them are in the dumps and the SPARQL endpoint."""
_HTML_SUFFIX = ".html"
_SUFFIXES = {f.suffix: f for f in GRAPH_FORMATS.values()}
_MEDIA_TYPES = tuple(f.media_type for f in GRAPH_FORMATS.values())
_ANY_SUFFIX = f"<any({', '.join(repr(s) for s in (*_SUFFIXES, _HTML_SUFFIX))}):suffix>"


@bp.route("/<path:path>")
def entity(path: str) -> Response:
    base = site().config.base_iri
    stem, chosen = _split_suffix(path)
    if chosen is not None:
        try:
            return _answer(iri_of(stem, base), stem, chosen)
        except NotFound:
            pass  # perhaps an IRI that itself ends in ".ttl"
    return _answer(iri_of(path, base), path, None)


@bp.route("/ontology")
@bp.route("/ontology" + _ANY_SUFFIX)
def ontology(suffix: str = "") -> Response:
    return _document("ontology", site().vocabulary.triples, suffix, _ontology_page)


@bp.route("/shapes")
@bp.route("/shapes" + _ANY_SUFFIX)
def shapes(suffix: str = "") -> Response:
    return _document("shapes", site().vocabulary.shape_triples, suffix, _shapes_page)


def _split_suffix(path: str) -> tuple[str, Format | str | None]:
    choices: list[tuple[str, Format | str]] = [*_SUFFIXES.items(), (_HTML_SUFFIX, HTML)]
    for suffix, fmt in choices:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], fmt
    return path, None


def _choose(chosen: Format | str | None) -> Format | str:
    """The format asked for: by suffix, else HTML for browsers, else by ``Accept``."""
    if chosen is not None:
        return chosen
    if HTML in request.headers.get("Accept", "") and prefers_html(request, _MEDIA_TYPES):
        return HTML
    return negotiate(GRAPH_FORMATS, None, "the description of a resource")


def _answer(iri: str, path: str, chosen: Format | str | None) -> Response:
    fmt = _choose(chosen)
    media_type = fmt if isinstance(fmt, str) else fmt.media_type
    language = page_language() if fmt == HTML else ""
    stamp = site().catalogue.stamp
    tag = etag(stamp.digest, media_type, request.full_path, language)
    if not_modified(tag, stamp.modified):
        return _headers(cacheable(Response(status=304), tag, stamp.modified), path, chosen, fmt)
    key = (request.host_url, request.full_path, media_type, language)
    body = site().pages.get(key, lambda: _render(iri, path, fmt, language))
    response = Response(body, mimetype=media_type)
    return _headers(cacheable(response, tag, stamp.modified), path, chosen, fmt)


def _render(iri: str, path: str, fmt: Format | str, language: str) -> bytes:
    """The page or the RDF of ``iri``; ``NotFound`` when the catalogue has nothing on it."""
    if isinstance(fmt, str):
        offsets, limit = _offsets(), PAGE_SIZE
    else:
        offsets, limit = {}, RDF_LINKS
    store = site().catalogue.store
    found = describe(store, iri, language or LANGUAGES[0], limit=limit, offsets=offsets)
    if found is None:
        raise NotFound(
            f"<{iri}> is not found in the catalogue: no statement is about it. Search by name "
            f"at {url_for('browse.search')} or browse from {url_for('browse.home')}."
        )
    if isinstance(fmt, str):
        return _page(found, path, language).encode()
    return _serialize(fmt, found.triples, found.quads)


def _headers(
    response: Response, path: str, chosen: Format | str | None, fmt: Format | str
) -> Response:
    """``Vary``, ``Content-Location`` and a ``Link`` to each other format."""
    quoted = _quote("/" + path.lstrip("/"))
    if chosen is None:
        response.vary.add("Accept")
        if fmt == HTML:
            response.vary.add("Accept-Language")
        suffix = _HTML_SUFFIX if isinstance(fmt, str) else fmt.suffix
        response.headers["Content-Location"] = quoted + suffix
    response.headers["Link"] = _links(quoted)
    return response


@lru_cache(maxsize=4096)
def _links(quoted: str) -> str:
    """The ``Link`` header naming each representation of the resource at ``quoted``."""
    links = [(_HTML_SUFFIX, HTML), *((f.suffix, f.media_type) for f in GRAPH_FORMATS.values())]
    return ", ".join(
        f'<{quoted}{suffix}>; rel="alternate"; type="{media}"' for suffix, media in links
    )


def _quote(path: str) -> str:
    """``path`` (decoded) as it is written in a URL."""
    return quote(path, safe=_SAFE)


def _offsets() -> dict[str, int]:
    by, page = request.args.get("by", ""), request.args.get("page", "1")
    if not by or not page.isdigit():
        return {}
    return {by: (max(int(page), 1) - 1) * PAGE_SIZE}


def _serialize(
    fmt: Format,
    triples: Callable[[], Iterable[ox.Triple]],
    quads: Callable[[], Iterable[ox.Quad]] | None = None,
) -> bytes:
    """RDF in ``fmt``: ``quads`` for TriG and N-Quads when given (else the triples in the
    default graph), JSON-LD compacted with the package's context."""
    if fmt.quads and quads is not None:
        assert isinstance(fmt.oxigraph, ox.RdfFormat)
        return ox.serialize(quads(), format=fmt.oxigraph, prefixes=dict(PREFIXES)) or b""
    if fmt.name == "jsonld":
        return compact_jsonld(triples(), site().catalogue.context())
    return write_triples(triples(), fmt.name)


def _page(found: Description, path: str, language: str) -> str:
    vocabulary = site().vocabulary
    base = site().config.base_iri
    summary = display.summary(found, found.labels)

    def name(iri: str) -> Markup:
        return display.link(found.labels[iri], href(iri, base), language)

    url = request.host_url.rstrip("/") + _quote("/" + path)
    return render_template(
        "entity.html",
        d=found,
        labels=found.labels,
        language=language,
        languages=LANGUAGES,
        groups=display.grouped(found.properties, found.labels),
        summary=summary,
        shapes=sorted({s for t in found.types for s in vocabulary.shapes.get(t, ())}),
        schema_org=display.schema_org(found, vocabulary, url, summary),
        alternates=_alternates(path),
        page_size=PAGE_SIZE,
        stamp=site().catalogue.stamp,
        namer=Namer(base),
        name=name,
        cites=display.cites,
        **_helpers(),
    )


def _alternates(path: str) -> list[tuple[str, str, str]]:
    """(name, media type, URL) of each RDF format of this resource."""
    base = _quote("/" + path)
    return [(f.title, f.media_type, base + f.suffix) for f in GRAPH_FORMATS.values()]


def _helpers() -> dict[str, Any]:
    base = site().config.base_iri
    return {
        "href": lambda iri: href(iri, base),
        "literal_text": display.literal_text,
        "property_name": display.property_name,
        "browse_url": _browse_url,
        "inverse_url": _inverse_url,
    }


def _browse_url(class_iri: str) -> str | None:
    """The browse page of a class of the ontology."""
    if not class_iri.startswith(AG):
        return None
    return url_for("browse.browse_class", name=class_iri[len(AG) :])


def _inverse_url(prop: str, page: int) -> str:
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("by", "page")}
    args.update(request.view_args or {}, by=prop, page=page)
    return url_for(request.endpoint or "", **args)


def _document(
    name: str, triples: Iterable[ox.Triple], suffix: str, page: Callable[[], str]
) -> Response:
    """A vocabulary document (the ontology, the shapes) as a page or in an RDF format."""
    chosen: Format | str | None = None
    if suffix:
        chosen = HTML if suffix == _HTML_SUFFIX else _SUFFIXES[suffix]
    fmt = _choose(chosen)
    stamp = site().catalogue.stamp
    media_type = fmt if isinstance(fmt, str) else fmt.media_type
    tag = etag(stamp.digest, media_type, request.full_path)
    if not_modified(tag, stamp.modified):
        return _headers(cacheable(Response(status=304), tag, stamp.modified), name, chosen, fmt)
    body = page() if isinstance(fmt, str) else _serialize(fmt, lambda: triples)
    response = Response(body, mimetype=media_type)
    return _headers(cacheable(response, tag, stamp.modified), name, chosen, fmt)


def _ontology_page() -> str:
    vocabulary = site().vocabulary
    store = site().catalogue.store
    named = {ONTOLOGY_IRI, *vocabulary.terms}
    for props in vocabulary.terms.values():
        named.update(p for p in props)
        named.update(v.value for vs in props.values() for v in vs if isinstance(v, ox.NamedNode))
    return render_template(
        "ontology.html",
        vocabulary=vocabulary,
        labels=labels(store, named, page_language()),
        ontology=vocabulary.terms.get(ONTOLOGY_IRI, {}),
        ontology_iri=ONTOLOGY_IRI,
        alternates=_alternates("ontology"),
        shapes_by_class=vocabulary.shapes,
        namer=Namer(site().config.base_iri),
        **_helpers(),
    )


def _shapes_page() -> str:
    return render_template(
        "shapes.html",
        vocabulary=site().vocabulary,
        turtle=write_triples(site().vocabulary.shape_triples, "turtle").decode(),
        alternates=_alternates("shapes"),
    )
