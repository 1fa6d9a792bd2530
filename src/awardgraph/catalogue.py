"""One configured catalogue and the operations the CLI and the web share.

The store is a SPARQL server when ``config.store_url`` is set, the on-disk store at
``config.store_path`` when that is, otherwise built (and validated) in memory, once per
``Catalogue``. Put one on the Flask app in ``create_app``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any, BinaryIO, TextIO

from awardgraph.build import Publication, Stamp, build
from awardgraph.config import Config
from awardgraph.errors import ConfigError, NotFound
from awardgraph.files import read_whole
from awardgraph.formats import graph_format
from awardgraph.queries import NamedQuery, load_queries, resolve
from awardgraph.remote import RemoteStore
from awardgraph.results import Result
from awardgraph.stats import Stats, stats
from awardgraph.store import BaseStore, Store


class Catalogue:
    """The catalogue's store and canned queries, loaded on first use."""

    def __init__(self, config: Config, publication: Publication | None = None) -> None:
        """Use ``publication`` (a build already made) when given."""
        self.config = config
        self._publication = publication

    @cached_property
    def store(self) -> BaseStore:
        if self._publication is None and self.config.store_url is not None:
            return RemoteStore.of(self.config)
        if self._publication is None and self.config.store_path is not None:
            return self._on_disk[0]
        return self._built().store

    @cached_property
    def stamp(self) -> Stamp:
        """What identifies the published data, for HTTP caches."""
        if self._publication is None and isinstance(self.store, RemoteStore):
            found = self.store.publication()
            if found is None:
                raise NotFound(
                    f"The SPARQL store at {self.config.store_url} holds no catalogue loaded "
                    f"by awardgraph. Load it: awardgraph build --store {self.config.store_url}"
                )
            return Stamp(*found)
        if self._publication is None and self.config.store_path is not None:
            return self._on_disk[1]
        return self._built().stamp

    @cached_property
    def _on_disk(self) -> tuple[Store, Stamp]:
        """The on-disk store and its stamp, both from one build even while another build
        swaps in a new store (so that an ``ETag`` never names data it was not made from)."""
        path, base_iri = self.config.store_path, self.config.base_iri
        assert path is not None
        return read_whole(path, lambda: (Store.open(path, base_iri), Stamp.read(path)))

    def _built(self) -> Publication:
        if self._publication is None:
            self._publication = build(self.config)
        return self._publication

    @cached_property
    def queries(self) -> dict[str, NamedQuery]:
        """The canned queries in ``queries_dir``, by name."""
        return load_queries(self.config.require("queries_dir"))

    def query(
        self, ref: str, params: Mapping[str, str] | None = None, stdin: TextIO | None = None
    ) -> Result:
        """Run a ``.rq`` file, standard input (``-``) or a canned query, with parameters."""
        named = resolve(self.queries, ref, stdin)
        return self.store.query(named.text, named.bindings(params or {}, self.config.base_iri))

    def export(self, format_name: str, out: BinaryIO) -> None:
        """Write the whole catalogue in one of the graph formats."""
        fmt = graph_format(format_name)
        context = self.context() if fmt.name == "jsonld" else None
        self.store.export(fmt.name, out, context=context)

    def context(self) -> Mapping[str, Any]:
        """The "@context" object of the JSON-LD context file."""
        path = self.config.require("context_file")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            shown = self.config.display(path)
            raise ConfigError(f"Cannot read JSON-LD context '{shown}': {error}") from error
        context = document.get("@context") if isinstance(document, dict) else None
        if not isinstance(context, dict):
            shown = self.config.display(path)
            raise ConfigError(f"JSON-LD context '{shown}' has no \"@context\" object.")
        return context

    @cached_property
    def triples(self) -> int:
        """Distinct triples in the merge of all graphs, counted once."""
        return self.store.count_triples()

    def stats(self) -> Stats:
        return stats(self.store)
