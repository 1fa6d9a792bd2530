"""Where each resource lives on this site, and what a page calls it.

An IRI under the configured base (``https://awardgraph.example/award/x``) is served at
the same path on this site (``/award/x``), whatever host the site runs on; any other IRI
is linked as it is. Labels come from one query per page (``queries/labels.rq``) over all
the IRIs the page shows, in the page's language, with the other language kept to show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from awardgraph.namespaces import ONTOLOGY_IRI, SHAPES_IRI, Namer
from awardgraph.queries import NamedQuery, load_queries
from awardgraph.store import BaseStore

LANGUAGES = ("en", "ru")
"""The languages a page can be shown in; the first is the default."""
QUERIES_DIR = Path(__file__).parent / "queries"
_DOCUMENTS = ((ONTOLOGY_IRI, "/ontology"), (SHAPES_IRI, "/shapes"))
SAFE = "/:@!$&'()*+,;=-._~#"
"""Characters left as they are when a path is written in a URL (RFC 3986 pchar and "/")."""


@cache
def page_queries() -> Mapping[str, NamedQuery]:
    """The SPARQL the pages run (``web/queries/*.rq``), read once."""
    return load_queries(QUERIES_DIR)


def path_of(iri: str, base_iri: str) -> str | None:
    """The site path serving ``iri`` (``/award/x``), or None when it is not under the base.

    Characters outside ASCII are percent-encoded as UTF-8 (RFC 3987, section 3.1).
    """
    if not iri.startswith(base_iri) or len(iri) == len(base_iri):
        return None
    return "/" + quote(iri[len(base_iri) :], safe=SAFE)


def iri_of(path: str, base_iri: str) -> str:
    """The IRI a site path names: the inverse of ``path_of``, for a path that the web
    server has already percent-decoded (as Werkzeug gives it)."""
    return base_iri + path.lstrip("/")


def href(iri: str, base_iri: str) -> str:
    """Where a link to ``iri`` goes: its page here, or the IRI itself elsewhere.

    The vocabulary's and the shapes' terms are described here whatever the base IRI.
    """
    for document, path in _DOCUMENTS:
        if iri == document or iri.startswith(document + "#"):
            return path + iri[len(document) :]
    return path_of(iri, base_iri) or iri


@dataclass(frozen=True)
class Label:
    """What a page calls a resource: a name in the page's language where there is one."""

    iri: str
    text: str
    language: str = ""
    """The text's language tag; empty for an IRI's short form."""
    others: tuple[tuple[str, str], ...] = ()
    """Names in other languages (and alternative names): (text, language) pairs."""
    types: tuple[str, ...] = ()
    named: bool = True
    """False when no label was found and ``text`` is the IRI's short form."""
    inverse: str = ""
    """For a property: how a page titles the resources linking by it (ag:inverseLabel)."""
    quote: tuple[str, str] | None = None
    """For a citation: the sentence and its language."""
    source: str = ""
    """For a citation: the IRI of its source page, and that page's label below."""
    source_label: str = ""


@dataclass
class _Found:
    labels: list[tuple[str, str]] = field(default_factory=list)
    alts: list[tuple[str, str]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    extra: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))


def labels(
    store: BaseStore, iris: Iterable[str], language: str = LANGUAGES[0], namer: Namer | None = None
) -> dict[str, Label]:
    """Labels and types of ``iris`` in one query, preferring ``language``.

    Every IRI asked for gets a ``Label``; one with no label in the data is called by its
    short form (``ag:Award``, ``<award/x>``).
    """
    wanted = sorted(set(iris))
    namer = namer or Namer(store.base_iri)
    if not wanted:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in wanted)
    text = page_queries()["labels"].text.replace(
        "VALUES ?item { }", f"VALUES ?item {{ {values} }}", 1
    )
    found: dict[str, _Found] = defaultdict(_Found)
    for item, kind, value in store.query(text).terms:
        assert isinstance(item, ox.NamedNode) and isinstance(kind, ox.Literal)
        entry = found[item.value]
        if isinstance(value, ox.NamedNode) and kind.value == "type":
            entry.types.append(value.value)
        elif isinstance(value, ox.NamedNode):
            entry.extra[kind.value].append((value.value, ""))
        elif isinstance(value, ox.Literal):
            pair = (value.value, value.language or "")
            {"label": entry.labels, "alt": entry.alts}.get(
                kind.value, entry.extra[kind.value]
            ).append(pair)
    return {i: _label(i, found.get(i), language, namer) for i in wanted}


def _label(iri: str, found: _Found | None, language: str, namer: Namer) -> Label:
    if found is None:
        return Label(iri, _short(iri, namer), named=False)
    names = [*found.labels, *found.alts]
    ranked = [
        (_rank(lang, language), n >= len(found.labels), text, lang)
        for n, (text, lang) in enumerate(names)
    ]
    best = min(ranked)[2:] if names else (_short(iri, namer), "")
    others = [p for p in dict.fromkeys([*found.labels, *found.alts]) if p != best]
    quotes = found.extra["quote"]
    return Label(
        iri,
        best[0],
        best[1],
        tuple(others),
        tuple(sorted(found.types)),
        named=bool(names),
        inverse=_best(found.extra["inverse"], language)[0],
        quote=_best(quotes, language) if quotes else None,
        source=_best(found.extra["source"], language)[0],
        source_label=_best(found.extra["source-label"], language)[0],
    )


def _best(pairs: Sequence[tuple[str, str]], language: str) -> tuple[str, str]:
    """The (text, language) pair to show on a page in ``language``; ("", "") if none."""
    return min(pairs, key=lambda pair: (_rank(pair[1], language), pair[0]), default=("", ""))


def _rank(tag: str, language: str) -> int:
    """Prefer the page's language, then no tag, then English, then anything."""
    primary = tag.split("-")[0].lower()
    return 0 if primary == language else 1 if not tag else 2 if primary == "en" else 3


def _short(iri: str, namer: Namer) -> str:
    short = namer.iri(iri)
    return short[1:-1] if short.startswith("<") else short


def sort_key(label: Label) -> tuple[str, str]:
    return (label.text.casefold(), label.iri)
