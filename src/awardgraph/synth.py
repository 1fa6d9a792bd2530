"""Write a synthetic catalogue that conforms to ontology/shapes.ttl: for tests and benchmarks.

Same style as data/*.trig: every statement sits in a named graph named after an
ag:Citation, and the citations and their web pages are described in the default graph.
IRIs are relative (``<award/x>``, no @base). The first file holds what the award types of
every file refer to (collections, periods, issuing bodies, events, places, a reference
book), so the files refer to each other as a real catalogue's do. No triple is stated in
two graphs. The output depends only on the arguments: the same seed writes the same bytes.

Nothing here is sourced: never write a synthetic catalogue into the real data directory.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TRIPLES_PER_SPECIMEN = 19.7
"""Measured on 56,000 specimens: a specimen with its mark and measurement (16.8), its
share of booklets, citations and award types (one per 200 specimens)."""
ROW = 5
"""Specimens per citation (one 'Serial number: ...' table row, as in data/labor-medals)."""
PAGE_BASE = "https://collector.example/awards/"

PREFIXES = """\
@prefix ag:          <https://awardgraph.example/ontology#> .
@prefix rdfs:        <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:        <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:     <http://purl.org/dc/terms/> .
@prefix xsd:         <http://www.w3.org/2001/XMLSchema#> .
@prefix award:       <award/> .
@prefix variant:     <variant/> .
@prefix specimen:    <specimen/> .
@prefix collection:  <collection/> .
@prefix count:       <awarding-count/> .
@prefix measurement: <measurement/> .
@prefix mark:        <mark/> .
@prefix document:    <document/> .
@prefix event:       <event/> .
@prefix period:      <period/> .
@prefix place:       <place/> .
@prefix org:         <organization/> .
@prefix person:      <person/> .
@prefix publication: <publication/> .
@prefix cite:        <citation/> .
"""
ADJECTIVES = ["Valiant", "Distinguished", "Heroic", "Selfless"]
ADJECTIVES += ["Honored", "Exemplary", "Outstanding", "Faithful"]
FIELDS = [
    *("Labor", "Service", "Defense", "Construction", "Mining", "Transport", "Agriculture"),
    *("Science", "Education", "Medicine", "Railways", "Aviation", "Fire Service", "Fishing"),
]
FEATURES = ["fastened with a screw post", "a pentagonal suspension", "a flat reverse"]
COLLECTIONS = ("kihnu", "private-a", "private-b", "museum-loan")
MATERIALS = ("silver", "bronze", "brass")
PERIOD = "period:up-to-1991"
USSR = "org:ussr"
BODIES = (
    ("presidium", "Presidium of the Supreme Soviet of the USSR", None),
    ("council-of-ministers", "Council of Ministers of the USSR", None),
    ("commissariat-of-defense", "People's Commissariat of Defense", 1946),
    ("ministry-of-railways", "Ministry of Railways of the USSR", None),
    ("trade-unions", "All-Union Central Council of Trade Unions", None),
)
"""Issuing bodies: (slug, name, the year it ceased to exist)."""
WAR = "event:great-patriotic-war"
ANNIVERSARIES = (20, 30, 40, 50, 60)
CONGRESSES = (18, 19, 20, 22, 24)


@dataclass(frozen=True)
class Summary:
    """What ``synthesize`` wrote."""

    files: tuple[Path, ...]
    triples: int
    specimens: int
    award_types: int


Pairs = list[tuple[str, str]]


def text(value: str) -> str:
    """An English literal (the generated words need no escapes)."""
    return f'"{value}"@en'


def year(value: int) -> str:
    return f'"{value}"^^xsd:gYear'


class Writer:
    """Turtle blocks grouped into citation graphs; counts the triples it writes."""

    def __init__(self) -> None:
        self.graphs: list[str] = []
        self.citations: list[str] = []
        self.pages: list[str] = []
        self.triples = 0

    def block(self, subject: str, pairs: Pairs) -> str:
        self.triples += len(pairs)
        body = " ;\n        ".join(f"{p} {o}" for p, o in pairs)
        return f"    {subject} {body} ."

    def page(self, slug: str, title: str) -> str:
        iri = f"<{PAGE_BASE}{slug}.html>"
        pairs = [("a", "ag:WebPage"), ("rdfs:label", text(title)), ("dcterms:title", text(title))]
        self.pages.append(self.block(iri, pairs).strip())
        return iri

    def graph(
        self, name: str, page: str, quote: str, blocks: list[str], cites: str | None = None
    ) -> None:
        self.graphs.append(f"cite:{name} {{\n" + "\n\n".join(blocks) + "\n}\n")
        pairs = [
            ("a", "ag:Citation"),
            ("rdfs:label", text(f"{name}, {quote.split(':')[0].lower()}")),
            ("dcterms:source", page),
            ("ag:quote", text(quote)),
        ]
        if cites:
            pairs.append(("ag:cites", cites))
        self.citations.append(self.block(f"cite:{name}", pairs).strip())

    def text(self, header: str) -> str:
        parts = [header, PREFIXES, *self.graphs, *self.pages, "", *self.citations, ""]
        return "\n".join(parts)


@dataclass(frozen=True)
class AwardType:
    index: int
    slug: str
    label: str
    kind: str
    established: int
    material: str
    variants: tuple[str, ...]


def award_type(w: Writer, rng: random.Random, index: int, specimens: int) -> None:
    """One award type with its variants, count, issuer, events and documents; then its
    specimens, by rows of a serial-number table."""
    kind = "medal" if index % 3 else "badge"
    name = f"{ADJECTIVES[index % len(ADJECTIVES)]} {FIELDS[index // len(ADJECTIVES) % 14]}"
    label = (f"Medal for {name}" if kind == "medal" else f"Badge of {name}") + (
        f", class {index // 112 + 1}" if index >= 112 else ""
    )
    slug = f"{kind}-{index:04d}"
    established = rng.randint(1918, 1985)
    material = rng.choice(MATERIALS)
    variants = tuple(f"variant:{slug}-{v}" for v in range(1 + index % 3))
    award = AwardType(index, slug, label, kind, established, material, variants)
    page = w.page(slug, label)
    w.graph(f"{slug}-type", page, f"{label}: established in {established}", described(w, award))
    w.graph(f"{slug}-made", page, f"{label}: {made_of(award)}", made(w, rng, award))
    w.graph(f"{slug}-count", page, f"{label}: {counted(award)}", awarding_count(w, rng, award))
    w.graph(
        f"{slug}-certificate",
        page,
        f"{label}: the award certificate of {established + 1}",
        [certificate(w, award)],
        cites="publication:guide",
    )
    serials = rng.sample(range(1, 10 * specimens + 1000), specimens)
    for row in range(0, specimens, ROW):
        blocks: list[str] = []
        for serial in serials[row : row + ROW]:
            blocks += specimen(w, rng, award, serial)
        numbers = " ".join(str(s) for s in serials[row : row + ROW])
        w.graph(f"{slug}-row-{row // ROW + 1}", page, f"Serial number: {numbers}", blocks)


def described(w: Writer, award: AwardType) -> list[str]:
    """The award type, who issues it, what it commemorates or where it is awarded."""
    issuer = BODIES[award.index % len(BODIES)][0]
    pairs: Pairs = [
        ("a", "ag:AwardType"),
        ("rdfs:label", text(award.label)),
        ("ag:kind", f"ag:{award.kind}"),
        ("ag:established", year(award.established)),
        ("ag:issuedBy", f"org:{issuer}"),
    ]
    if award.kind == "badge" and award.index % 2:
        pairs.append(("ag:awardedAt", f"event:congress-{CONGRESSES[award.index % 5]}"))
    elif award.index % 7 == 0:
        pairs.append(("ag:commemorates", f"event:ussr-{ANNIVERSARIES[award.index % 5]}th"))
    blocks = [w.block(f"award:{award.slug}", pairs)]
    for v, variant in enumerate(award.variants):
        variant_pairs: Pairs = [
            ("a", "ag:Variant"),
            ("rdfs:label", text(f"{award.label}, variant {v + 1}")),
            ("skos:broader", f"award:{award.slug}"),
            ("ag:distinguishingFeature", text(FEATURES[v])),
        ]
        blocks.append(w.block(variant, variant_pairs))
    return blocks


def made_of(award: AwardType) -> str:
    return f"made of {award.material}" + (", with its silver content" if silvery(award) else "")


def silvery(award: AwardType) -> bool:
    return award.material == "silver"


def made(w: Writer, rng: random.Random, award: AwardType) -> list[str]:
    """The material, and for silver awards the weight of their silver."""
    pairs: Pairs = [("ag:material", f"ag:{award.material}")]
    if not silvery(award):
        return [w.block(f"award:{award.slug}", pairs)]
    grams = rng.randint(90, 300) / 10
    weight = f"measurement:{award.slug}-silver-content"
    pairs.append(("ag:measurement", weight))
    measured: Pairs = [
        ("a", "ag:Measurement"),
        ("rdfs:label", text(f"{award.label}: {grams} grams of silver")),
        ("ag:measures", "ag:silverContent"),
        ("ag:value", str(grams)),
        ("ag:unit", "ag:gram"),
    ]
    return [w.block(f"award:{award.slug}", pairs), w.block(weight, measured)]


def counted(award: AwardType) -> str:
    return "tens of thousands awarded" if award.index % 5 == 0 else "awarded up to 1991"


def awarding_count(w: Writer, rng: random.Random, award: AwardType) -> list[str]:
    """A number with a qualifier and a period, or one in five only in words."""
    awarded = rng.randint(1, 2000) * 100
    count: Pairs = [("a", "ag:AwardingCount")]
    if award.index % 5:
        count += [("rdfs:label", text(f"{award.label}: about {awarded} awarded up to 1991"))]
        count += [("ag:count", str(awarded)), ("ag:qualifier", "ag:approximately")]
        count += [("ag:period", PERIOD)]
    else:
        words = "tens of thousands"
        count += [("rdfs:label", text(f"{award.label}: {words}")), ("ag:countText", text(words))]
    owner: Pairs = [("ag:awardingCount", f"count:{award.slug}")]
    return [w.block(f"award:{award.slug}", owner), w.block(f"count:{award.slug}", count)]


def certificate(w: Writer, award: AwardType) -> str:
    """The award type's certificate form (a document for the award type, with its year)."""
    pairs: Pairs = [
        ("a", "ag:Document"),
        ("rdfs:label", text(f"{award.label} certificate, {award.established + 1} version")),
        ("ag:documentType", "ag:awardCertificate"),
        ("ag:documentFor", f"award:{award.slug}"),
        ("ag:year", year(award.established + 1)),
    ]
    return w.block(f"document:{award.slug}-certificate", pairs)


def specimen(w: Writer, rng: random.Random, award: AwardType, serial: int) -> Iterator[str]:
    """A specimen with its serial-number mark, a thickness measurement, and for some a
    variant, a year of issue, its material, the war it was awarded during, a booklet."""
    iri = f"{award.slug}-{serial}"
    pairs: Pairs = [
        ("a", "ag:Specimen"),
        ("rdfs:label", text(f"{award.label} No. {serial}")),
        ("ag:specimenOf", f"award:{award.slug}"),
        ("ag:inCollection", f"collection:{rng.choice(COLLECTIONS)}"),
        ("ag:serialNumber", f'"{serial}"'),
        ("ag:mark", f"mark:{iri}-number"),
        ("ag:measurement", f"measurement:{iri}-thickness"),
    ]
    if rng.random() < 0.5:
        pairs.append(("ag:variant", rng.choice(award.variants)))
    issued = rng.randint(award.established, 1991)
    if rng.random() < 0.3:
        pairs.append(("ag:yearOfIssue", year(issued)))
    if rng.random() < 0.2:
        pairs.append(("ag:material", f"ag:{award.material}"))
    if 1941 <= issued <= 1945 and award.kind == "medal":
        pairs.append(("ag:awardedDuring", WAR))
    yield w.block(f"specimen:{iri}", pairs)
    yield serial_mark(w, f"mark:{iri}-number", f"No. {serial}: serial number", serial)
    size = rng.randint(80, 200) / 1000
    measured: Pairs = [
        ("a", "ag:Measurement"),
        ("rdfs:label", text(f"No. {serial}: {size} inch thick")),
        ("ag:measures", "ag:thickness"),
        ("ag:value", str(size)),
        ("ag:unit", "ag:inch"),
    ]
    yield w.block(f"measurement:{iri}-thickness", measured)
    if rng.random() < 0.15:
        booklet: Pairs = [
            ("a", "ag:Document"),
            ("rdfs:label", text(f"Document booklet of the {award.label} No. {serial}")),
            ("ag:documentType", "ag:documentBooklet"),
            ("ag:accompanies", f"specimen:{iri}"),
            ("ag:documentFor", f"award:{award.slug}"),
            ("ag:mark", f"mark:{iri}-booklet-number"),
        ]
        yield w.block(f"document:{iri}-booklet", booklet)
        label = f"No. {serial}: number written in the document booklet"
        yield serial_mark(w, f"mark:{iri}-booklet-number", label, serial, "ag:handwriting")


def serial_mark(w: Writer, iri: str, label: str, serial: int, technique: str = "") -> str:
    pairs: Pairs = [
        ("a", "ag:Mark"),
        ("rdfs:label", text(label)),
        ("ag:markType", "ag:serialNumberMark"),
        ("ag:text", f'"{serial}"'),
    ]
    if technique:
        pairs.append(("ag:technique", technique))
    return w.block(iri, pairs)


def shared(w: Writer) -> None:
    """What every file's award types refer to (first file only): collections, the
    period of the counts, the issuing bodies, events and their places, a reference book."""
    page = w.page("collections", "Collections")
    blocks = [
        w.block(f"collection:{c}", [("a", "ag:Collection"), ("rdfs:label", text(f"{c} coll."))])
        for c in COLLECTIONS
    ]
    period = [("a", "ag:Period"), ("rdfs:label", text("up to 1991")), ("ag:endYear", year(1991))]
    blocks.append(w.block(PERIOD, period))
    w.graph("collections", page, "Collections: the pieces shown here", blocks)

    page = w.page("bodies", "Issuing bodies")
    blocks = [w.block(USSR, [("a", "ag:Organization"), ("rdfs:label", text("USSR"))])]
    for slug, name, ended in BODIES:
        body: Pairs = [("a", "ag:Organization"), ("rdfs:label", text(name))]
        body.append(("ag:underAuthorityOf", USSR))
        if ended:
            body.append(("ag:endYear", year(ended)))
        blocks.append(w.block(f"org:{slug}", body))
    w.graph("bodies", page, "Issuing bodies: who conferred the awards", blocks)

    page = w.page("events", "Events")
    war = [("a", "ag:Event"), ("rdfs:label", text("Great Patriotic War"))]
    blocks = [w.block(WAR, war)]
    for n in ANNIVERSARIES:
        anniversary: Pairs = [
            ("a", "ag:Event"),
            ("rdfs:label", text(f"{n}th anniversary of the USSR")),
            ("ag:year", year(1922 + n)),
            ("ag:anniversaryOf", USSR),
            ("ag:ordinal", str(n)),
        ]
        blocks.append(w.block(f"event:ussr-{n}th", anniversary))
    blocks.append(w.block("place:moscow", [("a", "ag:Place"), ("rdfs:label", text("Moscow"))]))
    party: Pairs = [("a", "ag:Organization"), ("rdfs:label", text("Communist Party"))]
    blocks.append(w.block("org:communist-party", party))
    for n in CONGRESSES:
        congress: Pairs = [
            ("a", "ag:Event"),
            ("rdfs:label", text(f"{n}th Congress of the Communist Party")),
            ("ag:organizer", "org:communist-party"),
            ("ag:place", "place:moscow"),
        ]
        blocks.append(w.block(f"event:congress-{n}", congress))
    w.graph("events", page, "Events: wars, anniversaries and congresses", blocks)

    page = w.page("sources", "Sources")
    book: Pairs = [
        ("a", "ag:Publication"),
        ("rdfs:label", text("A Guide to Soviet Awards")),
        ("dcterms:title", text("A Guide to Soviet Awards")),
        ("ag:author", "person:compiler"),
    ]
    person: Pairs = [("a", "ag:Person"), ("rdfs:label", text("The Compiler"))]
    blocks = [w.block("publication:guide", book), w.block("person:compiler", person)]
    w.graph("sources", page, "Sources: the reference book these pages cite", blocks)


def award_types_for(specimens: int) -> int:
    return max(6, min(400, specimens // 200))


def synthesize(specimens: int, out: Path, files: int = 1, seed: int = 1941) -> Summary:
    """Write ``files`` TriG files into ``out`` with ``specimens`` specimens in all."""
    if specimens < 0 or files < 1:
        raise ValueError("specimens must be >= 0 and files >= 1")
    rng = random.Random(seed)
    types = award_types_for(specimens)
    weights = [rng.randint(1, 10) for _ in range(types)]
    per_type = Counter(rng.choices(range(types), weights, k=specimens))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    triples = 0
    for f in range(files):
        w = Writer()
        if f == 0:
            shared(w)
        for index in range(f, types, files):
            award_type(w, rng, index, per_type[index])
        path = out / f"catalogue-{f + 1:02d}.trig"
        header = f"# Synthetic catalogue written by awardgraph synth (seed {seed}, file {f + 1})."
        path.write_text(w.text(header), encoding="utf-8")
        written.append(path)
        triples += w.triples
    return Summary(tuple(written), triples, specimens, types)


def specimens_for(triples: int) -> int:
    """How many specimens give about ``triples`` triples."""
    return max(1, round(triples / TRIPLES_PER_SPECIMEN))
