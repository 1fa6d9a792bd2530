"""Facets of a class page: which members to list, how many there are, and by what to narrow them.

A facet groups a class's members by the value of a property (its kind, its material, the
organization it is related to: sub-properties count), by the decade of a year, or by
whether they have a property at all. Each filter the reader picks is the body of one
``browse-filter-*.rq`` query, added to the members, count and facet queries where their
``#FILTERS`` line is, with its variables renamed for its place (and projected where the
``#BOUND`` lines are); values are always bound as RDF terms, never written into the query
text. A facet's counts apply every filter but
its own, so that a count is what the list shows once that value is picked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

import pyoxigraph as ox

from awardgraph.errors import BadQuery
from awardgraph.namespaces import AG, PREFIXES
from awardgraph.results import Result, Term
from awardgraph.web.links import page_queries

SKOS = PREFIXES["skos"]
Kind = Literal["value", "decade", "presence"]
_DECADE = re.compile(r"^-?\d{1,3}0$")
_PRESENCE = {"yes": True, "no": False}
_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)
_RENAMED = re.compile(r"\?(\w+)_F\b")
_FILTERS = re.compile(r"^[ \t]*#FILTERS[ \t]*$", re.MULTILINE)
_BOUND = re.compile(r"^[ \t]*#BOUND[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Facet:
    """A way to narrow a class's members: the URL parameter ``key`` holds the picked value."""

    key: str
    title: str
    property: str
    kind: Kind = "value"


FACETS: Mapping[str, tuple[Facet, ...]] = {
    AG + "AwardType": (
        Facet("kind", "Kind", AG + "kind"),
        Facet("organization", "Organization", AG + "relatedOrganization"),
        Facet("material", "Material", AG + "material"),
        Facet("established", "Decade established", AG + "established", "decade"),
        Facet("commemorates", "Commemorates", AG + "commemorates"),
    ),
    AG + "Variant": (
        Facet("award", "Award type", SKOS + "broader"),
        Facet("material", "Material", AG + "material"),
    ),
    AG + "Specimen": (
        Facet("award", "Award type", AG + "specimenOf"),
        Facet("material", "Material", AG + "material"),
        Facet("numbered", "Numbered", AG + "serialNumber", "presence"),
        Facet("collection", "Collection", AG + "inCollection"),
    ),
    AG + "Event": (
        Facet("decade", "Decade", AG + "year", "decade"),
        Facet("place", "Place", AG + "place"),
    ),
    AG + "Organization": (Facet("authority", "Under the authority of", AG + "underAuthorityOf"),),
    AG + "Mark": (
        Facet("type", "Mark type", AG + "markType"),
        Facet("side", "Side", AG + "side"),
    ),
    AG + "Document": (Facet("type", "Document type", AG + "documentType"),),
    AG + "Citation": (Facet("source", "Source", PREFIXES["dcterms"] + "source"),),
}


@dataclass(frozen=True)
class Picked:
    """A facet value the reader chose: its text in the URL and its RDF term."""

    facet: Facet
    text: str
    term: Term


@dataclass(frozen=True)
class Count:
    """One value of a facet and how many members have it."""

    value: str
    """The value as the URL carries it (``ag:silver``, ``award/x``, ``1930``, ``yes``)."""
    iri: str | None
    """The value's IRI, to label and link it; None for a decade or a yes/no."""
    count: int


def facets_of(cls: str) -> tuple[Facet, ...]:
    return FACETS.get(cls, ())


def compact(iri: str, base_iri: str) -> str:
    """An IRI as a URL parameter carries it: relative to the base, prefixed, or whole."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    if iri.startswith(base_iri) and len(iri) > len(base_iri):
        return iri[len(base_iri) :]
    return iri


def pick(facets: Sequence[Facet], args: Mapping[str, str], base_iri: str) -> tuple[Picked, ...]:
    """The filters that the URL parameters name (empty values ignored), as RDF terms."""
    return tuple(
        Picked(facet, value, _term(facet, value, base_iri))
        for facet in facets
        if (value := args.get(facet.key, "").strip())
    )


def _term(facet: Facet, value: str, base_iri: str) -> Term:
    if facet.kind == "decade":
        if not _DECADE.match(value):
            raise BadQuery(
                f"Parameter '{facet.key}': '{value}' is not a decade. Give its first year, "
                "such as 1930."
            )
        return ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
    if facet.kind == "presence":
        if value not in _PRESENCE:
            raise BadQuery(f"Parameter '{facet.key}': '{value}' is neither 'yes' nor 'no'.")
        return ox.Literal("true" if _PRESENCE[value] else "false")
    prefix, colon, local = value.partition(":")
    full = PREFIXES[prefix] + local if colon and prefix in PREFIXES else urljoin(base_iri, value)
    try:
        return ox.NamedNode(full)
    except ValueError as error:
        raise BadQuery(f"Parameter '{facet.key}': '{value}' is not an IRI ({error}).") from None


def query(name: str, picked: Sequence[Picked], cls: str) -> tuple[str, dict[str, Term]]:
    """The text of ``browse-<name>.rq`` with the filters added, and its bindings."""
    bindings: dict[str, Term] = {"class": ox.NamedNode(cls)}
    bodies = []
    for index, chosen in enumerate(picked):
        facet = chosen.facet
        if facet.kind == "presence":
            fragment = "with" if chosen.text == "yes" else "without"
        else:
            fragment = facet.kind
        bodies.append(_body(f"browse-filter-{fragment}", index))
        bindings[f"property_{index}"] = ox.NamedNode(facet.property)
        if facet.kind != "presence":
            bindings[f"value_{index}"] = chosen.term
    bound = " ".join(f"?{k}" for k in bindings if k[-1].isdigit())
    text = _FILTERS.sub(lambda _: "\n".join(bodies), page_queries()[f"browse-{name}"].text)
    return _BOUND.sub(bound, text), bindings


def _body(name: str, index: int) -> str:
    """The group pattern of a filter query, its ``_F`` variables renamed ``_<index>``."""
    text = _COMMENT.sub("", page_queries()[name].text)
    body = text[text.index("{", text.index("WHERE")) + 1 : text.rindex("}")]
    return _RENAMED.sub(rf"?\1_{index}", body)


def counts(facet: Facet, result: Result, base_iri: str) -> list[Count]:
    """A facet query's rows (value, count) as counts to show."""
    found = []
    at_value, at_count = result.variables.index("value"), result.variables.index("count")
    for row in result.terms:
        value, count = row[at_value], row[at_count]
        if not isinstance(count, ox.Literal) or value is None:
            continue
        if isinstance(value, ox.NamedNode):
            found.append(Count(compact(value.value, base_iri), value.value, int(count.value)))
        elif isinstance(value, ox.Literal):
            text = value.value
            if facet.kind == "presence":
                text = "yes" if text in ("true", "1") else "no"
            found.append(Count(text, None, int(count.value)))
    return [c for c in found if c.count]
