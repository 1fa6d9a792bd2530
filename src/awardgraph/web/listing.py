"""The data of the home, browse, search and timeline pages: one value per page.

Templates render these values and the ``.json`` variants return ``value.json()``, so the
HTML and the JSON never disagree. Whatever scans the catalogue is cached per build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import request, url_for

from awardgraph.errors import NotFound
from awardgraph.namespaces import AG
from awardgraph.results import Result, Term
from awardgraph.web import site
from awardgraph.web.facets import Count, Facet, Picked, counts, facets_of, pick, query
from awardgraph.web.links import Label, labels, page_queries
from awardgraph.web.search import RANKS, NameIndex
from awardgraph.web.shown import Shown, cached, shown

PAGE_SIZE = 50
HEADLINE = ("AwardType", "Variant", "Specimen", "Organization", "Event", "Person", "Place")
SOURCES = ("WebPage", "Publication")


@dataclass(frozen=True)
class ClassCount:
    name: str
    """The class's local name, as ``/browse/<name>`` takes it."""
    label: Shown
    count: int


@dataclass(frozen=True)
class Source:
    link: Shown
    kind: str
    count: int


@dataclass(frozen=True)
class Home:
    triples: int
    classes: tuple[ClassCount, ...]
    headline: tuple[ClassCount, ...]
    sources: tuple[Source, ...]
    collections: tuple[Source, ...]

    def json(self) -> dict[str, Any]:
        return {"triples": self.triples, "classes": {c.name: c.count for c in self.classes}}


def _digest() -> str:
    return site().catalogue.stamp.digest


def _run(name: str, bindings: Mapping[str, Term] | None = None, text: str = "") -> Result:
    """A page query under the time limit, with no row cap (a class may have more rows)."""
    store, text = site().catalogue.store, text or page_queries()[name].text
    return site().time_limit(lambda: store.query(text, bindings))


def _names(iris: Sequence[str], language: str) -> dict[str, Shown]:
    """The one labels query of a page: each IRI as a link with its name."""
    base = site().config.base_iri
    found: Mapping[str, Label] = labels(site().catalogue.store, iris, language)
    return {iri: shown(label, language, base) for iri, label in found.items()}


def class_counts() -> dict[str, int]:
    """Members per class of the ontology, for classes that have any."""

    def count() -> dict[str, int]:
        rows = _run("browse-classes").terms
        return {
            c.value: int(n.value)
            for c, n in rows
            if isinstance(c, ox.NamedNode) and isinstance(n, ox.Literal)
        }

    return cached(("classes", _digest()), count)


def build_home(language: str) -> Home:
    def build() -> Home:
        per_class = class_counts()
        rows = [
            (s.value, k.value, int(n.value))
            for s, k, n in _run("browse-sources").terms
            if isinstance(s, ox.NamedNode)
            and isinstance(k, ox.Literal)
            and isinstance(n, ox.Literal)
        ]
        names = _names([*per_class, *(r[0] for r in rows)], language)
        classes = tuple(
            ClassCount(iri.removeprefix(AG), names[iri], n)
            for iri, n in per_class.items()
            if iri.startswith(AG)
        )
        by_name = {c.name: c for c in classes}
        found = [Source(names[s], k, n) for s, k, n in rows]
        return Home(
            site().catalogue.triples,
            tuple(sorted(classes, key=lambda c: c.label.text.casefold())),
            tuple(by_name[n] for n in (*HEADLINE, *SOURCES) if n in by_name),
            tuple(s for s in found if s.kind != "collection"),
            tuple(s for s in found if s.kind == "collection"),
        )

    return cached(("home", _digest(), language), build)


@dataclass(frozen=True)
class FacetValue:
    value: str
    """The value as the URL carries it."""
    text: str
    link: Shown | None
    count: int
    href: str
    selected: bool


@dataclass(frozen=True)
class FacetView:
    facet: Facet
    values: tuple[FacetValue, ...]
    clear: str | None
    """Where the list goes without this facet's filter, when it has one."""


@dataclass(frozen=True)
class Listing:
    name: str
    cls: Shown
    total: int
    page: int
    pages: int
    members: tuple[Shown, ...]
    facets: tuple[FacetView, ...]
    picked: tuple[tuple[str, str], ...]
    previous: str | None = None
    next: str | None = None
    first: int = field(default=0)

    def json(self) -> dict[str, Any]:
        return {
            "class": self.cls.json(),
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "filters": dict(self.picked),
            "members": [m.json() for m in self.members],
            "facets": {
                f.facet.key: [
                    {"value": v.value, "label": v.link.text if v.link else v.text}
                    | {"count": v.count, "url": v.href}
                    for v in f.values
                ]
                for f in self.facets
            },
            "next": self.next,
            "previous": self.previous,
        }


def build_listing(name: str, args: Mapping[str, str], page: int, language: str) -> Listing:
    cls = AG + name
    if not class_counts().get(cls):
        known = ", ".join(sorted(c.removeprefix(AG) for c in class_counts() if c.startswith(AG)))
        raise NotFound(f"No class '{name}' with members to browse. Classes: {known}.")
    base = site().config.base_iri
    facets = facets_of(cls)
    picked = pick(facets, args, base)
    chosen = tuple((p.facet.key, p.text) for p in picked)
    members = _members(cls, picked, chosen)
    pages = max(1, -(-len(members) // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"Page {page} of '{name}' does not exist: the list has {pages} pages.")
    shown_iris = members[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    found = [(f, _facet_counts(cls, f, picked)) for f in facets]
    value_iris = [c.iri for _, cs in found for c in cs if c.iri]
    names = _names([cls, *shown_iris, *value_iris], language)
    params = {"lang": args_lang()} if args_lang() else {}

    def link(pairs: Sequence[tuple[str, str]], to: int = 1) -> str:
        values: dict[str, Any] = {**dict(pairs), **params, **_at(to)}
        return url_for("browse.browse_class", name=name, **values)

    views = tuple(
        FacetView(
            facet,
            tuple(
                FacetValue(
                    c.value,
                    _value_text(facet, c),
                    names[c.iri] if c.iri else None,
                    c.count,
                    link([*(p for p in chosen if p[0] != facet.key), (facet.key, c.value)]),
                    (facet.key, c.value) in chosen,
                )
                for c in cs
            ),
            link([p for p in chosen if p[0] != facet.key]) if facet.key in dict(chosen) else None,
        )
        for facet, cs in found
        if cs
    )
    return Listing(
        name,
        names[cls],
        len(members),
        page,
        pages,
        tuple(names[i] for i in shown_iris),
        views,
        chosen,
        link(chosen, page - 1) if page > 1 else None,
        link(chosen, page + 1) if page < pages else None,
        (page - 1) * PAGE_SIZE + 1,
    )


def args_lang() -> str:
    """The ``lang`` parameter, kept on the page's links when the reader gave it."""
    return request.args.get("lang", "")


def _at(page: int) -> dict[str, int]:
    return {"page": page} if page > 1 else {}


def _members(cls: str, picked: Sequence[Picked], chosen: tuple[tuple[str, str], ...]) -> list[str]:
    def run() -> list[str]:
        text, bindings = query("members", picked, cls)
        result = _run("", bindings, text)
        at = result.variables.index("item")
        found = (row[at] for row in result.terms)
        return [item.value for item in found if isinstance(item, ox.NamedNode)]

    return cached(("members", _digest(), cls, chosen), run)


def _facet_counts(cls: str, facet: Facet, picked: Sequence[Picked]) -> list[Count]:
    others = [p for p in picked if p.facet.key != facet.key]
    key = ("facet", _digest(), cls, facet.key, tuple((p.facet.key, p.text) for p in others))

    def run() -> list[Count]:
        text, bindings = query(f"facet-{facet.kind}", others, cls)
        bindings["property"] = ox.NamedNode(facet.property)
        return counts(facet, _run("", bindings, text), site().config.base_iri)

    return cached(key, run)


def _value_text(facet: Facet, count: Count) -> str:
    if facet.kind == "decade":
        return f"{count.value}s"
    return count.value


@dataclass(frozen=True)
class Match:
    link: Shown
    matched: str
    rank: str
    types: tuple[Shown, ...]


@dataclass(frozen=True)
class Found:
    query: str
    total: int
    page: int
    pages: int
    matches: tuple[Match, ...]
    classes: tuple[ClassCount, ...]
    previous: str | None = None
    next: str | None = None

    def json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "results": [
                {
                    **m.link.json(),
                    "matched": m.matched,
                    "rank": m.rank,
                    "types": [t.json() for t in m.types],
                }
                for m in self.matches
            ],
            "next": self.next,
            "previous": self.previous,
        }


def build_search(text: str, page: int, language: str) -> Found:
    home = build_home(language)
    if not text:
        return Found("", 0, 1, 1, (), home.headline)
    index = cached(("names", _digest()), lambda: NameIndex.of(site().catalogue.store))
    hits = index.find(text)
    pages = max(1, -(-len(hits) // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"Page {page} of the search for '{text}' does not exist ({pages} pages).")
    on_page = hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    names = _names([h.iri for h in on_page], language)
    class_names = {AG + c.name: c.label for c in home.classes}
    params = {"lang": args_lang()} if args_lang() else {}

    def link(to: int) -> str:
        values: dict[str, Any] = {"q": text, **params, **_at(to)}
        return url_for("browse.search", **values)

    matches = tuple(
        Match(
            names[h.iri],
            h.name,
            RANKS[h.rank],
            tuple(class_names[t] for t in names[h.iri].types if t in class_names),
        )
        for h in on_page
    )
    return Found(
        text,
        len(hits),
        page,
        pages,
        matches,
        home.headline,
        link(page - 1) if page > 1 else None,
        link(page + 1) if page < pages else None,
    )
