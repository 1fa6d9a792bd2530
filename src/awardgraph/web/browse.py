"""Home and browse pages: what the catalogue is, its classes with facets, search and timeline.

Each view builds one value (``Home``, ``Listing``, ``Found``, ``Timeline``) that a template
renders or ``.json`` returns as it is. Answers that scan the catalogue (counts per class,
a class's members in order, facet counts, the name index) are computed once per build and
per app (``shown.cached``): on a million-triple catalogue a facet count over 56,000
specimens takes about 200 ms in Oxigraph, a page of them in name order about 500 ms.
Every page asks for the names of what it shows in one query (``links.labels``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from awardgraph.errors import BadQuery
from awardgraph.web import site
from awardgraph.web.http import cacheable, etag, not_modified, page_language
from awardgraph.web.listing import (
    PAGE_SIZE,
    build_home,
    build_listing,
    build_search,
)
from awardgraph.web.timeline import build_timeline

bp = Blueprint("browse", __name__)


@bp.route("/")
def home() -> Response:
    return _page("home.html", build_home)


@bp.route("/browse/<name>")
def browse_class(name: str) -> Response:
    return _page("browse.html", lambda lang: build_listing(name, _args(), _page_number(), lang))


@bp.route("/browse/<name>.json")
def browse_class_json(name: str) -> Response:
    return _json(lambda lang: build_listing(name, _args(), _page_number(), lang))


@bp.route("/search")
def search() -> Response:
    return _page("search.html", lambda lang: build_search(_query(), _page_number(), lang))


@bp.route("/search.json")
def search_json() -> Response:
    return _json(lambda lang: build_search(_query(), _page_number(), lang))


@bp.route("/timeline")
def timeline() -> Response:
    return _page("timeline.html", build_timeline)


@bp.route("/timeline.json")
def timeline_json() -> Response:
    return _json(build_timeline)


def _page(template: str, build: Callable[[str], Any]) -> Response:
    def render(data: Any, language: str) -> Response:
        body = render_template(template, data=data, lang=language, page_size=PAGE_SIZE)
        return Response(body, mimetype="text/html")

    return _answer("text/html", build, render)


def _json(build: Callable[[str], Any]) -> Response:
    return _answer("application/json", build, lambda data, _: jsonify(data.json()))


def _answer(
    media_type: str, build: Callable[[str], Any], render: Callable[[Any, str], Response]
) -> Response:
    """``render`` what ``build`` makes for the page's language, or a 304 when unchanged."""
    language = page_language()
    stamp = site().catalogue.stamp
    tag = etag(stamp.digest, media_type, request.full_path, language)
    if not_modified(tag, stamp.modified):
        return _vary(cacheable(Response(status=304), tag, stamp.modified))
    return _vary(cacheable(render(build(language), language), tag, stamp.modified))


def _vary(response: Response) -> Response:
    if "lang" not in request.args:
        response.vary.add("Accept-Language")
    return response


def _args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in ("page", "lang")}


def _query() -> str:
    return request.args.get("q", "").strip()


def _page_number() -> int:
    given = request.args.get("page", "1").strip() or "1"
    if not given.isdigit() or int(given) < 1:
        raise BadQuery(f"Parameter 'page': '{given}' is not a page number (1, 2, 3…).")
    return int(given)
