"""The dataset described in VoID (https://www.w3.org/TR/void/) and DCAT 3
(https://www.w3.org/TR/vocab-dcat-3/): one value, ``Facts``, rendered as triples here and
as a page by ``templates/void.html``.

Checksums are in SPDX terms (``spdx:checksum``), as DCAT 3 does; a gzipped dump is a
distribution of the same media type with ``dcat:compressFormat`` application/gzip.
The URLs (the endpoint, the dumps) are the serving host's, given in ``Urls``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from awardgraph.catalogue import Catalogue
from awardgraph.dumps import Manifest
from awardgraph.formats import GRAPH_FORMATS
from awardgraph.namespaces import PREFIXES, XSD
from awardgraph.queries import load_queries
from awardgraph.stats import STATS_DIR
from awardgraph.web.links import page_queries

TITLE = "awardgraph: a collector's catalogue of Soviet awards"
DESCRIPTION = (
    "Soviet award types, their variants and specimens, with the organizations, events, "
    "people, places and documents around them; every statement cites the sentence of the "
    "source page it comes from."
)
KEYWORDS = ("Soviet awards", "medals", "orders", "badges", "phaleristics")
FORMAT_TITLES = {f.name: f.title for f in GRAPH_FORMATS.values()}
VOID_DUMP = "awardgraph.nt.gz"
"""The one file given as ``void:dataDump``: several values would say the dataset is
split across them, while the dumps are the same data in other formats."""

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
PREFIXES_USED = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX, "foaf": FOAF}
_RDF_TYPE = PREFIXES["rdf"] + "type"


@dataclass(frozen=True)
class ClassPartition:
    iri: str
    entities: int
    triples: int


@dataclass(frozen=True)
class Facts:
    """What the description says that does not depend on the host serving it."""

    triples: int
    classes: tuple[ClassPartition, ...]
    sources: tuple[str, ...]
    vocabularies: tuple[str, ...]
    example: str | None
    entities: tuple[str, ...]
    """Every IRI under the base that a statement describes, sorted (for the sitemap)."""


@dataclass(frozen=True)
class Urls:
    """Where the dataset, its pages, its endpoint and its files are on the serving host."""

    dataset: str
    home: str
    endpoint: str
    dumps: str
    download: Callable[[str], str]
    """The URL of a dump file, by name."""


def gather(catalogue: Catalogue) -> Facts:
    """Count and list what the description says, with one query each."""
    store, base = catalogue.store, catalogue.config.base_iri
    queries = page_queries()
    bind = {"base": ox.Literal(base)}
    classes = tuple(
        ClassPartition(str(c), int(str(n)), int(str(t)))
        for c, n, t in store.query(load_queries(STATS_DIR)["classes"].text).rows
    )
    terms = {str(t) for (t,) in store.query(queries["dataset-terms"].text).rows}
    found = store.query(queries["dataset-example"].text, bind).rows
    entities = store.query(queries["dataset-entities"].text, bind).rows
    return Facts(
        triples=catalogue.triples,
        classes=classes,
        sources=tuple(str(s) for (s,) in store.query(queries["dataset-sources"].text).rows),
        vocabularies=tuple(sorted({namespace(t) for t in terms})),
        example=str(found[0][0]) if found else None,
        entities=tuple(sorted(str(row[0]) for row in entities)),
    )


def namespace(term: str) -> str:
    """A term's vocabulary: the longest known namespace, else up to the last ``#`` or ``/``."""
    known = [ns for ns in PREFIXES.values() if term.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[: cut + 1] if cut > 0 else term


def anchor(file_name: str) -> str:
    """The id of a file's row on /dumps and of its distribution (``ttl-gz``)."""
    return file_name.removeprefix("awardgraph.").replace(".", "-")


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_iri(XSD + datatype))


Subject = ox.NamedNode | ox.BlankNode


class _Triples:
    """Triples kept together by subject, so that Turtle writes each subject once."""

    def __init__(self) -> None:
        self._by_subject: dict[Subject, list[ox.Triple]] = {}

    def add(self, subject: Subject, predicate: str, value: Subject | ox.Literal) -> None:
        triple = ox.Triple(subject, _iri(predicate), value)
        self._by_subject.setdefault(subject, []).append(triple)

    def all(self) -> list[ox.Triple]:
        return [t for triples in self._by_subject.values() for t in triples]


def describe(
    facts: Facts, manifest: Manifest, urls: Urls, *, base_iri: str, license: str
) -> list[ox.Triple]:
    """The dataset, its class partitions, its SPARQL service and its distributions."""
    out = _Triples()
    dataset = _iri(urls.dataset)
    modified = _typed(w3c_date(manifest.modified), "dateTime")
    out.add(dataset, _RDF_TYPE, _iri(VOID + "Dataset"))
    out.add(dataset, _RDF_TYPE, _iri(DCAT + "Dataset"))
    out.add(dataset, DCTERMS + "title", ox.Literal(TITLE, language="en"))
    out.add(dataset, DCTERMS + "description", ox.Literal(DESCRIPTION, language="en"))
    out.add(dataset, DCTERMS + "license", _iri(license))
    out.add(dataset, DCTERMS + "modified", modified)
    for keyword in KEYWORDS:
        out.add(dataset, DCAT + "keyword", ox.Literal(keyword, language="en"))
    out.add(dataset, FOAF + "homepage", _iri(urls.home))
    out.add(dataset, DCAT + "landingPage", _iri(urls.home))
    for source in facts.sources:
        out.add(dataset, DCTERMS + "source", _iri(source))
    out.add(dataset, VOID + "triples", _typed(facts.triples, "integer"))
    out.add(dataset, VOID + "classes", _typed(len(facts.classes), "integer"))
    out.add(dataset, VOID + "uriSpace", ox.Literal(base_iri))
    for vocabulary in facts.vocabularies:
        out.add(dataset, VOID + "vocabulary", _iri(vocabulary))
    if facts.example:
        out.add(dataset, VOID + "exampleResource", _iri(facts.example))
    for c in facts.classes:
        partition = ox.BlankNode()
        out.add(dataset, VOID + "classPartition", partition)
        out.add(partition, VOID + "class", _iri(c.iri))
        out.add(partition, VOID + "entities", _typed(c.entities, "integer"))
        out.add(partition, VOID + "triples", _typed(c.triples, "integer"))

    endpoint = _iri(urls.endpoint)
    out.add(dataset, VOID + "sparqlEndpoint", endpoint)
    out.add(dataset, DCAT + "accessService", endpoint)
    out.add(endpoint, _RDF_TYPE, _iri(DCAT + "DataService"))
    out.add(endpoint, DCTERMS + "title", ox.Literal("SPARQL endpoint", language="en"))
    out.add(endpoint, DCAT + "endpointURL", endpoint)
    out.add(endpoint, DCAT + "servesDataset", dataset)
    out.add(endpoint, DCTERMS + "conformsTo", _iri(SPARQL_PROTOCOL))

    for w3c in sorted({f.w3c for f in GRAPH_FORMATS.values() if f.w3c}):
        out.add(dataset, VOID + "feature", _iri(w3c))
    if manifest.file(VOID_DUMP):
        out.add(dataset, VOID + "dataDump", _iri(urls.download(VOID_DUMP)))
    for file in manifest.files:
        download = _iri(urls.download(file.name))
        distribution = _iri(f"{urls.dumps}#{anchor(file.name)}")
        title = FORMAT_TITLES[file.format] + (", gzipped" if file.encoding else "")
        out.add(dataset, DCAT + "distribution", distribution)
        out.add(distribution, _RDF_TYPE, _iri(DCAT + "Distribution"))
        out.add(distribution, DCTERMS + "title", ox.Literal(title, language="en"))
        out.add(distribution, DCAT + "accessURL", _iri(urls.dumps))
        out.add(distribution, DCAT + "downloadURL", download)
        out.add(distribution, DCAT + "mediaType", _iri(IANA + file.media_type))
        if file.graph_format.w3c:
            out.add(distribution, DCTERMS + "format", _iri(file.graph_format.w3c))
        if file.encoding == "gzip":
            out.add(distribution, DCAT + "compressFormat", _iri(IANA + file.served_as))
        out.add(distribution, DCAT + "byteSize", _typed(file.bytes, "nonNegativeInteger"))
        checksum = ox.BlankNode()
        out.add(distribution, SPDX + "checksum", checksum)
        out.add(checksum, _RDF_TYPE, _iri(SPDX + "Checksum"))
        out.add(checksum, SPDX + "algorithm", _iri(SPDX + "checksumAlgorithm_sha256"))
        out.add(checksum, SPDX + "checksumValue", _typed(file.sha256, "hexBinary"))
        out.add(distribution, DCTERMS + "license", _iri(license))
        out.add(distribution, DCTERMS + "modified", modified)
    return out.all()


def serialize(triples: list[ox.Triple], format_name: str) -> bytes:
    fmt = GRAPH_FORMATS[format_name].oxigraph
    assert isinstance(fmt, ox.RdfFormat)
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES_USED) or b""


def w3c_date(seconds: float) -> str:
    """A time as W3C Datetime (ISO 8601, UTC), as sitemaps and xsd:dateTime write it."""
    return datetime.fromtimestamp(int(seconds), UTC).isoformat().replace("+00:00", "Z")
