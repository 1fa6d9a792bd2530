"""The web app: ``create_app`` owns the catalogue; blueprints serve SPARQL and the pages.

``app.extensions["awardgraph"]`` holds the ``Site``: the catalogue (its store, canned
queries and stamp) and the time limit its queries run under. Views reach it through
``site()``. Behind reverse proxies (``proxy_hops``), Werkzeug's ``ProxyFix`` takes the
client's scheme and host from their ``X-Forwarded-*`` headers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.querytext import refuse_hazards
from awardgraph.results import Result, Term
from awardgraph.timelimit import TimeLimit
from awardgraph.web.cache import PageCache
from awardgraph.web.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class Site:
    """What the app serves and the limits it serves it under."""

    catalogue: Catalogue
    time_limit: TimeLimit
    pages: PageCache = field(default_factory=lambda: PageCache(0))
    """Rendered entity pages and descriptions (``page_cache`` setting)."""

    @property
    def config(self) -> Config:
        return self.catalogue.config

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The ontology's terms and the shapes, read once."""
        return load_vocabulary(self.catalogue.store, self.config.require("shapes_file"))

    def run(self, text: str, bindings: Mapping[str, Term] | None = None) -> Result:
        """Run a query under the web's rules (read-only, local, time-limited, row-capped),
        for a page to show its rows."""
        refuse_hazards(text)
        store, max_rows = self.catalogue.store, self.config.max_rows or None
        return self.time_limit(lambda: store.query(text, bindings, max_rows=max_rows))

    def answer(
        self,
        text: str,
        format_name: str,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, bool]:
        """Run a query under the web's rules and write the answer in ``format_name``;
        also say whether rows were cut."""
        refuse_hazards(text)
        store, max_rows = self.catalogue.store, self.config.max_rows or None
        return self.time_limit(
            lambda: store.answer(
                text,
                format_name,
                bindings,
                max_rows=max_rows,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
            )
        )


def create_app(config: Config | None = None, catalogue: Catalogue | None = None) -> Flask:
    """A Flask app serving ``catalogue`` (default: one over ``config``, loaded on first use)."""
    from awardgraph.web import browse, dataset, entities, errors, http, pages, sparql

    if catalogue is None:
        catalogue = Catalogue(config or Config.load())
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = catalogue.config.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    config = catalogue.config
    app.extensions["awardgraph"] = Site(
        catalogue, TimeLimit(config.query_timeout), PageCache(config.page_cache)
    )
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(entities.bp)  # last: its catch-all path yields to the others
    app.jinja_env.filters["date"] = _date
    http.init_app(app)
    errors.init_app(app)
    if config.proxy_hops:
        # Links and redirects name the host and scheme the client used, not the proxy's
        # request to this app: https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/
        hops = config.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=0
        )
    return app


def _date(seconds: float) -> str:
    """A timestamp as a page shows it: 24 November 2026."""
    when = time.gmtime(seconds)
    return f"{when.tm_mday} {time.strftime('%B %Y', when)}"


def site() -> Site:
    found: Site = current_app.extensions["awardgraph"]
    return found
