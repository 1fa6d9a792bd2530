"""HTTP details shared by every view: negotiation, conditional requests, CORS and gzip.

Negotiation reads the one format table (``awardgraph.formats``) and Werkzeug's ``Accept``
parser, which honours q-values and wildcards (RFC 9110, section 12.5.1). Responses carry
weak ``ETag``s derived from the published data, so a matching conditional GET costs no
query (section 13.1).
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping, Sequence
from email.utils import formatdate
from functools import lru_cache

from flask import Flask, Request, Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from awardgraph.errors import NotAcceptable
from awardgraph.formats import Format
from awardgraph.web.links import LANGUAGES

HTML = "text/html"
_COMPRESSIBLE = ("text/", "application/")
_GZIP_MIN_BYTES = 1024
_CORS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Last-Modified, X-SPARQL-MaxRows"),
]
_PREFLIGHT = [
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match, If-Modified-Since"),
    ("Access-Control-Max-Age", "86400"),
]


def page_language() -> str:
    """The language a page shows labels in: ``?lang=`` if given, else ``Accept-Language``."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(LANGUAGES)
    return best or LANGUAGES[0]


def prefers_html(req: Request, others: Sequence[str]) -> bool:
    """Whether the client ranks HTML above every other type offered (a browser does)."""
    return _best(req.headers.get("Accept", ""), (*others, HTML)) == HTML


def negotiate(table: Mapping[str, Format], wanted: str | None, what: str) -> Format:
    """The format named by ``wanted`` (a ``format`` parameter), else the best by ``Accept``.

    The table's first format is the default, for a request with no ``Accept`` or ``*/*``.
    """
    formats = tuple(table.values())
    if wanted:
        key = wanted.strip().lower()
        for fmt in formats:
            short = (a.split("/")[1] for a in fmt.aliases)  # json, xml: what clients send
            if key in (fmt.name, fmt.media_type, fmt.suffix.lstrip("."), *fmt.aliases, *short):
                return fmt
        raise NotAcceptable(
            f"Format '{wanted}' cannot carry {what}. Choose one of: "
            f"{', '.join(f.name for f in formats)}."
        )
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return formats[0]
    by_type = _offers(formats)
    best = _best(accept, tuple(by_type))
    if best is None:
        raise NotAcceptable(
            f"None of the media types accepted ({accept}) can carry {what}. "
            f"Accept one of: {', '.join(f.media_type for f in formats)}."
        )
    return by_type[best]


@lru_cache(maxsize=256)  # clients send the same few Accept headers again and again
def _best(accept: str, offered: tuple[str, ...]) -> str | None:
    return parse_accept_header(accept, MIMEAccept).best_match(offered)


@lru_cache(maxsize=16)
def _offers(formats: tuple[Format, ...]) -> dict[str, Format]:
    """Media types to formats, each format's own type first, then its aliases."""
    by_type = {fmt.media_type: fmt for fmt in formats}
    for fmt in formats:
        for alias in fmt.aliases:
            by_type.setdefault(alias, fmt)
    return by_type


def etag(digest: str, *parts: str) -> str:
    """A weak entity tag for one representation of the published data."""
    variant = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    return f"{digest[:16]}-{variant}"


def not_modified(tag: str, modified: float) -> bool:
    """Whether a GET's validators show the client already holds this representation."""
    environ = request.environ
    if request.method not in ("GET", "HEAD") or not (
        "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
    ):
        return False
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return since is not None and int(modified) <= since.timestamp()


def cacheable(response: Response, tag: str, modified: float) -> Response:
    response.headers.extend([("ETag", f'W/"{tag}"'), ("Last-Modified", _http_date(modified))])
    return response


@lru_cache(maxsize=4)
def _http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def init_app(app: Flask) -> None:
    app.after_request(_cors)
    app.after_request(_gzip)


def _cors(response: Response) -> Response:
    """Let pages on other sites query the catalogue: it is public and read-only."""
    response.headers.extend(_CORS)
    if request.method == "OPTIONS":
        response.headers.extend(_PREFLIGHT)
    return response


def _gzip(response: Response) -> Response:
    """Compress text answers of 1 KiB or more for clients that take gzip."""
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return response
    if request.endpoint == "static" and response.status_code == 200:
        response.direct_passthrough = False  # read the file, to compress it
    if (
        response.direct_passthrough
        or response.status_code not in (200, 400, 404)
        or not request.accept_encodings["gzip"]
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(_COMPRESSIBLE)
    ):
        return response
    body = response.get_data()
    if len(body) < _GZIP_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    return response
