"""The whole dataset: its dumps, its VoID and DCAT description, the sitemap and robots.txt.

- ``/dumps`` lists the files that ``awardgraph.dumps`` writes once per publication, and
  ``/dumps/<name>`` serves them (conditional GET, ranges; a ``.gz`` file as
  ``application/gzip``, so that what a client saves is the gzip file itself).
- ``/.well-known/void`` describes the dataset where VoID says to look for it
  (https://www.w3.org/TR/void/#well-known): ``void.py`` builds the description.
- ``/sitemap.xml`` lists every page (https://www.sitemaps.org/protocol.html): one
  sitemap of at most 50,000 URLs, or an index of such sitemaps when there are more.

What these show is computed once per app (the data does not change while it is served);
only the host the URLs are written for is taken from each request.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask.blueprints import BlueprintSetupState

from awardgraph.dumps import MANIFEST, SUMS, Dumps, ensure
from awardgraph.errors import NotFound
from awardgraph.formats import GRAPH_FORMATS
from awardgraph.namespaces import AG
from awardgraph.web import site
from awardgraph.web import void as description
from awardgraph.web.http import (
    cacheable,
    etag,
    negotiate,
    not_modified,
    page_language,
    prefers_html,
)
from awardgraph.web.links import href, labels, path_of

bp = Blueprint("dataset", __name__)

SITEMAP_URLS = 50_000
"""The most URLs one sitemap may list (sitemaps.org); more go into an index of sitemaps."""
DESCRIPTION_FORMATS = {k: f for k, f in GRAPH_FORMATS.items() if not f.quads}
_STATE = "awardgraph.dataset"


class _State:
    """Per app: the dumps and the facts, each made by the first request that needs it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dumps: Dumps | None = None
        self._facts: description.Facts | None = None
        self._paths: tuple[str, ...] | None = None

    def dumps(self) -> Dumps:
        with self._lock:
            if self._dumps is None:
                self._dumps = ensure(site().catalogue)
            return self._dumps

    def facts(self) -> description.Facts:
        with self._lock:
            if self._facts is None:
                self._facts = description.gather(site().catalogue)
            return self._facts

    def paths(self) -> tuple[str, ...]:
        """Every page's path, for the sitemap."""
        if self._paths is None:
            self._paths = _paths(self.facts(), site().config.base_iri)
        return self._paths


@bp.record_once
def _attach(state: BlueprintSetupState) -> None:
    state.app.extensions[_STATE] = _State()


def _state() -> _State:
    found: _State = current_app.extensions[_STATE]
    return found


# Dumps ------------------------------------------------------------------------------


@bp.route("/dumps")
def dumps() -> Response:
    return _cached("text/html", lambda: Response(_dumps_page(), mimetype="text/html"))


def _dumps_page() -> str:
    found = _state().dumps()
    return render_template(
        "dumps.html",
        manifest=found.manifest,
        format_titles=description.FORMAT_TITLES,
        description_formats=DESCRIPTION_FORMATS,
        license=site().config.license,
        modified=description.w3c_date(found.manifest.modified),
    )


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    found = _state().dumps()
    path = found.directory / name
    if name in (MANIFEST, SUMS):
        kind = "application/json" if name == MANIFEST else "text/plain"
        return send_file(path, mimetype=kind, conditional=True)
    file = found.manifest.file(name)
    if file is None:
        names = ", ".join(f.name for f in found.manifest.files)
        raise NotFound(f"No dump named '{name}'. Dumps: {names}, {MANIFEST}, {SUMS}.")
    response = send_file(
        path,
        mimetype=file.served_as,
        as_attachment=True,
        download_name=name,
        etag=file.sha256,
        conditional=True,
    )
    # The digest of the whole file (RFC 9530), also on a partial (Range) response.
    digest = base64.b64encode(bytes.fromhex(file.sha256)).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


# VoID and DCAT ------------------------------------------------------------------------


@bp.route("/.well-known/void")
def void() -> Response:
    wanted = request.args.get("format")
    offered = [f.media_type for f in DESCRIPTION_FORMATS.values()]
    if wanted == "html" or (not wanted and prefers_html(request, offered)):
        response = _cached("text/html", lambda: Response(_void_page(), mimetype="text/html"))
    else:
        fmt = negotiate(DESCRIPTION_FORMATS, wanted, "a dataset description")
        response = _cached(
            fmt.media_type,
            lambda: Response(_rdf(fmt.name), mimetype=fmt.media_type),
        )
    response.vary.add("Accept")
    links = [
        f'<{url_for("dataset.void", format=f.name)}>; rel="alternate"; type="{f.media_type}"'
        for f in DESCRIPTION_FORMATS.values()
    ]
    response.headers["Link"] = ", ".join(links)
    return response


def _void_page() -> str:
    facts, found, config = _state().facts(), _state().dumps(), site().config
    language = page_language()
    shown = [c.iri for c in facts.classes] + list(facts.sources)
    if facts.example:
        shown.append(facts.example)
    return render_template(
        "void.html",
        title=description.TITLE,
        description=description.DESCRIPTION,
        facts=facts,
        manifest=found.manifest,
        labels=labels(site().catalogue.store, shown, language),
        lang=language,
        browse={c.iri: _browse_path(c.iri) for c in facts.classes},
        href=lambda iri: href(iri, config.base_iri),
        license=config.license,
        base_iri=config.base_iri,
        dataset=_urls().dataset,
        formats=DESCRIPTION_FORMATS,
        format_titles=description.FORMAT_TITLES,
        modified=description.w3c_date(found.manifest.modified),
    )


def _rdf(format_name: str) -> bytes:
    config = site().config
    triples = description.describe(
        _state().facts(),
        _state().dumps().manifest,
        _urls(),
        base_iri=config.base_iri,
        license=config.license,
    )
    return description.serialize(triples, format_name)


def _urls() -> description.Urls:
    """The description's URLs on the serving host; the dataset's IRI is a fragment of the
    description document (``/.well-known/void#dataset``)."""
    return description.Urls(
        dataset=url_for("dataset.void", _external=True) + "#dataset",
        home=url_for("browse.home", _external=True),
        endpoint=url_for("sparql.endpoint", _external=True),
        dumps=url_for("dataset.dumps", _external=True),
        download=lambda name: url_for("dataset.dump", name=name, _external=True),
    )


# Sitemap and robots.txt ----------------------------------------------------------------


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    paths = _state().paths()
    if len(paths) <= SITEMAP_URLS:
        return _cached("application/xml", lambda: _xml(_urlset(paths)))
    count = -(-len(paths) // SITEMAP_URLS)
    return _cached("application/xml", lambda: _xml(_index(count)))


@bp.route("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    paths = _state().paths()
    start = (number - 1) * SITEMAP_URLS
    if number < 1 or start >= len(paths) or len(paths) <= SITEMAP_URLS:
        raise NotFound(f"No sitemap number {number}. The list of sitemaps: /sitemap.xml.")
    return _cached("application/xml", lambda: _xml(_urlset(paths[start : start + SITEMAP_URLS])))


@bp.route("/robots.txt")
def robots() -> Response:
    lines = [
        "User-agent: *",
        "Disallow: /sparql",
        "Disallow: /search",
        "",
        f"Sitemap: {url_for('dataset.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _urlset(paths: tuple[str, ...]) -> str:
    host = request.host_url.rstrip("/")
    modified = description.w3c_date(site().catalogue.stamp.modified)
    rows = (f"<url><loc>{escape(host + p)}</loc><lastmod>{modified}</lastmod></url>" for p in paths)
    return f'<urlset xmlns="{_SITEMAP_NS}">\n' + "\n".join(rows) + "\n</urlset>\n"


def _index(count: int) -> str:
    modified = description.w3c_date(site().catalogue.stamp.modified)
    rows = (
        f"<sitemap><loc>{escape(url_for('dataset.sitemap_part', number=n, _external=True))}"
        f"</loc><lastmod>{modified}</lastmod></sitemap>"
        for n in range(1, count + 1)
    )
    return f'<sitemapindex xmlns="{_SITEMAP_NS}">\n' + "\n".join(rows) + "\n</sitemapindex>\n"


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, mimetype="application/xml")


# Shared -------------------------------------------------------------------------------


def _cached(media_type: str, make: Callable[[], Response]) -> Response:
    """``make()`` the response unless the client holds it (validators by data and host)."""
    stamp = site().catalogue.stamp
    tag = etag(stamp.digest, media_type, request.host_url, request.full_path)
    if not_modified(tag, stamp.modified):
        return cacheable(Response(status=304), tag, stamp.modified)
    return cacheable(make(), tag, stamp.modified)


def _browse_path(class_iri: str) -> str | None:
    if not class_iri.startswith(AG):
        return None
    return url_for("browse.browse_class", name=class_iri.removeprefix(AG))


def _paths(facts: description.Facts, base: str) -> tuple[str, ...]:
    """Home, the browse pages, the ontology, then each entity's page once (a hash IRI's
    page is its document's)."""
    pages = [url_for("browse.home")]
    pages += [p for c in facts.classes if (p := _browse_path(c.iri))]
    pages.append(url_for("entities.ontology"))
    for entity in facts.entities:
        path = path_of(entity.split("#", 1)[0], base)
        if path:
            pages.append(path)
    return tuple(dict.fromkeys(pages))
