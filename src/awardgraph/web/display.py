"""How pages show values: numbers and dates as people write them, properties in groups.

Approximate and lower-bound counts read "about 50,000" and "over 2,000,000"; a partial
date is shown as precise as it was stated ("1938"); a property's values are grouped by
what they say (names, classification, facts, links, matches elsewhere).
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup, escape

from awardgraph.namespaces import AG, PREFIXES, XSD
from awardgraph.web.description import RDF_TYPE, Description, Property, Shown
from awardgraph.web.links import Label
from awardgraph.web.vocabulary import Vocabulary

SKOS, RDFS, DCTERMS = PREFIXES["skos"], PREFIXES["rdfs"], PREFIXES["dcterms"]
QUALIFIED = {AG + "approximately": "about", AG + "atLeast": "over", AG + "exact": ""}
_NAMES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", DCTERMS + "title")
_CLASSIFICATION = (
    RDF_TYPE, AG + "kind", SKOS + "broader", AG + "specimenOf", AG + "variant",
    AG + "documentType", AG + "markType", AG + "measures",
)  # fmt: skip
_ELSEWHERE = (SKOS + "exactMatch", SKOS + "closeMatch", PREFIXES["owl"] + "sameAs")
_NUMBERS = {XSD + n for n in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}
GROUPS = ("Names", "Classification", "Facts", "Related", "Elsewhere")
WELL_KNOWN = {
    RDF_TYPE: "type",
    RDFS + "label": "name",
    RDFS + "comment": "comment",
    RDFS + "seeAlso": "see also",
    SKOS + "prefLabel": "preferred name",
    SKOS + "altLabel": "also called",
    SKOS + "broader": "variant of",
    SKOS + "exactMatch": "same as",
    SKOS + "closeMatch": "close to",
    DCTERMS + "title": "title",
    DCTERMS + "source": "source",
    PREFIXES["owl"] + "sameAs": "same as",
}
"""Names for the standard terms a page shows, which the catalogue's data does not label."""


def property_name(iri: str, labels: Mapping[str, Label]) -> str:
    found = labels.get(iri)
    if found is not None and found.named:
        return found.text
    return WELL_KNOWN.get(iri) or (found.text if found else iri)


def group_of(prop: Property) -> str:
    if prop.iri in _NAMES:
        return "Names"
    if prop.iri in _CLASSIFICATION:
        return "Classification"
    if prop.iri in _ELSEWHERE:
        return "Elsewhere"
    if all(isinstance(v.term, ox.Literal) for v in prop.values):
        return "Facts"
    return "Related"


def grouped(
    properties: Sequence[Property], labels: Mapping[str, Label]
) -> list[tuple[str, list[Property]]]:
    """The properties by group, in the order of ``GROUPS``, each group by label."""
    groups: dict[str, list[Property]] = {g: [] for g in GROUPS}
    for prop in properties:
        groups[group_of(prop)].append(prop)
    order = {iri: n for n, iri in enumerate((*_NAMES, *_CLASSIFICATION))}

    def key(prop: Property) -> tuple[int, str]:
        return (order.get(prop.iri, len(order)), labels[prop.iri].text.casefold())

    return [(g, sorted(props, key=key)) for g, props in groups.items() if props]


def literal_text(term: ox.Literal, qualifier: str = "", language: str = "en") -> str:
    """A literal as a page shows it: "about 50,000", "1938", "March 1938", "yes"."""
    datatype = term.datatype.value
    text = term.value
    if datatype in _NUMBERS and text.lstrip("+-").isdigit():
        sep = "\u00a0" if language == "ru" else ","
        text = f"{int(text):,}".replace(",", sep)
    elif datatype == XSD + "decimal" or datatype == XSD + "double":
        text = text.rstrip("0").rstrip(".") if "." in text and "e" not in text.lower() else text
    elif datatype == XSD + "boolean":
        text = "yes" if text in ("true", "1") else "no"
    elif datatype == XSD + "gYearMonth" and len(text) >= 7 and text[-3] == "-":
        text = f"{calendar.month_name[int(text[-2:])]} {text[:-3]}"
    words = QUALIFIED.get(qualifier, "")
    return f"{words} {text}" if words else text


def summary(description: Description, labels: Mapping[str, Label]) -> str:
    """One line: the most telling facts (kind, year, what it is a piece or variant of)."""
    parts: list[str] = []
    wanted = (AG + "kind", AG + "established", SKOS + "broader", AG + "specimenOf",
              AG + "serialNumber", AG + "material", AG + "year", AG + "startYear")  # fmt: skip
    found = {p.iri: p for p in description.properties}
    for iri in wanted:
        prop = found.get(iri)
        if prop is None:
            continue
        texts = [_text(v, labels) for v in prop.values]
        name = labels[iri].text
        if iri in (AG + "kind", AG + "material"):
            parts.append(", ".join(texts))
        elif iri == AG + "serialNumber":
            parts.append("No. " + ", ".join(texts))
        else:
            parts.append(f"{name} {', '.join(texts)}")
    return " · ".join(parts)


def _text(shown: Shown, labels: Mapping[str, Label]) -> str:
    if isinstance(shown.term, ox.Literal):
        return literal_text(shown.term, shown.qualifier)
    return labels[shown.term.value].text if shown.term.value in labels else str(shown.term)


def schema_org(
    description: Description, vocabulary: Vocabulary, url: str, summary_text: str
) -> Markup:
    """The resource as schema.org JSON-LD for search engines, mapped through the ontology's
    matches to schema.org (``skos:closeMatch`` and sub-class/property links)."""
    labels = description.labels
    types = [vocabulary.schema_org(t) for t in description.types]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": next((t.rsplit("/", 1)[1] for t in types if t), "Thing"),
        "@id": description.iri,
        "url": url,
        "name": description.label.text,
    }
    if summary_text:
        data["description"] = summary_text
    others = [text for text, _ in description.label.others]
    if others:
        data["alternateName"] = others
    for prop in description.properties:
        term = vocabulary.schema_org(prop.iri)
        if term is None or prop.iri == RDF_TYPE:
            continue
        values = [_text(v, labels) for v in prop.values]
        data[term.rsplit("/", 1)[1]] = values[0] if len(values) == 1 else values
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # Inside <script>, "</" would end the element; JSON allows "\u003c" for "<".
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def link(label: Label, url: str, language: str) -> Markup:
    """A link to a resource, by its name, marked with the name's language if not the page's."""
    kind = "" if label.named else ' class="iri"'
    lang = (
        f' lang="{escape(label.language)}"' if label.language and label.language != language else ""
    )
    return Markup(
        f'<a href="{escape(url)}"{kind} title="{escape(label.iri)}"{lang}>{escape(label.text)}</a>'
    )


def cites(numbers: Sequence[int]) -> Markup:
    """The numbers of the sentences stating a value, each a link to the sentence."""
    return Markup(
        "".join(
            f'<a class="cite" href="#source-{n:d}" aria-label="source {n:d}">[{n:d}]</a>'
            for n in numbers
        )
    )
